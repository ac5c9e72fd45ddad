/**
 * The job summary of a run, as one Markdown/HTML string: a status line naming the outcome, the totals, and tables
 * of failed, uploaded/copied, deleted/archived and (collapsed) skipped keys. Pure, so it is tested without a runner.
 * Every text from outside (keys, names, ids, error messages) is escaped for HTML and Markdown alike: GitHub renders
 * the summary as Markdown, so an error message must not become a link or an image.
 * Its size is bounded whatever the tree size: each table stops at `maxRows`, the whole stays under
 * `maxBytes` (GitHub refuses step summaries over 1 MiB), and a capped table says how many more rows the
 * JSON report holds.
 */
import { effectiveTotals, formatBytes, formatDuration, outcomeTitle, runOutcome, stoppedBeforePlan, USERS_SHOWN, type RunOutcome } from '../engine/report.js';
import type { ReportItem, SyncReport, Totals } from '../engine/types.js';

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
  /** The run's stop signal fired: the job was cancelled. */
  readonly interrupted?: boolean;
}

export const SUMMARY_LIMIT_BYTES = 1024 * 1024;
const DEFAULT_MAX_BYTES = 512 * 1024;
const DEFAULT_MAX_ROWS = 250;
/** Room kept for each table's closing tags and its "… more" line, and for the closing lines. */
const TABLE_TAIL_RESERVE = 400;
const NOTICE_MAX_CHARS = 2000;

/** Escapes text for HTML content and attribute values; control characters become visible escapes. */
/** Foreign keys the summary names; the report has the first 20, and the count covers all. */
const FOREIGN_KEYS_LISTED = 5;

