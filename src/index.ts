/**
 * The Action's entry point (action.yml `runs.main`, bundled into dist/index.js). The main thread starts the
 * engine thread (engine-thread.ts says why) and takes its exit code; the engine thread runs the Action.
 */
import { boundHeapGrowthWhenLarge, isEngineThread, runOnEngineThread } from './engine-thread.js';

if (isEngineThread()) {
  boundHeapGrowthWhenLarge();
  await (await import('./action/main.js')).run();
} else {
  process.exitCode = await runOnEngineThread(new URL(import.meta.url), process.argv.slice(2));
}
