/**
 * verifyMirror(): mode `verify`, the read-only audit (rclone check; with verify_content, rclone check --download).
 * It lists WorkDocs, the bucket and the manifest with sync's own prepare(), lets core/verify decide what differs,
 * and with verify_content reads every object in place back (GetObject, streamed) to hash it. It writes nothing to
 * S3 and takes no lock: prepare() without early uploads only lists, reads the manifest, and reads metadata or bytes.
 */
import { writeFileSync } from 'node:fs';
import { forEachConcurrently } from '../concurrency.js';
import { manifestKey } from '../core/manifest.js';
import { checkContent, countDiscrepancies, discrepancyCsv, isExact, verify, type Discrepancy, type MatchedDocument, type VerifySummary } from '../core/verify.js';
import { describeError, InputError } from '../errors.js';
import type { SyncOptions } from '../options.js';
import { readContentMd5 } from '../s3/inventory.js';
import { buildReport, formatBytes, formatDuration } from './report.js';
import { listingFailure, prepare } from './sync.js';
import type { ExitCode, SyncEnv, SyncReport } from './types.js';

const PROGRESS_INTERVAL_MS = 10_000;
/** How many discrepancies the closing summary names; the JSON report and the CSV hold all of them. */
const SHOWN = 20;

/** One root audited: the whole-site source will audit each of its roots this way and merge the results. */
interface RootAudit {
  readonly rootFolderId: string;
  readonly discrepancies: readonly Discrepancy[];
  readonly verified: number;
  readonly documents: number;
  readonly unverifiable: readonly string[];
  /** Why the audit has no verdict (exit 3): a folder not listed, objects not read back. */
  readonly failure: string | undefined;
}

export async function verifyMirror(options: SyncOptions, env: SyncEnv): Promise<SyncReport> {
  const started = env.now();
  const base = { options, env, started, manifestKey: manifestKey(options.s3Prefix) };
  try {
    if (options.mode !== 'verify') throw new InputError('mode', `verifyMirror does not run mode ${options.mode}`);
    const audit = await auditRoot(options, env, started);
    return reportOf(options, env, started, audit);
  } catch (error) {
    const exitCode = error instanceof InputError ? 2 : 3;
    const message = error instanceof InputError ? `${error.option}: ${error.message}` : describeError(error);
    env.logger.log('error', exitCode === 2 ? `bad input: ${message}` : `fatal: ${message}; no verdict`);
    return buildReport({ ...base, rootFolderId: options.workdocsFolderId, manifestKey: '', items: [], exitCode, fatal: message });
  }
}

async function auditRoot(options: SyncOptions, env: SyncEnv, started: number): Promise<RootAudit> {
  const { logger } = env;
  // prepare()'s own plan is not used: deletes off keeps it from logging refusals that concern a sync, and every
  // object of unknown owner is probed, so that foreign and own extras are told apart whatever delete_foreign says.
  const prepared = await prepare({ ...options, deleteStale: false, deleteForeign: false }, env, started);
  const { listing, inventory, rootFolderId } = prepared;
  const listingFailed = listingFailure(listing);
  if (listingFailed !== undefined) {
    // Folders not listed would show their documents' objects as extra: no verdict from half a tree.
    return { rootFolderId, discrepancies: [], verified: 0, documents: 0, unverifiable: [], failure: `${listingFailed}; no verdict` };
  }
  const compared = verify(listing.tree, inventory, { trusted: prepared.manifest, recorded: prepared.recorded }, {
    prefix: options.s3Prefix,
    archivePrefix: options.archivePrefix,
    folderMarkers: options.folderMarkers,
    deleteForeign: options.deleteForeign,
  });
  logger.log('info', `compared ${compared.documents} documents: ${compared.matched.length} in place by the listing, ${compared.discrepancies.length} discrepancies`);
  if (!options.verifyContent) {
    return { rootFolderId, discrepancies: compared.discrepancies, verified: compared.matched.length, documents: compared.documents, unverifiable: [], failure: undefined };
  }
  const read = await logger.group('Read back and hash', () => readBack(compared.matched, options, env));
  const content = checkContent(compared.matched.filter((m) => read.md5s.has(m.key)), read.md5s);
  const discrepancies = [...compared.discrepancies, ...content.discrepancies].sort((a, b) => compare(a.key, b.key) || compare(a.kind, b.kind));
  if (content.unverifiable.length > 0) logger.log('warning', `${content.unverifiable.length} document(s) have no Signature and no recorded MD5: their bytes could not be checked`);
  return { rootFolderId, discrepancies, verified: content.verified, documents: compared.documents, unverifiable: content.unverifiable, failure: read.failure };
}

