/**
 * The job summary of a run, as one Markdown/HTML string: a status line, the totals, and tables of failed,
 * uploaded/copied, deleted/archived and (collapsed) skipped keys. Pure, so it is tested without a runner.
 * Its size is bounded whatever the tree size: each table stops at `maxRows`, the whole stays under
 * `maxBytes` (GitHub refuses step summaries over 1 MiB), and a capped table says how many more rows the
 * JSON report holds.
 */
import { formatBytes, formatDuration } from '../engine/report.js';
import type { ReportItem, SyncReport } from '../engine/types.js';
import { effectiveTotals } from './outputs.js';

export interface SummaryOptions {
  /** Where the JSON report with every item was written. */
  readonly reportPath?: string;
  /** Rows per table before "… and N more" (default 250). */
  readonly maxRows?: number;
  /** Upper bound of the whole summary in UTF-8 bytes (default 512 KiB, half of GitHub's limit). */
  readonly maxBytes?: number;
  /** A browser link for an object key, e.g. the S3 console; undefined for no link. */
  readonly objectUrl?: (key: string) => string | undefined;
  /** Item failures do not fail the step (tolerate_failures). */
  readonly toleratedFailures?: boolean;
}

export const SUMMARY_LIMIT_BYTES = 1024 * 1024;
const DEFAULT_MAX_BYTES = 512 * 1024;
const DEFAULT_MAX_ROWS = 250;
/** Room kept for each table's closing tags and its "… more" line, and for the closing lines. */
const TABLE_TAIL_RESERVE = 400;
const NOTICE_MAX_CHARS = 2000;

