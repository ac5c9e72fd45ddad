/** Builds the run's report from its items, and the few lines of text a person reads at the end. */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import { BufferedFileWriter } from '../file-writer.js';
import type { SyncOptions } from '../options.js';
import type { ExitCode, ReportItem, SyncEnv, SyncReport, Totals } from './types.js';

export interface ReportInput {
  readonly options: SyncOptions;
  readonly env: SyncEnv;
  readonly started: number;
  readonly manifestKey: string;
  readonly rootFolderId: string;
  readonly items: readonly ReportItem[];
  readonly exitCode: ExitCode;
  readonly deletesBlocked?: string | undefined;
  readonly fatal?: string | undefined;
}

export function totalsOf(items: readonly ReportItem[]): Totals {
  const totals: Totals = { uploaded: 0, copied: 0, skipped: 0, deleted: 0, archived: 0, markers: 0, failed: 0, bytes: 0 };
  for (const item of items) {
    if (item.outcome === 'failed') {
      totals.failed++;
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

export function buildReport(input: ReportInput): SyncReport {
  const durationMs = Math.max(0, input.env.now() - input.started);
  const totals = totalsOf(input.items);
  const changed = input.items.some((i) => i.action !== 'skip' && (i.outcome === 'done' || i.outcome === 'planned'));
  return {
    exitCode: input.exitCode,
    dryRun: input.options.dryRun,
    bucket: input.options.s3BucketName,
    prefix: input.options.s3Prefix,
    rootFolderId: input.rootFolderId,
    manifestKey: input.manifestKey,
    startedAt: new Date(input.started).toISOString(),
    durationMs,
    totals,
    bytesPerSecond: durationMs > 0 ? Math.round((totals.bytes * 1000) / durationMs) : 0,
    items: input.items,
    changed,
    ...(input.deletesBlocked !== undefined ? { deletesBlocked: input.deletesBlocked } : {}),
    ...(input.fatal !== undefined ? { fatal: input.fatal } : {}),
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
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** The console summary: totals on a few lines, then what failed and why deletes were refused. */
export function summaryLines(report: SyncReport): string[] {
  const t = report.totals;
  const planned = report.items.filter((i) => i.outcome === 'planned');
  const lines = [
    report.dryRun ? 'Dry run: nothing was written or deleted.' : `Synced into s3://${report.bucket}/${report.prefix}`,
    report.dryRun
      ? `  would upload ${count(planned, 'upload')}, copy ${count(planned, 'copy')}, create ${count(planned, 'marker')} folder markers, delete ${count(planned, 'delete')}, archive ${count(planned, 'archive')}; unchanged ${t.skipped}`
      : `  uploaded ${t.uploaded}, copied ${t.copied}, skipped ${t.skipped}, deleted ${t.deleted}, archived ${t.archived}, folder markers ${t.markers}, failed ${t.failed}`,
    `  ${formatBytes(t.bytes)} in ${formatDuration(report.durationMs)} (${formatBytes(report.bytesPerSecond)}/s)`,
  ];
  if (report.deletesBlocked) lines.push(`  deletes refused: ${report.deletesBlocked}`);
  const failures = report.items.filter((i) => i.outcome === 'failed');
  for (const item of failures.slice(0, 20)) lines.push(`  FAILED ${item.action} ${JSON.stringify(item.key)}: ${item.error ?? ''}`);
  if (failures.length > 20) lines.push(`  … and ${failures.length - 20} more failures in the log and the JSON report`);
  const scale = report.scale;
  if (scale) {
    lines.push(`  ${scale.mode} of run ${scale.runId}${scale.shardIndex !== undefined ? `, shard ${scale.shardIndex} of ${scale.shardCount}` : `, ${scale.shardCount} shards`}`);
    if (scale.matrix) lines.push(`  matrix: ${JSON.stringify(scale.matrix)}`);
  }
  if (report.fatal) lines.push(`  ${report.exitCode === 2 ? 'bad input' : 'fatal'}: ${report.fatal}`);
  lines.push(`  exit code ${report.exitCode}`);
  return lines;
}

function count(items: readonly ReportItem[], action: ReportItem['action']): number {
  return items.filter((i) => i.action === action).length;
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
