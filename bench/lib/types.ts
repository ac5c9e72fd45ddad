// Shared shapes between the benchmark orchestrator (bench/run.ts) and its per-phase child (bench/phase.ts).

/** One document as the raw pipe needs it: no listing, just what to fetch and how big it is. */
export interface RawDoc {
  readonly id: string;
  readonly versionId: string;
  readonly size: number;
  readonly contentType: string;
  /** The version's Signature (MD5 hex), which the `raw-md5` baseline checks. */
  readonly md5: string;
}

/**
 * `raw`: the raw pipe. `raw-md5`: the raw pipe plus an MD5 pass over every file the sync sends multipart (above
 * the multipart threshold), checked against the Signature: the least any upload must do that checks WorkDocs'
 * bytes itself, as a multipart upload has to (S3 checks a single PUT's Content-MD5, but nothing checks a whole
 * multipart object). `sync`: the CLI.
 */
export type PhaseKind = 'raw' | 'raw-md5' | 'sync';

export interface PhaseConfig {
  readonly kind: PhaseKind;
  readonly workdocsEndpoint: string;
  readonly rootFolderId: string;
  /** A whole site: the sync gets `workdocs_organization_id` instead of `workdocs_folder_id`. */
  readonly organizationId?: string;
  /** More CLI flags of the sync (`--versions`, `all`, ...). */
  readonly syncArgs?: readonly string[];
  readonly s3Endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly bucket: string;
  /** Key prefix; the sync's s3_prefix, or the raw pipe's key prefix. */
  readonly prefix: string;
  readonly maxWorkers: number;
  readonly maxPoolConnections: number;
  readonly partSizeMb: number;
  readonly multipartThresholdMb: number;
  /** Raw pipes only: JSON file holding RawDoc[]. */
  readonly docsFile?: string;
  /** `raw-md5` only: files of more bytes than this are hashed (the sync's multipart threshold). */
  readonly hashAboveBytes?: number;
  /** Directory for the sync's log and report files. */
  readonly workDir: string;
  /** Write a heap snapshot at the end of the phase into this directory. */
  readonly heapSnapshotDir?: string;
  /** --unsigned-parts: UploadPart bodies go as UNSIGNED-PAYLOAD over HTTP too, as the engine sends them over HTTPS. */
  readonly unsignedParts?: boolean;
}

export interface PhaseResult {
  readonly kind: PhaseKind;
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
  /** Sync only: whether the run changed anything in the bucket (the report's `changed`). */
  readonly changed?: boolean;
  /** Sync only: the engine's lines about how it listed (`full listing: <reason>`, incremental runs). */
  readonly notes?: string[];
  readonly failures?: string[];
}

export const RESULT_PREFIX = 'BENCH_RESULT ';
