// The normalized-cache configuration a front end needs for this API, derived from the SDL so it
// cannot drift: objects with an `id` (every `Node`) are normalized by it without configuration;
// the object types without one are values of the object holding them; connection fields page
// with Relay-style pagination, keyed by their arguments other than `first` and `after`.
import { readFileSync } from 'node:fs';
import { buildSchema, getNamedType, introspectionFromSchema, isObjectType } from 'graphql';
import { relayStylePagination } from '@apollo/client/utilities';
import { relayPagination } from '@urql/exchange-graphcache/extras';

/** What the schema says a cache needs to know. */
export function describe(sdlPath) {
  const schema = buildSchema(readFileSync(sdlPath, 'utf8'));
  const roots = new Set(['Query', 'Mutation', 'Subscription']);
  const objects = Object.values(schema.getTypeMap()).filter(
    (type) => isObjectType(type) && !type.name.startsWith('__') && !roots.has(type.name),
  );
  const keyless = objects.filter((type) => !type.getFields().id).map((type) => type.name);
  const connections = [];
  for (const parent of [schema.getQueryType(), ...objects]) {
    for (const field of Object.values(parent.getFields())) {
      if (getNamedType(field.type).name.endsWith('Connection')) {
        const keyArgs = field.args.map((arg) => arg.name).filter((name) => !['first', 'after'].includes(name));
        connections.push({ parent: parent.name, field: field.name, keyArgs });
      }
    }
  }
  return { schema, keyless, connections, introspection: introspectionFromSchema(schema) };
}

/**
 * Apollo's `relayStylePagination` keeps `edges` and `pageInfo` in order across pages but treats
 * any other field of the connection (`nodes`, `totalCount`) as a value of the last page: a walk
 * selecting `nodes` would lose the earlier pages. This policy appends `nodes` the way the
 * edges are appended (after the page whose end cursor is `after`).
 */
export function relayStylePaginationWithNodes(keyArgs) {
  const relay = relayStylePagination(keyArgs);
  return {
    ...relay,
    merge(existing, incoming, options) {
      const merged = relay.merge(existing, incoming, options);
      if (incoming?.nodes && options.args?.after && existing?.nodes) {
        merged.nodes = [...existing.nodes, ...incoming.nodes];
      }
      return merged;
    },
  };
}

/** Apollo Client's `InMemoryCache` options. */
export function apolloTypePolicies({ keyless, connections }) {
  const typePolicies = {};
  for (const name of keyless) typePolicies[name] = { merge: true };
  for (const { parent, field, keyArgs } of connections) {
    typePolicies[parent] ??= {};
    typePolicies[parent].fields ??= {};
    typePolicies[parent].fields[field] = relayStylePaginationWithNodes(keyArgs);
  }
  return typePolicies;
}

/** urql Graphcache's options. */
export function graphcacheOptions({ keyless, connections, introspection }) {
  const keys = Object.fromEntries(keyless.map((name) => [name, () => null]));
  const resolvers = {};
  for (const { parent, field } of connections) {
    resolvers[parent] ??= {};
    resolvers[parent][field] = relayPagination();
  }
  return { schema: introspection, keys, resolvers };
}
