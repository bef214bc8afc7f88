// Apollo Client 4 (InMemoryCache) and urql (Graphcache) against a started server:
//   node clients.test.mjs http://127.0.0.1:PORT EDITOR_TOKEN
// Every query of the README and of the API contract runs through both; each answer read back
// from the cache must equal the server's own answer; a Relay-style walk over a ranking (with
// `edges`, then with `nodes`) must leave the whole ranking in the cache; a mutation and a
// subscription (graphql-ws) must work; and neither client may print a single warning or error.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

// Every console warning or error of a client fails the run. Apollo prints its development
// warnings only with __DEV__ set.
const printed = [];
let echo = true;
for (const level of ['warn', 'error']) {
  const original = console[level].bind(console);
  console[level] = (...args) => {
    printed.push(`${level}: ${args.map(String).join(' ')}`);
    if (echo) original(...args);
  };
}
globalThis.__DEV__ = true;
const { loadDevMessages, loadErrorMessages } = await import('@apollo/client/dev');
loadDevMessages();
loadErrorMessages();

const { ApolloClient, HttpLink, InMemoryCache, split, gql } = await import('@apollo/client');
const { GraphQLWsLink } = await import('@apollo/client/link/subscriptions');
const { getMainDefinition } = await import('@apollo/client/utilities');
const { Client, fetchExchange, subscriptionExchange } = await import('@urql/core');
const { cacheExchange } = await import('@urql/exchange-graphcache');
const { createClient: createWsClient } = await import('graphql-ws');
const { default: WebSocket } = await import('ws');
const { parse, print, visit, Kind } = await import('graphql');
const { describe, apolloTypePolicies, graphcacheOptions } = await import('./cache-config.mjs');
const ops = await import('./operations.mjs');

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const [base, token] = process.argv.slice(2);
assert.ok(base && token, 'usage: node clients.test.mjs BASE_URL EDITOR_TOKEN');
const url = `${base}/graphql`;
const wsUrl = `${url.replace(/^http/, 'ws')}/ws`;
const headers = { authorization: `Bearer ${token}` };
const config = describe(path.join(root, 'api/schema.graphql'));

/** The document with `__typename` in every selection below the root, as both clients send it. */
function withTypename(query) {
  let depth = 0;
  return print(
    visit(parse(query), {
      SelectionSet: {
        enter(node) {
          depth += 1;
          if (depth === 1 || node.selections.some((s) => s.kind === Kind.FIELD && s.name.value === '__typename')) {
            return undefined;
          }
          return { ...node, selections: [...node.selections, { kind: Kind.FIELD, name: { kind: Kind.NAME, value: '__typename' } }] };
        },
        leave() {
          depth -= 1;
        },
      },
      OperationDefinition: { enter() { depth = 0; } },
      FragmentDefinition: { enter() { depth = 1; } },
    }),
  );
}

/** The server's own answer, fetched without any client. */
async function serverAnswer(query, variables = {}) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ query: withTypename(query), variables }),
  });
  const answer = await response.json();
  assert.equal(answer.errors, undefined, `server errors for ${query}: ${JSON.stringify(answer.errors)}`);
  return plain(answer.data);
}

/** A plain copy (the clients freeze and share objects), without the `__typename` fields a
 * client may add or keep to itself: answers compare by their data. */
const plain = (value) =>
  JSON.parse(JSON.stringify(value, (key, field) => (key === '__typename' ? undefined : field)));

function apolloClient() {
  const wsClient = createWsClient({ url: wsUrl, webSocketImpl: WebSocket, lazy: true });
  const link = split(
    ({ query }) => {
      const definition = getMainDefinition(query);
      return definition.kind === 'OperationDefinition' && definition.operation === 'subscription';
    },
    new GraphQLWsLink(wsClient),
    new HttpLink({ uri: url, headers }),
  );
  const cache = new InMemoryCache({ typePolicies: apolloTypePolicies(config) });
  return { client: new ApolloClient({ link, cache }), wsClient };
}

function urqlClient() {
  const wsClient = createWsClient({ url: wsUrl, webSocketImpl: WebSocket, lazy: true });
  const client = new Client({
    url,
    fetchOptions: { headers },
    exchanges: [
      cacheExchange(graphcacheOptions(config)),
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' };
          return { subscribe: (sink) => ({ unsubscribe: wsClient.subscribe(input, sink) }) };
        },
      }),
    ],
  });
  return { client, wsClient };
}

