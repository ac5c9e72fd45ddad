/**
 * The WorkDocs API under /api/v1/: route, count, authenticate, apply faults, run the operation, reply JSON.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ServiceError } from '../errors.js';
import { decodeSegment, parseQuery, planBody, readBody, sendJson, sendServiceError, type RawUrl } from '../http-io.js';
import { matchRoute, operations, type OperationContext } from '../operations.js';
import { checkAuth } from '../sigv4.js';
import type { EmulatorState } from '../state.js';
import type { DocRec, VersionRec } from '../store.js';

export async function handleApi(state: EmulatorState, req: IncomingMessage, res: ServerResponse, url: RawUrl): Promise<void> {
  const method = req.method ?? 'GET';
  const route = matchRoute(method, url.path.split('/').slice(1).map(decodeSegment));
  const body = await readBody(req);
  if (!route) return sendServiceError(res, new ServiceError(404, 'UnknownOperationException', `No operation matches ${method} ${url.path}`));
  state.count(route.op);
  try {
    // Every emulated operation also accepts a user's `Authentication` token instead of SigV4.
    checkAuth(method, url.url, req.headers, body, state.options.credentials, true);
  } catch (e) {
    state.counters.authFailures++;
    return sendServiceError(res, e as ServiceError);
  }
  const seq = state.nextRequest();
  const faults = await state.applyFaults(route.op, route.ids);
  if (faults.error) return sendServiceError(res, faults.error);
  const ttl = faults.ttl ?? state.urlTtlSeconds;
  // A URL minted for a client must name the host the client reached.
  const origin = req.headers.host ? `http://${req.headers.host}` : (state.options.publicEndpoint ?? state.endpoint);
  const store = state.store;
  const ctx: OperationContext = {
    store,
    params: route.params,
    query: parseQuery(url.query),
    sigv4: !!req.headers.authorization,
    contentUrl: (d: DocRec, v: VersionRec) => {
      const expires = store.now() + Math.round(ttl * 1000);
      const sig = state.signUrl(d.id, v.id, expires);
      return `${origin}/_content/${encodeURIComponent(d.id)}/${encodeURIComponent(v.id)}?X-Emu-Expires=${expires}&X-Emu-Signature=${sig}`;
    },
  };
  let result: Record<string, unknown>;
  try {
    result = operations[route.op](ctx);
  } catch (e) {
    if (e instanceof ServiceError) return sendServiceError(res, e);
    throw e;
  }
  await sendJson(res, 200, result, (length) => planBody(faults.list, length, state.faults.derived(seq)));
}
