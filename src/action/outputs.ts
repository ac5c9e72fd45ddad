/**
 * What a run hands to later steps and to the run's page: step outputs (strings, as GITHUB_OUTPUT holds them)
 * and error annotations for failed items. Pure functions of the report.
 */
import { totalsOf } from '../engine/report.js';
import type { ReportItem, SyncReport, Totals } from '../engine/types.js';

/** Every output the Action sets, with the description action.yml gives it (checked by a test). */
export const OUTPUT_SPECS = [
  { name: 'uploaded', description: 'Number of files uploaded (new or changed documents). In a dry run, every count is what would be done.' },
  { name: 'copied', description: 'Number of files copied inside S3 (renamed or moved documents).' },
  { name: 'skipped', description: 'Number of files already up to date.' },
  { name: 'deleted', description: 'Number of stale objects deleted.' },
  { name: 'archived', description: 'Number of stale objects moved under archive_prefix.' },
  { name: 'markers', description: 'Number of folder marker objects created.' },
  { name: 'failed', description: 'Number of items that failed.' },
  { name: 'bytes', description: 'Bytes uploaded.' },
  { name: 'report_path', description: 'Path of the JSON report with every item and its outcome.' },
  { name: 'manifest_key', description: 'S3 key of the manifest object the run wrote or read.' },
  { name: 'changed', description: "'true' when anything in the bucket changed (or would, in a dry run), else 'false'." },
  { name: 'exit_code', description: '0 done; 1 some items failed; 2 bad input, nothing touched; 3 fatal, nothing deleted.' },
  { name: 'matrix', description: "mode plan: the shard matrix as JSON, for `strategy.matrix: ${{ fromJSON(needs.plan.outputs.matrix) }}`; '' in the other modes." },
] as const;

export type OutputName = (typeof OUTPUT_SPECS)[number]['name'];

/**
 * The counts a person (or a later step) wants: what was done, or in a dry run what would be done (the
 * engine's totals count only what was done, which in a dry run is nothing).
 */
export function effectiveTotals(report: SyncReport): Totals {
  if (!report.dryRun) return report.totals;
  return totalsOf(report.items.map((item) => (item.outcome === 'planned' ? { ...item, outcome: 'done' } : item)));
}

/** The step outputs of a finished run. `reportPath` is '' when no report file could be written. */
export function reportOutputs(report: SyncReport, reportPath: string): Record<OutputName, string> {
  const totals = effectiveTotals(report);
  return {
    uploaded: String(totals.uploaded),
    copied: String(totals.copied),
    skipped: String(totals.skipped),
    deleted: String(totals.deleted),
    archived: String(totals.archived),
    markers: String(totals.markers),
    failed: String(totals.failed),
    bytes: String(totals.bytes),
    report_path: reportPath,
    manifest_key: report.manifestKey,
    changed: String(report.changed),
    exit_code: String(report.exitCode),
    matrix: report.scale?.matrix ? JSON.stringify(report.scale.matrix) : '',
  };
}

export interface Annotation {
  readonly message: string;
  readonly title: string;
}

/**
 * One error annotation per failed item, at most `max` (GitHub shows 10 error annotations per step and the
 * step failure is one of them); past the cap, one more annotation says how many are left out.
 */
export function failedItemAnnotations(items: readonly ReportItem[], max = 8): Annotation[] {
  const failed = items.filter((i) => i.outcome === 'failed');
  const shown = failed.slice(0, failed.length > max ? max - 1 : max).map((item) => ({
    title: `${item.action} failed: ${item.key}`.slice(0, 200),
    message: `${item.action} ${item.key}: ${item.error ?? item.reason}`,
  }));
  if (failed.length > shown.length) {
    const more = failed.length - shown.length;
    shown.push({ title: `${more} more failed items`, message: `${more} more items failed; the job summary and the JSON report list them all.` });
  }
  return shown;
}
