/**
 * The CLI as a function of (argv, io): parses flags, runs sync(), prints the summary and returns the exit
 * code. Everything it touches (streams, environment, clock, files' base directory) comes in through `io`.
 */
import path from 'node:path';
import { createSyncEnv, type EnvDeps } from '../engine/env.js';
import { summaryLines, writeReportFile } from '../engine/report.js';
import { runScaled } from '../engine/scale.js';
import { sync } from '../engine/sync.js';
import { verifyMirror, verifySummaryLines, writeDiscrepancyCsv } from '../engine/verify.js';
import type { SyncEnv, SyncReport } from '../engine/types.js';
import { describeError } from '../errors.js';
import { parseSyncOptions, type SyncOptions } from '../options.js';
import { VERSION } from '../version.js';
import { argumentErrorText, helpText, parseArgs, type ArgumentError } from './args.js';
import { createCliLogger } from './logger.js';

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  /** Process environment (GITHUB_RUN_ID names a scaled-out run when --run_id is not given). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly signal?: AbortSignal;
  readonly now?: () => number;
  /** Test seam: build the environment differently (e.g. counting clients). */
  readonly createEnv?: (options: SyncOptions, deps: EnvDeps) => SyncEnv & { destroy(): void };
  /** Receives the report (tests, the demo). */
  readonly onReport?: (report: SyncReport) => void;
}

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const args = parseArgs(argv);
  if (args.kind === 'help') {
    io.stdout(`${helpText(VERSION)}\n`);
    return 0;
  }
  if (args.kind === 'version') {
    io.stdout(`${VERSION}\n`);
    return 0;
  }
  if (args.kind === 'error') return usageError(args.errors, io);
  const raw = { ...args.raw };
  if (raw.run_id === undefined && io.env?.GITHUB_RUN_ID) raw.run_id = io.env.GITHUB_RUN_ID;
  const parsed = parseSyncOptions(raw);
  if (!parsed.ok) return usageError(parsed.errors, io);
  // verify_merge names a directory, relative like the other paths to the working directory.
  const options = parsed.value.verifyMerge !== '' ? { ...parsed.value, verifyMerge: path.resolve(io.cwd, parsed.value.verifyMerge) } : parsed.value;

  const logger = createCliLogger({
    file: options.logFile ? path.resolve(io.cwd, options.logFile) : undefined,
    consoleLevel: options.logLevel,
    write: io.stderr,
    now: io.now ?? Date.now,
  });
  const env = (io.createEnv ?? createSyncEnv)(options, { logger, ...(io.signal ? { signal: io.signal } : {}), ...(io.now ? { now: io.now } : {}) });
  let report: SyncReport;
  try {
    report = options.mode === 'sync' ? await sync(options, env) : options.mode === 'verify' ? await verifyMirror(options, env) : await runScaled(options, env);
  } finally {
    env.destroy();
  }
  if (options.reportFile) {
    try {
      writeReportFile(path.resolve(io.cwd, options.reportFile), report);
      writeDiscrepancyCsv(path.resolve(io.cwd, options.reportFile), report);
    } catch (error) {
      const problem = `the report file could not be written: ${describeError(error)}`;
      logger.log('error', problem);
      // A run whose promised output is missing is not a success (what it did to the bucket stands).
      if (report.exitCode === 0) report = { ...report, exitCode: 1, fatal: problem };
    }
  }
  // The closing summary goes to stdout once; the log file keeps a copy.
  const lines = options.mode === 'verify' ? verifySummaryLines(report) : summaryLines(report, io.signal?.aborted === true);
  for (const line of lines) logger.toFile('info', line.trim());
  await logger.close();
  io.stdout(`${lines.join('\n')}\n`);
  io.onReport?.(report);
  return report.exitCode;
}

function usageError(errors: readonly ArgumentError[], io: CliIo): number {
  for (const error of errors) io.stderr(`workdocs-s3-sync: ${argumentErrorText(error)}\n`);
  io.stderr('Try --help for the list of options. Nothing was touched.\n');
  return 2;
}
