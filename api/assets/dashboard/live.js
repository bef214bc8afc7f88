// Live updates: graphql-transport-ws on /graphql/ws.

import { $ } from './state.js';
import { t } from './words.js';
import { LIVE_ENDPOINT } from './transport.js';
import { LIVE_SUBSCRIPTION } from './queries.js';

/** Shows the connection's state (and, while reconnecting, the wait) in `live-status`. */
export function setLive(status, seconds = liveSeconds) {
  liveSeconds = seconds;
  const node = $('live-status');
  node.dataset.state = status;
  node.textContent = t('live')[status].replace('{s}', String(seconds ?? ''));
}
let liveSeconds = null;

/**
 * Keeps one subscription to `resultsChanged` open. Protocol: connection_init → connection_ack →
 * subscribe; each `next` calls `onChange`, `ping` is answered with `pong`. On close
 * it reconnects after 1, 2, 4 ... 30 s, and refreshes once reconnected, in case it missed events.
 */
export function connectLive(onChange) {
  let attempt = 0;
  let everConnected = false;

  const open = () => {
    setLive('connecting');
    const url = new URL(LIVE_ENDPOINT, location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(url, 'graphql-transport-ws');
    const send = (message) => socket.send(JSON.stringify(message));

    socket.addEventListener('open', () => send({ type: 'connection_init' }));
    socket.addEventListener('message', (event) => {
      const message = JSON.parse(event.data);
      switch (message.type) {
        case 'connection_ack':
          attempt = 0;
          setLive('connected');
          send({ id: '1', type: 'subscribe', payload: { query: LIVE_SUBSCRIPTION } });
          if (everConnected) onChange();
          everConnected = true;
          break;
        case 'next':
          onChange();
          break;
        case 'ping':
          send({ type: 'pong' });
          break;
        case 'error':
          console.warn('subscription refused', message.payload);
          break;
        case 'complete':
          socket.close(); // the server ended it: start again
          break;
        default:
          break;
      }
    });
    socket.addEventListener('close', () => {
      const seconds = Math.min(30, 2 ** attempt);
      attempt += 1;
      setLive('reconnecting', seconds);
      setTimeout(open, seconds * 1000);
    });
  };
  open();
}
