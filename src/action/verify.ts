/**
 * The Action's end of a `mode: verify` run: the CSV beside the JSON report, a job summary that gives the verdict
 * and the discrepancies, annotations for the first ones, and the step's status. A mirror that is not exact fails
 * the step whatever tolerate_failures says: that input covers failed transfers, and an audit has none.
 */
import type { Discrepancy } from '../core/verify.js';
import type { ExitCode, SyncReport } from '../engine/types.js';
import { verifySummaryLines, writeDiscrepancyCsv } from '../engine/verify.js';
import { describeError } from '../errors.js';
import { escapeText, isSite } from './summary.js';

/** The part of @actions/core a verify run's end uses. */
export interface VerifyCore {
  info(message: string): void;
  warning(message: string, properties?: { title?: string }): void;
  error(message: string, properties?: { title?: string }): void;
  setFailed(message: string): void;
  writeSummary(text: string): Promise<void>;
}

/** Error annotations for discrepancies: GitHub shows 10 per step, the step's failure is one of them. */
const ANNOTATIONS = 8;
/** Rows of the summary's table; the JSON report and the CSV have all. */
const SUMMARY_ROWS = 250;
const SUMMARY_TABLE_BYTES = 512 * 1024;

/** The outputs a verify run adds: its counts, as strings ('0' for any other run). */
export function verifyOutputs(report: SyncReport): Record<'verified' | 'missing' | 'mismatched' | 'extra', string> {
  const c = report.verify?.counts;
  return { verified: String(c?.verified ?? 0), missing: String(c?.missing ?? 0), mismatched: String(c?.mismatched ?? 0), extra: String(c?.extra ?? 0) };
}

/** Ends a verify run: CSV, summary, annotations, console lines, status. `reportPath`: '' when no JSON report was written. */
export async function finishVerify(core: VerifyCore, report: SyncReport, reportPath: string): Promise<ExitCode> {
  let csvPath = '';
  if (reportPath !== '') {
    try {
      csvPath = writeDiscrepancyCsv(reportPath, report) ?? '';
    } catch (error) {
      core.warning(`Could not write the CSV of discrepancies beside ${reportPath}: ${describeError(error)}`);
    }
  }
  try {
    await core.writeSummary(renderVerifySummary(report, reportPath, csvPath));
  } catch (error) {
    core.warning(`Could not write the job summary: ${describeError(error)}`);
  }
  const failing = report.verify?.discrepancies.filter((d) => d.fails) ?? [];
  for (const d of failing.slice(0, ANNOTATIONS)) core.error(`${d.key}: ${d.detail}`, { title: `${d.kind}: ${d.key}`.slice(0, 200) });
  for (const line of verifySummaryLines(report)) core.info(line);
  if (reportPath !== '') core.info(`JSON report: ${reportPath}${csvPath !== '' ? `; discrepancies as CSV: ${csvPath}` : ''}`);
  if (report.exitCode === 1 && report.verify !== undefined) {
    const c = report.verify.counts;
    core.setFailed(`Not an exact mirror: ${c.missing} missing, ${c.mismatched} mismatched, ${c.extra} extra; see the job summary${reportPath !== '' ? ` and ${reportPath}` : ''}.`);
  } else if (report.exitCode !== 0) {
    core.setFailed(report.fatal ?? `The verify run stopped with exit code ${report.exitCode}.`);
  }
  return report.exitCode;
}

/** The job summary of a verify run: verdict, counts, and a table of discrepancies (escaped: keys are outside text). */
export function renderVerifySummary(report: SyncReport, reportPath = '', csvPath = ''): string {
  const v = report.verify;
  const where = `<code>${escapeText(`s3://${report.bucket}/${report.prefix}`)}</code>`;
  const status = v === undefined
    ? `❌ ${report.exitCode === 2 ? 'Bad input' : 'No verdict'}`
    : report.exitCode === 3 ? '❌ No verdict' : v.exact ? '✅ Exact mirror' : '❌ Not an exact mirror';
  const lines = [`## WorkDocs → S3 verify: ${status}`, '', `Bucket ${where}, WorkDocs ${isSite(report) ? 'site' : 'folder'} <code>${escapeText(report.rootFolderId)}</code>. Read-only: nothing was written, no lock was taken.`, ''];
  if (report.fatal !== undefined) lines.push(`> [!CAUTION]`, `> ${escapeText(report.fatal)}`, '');
  if (v !== undefined) {
    const c = v.counts;
    lines.push(
      '| Documents | Verified | Missing | Mismatched | Extra | Unverifiable |',
      '|---:|---:|---:|---:|---:|---:|',
      `| ${v.documents}${(v.versions ?? 0) > 0 ? ` + ${v.versions} older versions` : ''} | ${c.verified} | ${c.missing} | ${c.mismatched} | ${c.extra}${extraNote(c)} | ${v.contentChecked ? c.unverifiable : 'not checked'} |`,
      '',
      v.contentChecked ? 'Every object in place was read back and its MD5 compared with the WorkDocs Signature.' : 'Checked from the listing (size, version, recorded ETag); set `verify_content: true` to read every object back.',
      '',
    );
    if (v.discrepancies.length > 0) {
      lines.push('<table>', '<thead><tr><th>Kind</th><th>Key</th><th>Detail</th></tr></thead>', '<tbody>');
      let shown = 0;
      let bytes = 0;
      for (const d of v.discrepancies.slice(0, SUMMARY_ROWS)) {
        const text = row(d);
        bytes += Buffer.byteLength(text);
        // GitHub takes at most 1 MiB of summary per step; long escaped keys could pass that in fewer rows.
        if (bytes > SUMMARY_TABLE_BYTES) break;
        lines.push(text);
        shown++;
      }
      lines.push('</tbody>', '</table>', '');
      if (v.discrepancies.length > shown) lines.push(`… and ${v.discrepancies.length - shown} more in the JSON report and the CSV.`, '');
    }
  }
  if (reportPath !== '') lines.push(`JSON report: <code>${escapeText(reportPath)}</code>${csvPath !== '' ? `; CSV of discrepancies: <code>${escapeText(csvPath)}</code>` : ''}`, '');
  return lines.join('\n');
}

function extraNote(c: NonNullable<SyncReport['verify']>['counts']): string {
  const parts = [...(c.extraForeign > 0 ? [`${c.extraForeign} foreign`] : []), ...((c.orphanedVersions ?? 0) > 0 ? [`${c.orphanedVersions} orphaned version${c.orphanedVersions === 1 ? '' : 's'}`] : [])];
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

function row(d: Discrepancy): string {
  const kind = `${d.kind}${d.owner !== undefined ? ` (${d.owner})` : ''}${d.fails ? '' : ', not failing'}`;
  return `<tr><td>${escapeText(kind)}</td><td><code>${escapeText(d.key)}</code></td><td>${escapeText(d.detail)}</td></tr>`;
}
