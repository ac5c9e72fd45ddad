/** Builds the run's report from its items, and the few lines of text a person reads at the end. */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { BufferedFileWriter } from '../file-writer.js';
import type { SyncOptions } from '../options.js';
import type { ExitCode, ReportItem, SyncEnv, SyncReport, Totals, UserCounts } from './types.js';
import { runOutcome, type RunOutcome } from '../core/outcome.js';
import type { HeldByUser } from '../core/up-to-date.js';
import { decodeSegment, HISTORY_SEGMENT, METADATA_SEGMENT, RECYCLE_BIN_SEGMENT, RELOCATED_MARK, RESERVED_SEGMENT } from '../core/keys.js';

export interface ReportInput {
  readonly options: SyncOptions;
  readonly env: SyncEnv;
  readonly started: number;
  readonly manifestKey: string;
  readonly rootFolderId: string;
  readonly rootFolderName?: string | undefined;
  readonly items: readonly ReportItem[];
  readonly exitCode: ExitCode;
  readonly deletesBlocked?: string | undefined;
  readonly fatal?: string | undefined;
  /** Objects under the prefix this tool did not write (key → ETag), left alone. */
  readonly foreign?: ReadonlyMap<string, string>;
  /** A run that ended at the source head: what the manifest lists, unchanged, counted without an item each. */
  readonly unchanged?: { readonly objects: number; readonly users: readonly HeldByUser[] };
}

export function totalsOf(items: readonly ReportItem[]): Totals {
  const totals: Totals = { uploaded: 0, copied: 0, skipped: 0, deleted: 0, archived: 0, markers: 0, failed: 0, cancelled: 0, bytes: 0 };
  for (const item of items) {
    if (item.outcome === 'failed') {
      totals.failed++;
      continue;
    }
    if (item.outcome === 'cancelled') {
      totals.cancelled++;
      continue;
    }
    if (item.outcome !== 'done') continue;
    switch (item.action) {
      case 'upload': totals.uploaded++; totals.bytes += item.bytes ?? 0; break;
      case 'copy': totals.copied++; break;
      case 'skip': totals.skipped++; break;
      case 'delete': totals.deleted++; break;
      case 'archive': totals.archived++; break;
      case 'marker': totals.markers++; break;
    }
  }
  return totals;
}

/**
 * The counts a person (or a later step) wants: what was done, or in a dry run what would be done (the
 * engine's totals count only what was done, which in a dry run is nothing).
 */
export function effectiveTotals(report: SyncReport): Totals {
  if (!report.dryRun) return report.totals;
  return totalsOf(report.items.map((item) => (item.outcome === 'planned' ? { ...item, outcome: 'done' } : item)));
}

/**
 * The per-user areas, in the order they nest in a key: a sidecar holds a document's or a version's key, a version a
 * document's, and a recycled document's key starts with the bin (`.metadata/.history/.recycle-bin/<user>/…`).
 */
const PER_USER_AREAS = [METADATA_SEGMENT, HISTORY_SEGMENT, RECYCLE_BIN_SEGMENT] as const;

/** The user an item of a site run belongs to: its key's top-level segment decoded (the one after the per-user areas). */
export function userOfKey(key: string, prefix: string): string | undefined {
  if (!key.startsWith(prefix)) return undefined;
  const segments = key.slice(prefix.length).split('/');
  // Each area at most once and in order: a user named `.recycle-bin` keeps that name inside the bin (`.recycle-bin/.recycle-bin/…`).
  let at = 0;
  for (const area of PER_USER_AREAS) if (segments[at] === area) at++;
  // A file directly under the prefix, or an item relocated there for length, names no user.
  if (segments.length < at + 2 || segments[at] === '' || segments[at]!.startsWith(RELOCATED_MARK) || segments[0] === RESERVED_SEGMENT) return undefined;
  return decodeSegment(segments[at]!);
}

/** Per-user counts of a site run's items, sorted by username; a dry run counts what it would do. */
export function userCountsOf(items: readonly ReportItem[], prefix: string, dryRun: boolean): UserCounts[] {
  const byUser = new Map<string, UserCounts>();
  for (const item of items) {
    const user = userOfKey(item.key, prefix);
    if (user === undefined) continue;
    let counts = byUser.get(user);
    if (counts === undefined) {
      counts = { user, uploaded: 0, copied: 0, skipped: 0, deleted: 0, failed: 0, bytes: 0 };
      byUser.set(user, counts);
    }
    if (item.outcome === 'failed') counts.failed++;
    if (item.outcome !== 'done' && !(dryRun && item.outcome === 'planned')) continue;
    switch (item.action) {
      case 'upload': counts.uploaded++; counts.bytes += item.bytes ?? 0; break;
      case 'copy': counts.copied++; break;
      case 'skip': counts.skipped++; break;
      case 'delete': case 'archive': counts.deleted++; break;
      case 'marker': break;
    }
  }
  return [...byUser.values()].sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
}