export function escapeHtml(text: string): string {
  return text
    .replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Escapes outside text for wherever it lands in the summary, HTML or Markdown: besides escapeHtml, every character
 * Markdown gives a meaning to becomes a character reference, which Markdown shows as the character and never reads
 * as syntax (no link, image, emphasis or autolink: `:`, `@` and the dot of `www.` too).
 */
export function escapeText(text: string): string {
  return text
    .replace(/[&<>"'`[\]()!*_~\\|#:@{}+$^]/g, (c) => `&#${c.charCodeAt(0)};`)
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/(www)\./gi, '$1&#46;');
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

const ICON: Record<RunOutcome, string> = {
  'done': '✅', 'up-to-date': '✅', 'dry-run': '✅', 'items-failed': '❌', 'deletes-refused': '❌', 'run-failed': '❌',
  'bad-input': '❌', 'stopped': '❌', 'cancelled': '⏹️',
};

/** The status line's text: icon and outcome, escaped. */
export function statusLine(report: SyncReport, options: Pick<SummaryOptions, 'toleratedFailures' | 'interrupted'> = {}): string {
  const outcome = runOutcome(report, options.interrupted === true);
  const tolerated = outcome === 'items-failed' && options.toleratedFailures === true;
  return `${tolerated ? '⚠️' : ICON[outcome]} ${escapeText(outcomeTitle(report, outcome))}${tolerated ? ' (tolerated)' : ''}`;
}

/** The totals row's columns; a new count is one more entry. */
const TOTAL_COLUMNS: readonly [string, keyof Totals][] = [
  ['Uploaded', 'uploaded'], ['Copied', 'copied'], ['Skipped', 'skipped'], ['Deleted', 'deleted'], ['Archived', 'archived'],
  ['Folder markers', 'markers'], ['Failed', 'failed'], ['Cancelled', 'cancelled'],
];

/**
 * A notice block (GitHub alert); each line of the text is escaped, and the text is clipped. The text starts a line
 * of Markdown, so a leading `-`, `=` or digit is escaped too: it cannot start a list or a heading.
 */
function notice(kind: 'CAUTION' | 'WARNING', text: string): string[] {
  const lines = clip(text, NOTICE_MAX_CHARS).split('\n').map((line) => escapeText(line).replace(/^[-=\d]/, (c) => `&#${c.charCodeAt(0)};`));
  return [`> [!${kind}]`, `> ${lines.join('<br>')}`, ''];
}

function verb(item: ReportItem): string {
  const label = item.action === 'marker' ? 'folder marker' : item.action;
  return item.outcome === 'done' || item.outcome === 'failed' ? label : `${label} (${item.outcome})`;
}

function scaleLine(report: SyncReport): string {
  const scale = report.scale;
  if (!scale) return '';
  const which = scale.shardIndex !== undefined ? `shard ${scale.shardIndex} of ${scale.shardCount}` : `${scale.shardCount} shards`;
  const matrix = scale.matrix ? ` · matrix <code>${escapeText(JSON.stringify(scale.matrix))}</code>` : '';
  return `Scale-out mode <b>${escapeText(scale.mode)}</b> of run <code>${escapeText(scale.runId)}</code>, ${which}${matrix}`;
}

interface Column {
  readonly header: string;
  readonly align?: 'right';
  readonly cell: (item: ReportItem) => string;
}

/** A site run (workdocs_organization_id): its report has per-user counts, its source id is a directory id. */
export function isSite(report: SyncReport): boolean {
  return report.users !== undefined || /^d-[0-9a-f]{10}$/.test(report.rootFolderId);
}

/** Per-user counts of a site run: the first USERS_SHOWN users (by name), then how many more the JSON report has. */
function usersTable(report: SyncReport, budget: Budget): string {
  const users = report.users ?? [];
  if (users.length === 0) return '';
  const cells = ['User', 'Uploaded', 'Copied', 'Unchanged', 'Deleted', 'Failed', 'Bytes'];
  const rows = users.slice(0, USERS_SHOWN).map((u) => {
    const numbers = [u.uploaded, u.copied, u.skipped, u.deleted, u.failed].map((n) => `<td align="right">${count(n)}</td>`).join('');
    return `<tr><td><code>${escapeText(clip(u.user, 100))}</code></td>${numbers}<td align="right">${formatBytes(u.bytes)}</td></tr>\n`;
  });
  const more = users.length - rows.length;
  const text = [
    `### Per user (${count(users.length)})${report.dryRun ? ' — what would be done' : ''}\n\n`,
    `<table>\n<thead><tr>${cells.map((c, i) => `<th${i > 0 ? ' align="right"' : ''}>${c}</th>`).join('')}</tr></thead>\n<tbody>\n`,
    ...rows,
    '</tbody>\n</table>\n',
    more > 0 ? `\n… and ${count(more)} more users in the JSON report.\n` : '',
    '\n',
  ].join('');
  // Bounded (USERS_SHOWN rows of clipped names), but never at the cost of the failures' table below it.
  return budget.fits(text, 5 * TABLE_TAIL_RESERVE) ? budget.take(text) : '';
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
    ? `<details><summary><b>${title} (${count(items.length)})</b></summary>\n\n`
    : `### ${title} (${count(items.length)})\n\n`;
  const head = `<table>\n<thead><tr>${columns.map((c) => `<th${c.align ? ` align="${c.align}"` : ''}>${c.header}</th>`).join('')}</tr></thead>\n<tbody>\n`;
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
    const where = options.reportPath ? ` (<code>${escapeText(clip(options.reportPath, 150))}</code>)` : '';
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
    const code = `<code>${escapeText(item.key)}</code>`;
    const url = item.outcome === 'done' ? options.objectUrl?.(item.key) : undefined;
    return url ? `<a href="${escapeHtml(url)}">${code}</a>` : code;
  };
  const plainKey = (item: ReportItem): string => `<code>${escapeText(item.key)}</code>`;
  const action: Column = { header: 'Action', cell: (i) => escapeText(verb(i)) };
  const reason: Column = { header: 'Reason', cell: (i) => escapeText(i.reason) };
  const size: Column = { header: 'Size', align: 'right', cell: (i) => (i.bytes === undefined ? '' : formatBytes(i.bytes)) };

  const where = `<code>s3://${escapeText(report.bucket)}/${escapeText(report.prefix)}</code>`;
  const folderName = report.rootFolderName !== undefined ? ` (${escapeText(report.rootFolderName)})` : '';
  const run = report.workflowRun;
  const lines = [
    `## WorkDocs → S3 sync: ${statusLine(report, options)}`,
    '',
    `WorkDocs ${isSite(report) ? 'site' : 'folder'} <code>${escapeText(report.rootFolderId)}</code>${folderName} → ${where}${report.dryRun ? ' — **dry run: nothing was written or deleted; the counts are what would be done**' : ''}`,
    '',
    ...(run ? [`Workflow run <a href="${escapeHtml(run.url)}">${escapeText(run.repository)} #${escapeText(run.runId)}</a>${run.runAttempt !== undefined && run.runAttempt > 1 ? `, attempt ${run.runAttempt}` : ''}`, ''] : []),
    ...(report.scale ? [scaleLine(report), ''] : []),
  ];
  // A run that stopped before its plan did nothing to count: no table of zeros.
  if (!stoppedBeforePlan(report)) {
    lines.push(
      `| ${TOTAL_COLUMNS.map(([header]) => header).join(' | ')} | Bytes | Duration | Throughput |`,
      `|${'---:|'.repeat(TOTAL_COLUMNS.length + 3)}`,
      `| ${TOTAL_COLUMNS.map(([, field]) => count(totals[field])).join(' | ')} | ${formatBytes(totals.bytes)} | ${formatDuration(report.durationMs)} | ${report.dryRun ? '—' : `${formatBytes(report.bytesPerSecond)}/s`} |`,
      '',
    );
  }
  if (report.upToDate) lines.push(`Up to date: WorkDocs' activity feed shows nothing new since the last run, and the manifest is the one it left; the ${count(totals.skipped)} objects it lists are unchanged (counted, not listed one by one).`, '');
  if (report.fatal) lines.push(...notice('CAUTION', report.fatal));
  if (report.deletesBlocked) lines.push(...notice('WARNING', `Deletes were not run: ${report.deletesBlocked}`));
  if (report.foreign) {
    const first = report.foreign.keys.slice(0, FOREIGN_KEYS_LISTED).map((key) => `<code>${escapeText(clip(key, 200))}</code>`).join(', ');
    const more = report.foreign.count > FOREIGN_KEYS_LISTED ? ', …' : '';
    lines.push(`Left alone: ${count(report.foreign.count)} objects this tool did not write (${first}${more}); \`delete_foreign\` removes them.`, '');
  }
  const header = budget.take(`${lines.join('\n')}\n`) + usersTable(report, budget);

  const footer = options.reportPath
    ? `Every item and its outcome: <code>${escapeText(clip(options.reportPath, 300))}</code>${report.manifestKey ? ` · manifest <code>${escapeText(clip(report.manifestKey, 300))}</code>` : ''}\n`
    : '';
  const sections: { title: string; items: ReportItem[]; columns: Column[]; collapsed: boolean }[] = [
    {
      title: 'Failed',
      items: report.items.filter((i) => i.outcome === 'failed'),
      columns: [action, { header: 'Key', cell: plainKey }, { header: 'Error', cell: (i) => escapeText(clip(i.error ?? i.reason, 500)) }],
      collapsed: false,
    },
    {
      title: 'Cancelled',
      items: report.items.filter((i) => i.outcome === 'cancelled'),
      columns: [action, { header: 'Key', cell: plainKey }, { header: 'Why', cell: (i) => escapeText(clip(i.error ?? i.reason, 300)) }],
      collapsed: true,
    },
    {
      title: 'Uploaded and copied',
      items: report.items.filter((i) => (i.action === 'upload' || i.action === 'copy') && i.outcome !== 'failed' && i.outcome !== 'cancelled'),
      columns: [action, { header: 'Key', cell: keyCell }, size, { header: 'Reason', cell: (i) => escapeText(i.fromKey ? `${i.reason} (from ${i.fromKey})` : i.reason) }],
      collapsed: false,
    },
    {
      title: 'Deleted and archived',
      items: report.items.filter((i) => (i.action === 'delete' || i.action === 'archive') && i.outcome !== 'failed' && i.outcome !== 'cancelled'),
      columns: [action, { header: 'Key', cell: plainKey }, { header: 'Archived to', cell: (i) => (i.toKey ? `<code>${escapeText(i.toKey)}</code>` : '') }, reason],
      collapsed: false,
    },
    {
      title: 'Skipped',
      items: report.items.filter((i) => i.action === 'skip' && i.outcome !== 'failed' && i.outcome !== 'cancelled'),
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
