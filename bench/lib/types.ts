// Shared shapes between the benchmark orchestrator (bench/run.ts) and its per-phase child (bench/phase.ts).

/** One document as the raw pipe needs it: no listing, just what to fetch and how big it is. */
export interface RawDoc {
  readonly id: string;
  readonly versionId: string;
  readonly size: number;
  readonly contentType: string;
}

export interface PhaseConfig {
  readonly kind: 'raw' | 'sync';
  readonly workdocsEndpoint: string;
  readonly rootFolderId: string;
  readonly s3Endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly bucket: string;
  /** Key prefix; the sync's s3_prefix, or the raw pipe's key prefix. */
  readonly prefix: string;
  readonly maxWorkers: number;
  readonly maxPoolConnections: number;
  readonly partSizeMb: number;
  /** Raw pipe only: JSON file holding RawDoc[]. */
  readonly docsFile?: string;
  /** Directory for the sync's log and report files. */
  readonly workDir: string;
  /** Write a heap snapshot at the end of the phase into this directory. */
  readonly heapSnapshotDir?: string;
}

export interface PhaseResult {
  readonly kind: 'raw' | 'sync';
  readonly exitCode: number;
  /** Wall time of the work itself (process start-up and module loading excluded). */
  readonly wallMs: number;
  /** CPU time of the work (user + system), from process.resourceUsage() deltas. */
  readonly cpuUserMs: number;
  readonly cpuSystemMs: number;
  /** Peak resident set size of the child process, whole life (ru_maxrss). */
  readonly maxRssMb: number;
  /** RSS just before the work started (runtime + modules loaded). */
  readonly baselineRssMb: number;
  /**
   * process.memoryUsage() sampled every 50 ms during the work: the sample with the highest RSS. The heap figures
   * and arrayBuffers (socket chunks, pooled buffers) are the working thread's; RSS is the process's.
   */
  readonly atPeakMb?: { readonly rss: number; readonly heapTotal: number; readonly heapUsed: number; readonly external: number; readonly arrayBuffers: number };
  /** Documents whose bytes were moved, and how many bytes. */
  readonly files: number;
  readonly bytes: number;
  /** S3 requests per operation, every attempt counted. */
  readonly s3: Record<string, number>;
  /** Sync only: the report's totals. */
  readonly totals?: Record<string, number>;
  readonly failures?: string[];
}

export const RESULT_PREFIX = 'BENCH_RESULT ';
