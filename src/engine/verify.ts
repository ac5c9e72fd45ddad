/**
 * verifyMirror(): mode `verify`, the read-only audit (rclone check; with verify_content, rclone check --download).
 * It lists WorkDocs, the bucket and the manifest with sync's own prepare(), lets core/verify decide what differs,
 * and with verify_content reads every object in place back (GetObject, streamed) to hash it. It writes nothing to
 * S3 and takes no lock: prepare() without early uploads only lists, reads the manifest, and reads metadata or bytes.
 */
import { readdirSync, readFileSync, writeFileSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { forEachConcurrently } from '../concurrency.js';
import { manifestKey } from '../core/manifest.js';
import { withHistories } from '../core/history.js';
import { keysToProbe, type ManifestView } from '../core/plan.js';
import type { InventoryObject, SourceTree } from '../core/types.js';
import { checkContent, countDiscrepancies, discrepancyCsv, isExact, mergeSlices, sliceOfKey, verify, type Discrepancy, type MatchedDocument, type SliceReport, type VerifySummary } from '../core/verify.js';
import { describeError, InputError } from '../errors.js';
import { sourceIdOf, type SyncOptions } from '../options.js';
import { readContentMd5 } from '../s3/inventory.js';
import { describeVersions } from '../workdocs/versions.js';
import { buildReport, formatBytes, formatDuration } from './report.js';
import { listingFailure, prepare, probeObjects } from './sync.js';
import type { ExitCode, SyncEnv, SyncReport } from './types.js';

const PROGRESS_INTERVAL_MS = 10_000;
/** How many discrepancies the closing summary names; the JSON report and the CSV hold all of them. */
const SHOWN = 20;

/** The audit of one source: a folder, or a whole site (its users' roots under one virtual root). */
interface RootAudit {
  readonly rootFolderId: string;
  readonly discrepancies: readonly Discrepancy[];
  readonly verified: number;
  readonly documents: number;
  /** Older versions compared (`versions: all`). */
  readonly versions: number;
  readonly unverifiable: readonly string[];
  /** Why the audit has no verdict (exit 3): a folder not listed, objects not read back. */
  readonly failure: string | undefined;
}

export async function verifyMirror(options: SyncOptions, env: SyncEnv): Promise<SyncReport> {
  const started = env.now();
  const base = { options, env, started, manifestKey: manifestKey(options.s3Prefix) };
  try {
    if (options.mode !== 'verify') throw new InputError('mode', `verifyMirror does not run mode ${options.mode}`);
    if (options.verifyMerge !== '') return mergeReports(options, env, started);
    const audit = await auditRoot(options, env, started);
    return reportOf(options, env, started, audit);
  } catch (error) {
    const exitCode = error instanceof InputError ? 2 : 3;
    const message = error instanceof InputError ? `${error.option}: ${error.message}` : describeError(error);
    env.logger.log('error', exitCode === 2 ? `bad input: ${message}` : `fatal: ${message}; no verdict`);
    return buildReport({ ...base, rootFolderId: sourceIdOf(options), manifestKey: '', items: [], exitCode, fatal: message });
  }
}

async function auditRoot(options: SyncOptions, env: SyncEnv, started: number): Promise<RootAudit> {
  const { logger } = env;
  // prepare()'s own plan is not used: deletes off keeps it from logging refusals that concern a sync, and every
  // object of unknown owner is probed, so that foreign and own extras are told apart whatever delete_foreign says.
  // Its versions are not used either: a sync trusts the manifest's record of each document's versions, an audit
  // asks WorkDocs for every one (listEveryVersion).
  const prepared = await prepare({ ...options, deleteStale: false, deleteForeign: false, versions: 'latest' }, env, started);
  const { inventory, rootFolderId } = prepared;
  const listingFailed = listingFailure(prepared.listing);
  if (listingFailed !== undefined) {
    // Folders not listed would show their documents' objects as extra: no verdict from half a tree.
    return { rootFolderId, discrepancies: [], verified: 0, documents: 0, versions: 0, unverifiable: [], failure: `${listingFailed}; no verdict` };
  }
  const view = { trusted: prepared.manifest, recorded: prepared.recorded };
  const listing = options.versions === 'all' ? { ...prepared.listing, tree: await listEveryVersion(prepared.listing.tree, inventory, view, options, env) } : prepared.listing;
  const unlistedVersions = listing.tree.historyFailures?.size ?? 0;
  if (unlistedVersions > 0) {
    // Which stored versions are orphaned is unknown for such a document: no verdict rather than a guess.
    const [documentId, message] = [...listing.tree.historyFailures!][0]!;
    return { rootFolderId, discrepancies: [], verified: 0, documents: 0, versions: 0, unverifiable: [], failure: `the versions of ${unlistedVersions} document(s) could not be listed, first: ${documentId}: ${message}; no verdict` };
  }
  // prepare() read the metadata of every object that needed it; one still without is one whose HeadObject failed
  // (logged there): whose it is, and what it holds, is unknown, so the audit cannot give a verdict on it.
  const slice = options.verifySlice;
  const unprobed = keysToProbe(listing.tree, inventory, view, { prefix: options.s3Prefix, archivePrefix: options.archivePrefix, deleteForeign: false })
    .filter((key) => slice === undefined || sliceOfKey(key, slice.count) === slice.index);
  const compared = verify(listing.tree, inventory, view, {
    prefix: options.s3Prefix,
    archivePrefix: options.archivePrefix,
    folderMarkers: options.folderMarkers,
    deleteForeign: options.deleteForeign,
    deleteStale: options.deleteStale,
    ...(options.verifySlice ? { slice: options.verifySlice } : {}),
  });
  // A sync does not copy these either, so they are no discrepancy; but an audit must not be silent about them.
  if (compared.unreachable.length > 0) logger.log('warning', `${compared.unreachable.length} WorkDocs item(s) are not reachable from the root folder and were not compared`);
  if (options.verifySlice) logger.log('info', `slice ${options.verifySlice.index}/${options.verifySlice.count}: only its keys are reported and read back`);
  logger.log('info', `compared ${compared.documents} documents: ${compared.matched.length} in place by the listing, ${compared.discrepancies.length} discrepanc${compared.discrepancies.length === 1 ? 'y' : 'ies'}`);
  const unchecked = unprobed.length > 0 ? `${unprobed.length} object(s) could not be checked by their metadata, first: ${JSON.stringify(unprobed[0])}; no verdict on them` : undefined;
  const counted = { documents: compared.documents, versions: compared.versions };
  if (!options.verifyContent) {
    return { rootFolderId, discrepancies: compared.discrepancies, verified: compared.matched.length, ...counted, unverifiable: [], failure: unchecked };
  }
  const read = await logger.group('Read back and hash', () => readBack(compared.matched, options, env));
  const content = checkContent(compared.matched.filter((m) => read.md5s.has(m.key)), read.md5s);
  const discrepancies = [...compared.discrepancies, ...content.discrepancies].sort((a, b) => compare(a.key, b.key) || compare(a.kind, b.kind));
  if (content.unverifiable.length > 0) logger.log('warning', `${content.unverifiable.length} document(s) have no Signature and no recorded MD5: their bytes could not be checked`);
  return { rootFolderId, discrepancies, verified: content.verified, ...counted, unverifiable: content.unverifiable, failure: unchecked ?? read.failure };
}

/**
 * `versions: all`: every document's ACTIVE versions, asked of WorkDocs (DescribeDocumentVersions, every page, for
 * every document), whatever the manifest records: a version deleted in WorkDocs is found only this way. Then the
 * history objects the tree now wants, if their owner or version is unknown, are probed (HeadObject) as prepare()
 * probes the documents' objects.
 */
async function listEveryVersion(tree: SourceTree, inventory: InventoryObject[], view: ManifestView, options: SyncOptions, env: SyncEnv): Promise<SourceTree> {
  const listed = await describeVersions(env.workdocs, tree.documents, options.maxWorkers, env.signal);
  for (const [documentId, message] of listed.failures) env.logger.log('error', `listing the versions of document ${documentId} failed: ${message}`);
  const withVersions = withHistories(tree, { describe: tree.documents, known: [], carried: new Map() }, listed.described, listed.failures);
  env.logger.log('info', `WorkDocs versions: ${tree.documents.length} document(s) described (${listed.pages} pages); ${withVersions.versions?.length ?? 0} older version(s) to compare`);
  const probes = keysToProbe(withVersions, inventory, view, { prefix: options.s3Prefix, archivePrefix: options.archivePrefix, deleteForeign: false });
  if (probes.length > 0) env.logger.log('info', `reading metadata of ${probes.length} object(s) of the history area not in the manifest`);
  // A failed probe leaves the object unprobed: auditRoot then gives no verdict on it.
  await probeObjects(probes, inventory, options, env);
  return withVersions;
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

function reportOf(options: SyncOptions, env: SyncEnv, started: number, audit: RootAudit, merge?: { merged: number; contentChecked: boolean }): SyncReport {
  const counts = countDiscrepancies(audit.discrepancies, audit.verified, audit.unverifiable.length);
  const exact = audit.failure === undefined && isExact(audit.discrepancies);
  const exitCode: ExitCode = audit.failure !== undefined ? 3 : exact ? 0 : 1;
  const verifySummary: VerifySummary = {
    exact,
    contentChecked: merge?.contentChecked ?? options.verifyContent,
    documents: audit.documents,
    ...(audit.versions > 0 ? { versions: audit.versions } : {}),
    counts,
    discrepancies: audit.discrepancies,
    unverifiable: audit.unverifiable,
    ...(options.verifySlice ? { slice: options.verifySlice } : {}),
    ...(merge ? { merged: merge.merged } : {}),
  };
  for (const d of audit.discrepancies.slice(0, SHOWN)) env.logger.log(d.fails ? 'error' : 'info', discrepancyLine(d));
  if (audit.discrepancies.length > SHOWN) env.logger.log('info', `… and ${audit.discrepancies.length - SHOWN} more in the JSON report and the CSV`);
  const report = buildReport({ options, env, started, manifestKey: manifestKey(options.s3Prefix), rootFolderId: audit.rootFolderId, items: [], exitCode, fatal: audit.failure });
  return { ...report, verify: verifySummary };
}

/**
 * verify_merge: the verdict of a matrix of verify_slice jobs from their JSON reports (the workflow carries them as
 * artifacts), with no request to WorkDocs or S3: the merged summary needs no place in the bucket.
 */
function mergeReports(options: SyncOptions, env: SyncEnv, started: number): SyncReport {
  const dir = path.resolve(options.verifyMerge);
  const files = jsonFilesUnder(dir);
  const reports: SliceReport[] = [];
  for (const file of files) {
    let parsed: Partial<SyncReport>;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<SyncReport>;
    } catch (error) {
      throw new InputError('verify_merge', `${file} is not a JSON report: ${describeError(error)}`);
    }
    if (typeof parsed.exitCode !== 'number' || typeof parsed.bucket !== 'string') continue; // not a report of this tool
    reports.push({ source: path.relative(dir, file), bucket: parsed.bucket, prefix: parsed.prefix ?? '', rootFolderId: parsed.rootFolderId ?? '', exitCode: parsed.exitCode, fatal: parsed.fatal, verify: parsed.verify });
  }
  const merged = mergeSlices(reports);
  if ('problem' in merged) throw new InputError('verify_merge', `${merged.problem} (in ${dir}, ${files.length} JSON file(s))`);
  const first = reports.find((r) => r.verify?.slice !== undefined)!;
  if (first.bucket !== options.s3BucketName || first.prefix !== options.s3Prefix || first.rootFolderId !== sourceIdOf(options)) {
    throw new InputError('verify_merge', `the reports audit source ${first.rootFolderId} in s3://${first.bucket}/${first.prefix}, not ${sourceIdOf(options)} in s3://${options.s3BucketName}/${options.s3Prefix}`);
  }
  env.logger.log('info', `merged ${merged.summary.merged ?? 0} slice report(s) from ${dir}`);
  return reportOf(options, env, started, {
    rootFolderId: first.rootFolderId,
    discrepancies: merged.summary.discrepancies,
    verified: merged.summary.counts.verified,
    documents: merged.summary.documents,
    versions: merged.summary.versions ?? 0,
    unverifiable: merged.summary.unverifiable,
    failure: merged.noVerdict,
  }, { merged: merged.summary.merged ?? 0, contentChecked: merged.summary.contentChecked });
}

/** Every `.json` file below `dir` (download-artifact puts each artifact in a folder of its own), sorted. */
function jsonFilesUnder(dir: string): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    throw new InputError('verify_merge', `cannot read the directory ${dir}: ${describeError(error)}`);
  }
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) files.push(...jsonFilesUnder(full));
    else if (entry.isFile() && entry.name.endsWith('.json')) files.push(full);
  }
  return files.sort();
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
  const part = v.slice ? ` (slice ${v.slice.index}/${v.slice.count} of the keys)` : v.merged !== undefined ? ` (${v.merged} slices merged)` : '';
  const headline = `${report.exitCode === 3 ? `No verdict on ${where}` : v.exact ? `Exact mirror: ${where}` : `Not an exact mirror: ${where}`}${part}`;
  const lines = [
    headline,
    `  ${c.verified} of ${comparedObjects(v)} verified${v.contentChecked ? ' by their bytes' : ' by the listing (size, version, recorded ETag)'}; missing ${c.missing}, mismatched ${c.mismatched}, extra ${c.extra}${extraParts(c)}${v.contentChecked ? `, unverifiable ${c.unverifiable}` : ''}`,
    v.merged !== undefined ? '  merged from the slices\' reports: no request was made' : `  read-only: nothing was written, no lock was taken; ${formatDuration(report.durationMs)}`,
  ];
  for (const d of v.discrepancies.slice(0, SHOWN)) lines.push(`  ${d.fails ? '' : '(not failing) '}${discrepancyLine(d)}`);
  if (v.discrepancies.length > SHOWN) lines.push(`  … and ${v.discrepancies.length - SHOWN} more in the JSON report and the CSV`);
  if (report.fatal !== undefined) lines.push(`  fatal: ${report.fatal}`);
  lines.push(`  exit code ${report.exitCode}`);
  return lines;
}

/** `12 documents`, or with older versions `15 objects (12 documents, 3 older versions)`. */
function comparedObjects(v: VerifySummary): string {
  const versions = v.versions ?? 0;
  return versions === 0 ? `${v.documents} documents` : `${v.documents + versions} objects (${v.documents} documents, ${versions} older versions)`;
}

/** What the extra count holds besides the tool's own stale objects: ` (1 not written by this tool, 2 orphaned versions)`. */
function extraParts(c: VerifySummary['counts']): string {
  const parts = [
    ...(c.extraForeign > 0 ? [`${c.extraForeign} not written by this tool`] : []),
    ...((c.orphanedVersions ?? 0) > 0 ? [`${c.orphanedVersions} orphaned version${c.orphanedVersions === 1 ? '' : 's'}`] : []),
  ];
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
