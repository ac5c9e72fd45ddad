// One benchmark phase in its own process, so its peak RSS and CPU time are its own (the emulator and the S3
// server run elsewhere). The sync phase runs on the engine thread, as the CLI and the Action run it
// (src/engine-thread.ts); the raw pipe on the main thread. The work itself is in lib/phase-run.ts, loaded only
// where it runs.
import { readFileSync } from 'node:fs';
import { asEngineEntry } from '../src/engine-thread.js';
import type { PhaseConfig } from './lib/types.js';

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as PhaseConfig;
if (config.kind === 'sync') await asEngineEntry(import.meta.url, () => import('./lib/phase-run.js'));
else await import('./lib/phase-run.js');
