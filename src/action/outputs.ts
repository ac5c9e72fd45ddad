/**
 * What a run hands to later steps and to the run's page: step outputs (strings, as GITHUB_OUTPUT holds them)
 * and error annotations for failed items. Pure functions of the report.
 */
import { effectiveTotals } from '../engine/report.js';
import type { ExitCode, ReportItem, SyncReport, Totals } from '../engine/types.js';
import { verifyOutputs } from './verify.js';

/** Every output the Action sets, with the description action.yml gives it (checked by a test). */
export const OUTPUT_SPECS = [
  { name: 'uploaded', description: 'Files uploaded (new or changed documents). In a dry run, every count is what would be done.' },
  { name: 'copied', description: 'Files copied inside S3 (renamed or moved documents).' },
  { name: 'skipped', description: 'Files already up to date.' },
  { name: 'deleted', description: 'Stale objects deleted.' },
  { name: 'archived', description: 'Stale objects moved under archive_prefix.' },
  { name: 'markers', description: 'Folder marker objects created.' },
  { name: 'failed', description: 'Items that failed.' },
  { name: 'cancelled', description: 'Items stopped by a cancel or a lost lock before they finished; not counted as failed.' },
  { name: 'foreign', description: 'Objects under the prefix that this tool did not write, left alone (see delete_foreign).' },
  { name: 'bytes', description: 'Bytes uploaded.' },
  { name: 'report_path', description: 'Path of the JSON report with every item and its outcome.' },
  { name: 'manifest_key', description: "S3 key of the manifest the run read or wrote; '' when it stopped before a plan." },
  { name: 'changed', description: "'true' when anything in the bucket changed (or would, in a dry run), else 'false'." },
  { name: 'exit_code', description: 'The exit code (see Exit codes).' },
  { name: 'matrix', description: "mode plan: the shard matrix as JSON, for `fromJSON` in `strategy.matrix`; '' otherwise." },
  { name: 'verified', description: 'mode verify: documents shown in place; 0 in the other modes.' },
  { name: 'missing', description: 'mode verify: documents with no object at their key.' },
  { name: 'mismatched', description: 'mode verify: objects that do not hold their version (stale, wrong size, modified, other bytes).' },
  { name: 'extra', description: 'mode verify: objects no WorkDocs item maps to, foreign ones included.' },
] as const;

export type OutputName = (typeof OUTPUT_SPECS)[number]['name'];

/** The counts of a report as outputs; in a dry run, what would be done. */
function countOutputs(totals: Totals): Record<CountOutput, string> {
  return Object.fromEntries(COUNT_OUTPUTS.map((name) => [name, String(totals[name])])) as Record<CountOutput, string>;
}

/** The outputs that are counts of the report's totals (a new count is one more entry here and in OUTPUT_SPECS). */
const COUNT_OUTPUTS = ['uploaded', 'copied', 'skipped', 'deleted', 'archived', 'markers', 'failed', 'cancelled', 'bytes'] as const satisfies readonly (OutputName & keyof Totals)[];
type CountOutput = (typeof COUNT_OUTPUTS)[number];

/** The step outputs of a finished run. `reportPath` is '' when no report file could be written. */
export function reportOutputs(report: SyncReport, reportPath: string): Record<OutputName, string> {
  return {
    ...countOutputs(effectiveTotals(report)),
    report_path: reportPath,
    manifest_key: report.manifestKey,
    changed: String(report.changed),
    exit_code: String(report.exitCode),
    matrix: report.scale?.matrix ? JSON.stringify(report.scale.matrix) : '',
    foreign: String(report.foreign?.count ?? 0),
    ...verifyOutputs(report),
  };
}

/** The outputs of a run that stopped before the engine ran (bad input, no credentials): defined, and all zero. */
export function stoppedOutputs(exitCode: ExitCode, reportPath = ''): Record<OutputName, string> {
  const zero = Object.fromEntries(COUNT_OUTPUTS.map((name) => [name, '0'])) as Record<CountOutput, string>;
  return { ...zero, report_path: reportPath, manifest_key: '', changed: 'false', exit_code: String(exitCode), matrix: '', foreign: '0', verified: '0', missing: '0', mismatched: '0', extra: '0' };
}

export interface Annotation {
  readonly message: string;
  readonly title: string;
}

/** Error annotations for failed items before the one that says how many more there are (see the README). */
export const ITEM_ANNOTATIONS = 8;

/**
 * One error annotation per failed item, at most `max`; past the cap, one more says how many are left out. With
 * the step's failure that is at most 10, the number of error annotations GitHub shows per step.
 */
export function failedItemAnnotations(items: readonly ReportItem[], max = ITEM_ANNOTATIONS): Annotation[] {
  const failed = items.filter((i) => i.outcome === 'failed');
  const shown = failed.slice(0, max).map((item) => ({
    title: `${item.action} failed: ${item.key}`.slice(0, 200),
    message: `${item.action} ${item.key}: ${item.error ?? item.reason}`,
  }));
  if (failed.length > shown.length) {
    const more = failed.length - shown.length;
    shown.push({ title: `${more} more failed item${more === 1 ? '' : 's'}`, message: `${more} more item${more === 1 ? '' : 's'} failed; the job summary and the JSON report list them all.` });
  }
  return shown;
}