/** Per-user counts with each user's unchanged objects added to what they skipped, sorted by username. */
function withUnchanged(counts: UserCounts[], unchanged: readonly HeldByUser[]): UserCounts[] {
  if (unchanged.length === 0) return counts;
  const byUser = new Map(counts.map((c) => [c.user, c]));
  for (const { user, objects } of unchanged) {
    const c = byUser.get(user);
    if (c) c.skipped += objects;
    else byUser.set(user, { user, uploaded: 0, copied: 0, skipped: objects, deleted: 0, failed: 0, bytes: 0 });
  }
  return [...byUser.values()].sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
}

/** How many users the log line and the job summary name; the JSON report has them all. */
export const USERS_SHOWN = 20;

/** The one log line of a site run's per-user counts (the first USERS_SHOWN users); undefined outside site mode. */
export function userCountsLine(report: SyncReport): string | undefined {
  if (report.users === undefined || report.users.length === 0) return undefined;
  const shown = report.users.slice(0, USERS_SHOWN).map((u) => {
    const parts = [`${u.uploaded} uploaded`, u.copied > 0 ? `${u.copied} copied` : '', `${u.skipped} unchanged`, u.deleted > 0 ? `${u.deleted} deleted` : '', u.failed > 0 ? `${u.failed} FAILED` : ''].filter((p) => p !== '');
    return `${JSON.stringify(u.user)} ${parts.join(', ')} (${formatBytes(u.bytes)})`;
  });
  const more = report.users.length - shown.length;
  return `per user${report.dryRun ? ' (dry run: what would be done)' : ''}: ${shown.join('; ')}${more > 0 ? `; … and ${more} more users in the JSON report` : ''}`;
}

/** How many foreign keys the report names; the count covers all of them. */
export const FOREIGN_KEYS_SHOWN = 20;

export function buildReport(input: ReportInput): SyncReport {
  const durationMs = Math.max(0, input.env.now() - input.started);
  const totals = totalsOf(input.items);
  if (input.unchanged) totals.skipped += input.unchanged.objects;
  const changed = input.items.some((i) => i.action !== 'skip' && (i.outcome === 'done' || i.outcome === 'planned'));
  return {
    exitCode: input.exitCode,
    dryRun: input.options.dryRun,
    bucket: input.options.s3BucketName,
    prefix: input.options.s3Prefix,
    rootFolderId: input.rootFolderId,
    ...(input.rootFolderName !== undefined ? { rootFolderName: input.rootFolderName } : {}),
    manifestKey: input.manifestKey,
    startedAt: new Date(input.started).toISOString(),
    durationMs,
    totals,
    bytesPerSecond: durationMs > 0 ? Math.round((totals.bytes * 1000) / durationMs) : 0,
    items: input.items,
    changed,
    ...(input.deletesBlocked !== undefined ? { deletesBlocked: input.deletesBlocked } : {}),
    ...(input.foreign !== undefined && input.foreign.size > 0 ? { foreign: { count: input.foreign.size, keys: [...input.foreign.keys()].sort().slice(0, FOREIGN_KEYS_SHOWN) } } : {}),
    ...(input.fatal !== undefined ? { fatal: input.fatal } : {}),
    // Truthy rather than !== '': hand-made options in tests may not have the field at all.
    ...(input.options.workdocsOrganizationId ? { users: withUnchanged(userCountsOf(input.items, input.options.s3Prefix, input.options.dryRun), input.unchanged?.users ?? []) } : {}),
    ...(input.unchanged ? { upToDate: true } : {}),
  };
}

/** The report of a run that stopped before the engine ran (bad input, no credentials): the inputs as given, nothing done. */
export function stoppedReport(input: {
  readonly exitCode: ExitCode;
  readonly fatal: string;
  readonly bucket: string;
  readonly prefix: string;
  readonly rootFolderId: string;
  readonly dryRun: boolean;
  readonly started: number;
  readonly now: number;
}): SyncReport {
  return {
    exitCode: input.exitCode,
    dryRun: input.dryRun,
    bucket: input.bucket,
    prefix: input.prefix,
    rootFolderId: input.rootFolderId,
    manifestKey: '',
    startedAt: new Date(input.started).toISOString(),
    durationMs: Math.max(0, input.now - input.started),
    totals: totalsOf([]),
    bytesPerSecond: 0,
    items: [],
    changed: false,
    fatal: input.fatal,
  };
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(bytes)} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

export { runOutcome, type RunOutcome };

/** True when the run stopped before it had anything to count (bad input, a failure before the plan). */
export function stoppedBeforePlan(report: SyncReport): boolean {
  return report.exitCode >= 2 && report.items.length === 0;
}

