#!/usr/bin/env node
// The workdocs-s3-sync command. The main thread starts the engine thread (engine-thread.ts says why) and takes
// its exit code; the engine thread loads the CLI itself.
import { asEngineEntry } from '../engine-thread.js';

await asEngineEntry(import.meta.url, () => import('./run.js'));
