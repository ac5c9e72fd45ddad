/**
 * One Action run with its surroundings injected: inputs → credentials → sync → report file → outputs → job
 * summary → annotations → step status. main.ts passes @actions/core and the real engine; tests pass fakes.
 * Whatever the outcome (bad input and failed authentication included), the run sets every output and writes a
 * job summary whose status line names that outcome.
 */
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { EnvDeps } from '../engine/env.js';
import type { ExitCode, SyncEnv, SyncReport, WorkflowRun } from '../engine/types.js';
import { sourceIdOf, type ActionOptions, type SyncOptions } from '../options.js';
import { effectiveTotals, runOutcome, stoppedReport, summaryLines, writeReportFile } from '../engine/report.js';
import { describeError } from '../errors.js';
import { CredentialError, resolveCredentials, type ActionCredentials, type CredentialDeps } from './credentials.js';
import { formatInputErrors, parseInputs, readRawInputs } from './inputs.js';
import { createActionLogger, createProgressPrinter, type ActionLogger, type LogSink } from './logger.js';
import { failedItemAnnotations, reportOutputs, stoppedOutputs, type OutputName } from './outputs.js';
import { renderSummary } from './summary.js';
import { finishVerify } from './verify.js';

/** The part of @actions/core a run uses, plus writing the job summary. Inputs come from the environment (INPUT_*). */
export interface ActionCore extends LogSink {
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
  /** Environment variables: the inputs (INPUT_*), RUNNER_TEMP, GITHUB_RUN_ID, AWS_ENDPOINT_URL*. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The workflow run (from @actions/github's context), for the summary's link and the JSON report. */
  readonly workflowRun?: WorkflowRun;
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

/** Writes the job summary; a runner that cannot take it gets a warning, not a failed step. */
async function writeSummary(core: ActionCore, text: string): Promise<void> {
  try {
    await core.writeSummary(text);
  } catch (error) {
    core.warning(`Could not write the job summary: ${describeError(error)}`);
  }
}

/** The inputs as given, for the summary of a run whose inputs could not all be read. */
interface GivenInputs {
  readonly bucket: string;
  readonly prefix: string;
  readonly folderId: string;
  readonly dryRun: boolean;
}

/** Ends a run that stopped before the engine ran: every output defined, a summary, the step failed. */
async function stopEarly(deps: ActionDeps, started: number, exitCode: ExitCode, fatal: string, given: GivenInputs, reportPath = ''): Promise<ExitCode> {
  const { core } = deps;
  const now = (deps.now ?? Date.now)();
  const report = { ...stoppedReport({ exitCode, fatal, ...given, rootFolderId: given.folderId, started, now }), ...workflowRunOf(deps) };
  let written = reportPath;
  if (written !== '') written = writeReport(core, written, report);
  setOutputs(core, stoppedOutputs(exitCode, written));
  await writeSummary(core, renderSummary(report, { reportPath: written || undefined }));
  core.setFailed(fatal);
  return exitCode;
}

function workflowRunOf(deps: ActionDeps): { workflowRun?: WorkflowRun } {
  return deps.workflowRun ? { workflowRun: deps.workflowRun } : {};
}

/** Writes the JSON report; returns its path, or '' (with a warning) when it could not be written. */
function writeReport(core: ActionCore, path: string, report: SyncReport): string {
  try {
    writeReportFile(path, report);
    return path;
  } catch (error) {
    core.warning(`Could not write the JSON report to ${path}: ${describeError(error)}`);
    return '';
  }
}

/** Runs the Action once and returns its exit code; the step's status is set through `core`. */
export async function runAction(deps: ActionDeps): Promise<ExitCode> {
  const started = (deps.now ?? Date.now)();
  const given: GivenInputs = {
    bucket: deps.env.INPUT_S3_BUCKET_NAME ?? '',
    prefix: deps.env.INPUT_S3_PREFIX ?? '',
    // The source as given: a folder, or a whole site (the summary says which by the id's form).
    folderId: deps.env.INPUT_WORKDOCS_FOLDER_ID || deps.env.INPUT_WORKDOCS_ORGANIZATION_ID || '',
    dryRun: false,
  };
  try {
    return await runUnchecked(deps, started, given);
  } catch (error) {
    // One redacted line: a stack or an error object's fields could carry request details.
    return stopEarly(deps, started, 3, `workdocs-s3-sync failed unexpectedly: ${describeError(error)}`, given);
  }
}

async function runUnchecked(deps: ActionDeps, started: number, given: GivenInputs): Promise<ExitCode> {
  const { core } = deps;
  const read = readRawInputs(deps.env);
  for (const warning of read.warnings) core.warning(warning, { title: 'Unknown input' });
  const raw = { ...read.raw };
  // The jobs of one workflow run (plan, its shards, finalize) agree on the run id without being told.
  const runId = deps.workflowRun?.runId ?? deps.env.GITHUB_RUN_ID;
  if (!raw.run_id && runId) raw.run_id = runId;
  const parsed = parseInputs(raw);
  const asGiven = { bucket: raw.s3_bucket_name ?? '', prefix: raw.s3_prefix ?? '', folderId: raw.workdocs_folder_id || raw.workdocs_organization_id || '', dryRun: given.dryRun };
  if (!parsed.ok || read.errors.length > 0) {
    const errors = [...read.errors, ...(parsed.ok ? [] : parsed.errors)];
    return stopEarly(deps, started, 2, formatInputErrors(errors), asGiven);
  }
  const { sync: options, action } = parsed.value;
  const logger = createActionLogger(core, { level: options.logLevel, logFile: options.logFile, now: deps.now });
  try {
    return await runWithLogger(deps, started, options, action, logger);
  } finally {
    await logger.close();
  }
}

function reportPathOf(options: SyncOptions, env: ActionDeps['env']): string {
  return resolve(options.reportFile !== '' ? options.reportFile : join(env.RUNNER_TEMP || tmpdir(), DEFAULT_REPORT_NAME));
}

async function runWithLogger(deps: ActionDeps, started: number, options: SyncOptions, action: ActionOptions, logger: ActionLogger): Promise<ExitCode> {
  const { core } = deps;
  const reportPath = reportPathOf(options, deps.env);

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
    const given = { bucket: options.s3BucketName, prefix: options.s3Prefix, folderId: sourceIdOf(options), dryRun: options.dryRun };
    return stopEarly(deps, started, 3, error.message, given, reportPath);
  }

