// Experiment: lists a generated tree with listTree() and reports time, pages and the peak of requests in flight.
// Usage: tsx bench/experiments/listing.ts [folders] [documents] [concurrency]
import { WorkDocsClient } from '@aws-sdk/client-workdocs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import http from 'node:http';
import { startEmulator } from '../../src/emulator/server.js';
import { getRootFolder, listTree } from '../../src/workdocs/list.js';

const [folders = 1000, documents = 3000, concurrency = 14] = process.argv.slice(2).map(Number);
const emu = await startEmulator({ port: 0, generate: { folders, documents, seed: 3, size: 10 } });
let inFlight = 0;
let peak = 0;
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const client = new WorkDocsClient({ region: 'us-east-1', endpoint: emu.endpoint, credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, requestHandler: new NodeHttpHandler({ httpAgent: agent }) });
client.middlewareStack.add((next) => async (args) => {
  peak = Math.max(peak, ++inFlight);
  try { return await next(args); } finally { inFlight--; }
}, { step: 'finalizeRequest' });
const root = await getRootFolder(client, emu.rootFolderId);
const t0 = performance.now();
const listing = await listTree(client, root, { concurrency });
console.log(`${listing.tree.folders.length} folders, ${listing.tree.documents.length} documents, ${listing.pages} pages in ${((performance.now() - t0) / 1000).toFixed(2)} s; peak in flight ${peak} (limit ${concurrency}); errors ${listing.errors.length}`);
client.destroy();
agent.destroy();
await emu.close();