/** The reason of a failure up to its first detail: "the manifest could not be written (AccessDenied…)…" → "the manifest could not be written". */
export function firstClause(text: string): string {
  const cut = text.search(/ \(|; |: /);
  return cut > 0 ? text.slice(0, cut) : text;
}

/** `1 object`, `2 objects`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** The one-line title of an outcome (plain text; the summary escapes it). */
export function outcomeTitle(report: SyncReport, outcome: RunOutcome): string {
  const totals = effectiveTotals(report);
  switch (outcome) {
    case 'done': return 'Done';
    case 'up-to-date': return 'Up to date';
    case 'dry-run': return report.changed ? 'Dry run — changes planned, nothing was written' : 'Dry run — up to date, nothing to do';
    case 'items-failed': return `${plural(totals.failed, 'item')} failed`;
    case 'deletes-refused': return 'Deletes refused';
    case 'run-failed': return `Failed — ${firstClause(report.fatal ?? 'the run failed')}`;
    case 'bad-input': return 'Bad input — nothing was touched';
    case 'stopped': return 'Stopped — nothing was deleted';
    case 'cancelled': return `Cancelled — nothing was deleted${totals.cancelled > 0 ? `, ${plural(totals.cancelled, 'item')} not finished` : ''}`;
  }
}

/** The console summary: a headline that names the outcome, the totals, then what failed and why. */
export function summaryLines(report: SyncReport, interrupted = false): string[] {
  const outcome = runOutcome(report, interrupted);
  const where = `s3://${report.bucket}/${report.prefix}`;
  const headline: Record<RunOutcome, string> = {
    'done': `Synced into ${where}`,
    'up-to-date': `Up to date: ${where}`,
    'dry-run': 'Dry run: nothing was written or deleted.',
    'items-failed': `Synced into ${where} except ${plural(report.totals.failed, 'item')}, which failed`,
    'deletes-refused': `Deletes refused: nothing was deleted from ${where}`,
    'run-failed': `Failed: ${firstClause(report.fatal ?? 'the run failed')}`,
    'bad-input': 'Bad input: nothing was touched',
    'stopped': 'Stopped: nothing was deleted',
    'cancelled': 'Cancelled: nothing was deleted',
  };
  const lines = [headline[outcome]];
  if (!stoppedBeforePlan(report)) {
    const t = effectiveTotals(report);
    const cancelled = t.cancelled > 0 ? `, cancelled ${t.cancelled}` : '';
    lines.push(
      report.dryRun
        ? `  would upload ${t.uploaded}, copy ${t.copied}, create ${t.markers} folder markers, delete ${t.deleted}, archive ${t.archived}; unchanged ${t.skipped}`
        : `  uploaded ${t.uploaded}, copied ${t.copied}, skipped ${t.skipped}, deleted ${t.deleted}, archived ${t.archived}, folder markers ${t.markers}, failed ${t.failed}${cancelled}`,
      report.dryRun
        ? `  ${formatBytes(t.bytes)} to upload; planned in ${formatDuration(report.durationMs)}`
        : `  ${formatBytes(t.bytes)} in ${formatDuration(report.durationMs)} (${formatBytes(report.bytesPerSecond)}/s)`,
    );
  }
  if (report.deletesBlocked) lines.push(`  deletes refused: ${report.deletesBlocked}`);
  if (report.foreign) lines.push(`  left alone: ${plural(report.foreign.count, 'object')} this tool did not write (first: ${report.foreign.keys.slice(0, 3).map((k) => JSON.stringify(k)).join(', ')})`);
  const failures = report.items.filter((i) => i.outcome === 'failed');
  for (const item of failures.slice(0, 20)) lines.push(`  FAILED ${item.action} ${JSON.stringify(item.key)}: ${item.error ?? ''}`);
  if (failures.length > 20) lines.push(`  … and ${failures.length - 20} more failures in the log and the JSON report`);
  const scale = report.scale;
  if (scale) {
    lines.push(`  ${scale.mode} of run ${scale.runId}${scale.shardIndex !== undefined ? `, shard ${scale.shardIndex} of ${scale.shardCount}` : `, ${scale.shardCount} shards`}`);
    if (scale.matrix) lines.push(`  matrix: ${JSON.stringify(scale.matrix)}`);
  }
  if (report.fatal) lines.push(`  ${report.exitCode === 2 ? 'bad input' : report.exitCode === 3 ? 'fatal' : 'failed'}: ${report.fatal}`);
  lines.push(`  exit code ${report.exitCode}`);
  return lines;
}

/**
 * Writes the JSON report (every item and its outcome), creating its folder. Throws when it cannot.
 * Items are written one per line through a small buffer, so a 100,000-item report is never one giant string,
 * nor a pile of large batch strings.
 */
export function writeReportFile(file: string, report: SyncReport): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const { items, ...head } = report;
  const fd = openSync(file, 'w');
  try {
    const out = new BufferedFileWriter(fd);
    const headJson = JSON.stringify(head, null, 2);
    out.write(`${headJson.slice(0, headJson.lastIndexOf('}')).trimEnd()}${Object.keys(head).length > 0 ? ',' : ''}\n  "items": [`);
    items.forEach((item, i) => out.write(`${i === 0 ? '' : ','}\n    ${JSON.stringify(item)}`));
    out.write(`${items.length > 0 ? '\n  ' : ''}]\n}\n`);
    out.flush();
  } finally {
    closeSync(fd);
  }
}
