/**
 * The Action's entry point (action.yml `runs.main`, bundled into dist/index.js). The main thread starts the
 * engine thread (engine-thread.ts says why) and takes its exit code; the engine thread runs the Action.
 */
import { asEngineEntry } from './engine-thread.js';

await asEngineEntry(import.meta.url, async () => (await import('./action/main.js')).run());