/** Escapes text for HTML content and attribute values; control characters become visible escapes. */
export function escapeHtml(text: string): string {
  return text
    .replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

function bytesOf(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

function count(n: number): string {
  return n.toLocaleString('en-US');
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function status(report: SyncReport, tolerated: boolean): string {
  if (report.exitCode === 2) return '❌ Bad input — nothing was touched';
  if (report.exitCode === 3) return '❌ Stopped — nothing was deleted';
  if (report.exitCode === 1 && report.deletesBlocked !== undefined) return '❌ Deletes refused';
  if (report.exitCode === 1) {
    const n = report.totals.failed;
    return `${tolerated ? '⚠️' : '❌'} ${count(n)} item${n === 1 ? '' : 's'} failed`;
  }
  return report.changed ? '✅ Done' : '✅ Up to date';
}

function verb(item: ReportItem): string {
  const label = item.action === 'marker' ? 'folder marker' : item.action;
  return item.outcome === 'done' || item.outcome === 'failed' ? label : `${label} (${item.outcome})`;
}

function scaleLine(report: SyncReport): string {
  const scale = report.scale;
  if (!scale) return '';
  const which = scale.shardIndex !== undefined ? `shard ${scale.shardIndex} of ${scale.shardCount}` : `${scale.shardCount} shards`;
  const matrix = scale.matrix ? ` · matrix <code>${escapeHtml(JSON.stringify(scale.matrix))}</code>` : '';
  return `Scale-out mode <b>${escapeHtml(scale.mode)}</b> of run <code>${escapeHtml(scale.runId)}</code>, ${which}${matrix}`;
}

interface Column {
  readonly header: string;
  readonly align?: 'right';
  readonly cell: (item: ReportItem) => string;
}

/** A running byte budget shared by all sections. */
class Budget {
  used = 0;
  constructor(private readonly max: number) {}
  fits(text: string, reserve: number): boolean {
    return this.used + bytesOf(text) + reserve <= this.max;
  }
  take(text: string): string {
    this.used += bytesOf(text);
    return text;
  }
}

function table(
  title: string,
  items: readonly ReportItem[],
  columns: readonly Column[],
  budget: Budget,
  options: { maxRows: number; reserve: number; reportPath: string | undefined; collapsed: boolean },
): string {
  if (items.length === 0) return '';
  const heading = options.collapsed
    ? `<details><summary><b>${escapeHtml(title)} (${count(items.length)})</b></summary>\n\n`
    : `### ${escapeHtml(title)} (${count(items.length)})\n\n`;
  const head = `<table>\n<thead><tr>${columns.map((c) => `<th${c.align ? ` align="${c.align}"` : ''}>${escapeHtml(c.header)}</th>`).join('')}</tr></thead>\n<tbody>\n`;
  const open = heading + head;
  if (!budget.fits(open, options.reserve + TABLE_TAIL_RESERVE)) return '';
  const parts = [budget.take(open)];
  let shown = 0;
  for (const item of items) {
    if (shown >= options.maxRows) break;
    const row = `<tr>${columns.map((c) => `<td${c.align ? ` align="${c.align}"` : ''}>${c.cell(item)}</td>`).join('')}</tr>\n`;
    if (!budget.fits(row, options.reserve + TABLE_TAIL_RESERVE)) break;
    parts.push(budget.take(row));
    shown += 1;
  }
  let tail = '</tbody>\n</table>\n';
  const more = items.length - shown;
  if (more > 0) {
    const where = options.reportPath ? ` (<code>${escapeHtml(clip(options.reportPath, 150))}</code>)` : '';
    tail += `\n… and ${count(more)} more in the JSON report${where}.\n`;
  }
  tail += options.collapsed ? '\n</details>\n\n' : '\n';
  parts.push(budget.take(tail));
  return parts.join('');
}

/** Renders the job summary of one run. The result is always at most `maxBytes` UTF-8 bytes. */
export function renderSummary(report: SyncReport, options: SummaryOptions = {}): string {
  const maxBytes = Math.min(options.maxBytes ?? DEFAULT_MAX_BYTES, SUMMARY_LIMIT_BYTES);
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const budget = new Budget(maxBytes);
  const totals = effectiveTotals(report);

  const keyCell = (item: ReportItem): string => {
    const code = `<code>${escapeHtml(item.key)}</code>`;
    const url = item.outcome === 'done' ? options.objectUrl?.(item.key) : undefined;
    return url ? `<a href="${escapeHtml(url)}">${code}</a>` : code;
  };
  const plainKey = (item: ReportItem): string => `<code>${escapeHtml(item.key)}</code>`;
  const action: Column = { header: 'Action', cell: (i) => escapeHtml(verb(i)) };
  const reason: Column = { header: 'Reason', cell: (i) => escapeHtml(i.reason) };
  const size: Column = { header: 'Size', align: 'right', cell: (i) => (i.bytes === undefined ? '' : escapeHtml(formatBytes(i.bytes))) };

  const where = `<code>s3://${escapeHtml(report.bucket)}/${escapeHtml(report.prefix)}</code>`;
  const lines = [
    `## WorkDocs → S3 sync: ${status(report, options.toleratedFailures === true)}`,
    '',
    `WorkDocs folder <code>${escapeHtml(report.rootFolderId)}</code> → ${where}${report.dryRun ? ' — **dry run: nothing was written or deleted; the counts are what would be done**' : ''}`,
    '',
    ...(report.scale ? [scaleLine(report), ''] : []),
    '| Uploaded | Copied | Skipped | Deleted | Archived | Folder markers | Failed | Bytes | Duration | Throughput |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${[totals.uploaded, totals.copied, totals.skipped, totals.deleted, totals.archived, totals.markers, totals.failed].map(count).join(' | ')} | ${formatBytes(totals.bytes)} | ${formatDuration(report.durationMs)} | ${formatBytes(report.bytesPerSecond)}/s |`,
    '',
  ];
  if (report.fatal) lines.push('> [!CAUTION]', `> ${escapeHtml(clip(report.fatal, NOTICE_MAX_CHARS))}`, '');
  if (report.deletesBlocked) lines.push('> [!WARNING]', `> Deletes were not run: ${escapeHtml(clip(report.deletesBlocked, NOTICE_MAX_CHARS))}`, '');
  const header = budget.take(`${lines.join('\n')}\n`);

  const footer = options.reportPath
    ? `Every item and its outcome: <code>${escapeHtml(clip(options.reportPath, 300))}</code>${report.manifestKey ? ` · manifest <code>${escapeHtml(clip(report.manifestKey, 300))}</code>` : ''}\n`
    : '';
  const sections: { title: string; items: ReportItem[]; columns: Column[]; collapsed: boolean }[] = [
    {
      title: 'Failed',
      items: report.items.filter((i) => i.outcome === 'failed'),
      columns: [action, { header: 'Key', cell: plainKey }, { header: 'Error', cell: (i) => escapeHtml(clip(i.error ?? i.reason, 500)) }],
      collapsed: false,
    },
    {
      title: 'Uploaded and copied',
      items: report.items.filter((i) => (i.action === 'upload' || i.action === 'copy') && i.outcome !== 'failed'),
      columns: [action, { header: 'Key', cell: keyCell }, size, { header: 'Reason', cell: (i) => escapeHtml(i.fromKey ? `${i.reason} (from ${i.fromKey})` : i.reason) }],
      collapsed: false,
    },
    {
      title: 'Deleted and archived',
      items: report.items.filter((i) => (i.action === 'delete' || i.action === 'archive') && i.outcome !== 'failed'),
      columns: [action, { header: 'Key', cell: plainKey }, { header: 'Archived to', cell: (i) => (i.toKey ? `<code>${escapeHtml(i.toKey)}</code>` : '') }, reason],
      collapsed: false,
    },
    {
      title: 'Skipped',
      items: report.items.filter((i) => i.action === 'skip' && i.outcome !== 'failed'),
      columns: [{ header: 'Key', cell: plainKey }, reason],
      collapsed: true,
    },
  ];
  const body = sections.map((section, index) =>
    table(section.title, section.items, section.columns, budget, {
      maxRows,
      // keep room for the footer and for at least the heading of every later section
      reserve: bytesOf(footer) + (sections.length - index - 1) * TABLE_TAIL_RESERVE,
      reportPath: options.reportPath,
      collapsed: section.collapsed,
    }),
  );
  return header + body.join('') + budget.take(footer);
}
