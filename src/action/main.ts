/**
 * The Action's entry: wires @actions/core and the sync engine into runAction. The engine itself never
 * touches @actions/core; everything runner-specific lives under src/action/.
 */
import * as core from '@actions/core';
import { context } from '@actions/github';
import type { WorkflowRun } from '../engine/types.js';
import { createSyncEnv } from '../engine/env.js';
import { onInterrupt } from '../engine-thread.js';
import { runAbortController } from '../abort-signals.js';
import { runScaled } from '../engine/scale.js';
import { verifyMirror } from '../engine/verify.js';
import { sync } from '../engine/sync.js';
import { runAction, type ActionCore, type SyncFn } from './run-action.js';

/** @actions/core as the run sees it. */
export const actionsCore: ActionCore = {
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

/** The workflow run this step belongs to, for the summary's link and the JSON report; undefined outside a runner. */
export function workflowRun(): WorkflowRun | undefined {
  if (!process.env.GITHUB_REPOSITORY || !Number.isSafeInteger(context.runId)) return undefined;
  const { owner, repo } = context.repo;
  const repository = `${owner}/${repo}`;
  const attempt = Number.isSafeInteger(context.runAttempt) && context.runAttempt > 0 ? context.runAttempt : undefined;
  const url = `${context.serverUrl}/${repository}/actions/runs/${context.runId}${attempt !== undefined && attempt > 1 ? `/attempts/${attempt}` : ''}`;
  return { repository, runId: String(context.runId), ...(attempt !== undefined ? { runAttempt: attempt } : {}), url };
}

/** mode sync runs the whole job; plan / shard / finalize are the scale-out steps; verify is the read-only audit. */
const runEngine: SyncFn = (options, env) => (options.mode === 'sync' ? sync(options, env) : options.mode === 'verify' ? verifyMirror(options, env) : runScaled(options, env));

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
    const run = workflowRun();
    await runAction({ core: actionsCore, sync: runEngine, createSyncEnv, env: process.env, signal: controller.signal, ...(run ? { workflowRun: run } : {}) });
  } finally {
    stopListening();
  }
}
