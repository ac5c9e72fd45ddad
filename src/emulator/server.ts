/**
 * The WorkDocs emulator: a real HTTP server the unmodified AWS SDK cannot tell from the service.
 * Three handlers share one state: the API under /api/v1/ (SigV4), presigned content under /_content/,
 * the control API under /_emulator/.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApi } from './handlers/api.js';
import { handleContent } from './handlers/content.js';
import { handleControl, makeControl } from './handlers/control.js';
import { splitUrl } from './http-io.js';
import { EmulatorState, type EmulatorOptions } from './state.js';
import type { Store } from './store.js';
import type { EmulatorControl } from './types.js';

export type { Credentials } from './sigv4.js';
export type { EmulatorOptions } from './state.js';
export * from './types.js';

export interface Emulator {
  endpoint: string;
  port: number;
  rootFolderId: string;
  organizationId: string;
  userId: string;
  control: EmulatorControl;
  /** The live data model (advanced use). */
  readonly store: Store;
  close(): Promise<void>;
}

export async function startEmulator(opts: EmulatorOptions = {}): Promise<Emulator> {
  const host = opts.host ?? '127.0.0.1';
  const state = new EmulatorState(opts);
  const control = makeControl(state);

  const server: Server = createServer({ keepAlive: true }, (req, res) => {
    const url = splitUrl(req.url ?? '/');
    const handled =
      url.path === '/_emulator' || url.path.startsWith('/_emulator/')
        ? handleControl(state, control, req, res, url)
        : url.path.startsWith('/_content/')
          ? handleContent(state, req, res, url)
          : handleApi(state, req, res, url);
    handled.catch((e: unknown) => {
      if (!res.headersSent) {
        const msg = e instanceof Error ? e.message : String(e);
        res.writeHead(500, { 'Content-Type': 'application/json', 'x-amzn-ErrorType': 'InternalFailure' });
        res.end(JSON.stringify({ __type: 'InternalFailure', Message: msg }));
      } else {
        res.destroy();
      }
    });
  });
  // Longer than the SDK's keep-alive so a pooled socket is never closed under a request in flight.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', fail);
      ok();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  state.endpoint = opts.publicEndpoint ?? `http://${urlHost}:${port}`;

  let closed: Promise<void> | undefined;
  return {
    endpoint: state.endpoint,
    port,
    get rootFolderId() {
      return state.store.rootFolderId;
    },
    get organizationId() {
      return state.store.organizationId;
    },
    get userId() {
      return state.store.primaryUser.id;
    },
    control,
    get store() {
      return state.store;
    },
    close: () =>
      (closed ??= new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      })),
  };
}
