/**
 * What a run's exit code is, and when finalize may delete: decisions the sync, the scale-out modes and the shells
 * share, as pure functions of what happened.
 */

/** 0 all done; 1 some items failed or deletes were refused; 2 bad input, nothing touched; 3 fatal, nothing deleted. */
export type ExitCode = 0 | 1 | 2 | 3;

/** What a run came to, as far as its exit code is concerned. Absent facts are false. */
export interface RunFacts {
  /** An option, the folder id, the bucket or the prefix's source was wrong: nothing was written. */
  readonly badInput?: boolean;
  /** The run stopped before it could finish: a listing that failed, a lost lock, an interruption, an error. */
  readonly fatal?: boolean;
  /** Some item failed, or was kept from its key (a foreign object). */
  readonly itemsFailed?: boolean;
  /** Stale objects exist that max_delete (or a failed shard) kept. */
  readonly deletesRefused?: boolean;
  /** The run's own record could not be written: the manifest, the report file. */
  readonly outputFailed?: boolean;
}

export function exitCodeOf(facts: RunFacts): ExitCode {
  if (facts.badInput) return 2;
  if (facts.fatal) return 3;
  return facts.itemsFailed || facts.deletesRefused || facts.outputFailed ? 1 : 0;
}

/** What finalize knows of the shards of one plan. */
export interface ShardsState {
  readonly listingFailure: string | null | undefined;
  /** Shards with no result for this plan. */
  readonly missing: readonly number[];
  /** Shards whose result has failed items. */
  readonly failed: readonly number[];
  /** The plan's own refusal (max_delete). */
  readonly deletesBlocked: string | null | undefined;
}

/** Why finalize must not delete, or undefined when it may: every shard of the plan finished without a failure. */
export function finalizeRefusal(state: ShardsState): string | undefined {
  if (state.listingFailure) return 'the listing had errors, so nothing is deleted';
  if (state.missing.length > 0) return `shard(s) ${state.missing.join(', ')} did not finish, so nothing is deleted`;
  if (state.failed.length > 0) return `shard(s) ${state.failed.join(', ')} had failures, so nothing is deleted`;
  return state.deletesBlocked ?? undefined;
}

/**
 * What a run came to, in the words every shell uses for its headline. `interrupted`: the run's own stop signal
 * fired (a cancel), which the engine reports as exit 3 like any other stop.
 */
export type RunOutcome = 'done' | 'up-to-date' | 'dry-run' | 'items-failed' | 'deletes-refused' | 'run-failed' | 'bad-input' | 'stopped' | 'cancelled';

/** What runOutcome reads of a run's report. */
export interface OutcomeFacts {
  readonly exitCode: ExitCode;
  readonly dryRun: boolean;
  readonly changed: boolean;
  readonly deletesBlocked?: string;
  readonly fatal?: string;
}

export function runOutcome(report: OutcomeFacts, interrupted = false): RunOutcome {
  switch (report.exitCode) {
    case 2:
      return 'bad-input';
    case 3:
      return interrupted ? 'cancelled' : 'stopped';
    case 1:
      // A refusal or a run-level failure (the manifest not written) is the news, whatever else failed.
      if (report.deletesBlocked !== undefined) return 'deletes-refused';
      return report.fatal !== undefined ? 'run-failed' : 'items-failed';
    default:
      if (report.dryRun) return 'dry-run';
      return report.changed ? 'done' : 'up-to-date';
  }
}