/** Reads every object in place back and hashes it; counts the failed reads and keeps the first (no verdict then). */
async function readBack(matched: readonly MatchedDocument[], options: SyncOptions, env: SyncEnv): Promise<{ md5s: Map<string, string | undefined>; failure: string | undefined }> {
  const total = matched.reduce((sum, m) => sum + m.size, 0);
  env.logger.log('info', `reading back ${matched.length} object(s), ${formatBytes(total)}`);
  const md5s = new Map<string, string | undefined>();
  const failures: string[] = [];
  let bytes = 0;
  let last = env.now();
  await forEachConcurrently(matched, options.maxWorkers, async (doc) => {
    try {
      md5s.set(doc.key, await readContentMd5(env.s3, options.s3BucketName, doc.key, env.signal));
      bytes += doc.size;
    } catch (error) {
      failures.push(`${JSON.stringify(doc.key)}: ${describeError(error)}`);
      return;
    }
    if (env.now() - last < PROGRESS_INTERVAL_MS) return;
    last = env.now();
    env.logger.log('info', `read back ${formatBytes(bytes)} of ${formatBytes(total)}`);
  });
  for (const failure of failures.slice(0, SHOWN)) env.logger.log('error', `could not read back ${failure}`);
  const failure = failures.length > 0 ? `${failures.length} object(s) could not be read back, first: ${failures[0]}; no verdict on them` : undefined;
  return { md5s, failure };
}

function reportOf(options: SyncOptions, env: SyncEnv, started: number, audit: RootAudit): SyncReport {
  const counts = countDiscrepancies(audit.discrepancies, audit.verified, audit.unverifiable.length);
  const exact = audit.failure === undefined && isExact(audit.discrepancies);
  const exitCode: ExitCode = audit.failure !== undefined ? 3 : exact ? 0 : 1;
  const verifySummary: VerifySummary = {
    exact,
    contentChecked: options.verifyContent,
    documents: audit.documents,
    counts,
    discrepancies: audit.discrepancies,
    unverifiable: audit.unverifiable,
  };
  for (const d of audit.discrepancies.slice(0, SHOWN)) env.logger.log(d.fails ? 'error' : 'info', discrepancyLine(d));
  if (audit.discrepancies.length > SHOWN) env.logger.log('info', `… and ${audit.discrepancies.length - SHOWN} more in the JSON report and the CSV`);
  const report = buildReport({ options, env, started, manifestKey: manifestKey(options.s3Prefix), rootFolderId: audit.rootFolderId, items: [], exitCode, fatal: audit.failure });
  return { ...report, verify: verifySummary };
}

function discrepancyLine(d: Discrepancy): string {
  const owner = d.owner !== undefined ? ` (${d.owner})` : '';
  return `${d.kind}${owner} ${JSON.stringify(d.key)}: ${d.detail}`;
}

/** The CSV of discrepancies sits next to the JSON report: `report.json` → `report.discrepancies.csv`. */
export function discrepancyCsvPath(reportFile: string): string {
  return `${reportFile.replace(/\.json$/i, '')}.discrepancies.csv`;
}

/** Writes the CSV of a verify run's discrepancies next to its JSON report (header only when there are none). */
export function writeDiscrepancyCsv(reportFile: string, report: SyncReport): string | undefined {
  if (report.verify === undefined) return undefined;
  const file = discrepancyCsvPath(reportFile);
  writeFileSync(file, discrepancyCsv(report.verify.discrepancies));
  return file;
}

/** The closing summary of a verify run: the verdict, the counts, the first discrepancies. */
export function verifySummaryLines(report: SyncReport): string[] {
  const where = `s3://${report.bucket}/${report.prefix}`;
  const v = report.verify;
  if (v === undefined) {
    return [report.exitCode === 2 ? 'Bad input: nothing was touched' : `Verify failed: ${report.fatal ?? 'no verdict'}`,
      ...(report.fatal !== undefined ? [`  ${report.exitCode === 2 ? 'bad input' : 'fatal'}: ${report.fatal}`] : []), `  exit code ${report.exitCode}`];
  }
  const c = v.counts;
  const headline = report.exitCode === 3 ? `No verdict on ${where}` : v.exact ? `Exact mirror: ${where}` : `Not an exact mirror: ${where}`;
  const lines = [
    headline,
    `  ${c.verified} of ${v.documents} documents verified${v.contentChecked ? ' by their bytes' : ' by the listing (size, version, recorded ETag)'}; missing ${c.missing}, mismatched ${c.mismatched}, extra ${c.extra}${c.extraForeign > 0 ? ` (${c.extraForeign} not written by this tool)` : ''}${v.contentChecked ? `, unverifiable ${c.unverifiable}` : ''}`,
    `  read-only: nothing was written, no lock was taken; ${formatDuration(report.durationMs)}`,
  ];
  for (const d of v.discrepancies.slice(0, SHOWN)) lines.push(`  ${d.fails ? '' : '(not failing) '}${discrepancyLine(d)}`);
  if (v.discrepancies.length > SHOWN) lines.push(`  … and ${v.discrepancies.length - SHOWN} more in the JSON report and the CSV`);
  if (report.fatal !== undefined) lines.push(`  fatal: ${report.fatal}`);
  lines.push(`  exit code ${report.exitCode}`);
  return lines;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