/** The two clients, behind one interface. */
const clients = {
  apollo: (() => {
    const { client, wsClient } = apolloClient();
    return {
      wsClient,
      async query(query, variables) {
        const { data, error } = await client.query({ query: gql(query), variables, fetchPolicy: 'network-only' });
        assert.equal(error, undefined, String(error));
        return data;
      },
      read: (query, variables) => client.readQuery({ query: gql(query), variables }),
      async mutate(mutation, variables) {
        const { data, error } = await client.mutate({ mutation: gql(mutation), variables });
        assert.equal(error, undefined, String(error));
        return data;
      },
      subscribe(subscription, next) {
        const subscribed = client.subscribe({ query: gql(subscription) }).subscribe({ next: ({ data }) => next(data) });
        return () => subscribed.unsubscribe();
      },
    };
  })(),
  urql: (() => {
    const { client, wsClient } = urqlClient();
    return {
      wsClient,
      async query(query, variables) {
        const { data, error } = await client.query(query, variables, { requestPolicy: 'network-only' }).toPromise();
        assert.equal(error, undefined, String(error));
        return data;
      },
      async read(query, variables) {
        const { data, error, stale } = await client.query(query, variables, { requestPolicy: 'cache-only' }).toPromise();
        assert.equal(error, undefined, String(error));
        assert.ok(!stale, 'a complete answer from the cache');
        return data;
      },
      async mutate(mutation, variables) {
        const { data, error } = await client.mutation(mutation, variables).toPromise();
        assert.equal(error, undefined, String(error));
        return data;
      },
      subscribe(subscription, next) {
        const { unsubscribe } = client.subscription(subscription, {}).subscribe(({ data }) => data && next(data));
        return unsubscribe;
      },
    };
  })(),
};

let checks = 0;

// 1. Every query: the client's answer and the answer read back from its cache are the server's.
const queries = [...ops.readmeQueries(path.join(root, 'README.md')), ...ops.CONTRACT];
for (const { name, query, variables = {} } of queries) {
  const expected = await serverAnswer(query, variables);
  for (const [clientName, client] of Object.entries(clients)) {
    const answered = await client.query(query, variables);
    assert.deepEqual(plain(answered), expected, `${clientName}: ${name} as answered`);
    const read = await client.read(query, variables);
    assert.deepEqual(plain(read), expected, `${clientName}: ${name} read back from the cache`);
    checks += 2;
  }
}
// Global ids from those answers find the same objects again, through the clients too.
{
  const ranking = await serverAnswer(ops.CONTRACT.find((op) => op.name === 'Ranking').query, { year: 2020, tier: 'DISTRICT' });
  const ids = ranking.ranking.nodes.slice(0, 3).map((node) => node.id);
  const query = 'query Nodes($ids: [ID!]!) { nodes(ids: $ids) { id ... on Result { rank ratePercent agency { id code } } } }';
  const expected = await serverAnswer(query, { ids });
  assert.deepEqual(expected.nodes.map((node) => node.id), ids);
  for (const [clientName, client] of Object.entries(clients)) {
    assert.deepEqual(plain(await client.query(query, { ids })), expected, `${clientName}: nodes`);
    assert.deepEqual(plain(await client.read(query, { ids })), expected, `${clientName}: nodes read back`);
    checks += 2;
  }
}