  const env = deps.createSyncEnv(options, {
    logger,
    s3Credentials: credentials.s3,
    workdocsCredentials: credentials.workdocs,
    signal: deps.signal,
    onProgress: createProgressPrinter((line) => core.info(line), { now: deps.now }),
  });
  let engineReport: SyncReport;
  try {
    engineReport = await deps.sync(options, env);
  } finally {
    env.destroy();
  }
  const report: SyncReport = { ...engineReport, ...workflowRunOf(deps) };
  const interrupted = deps.signal?.aborted === true;
  const outcome = runOutcome(report, interrupted);

  const writtenPath = writeReport(core, reportPath, report);
  setOutputs(core, reportOutputs(report, writtenPath));
  // An audit has its own verdict, summary and CSV; tolerate_failures (failed transfers) does not apply to it.
  if (options.mode === 'verify') return finishVerify(core, report, writtenPath);

  // tolerate_failures covers failed items only: refused deletes and run-level failures always fail the step.
  const tolerated = outcome === 'items-failed' && action.tolerateFailures;
  await writeSummary(core, renderSummary(report, { reportPath: writtenPath || undefined, objectUrl: s3ConsoleUrl(options, deps.env), toleratedFailures: tolerated, interrupted }));

  for (const annotation of failedItemAnnotations(report.items)) core.error(annotation.message, { title: annotation.title });
  for (const line of summaryLines(report, interrupted)) core.info(line);
  if (writtenPath) core.info(`JSON report: ${writtenPath}`);

  const totals = effectiveTotals(report);
  const where = `see the annotations, the job summary${writtenPath ? ` and ${writtenPath}` : ''}`;
  const alsoFailed = totals.failed > 0 ? `; also ${totals.failed} item(s) failed, ${where}` : '';
  switch (outcome) {
    case 'done':
    case 'up-to-date':
    case 'dry-run':
      if (report.deletesBlocked) core.warning(`Deletes were not run: ${report.deletesBlocked}`, { title: 'Deletes refused' });
      break;
    case 'items-failed':
      if (tolerated) core.warning(`${totals.failed} item(s) failed; tolerated because tolerate_failures is true.`);
      else core.setFailed(`${totals.failed} item(s) failed; ${where}. Set tolerate_failures: true to let the step pass anyway.`);
      break;
    case 'deletes-refused':
      core.setFailed(`Deletes were refused: ${report.deletesBlocked}${alsoFailed}.`);
      break;
    case 'run-failed': {
      const notTolerated = action.tolerateFailures ? ' tolerate_failures covers failed items only, not this.' : '';
      core.setFailed(`${report.fatal}${alsoFailed}.${notTolerated}`);
      break;
    }
    case 'cancelled':
      core.setFailed(`Cancelled: ${report.fatal ?? 'the job was cancelled'}; ${totals.cancelled} item(s) not finished, nothing was deleted.`);
      break;
    default:
      core.setFailed(report.fatal ?? `The sync stopped with exit code ${report.exitCode}.`);
  }
  return report.exitCode;
}
