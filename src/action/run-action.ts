/**
 * One Action run with its surroundings injected: inputs → credentials → sync → report file → outputs → job
 * summary → annotations → step status. main.ts passes @actions/core and the real engine; tests pass fakes.
 */
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EnvDeps } from '../engine/env.js';
import type { ExitCode, SyncEnv, SyncReport } from '../engine/types.js';
import type { ActionOptions, SyncOptions } from '../options.js';
import { summaryLines, writeReportFile } from '../engine/report.js';
import { describeError } from '../errors.js';
import { CredentialError, resolveCredentials, type ActionCredentials, type CredentialDeps } from './credentials.js';
import { formatInputErrors, parseInputs, readRawInputs } from './inputs.js';
import { createActionLogger, createProgressPrinter, type ActionLogger, type LogSink } from './logger.js';
import { failedItemAnnotations, reportOutputs, type OutputName } from './outputs.js';
import { renderSummary } from './summary.js';

/** The part of @actions/core a run uses, plus writing the job summary. */
export interface ActionCore extends LogSink {
  getInput(name: string): string;
  setOutput(name: string, value: string): void;
  setFailed(message: string): void;
  setSecret(secret: string): void;
  getIDToken(audience?: string): Promise<string>;
  error(message: string, properties?: { title?: string }): void;
  warning(message: string, properties?: { title?: string }): void;
  /** Appends Markdown/HTML to the job summary (core.summary.addRaw(text).write()). */
  writeSummary(text: string): Promise<void>;
}

/** The engine: sync() for mode sync, runScaled() for plan / shard / finalize. */
export type SyncFn = (options: SyncOptions, env: SyncEnv) => Promise<SyncReport>;
export type CreateSyncEnvFn = (options: SyncOptions, deps: EnvDeps) => SyncEnv & { destroy(): void };

export interface ActionDeps {
  readonly core: ActionCore;
  readonly sync: SyncFn;
  readonly createSyncEnv: CreateSyncEnvFn;
  /** Environment variables (RUNNER_TEMP, GITHUB_RUN_ID, AWS_ENDPOINT_URL*). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Aborted when the job is cancelled. */
  readonly signal?: AbortSignal;
  readonly fromWebToken?: CredentialDeps['fromWebToken'];
  readonly now?: () => number;
}

export const DEFAULT_REPORT_NAME = 'workdocs-s3-sync-report.json';

/** The S3 console page of an object, only for AWS itself (not for custom endpoints). */
export function s3ConsoleUrl(options: SyncOptions, env: ActionDeps['env']): ((key: string) => string) | undefined {
  if (options.s3EndpointUrl !== '' || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL) return undefined;
  const bucket = encodeURIComponent(options.s3BucketName);
  const region = encodeURIComponent(options.regionName);
  return (key) => `https://${region}.console.aws.amazon.com/s3/object/${bucket}?region=${region}&bucketType=general&prefix=${encodeURIComponent(key)}`;
}

function setOutputs(core: ActionCore, outputs: Partial<Record<OutputName, string>>): void {
  for (const [name, value] of Object.entries(outputs)) core.setOutput(name, value);
}

/** Runs the Action once and returns its exit code; the step's status is set through `core`. */
export async function runAction(deps: ActionDeps): Promise<ExitCode> {
  const { core } = deps;
  try {
    return await runUnchecked(deps);
  } catch (error) {
    // One redacted line: a stack or an error object's fields could carry request details.
    setOutputs(core, { exit_code: '3', changed: 'false' });
    core.setFailed(`workdocs-s3-sync failed unexpectedly: ${describeError(error)}`);
    return 3;
  }
}

