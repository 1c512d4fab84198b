// The graphql-http server audit (GraphQL-over-HTTP: 61 MUST/SHOULD/MAY rules) against a running csrgraph.
// Usage: node graphql-http-audit.mjs URL TOKEN [--by-id]
// Every request carries the bearer token. With --by-id, each request whose document is registered (the valid
// documents the audit sends) names it by documentId instead of sending its text: the fast path is audited.
import { createHash } from 'node:crypto';
import { auditServer } from 'graphql-http';

const [url, token, mode] = process.argv.slice(2);
const REGISTERED = [
  '{ __typename }',
  'mutation { __typename }',
  'query Query { __typename }',
  'query Type($name: String!) { __type(name: $name) { name } }',
  '{ __type(name: "Run🏃Swim🏊") { name } }',
];
const ids = new Map(REGISTERED.map((text) => [text, 'sha256:' + createHash('sha256').update(text, 'utf8').digest('hex')]));
let named = 0;

function byId(input, init) {
  if (mode !== '--by-id') return [input, init];
  const target = new URL(String(input));
  if (ids.has(target.searchParams.get('query'))) {
    target.searchParams.set('documentId', ids.get(target.searchParams.get('query')));
    target.searchParams.delete('query');
    named += 1;
    return [target.toString(), init];
  }
  if (typeof init?.body === 'string') {
    try {
      const body = JSON.parse(init.body);
      if (body && ids.has(body.query)) {
        const { query, ...rest } = body;
        named += 1;
        return [input, { ...init, body: JSON.stringify({ documentId: ids.get(query), ...rest }) }];
      }
    } catch { /* not JSON: the audit sends it as it is */ }
  }
  return [input, init];
}

async function fetchFn(input, init = {}) {
  const [target, options] = byId(input, init);
  const headers = new Headers(options.headers || {});
  headers.set('authorization', `Bearer ${token}`);
  return fetch(target, { ...options, headers });
}

const results = await auditServer({ url, fetchFn });
const counts = {};
for (const result of results) {
  counts[result.status] = (counts[result.status] || 0) + 1;
  if (result.status !== 'ok') console.log(result.status, result.id, result.name, String(result.reason ?? ''));
}
console.log(`graphql-http audit: ${results.length} audits, ${JSON.stringify(counts)}` +
            (mode === '--by-id' ? `, ${named} requests named their document by documentId` : ''));
process.exit(results.every((r) => r.status === 'ok') ? 0 : 1);
