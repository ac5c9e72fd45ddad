/**
 * What a sync run needs from its surroundings (injected, so the CLI, the Action and tests differ only here)
 * and what it hands back.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { WorkDocsClient } from '@aws-sdk/client-workdocs';
import type { Agent as HttpAgent } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import type { ExitCode } from '../core/outcome.js';
import type { VerifySummary } from '../core/verify.js';

export type LogLevel = 'debug' | 'info' | 'warning' | 'error';

/** Where the engine reports; the CLI writes script.log + console, the Action maps to @actions/core. */
export interface Logger {
  log(level: LogLevel, message: string): void;
  /** Runs `fn` as a named phase (a collapsible group in Actions, a header on the console). */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export interface SyncEnv {
  readonly workdocs: WorkDocsClient;
  readonly s3: S3Client;
  readonly logger: Logger;
  /** Epoch milliseconds; injected so reports are testable. */
  readonly now: () => number;
  /** Keep-alive agents for content downloads (presigned URLs), sized to max_pool_connections. */
  readonly httpAgent?: HttpAgent;
  readonly httpsAgent?: HttpsAgent;
  /** Aborts the run (SIGINT/SIGTERM): in-flight uploads are aborted, nothing is deleted. */
  readonly signal?: AbortSignal;
  /** Called with progress during long phases (the shells decide how often to print). */
  readonly onProgress?: (progress: Progress) => void;
}

export interface Progress {
  readonly phase: 'list' | 'transfer' | 'delete';
  readonly done: number;
  readonly total: number;
  readonly bytes: number;
}

/** `metadata`: the context of an item read, an index file or a sidecar written or removed (engine/context.ts). */
export type ItemAction = 'upload' | 'copy' | 'delete' | 'archive' | 'marker' | 'skip' | 'metadata';
/**
 * done / failed: carried out, or tried and given up. planned: a dry run's decision. blocked: refused (max_delete,
 * the source of a failed copy). cancelled: stopped or never started because the run was stopped (a cancel, a lost
 * lock); not a failure of the item itself.
 */
export type ItemOutcome = 'done' | 'failed' | 'planned' | 'blocked' | 'cancelled';

/** One line of the report: what was decided for one key, and what came of it. */
export interface ReportItem {
  readonly action: ItemAction;
  readonly key: string;
  readonly outcome: ItemOutcome;
  /** Why this action: 'new', 'changed', 'renamed', 'unchanged', 'adopted', 'stale', … */
  readonly reason: string;
  readonly documentId?: string;
  readonly versionId?: string;
  /** Source key of a copy, or destination of an archive move. */
  readonly fromKey?: string;
  readonly toKey?: string;
  readonly bytes?: number;
  /** Failure reason, free of secrets. */
  readonly error?: string;
}

export interface Totals {
  uploaded: number;
  copied: number;
  skipped: number;
  deleted: number;
  archived: number;
  markers: number;
  failed: number;
  /** Items the run stopped before they finished (a cancel): neither done nor failed. */
  cancelled: number;
  /** Bytes written by uploads (copies are server-side and not counted). */
  bytes: number;
}

export type { ExitCode };

export interface SyncReport {
  /** 0 all done; 1 some items failed; 2 bad input, nothing touched; 3 fatal, nothing deleted. */
  readonly exitCode: ExitCode;
  readonly dryRun: boolean;
  readonly bucket: string;
  readonly prefix: string;
  /** The folder id as given (also when the run stopped before WorkDocs answered). */
  readonly rootFolderId: string;
  /** The folder's name, once WorkDocs returned it. */
  readonly rootFolderName?: string;
  /** The manifest the run read or wrote; '' when it stopped before it had a plan. */
  readonly manifestKey: string;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly totals: Totals;
  /** Uploaded bytes per second over the whole run. */
  readonly bytesPerSecond: number;
  readonly items: readonly ReportItem[];
  /** Why deletes were not run, when they were planned but refused. */
  readonly deletesBlocked?: string;
  /** Objects under the prefix that this tool did not write, left alone: their number and the first keys (sorted). */
  readonly foreign?: { readonly count: number; readonly keys: readonly string[] };
  /** The reason the run stopped early (exit 2 or 3). */
  readonly fatal?: string;
  /** True when anything in the bucket changed (or would, in a dry run). */
  readonly changed: boolean;
  /** Set in the scale-out modes (plan, shard, finalize). */
  readonly scale?: ScaleInfo;
  /** Set in mode verify: the verdict, the counts and every discrepancy. */
  readonly verify?: VerifySummary;
  /** The GitHub Actions workflow run this run was part of (set by the Action). */
  readonly workflowRun?: WorkflowRun;
  /**
   * Set when an incremental run found nothing new and ended at the source head: the unchanged objects are counted
   * in totals.skipped (and per user) without an item each.
   */
  readonly upToDate?: true;
  /** Site mode only: the counts per user (every user with an item), by username. */
  readonly users?: readonly UserCounts[];
}

/**
 * One user's share of a site run, from the items whose key lies under their folder (`<prefix><user>/…`, or in a
 * reserved area such as `.recycle-bin/<user>/…`). In a dry run, what would be done. `deleted` counts archive moves too.
 */
export interface UserCounts {
  readonly user: string;
  uploaded: number;
  copied: number;
  skipped: number;
  deleted: number;
  failed: number;
  /** Bytes uploaded (or to upload, in a dry run). */
  bytes: number;
}

/** Where a run happened on GitHub, from @actions/github's context. */
export interface WorkflowRun {
  /** owner/name */
  readonly repository: string;
  readonly runId: string;
  readonly runAttempt?: number;
  /** The run's page, e.g. https://github.com/owner/name/actions/runs/42 */
  readonly url: string;
}

export interface ScaleInfo {
  readonly mode: 'plan' | 'shard' | 'finalize';
  readonly runId: string;
  readonly shardCount: number;
  readonly shardIndex?: number;
  /** Plan mode: the value for `strategy.matrix` (via fromJSON). */
  readonly matrix?: { readonly shard: readonly number[] };
}
