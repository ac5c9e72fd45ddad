/**
 * The Action's entry: wires @actions/core and the sync engine into runAction. The engine itself never
 * touches @actions/core; everything runner-specific lives under src/action/.
 */
import * as core from '@actions/core';
import { createSyncEnv } from '../engine/env.js';
import { onInterrupt } from '../engine-thread.js';
import { runAbortController } from '../signals.js';
import { runScaled } from '../engine/scale.js';
import { sync } from '../engine/sync.js';
import { runAction, type ActionCore, type SyncFn } from './run-action.js';

/** @actions/core as the run sees it. */
export const actionsCore: ActionCore = {
  getInput: (name) => core.getInput(name),
  setOutput: (name, value) => core.setOutput(name, value),
  setFailed: (message) => core.setFailed(message),
  setSecret: (secret) => core.setSecret(secret),
  getIDToken: (audience) => core.getIDToken(audience),
  debug: (message) => core.debug(message),
  info: (message) => core.info(message),
  warning: (message, properties) => core.warning(message, properties),
  error: (message, properties) => core.error(message, properties),
  startGroup: (name) => core.startGroup(name),
  endGroup: () => core.endGroup(),
  writeSummary: async (text) => {
    await core.summary.addRaw(text, true).write();
  },
};

/** mode sync runs the whole job; plan / shard / finalize are the scale-out steps. */
const runEngine: SyncFn = (options, env) => (options.mode === 'sync' ? sync(options, env) : runScaled(options, env));

/** Runs the Action in this process; cancelling the job (SIGINT/SIGTERM) aborts the sync before any delete. */
export async function run(): Promise<void> {
  // Every in-flight request listens to this one signal.
  const controller = runAbortController();
  const stopListening = onInterrupt((signal) => {
    core.warning(`Received ${signal}: stopping; nothing more is deleted.`);
    controller.abort(new Error(`cancelled by ${signal}`));
  });
  try {
    // setFailed sets the process exit status the runner reads (1); a tolerated failure leaves it 0.
    await runAction({ core: actionsCore, sync: runEngine, createSyncEnv, env: process.env, signal: controller.signal });
  } finally {
    stopListening();
  }
}