async function runUnchecked(deps: ActionDeps): Promise<ExitCode> {
  const { core } = deps;
  const raw = { ...readRawInputs((name) => core.getInput(name)) };
  // The jobs of one workflow run (plan, its shards, finalize) agree on the run id without being told.
  if (!raw.run_id && deps.env.GITHUB_RUN_ID) raw.run_id = deps.env.GITHUB_RUN_ID;
  const parsed = parseInputs(raw);
  if (!parsed.ok) {
    setOutputs(core, { exit_code: '2', changed: 'false' });
    core.setFailed(formatInputErrors(parsed.errors));
    return 2;
  }
  const { sync: options, action } = parsed.value;
  const logger = createActionLogger(core, { level: options.logLevel, logFile: options.logFile, now: deps.now });
  try {
    return await runWithLogger(deps, options, action, logger);
  } finally {
    await logger.close();
  }
}

async function runWithLogger(deps: ActionDeps, options: SyncOptions, action: ActionOptions, logger: ActionLogger): Promise<ExitCode> {
  const { core } = deps;

  let credentials: ActionCredentials;
  try {
    credentials = await logger.group('Authenticate', () =>
      resolveCredentials(action, options.regionName, {
        getIDToken: (audience) => core.getIDToken(audience),
        setSecret: (secret) => core.setSecret(secret),
        info: (line) => core.info(line),
        fromWebToken: deps.fromWebToken,
        now: deps.now,
      }),
    );
  } catch (error) {
    if (!(error instanceof CredentialError)) throw error;
    setOutputs(core, { exit_code: '3', changed: 'false' });
    core.setFailed(error.message);
    return 3;
  }

  const env = deps.createSyncEnv(options, {
    logger,
    s3Credentials: credentials.s3,
    workdocsCredentials: credentials.workdocs,
    signal: deps.signal,
    onProgress: createProgressPrinter((line) => core.info(line), { now: deps.now }),
  });
  let report: SyncReport;
  try {
    report = await deps.sync(options, env);
  } finally {
    env.destroy();
  }

  const reportPath = resolve(options.reportFile !== '' ? options.reportFile : join(deps.env.RUNNER_TEMP || tmpdir(), DEFAULT_REPORT_NAME));
  let writtenPath = reportPath;
  try {
    writeReportFile(reportPath, report);
  } catch (error) {
    writtenPath = '';
    core.warning(`Could not write the JSON report to ${reportPath}: ${describeError(error)}`);
  }
  setOutputs(core, reportOutputs(report, writtenPath));

  // tolerate_failures covers failed items only; refused deletes (max_delete) always fail the step.
  const tolerated = report.exitCode === 1 && report.deletesBlocked === undefined && action.tolerateFailures;
  try {
    await core.writeSummary(
      renderSummary(report, { reportPath: writtenPath || undefined, objectUrl: s3ConsoleUrl(options, deps.env), toleratedFailures: tolerated }),
    );
  } catch (error) {
    core.warning(`Could not write the job summary: ${describeError(error)}`);
  }

  for (const annotation of failedItemAnnotations(report.items)) core.error(annotation.message, { title: annotation.title });
  for (const line of summaryLines(report)) core.info(line);
  if (writtenPath) core.info(`JSON report: ${writtenPath}`);

  const where = `see the annotations, the job summary${writtenPath ? ` and ${writtenPath}` : ''}`;
  switch (report.exitCode) {
    case 0:
      if (report.deletesBlocked) core.warning(`Deletes were not run: ${report.deletesBlocked}`, { title: 'Deletes refused' });
      break;
    case 1:
      if (tolerated) {
        core.warning(`${report.totals.failed} item(s) failed; tolerated because tolerate_failures is true.`);
      } else if (report.deletesBlocked) {
        const failed = report.totals.failed > 0 ? `; also ${report.totals.failed} item(s) failed, ${where}` : '';
        core.setFailed(`Deletes were refused: ${report.deletesBlocked}${failed}.`);
      } else {
        core.setFailed(`${report.totals.failed} item(s) failed; ${where}. Set tolerate_failures: true to let the step pass anyway.`);
      }
      break;
    default:
      core.setFailed(report.fatal ?? `The sync stopped with exit code ${report.exitCode}.`);
  }
  return report.exitCode;
}
