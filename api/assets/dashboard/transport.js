// Transport: automatic persisted queries (Apollo APQ) over POST /graphql.

const GRAPHQL_ENDPOINT = '/graphql';
export const LIVE_ENDPOINT = '/graphql/ws';

/** The hex SHA-256 of a query's text: its persisted-query id. */
async function sha256Hex(text) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/**
 * Runs one GraphQL operation and returns its `data`.
 *
 * First sends only the query's hash; the server answers from the queries it has seen. If it has
 * not seen this one (`PERSISTED_QUERY_NOT_FOUND`), sends the hash with the text, which the
 * server then keeps, so later requests are small. Throws on any GraphQL error.
 */
export async function graphql(query, variables = {}) {
  // crypto.subtle exists only in secure contexts (https, or http on 127.0.0.1 / localhost):
  // elsewhere the query is simply sent in full.
  if (!globalThis.crypto?.subtle) return dataOf(await post({ query, variables }));

  const extensions = { persistedQuery: { version: 1, sha256Hash: await sha256Hex(query) } };
  let answer = await post({ extensions, variables });
  const first = answer.errors?.[0];
  if (first?.extensions?.code === 'PERSISTED_QUERY_NOT_FOUND'
      || first?.message === 'PersistedQueryNotFound') {
    answer = await post({ query, extensions, variables });
  }
  return dataOf(answer);
}

/** POSTs a GraphQL request and returns the decoded answer (errors included). */
async function post(body) {
  const response = await fetch(GRAPHQL_ENDPOINT, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json, application/json',
    },
    body: JSON.stringify(body),
  });
  // GraphQL over HTTP answers a request that cannot run with a 4xx and a JSON body of errors:
  // read the body whatever the status, as long as it is JSON.
  if (!(response.headers.get('content-type') ?? '').includes('json')) {
    throw new Error(`HTTP ${response.status}`);
  }
  return response.json();
}

/** The `data` of an answer, or an Error carrying its first error's message and code. */
function dataOf(answer) {
  if (answer.errors?.length) {
    const [first] = answer.errors;
    const error = new Error(first.message);
    error.code = first.extensions?.code;
    throw error;
  }
  return answer.data;
}

/** Every node of a connection, following `pageInfo.endCursor` (at most `maxPages` pages). */
export async function allNodes(query, variables, field, maxPages = 50) {
  const nodes = [];
  let after = null;
  for (let page = 0; page < maxPages; page += 1) {
    const connection = (await graphql(query, { ...variables, after }))[field];
    nodes.push(...connection.nodes);
    if (!connection.pageInfo.hasNextPage) break;
    after = connection.pageInfo.endCursor;
  }
  return nodes;
}