// 2. A Relay-style walk over a ranking, with edges and with nodes: the pages add up in the cache.
for (const selection of ['edges', 'nodes']) {
  const query = ops.rankingWalk(selection);
  const pages = [];
  for (let after = null; ;) {
    const page = (await serverAnswer(query, { after })).ranking;
    pages.push(page);
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  assert.ok(pages.length >= 3, `the walk takes ${pages.length} pages`);
  const all = pages.flatMap((page) => page[selection]);
  assert.equal(all.length, pages[0].totalCount);
  for (const [clientName, client] of Object.entries(clients)) {
    // Page after page, each after the end cursor of the one before (fetchMore's way).
    for (let i = 0; i < pages.length; i += 1) {
      await client.query(query, { after: i === 0 ? null : pages[i - 1].pageInfo.endCursor });
    }
    const walked = plain((await client.read(query, { after: null })).ranking);
    assert.deepEqual(walked[selection].map((n) => n.id ?? n.node.id), all.map((n) => n.id ?? n.node.id), `${clientName}: the ${selection} walk ids`);
    assert.deepEqual(walked[selection], all, `${clientName}: the ${selection} walk holds every page in order`);
    assert.equal(walked.pageInfo.hasNextPage, false, `${clientName}: the ${selection} walk ended`);
    assert.equal(walked.pageInfo.endCursor, pages.at(-1).pageInfo.endCursor);
    checks += 3;
  }
}

// 3. A subscription (graphql-ws) in each client, and mutations: a decision, a correction that
// both subscriptions hear of, and a refused import that answers in its payload.
{
  const heard = { apollo: [], urql: [] };
  const stops = Object.entries(clients).map(([clientName, client]) =>
    client.subscribe(ops.SUBSCRIPTION, (data) => heard[clientName].push(data.resultsChanged)),
  );
  await new Promise((resolve) => setTimeout(resolve, 500));
  const published = await clients.urql.mutate(ops.PUBLISH, {
    input: { number: '15/QĐ-UBND', amends: '3402/QĐ-UBND', issuedOn: '2021-01-15' },
  });
  assert.deepEqual(published.publishDecision.errors, []);
  assert.equal(published.publishDecision.decision.amends.number, '3402/QĐ-UBND');
  const amended = await clients.apollo.mutate(ops.AMEND, {
    input: {
      decision: '15/QĐ-UBND', year: 2020, tier: 'DISTRICT',
      results: [{ agency: 'UBND huyện A Lưới', publishedRatePercent: '81.97' }],
    },
  });
  assert.deepEqual(amended.amendResults.errors, []);
  assert.equal(amended.amendResults.results[0].published.ratePercent, '81.97');
  const refused = await clients.apollo.mutate(ops.IMPORT, {
    input: { content: 'year,tier\n2020,nowhere\n', decision: '15/QĐ-UBND' },
  });
  assert.equal(refused.importResults.report, null);
  assert.ok(refused.importResults.errors.length > 0, 'the refusal is in the payload');
  assert.ok(refused.importResults.errors.every((e) => e.code === 'BAD_USER_INPUT'), JSON.stringify(refused));
  // (A write by another process, such as the command line's before, is announced as EXTERNAL.)
  const amendment = (events) => events.find((event) => event.action === 'AMEND_RESULTS');
  for (let i = 0; i < 50 && !(amendment(heard.apollo) && amendment(heard.urql)); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const [clientName, events] of Object.entries(heard)) {
    assert.deepEqual(
      plain(amendment(events)),
      { year: 2020, tier: 'DISTRICT', index: 'cqdt-results', action: 'AMEND_RESULTS' },
      `${clientName} heard the amendment`,
    );
  }
  // The corrected result is one object in the cache: the ranking read back shows it.
  const ranking = ops.CONTRACT.find((op) => op.name === 'Ranking');
  const read = plain(clients.apollo.read(ranking.query, ranking.variables));
  const aLuoi = read.ranking.edges.map((edge) => edge.node).find((node) => node.agency.code === 'ubnd-huyen-a-luoi');
  assert.equal(aLuoi.published.ratePercent, '81.97', 'the mutation updated the normalized result');
  stops.forEach((stop) => stop());
  checks += 8;
}
await Promise.all(Object.values(clients).map((client) => client.wsClient.dispose()));

// 4. The checks above could fail: each client warns, and is caught, where a cache is misused.
assert.deepEqual(printed, [], `client warnings or errors:\n${printed.join('\n')}`);
echo = false;
{
  const misused = new InMemoryCache();
  misused.writeQuery({ query: gql('{ a { b } }'), data: { a: { __typename: 'A' } } });
  const urql = new Client({
    url,
    exchanges: [cacheExchange({ schema: config.introspection }), fetchExchange],
  });
  await urql.query('{ yearSummary(year: 2020, tier: DISTRICT) { id levelCounts { count } } }', {}).toPromise();
  assert.ok(printed.some((line) => line.includes('Missing field')), `Apollo's warning is seen: ${printed}`);
  assert.ok(printed.some((line) => line.includes('LevelCount')), `Graphcache's warning is seen: ${printed}`);
}
console.log(`clients: ${queries.length} queries, ${checks} checks, Apollo Client and urql Graphcache without a warning`);
