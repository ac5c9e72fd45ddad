#!/usr/bin/env node
// The workdocs-s3-sync command. The main thread starts the engine thread (engine-thread.ts says why) and takes
// its exit code; the engine thread loads the CLI itself.
import { boundHeapGrowthWhenLarge, isEngineThread, runOnEngineThread } from '../engine-thread.js';

if (isEngineThread()) {
  boundHeapGrowthWhenLarge();
  await import('./run.js');
} else {
  process.exitCode = await runOnEngineThread(new URL(import.meta.url), process.argv.slice(2));
}
