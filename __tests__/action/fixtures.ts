/** Reports and a recording @actions/core for the Action's unit tests. */
import { totalsOf } from '../../src/engine/report.js';
import type { ReportItem, SyncReport } from '../../src/engine/types.js';
import type { ActionCore } from '../../src/action/run-action.js';

export function makeReport(items: readonly ReportItem[], over: Partial<SyncReport> = {}): SyncReport {
  const totals = totalsOf(items);
  return {
    exitCode: totals.failed > 0 ? 1 : 0,
    dryRun: false,
    bucket: 'my-bucket',
    prefix: 'mirror/',
    rootFolderId: 'f'.repeat(64),
    manifestKey: 'mirror/.workdocs-s3-sync/manifest.json',
    startedAt: '2025-01-01T00:00:00.000Z',
    durationMs: 4200,
    totals,
    bytesPerSecond: totals.bytes / 4.2,
    items,
    changed: items.some((i) => i.action !== 'skip' && (i.outcome === 'done' || i.outcome === 'planned')),
    ...over,
  };
}

export const upload = (key: string, bytes = 1000, over: Partial<ReportItem> = {}): ReportItem => ({ action: 'upload', key, outcome: 'done', reason: 'new', bytes, documentId: 'd'.repeat(64), versionId: `1700000000000-${'a'.repeat(64)}`, ...over });
export const skip = (key: string): ReportItem => ({ action: 'skip', key, outcome: 'done', reason: 'unchanged' });
export const del = (key: string): ReportItem => ({ action: 'delete', key, outcome: 'done', reason: 'stale' });
export const failed = (key: string, error = 'MD5 mismatch'): ReportItem => ({ action: 'upload', key, outcome: 'failed', reason: 'new', error });

export interface Recorded {
  outputs: Record<string, string>;
  failed: string[];
  secrets: string[];
  errors: { message: string; title?: string }[];
  warnings: { message: string; title?: string }[];
  lines: string[];
  debug: string[];
  groups: string[];
  summary: string[];
  idTokenAudiences: string[];
}

/** The runner's environment for a step's `with:` inputs: `INPUT_<NAME>`, upper-cased, spaces as `_`. */
export function inputEnv(inputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(inputs).map(([name, value]) => [`INPUT_${name.replace(/ /g, '_').toUpperCase()}`, value]));
}

/** A fake @actions/core that records everything (the inputs come from the environment, see inputEnv). */
export function recordingCore(opts: { idToken?: string; summaryFails?: boolean } = {}): ActionCore & { rec: Recorded } {
  const rec: Recorded = { outputs: {}, failed: [], secrets: [], errors: [], warnings: [], lines: [], debug: [], groups: [], summary: [], idTokenAudiences: [] };
  return {
    rec,
    setOutput: (name, value) => { rec.outputs[name] = value; },
    setFailed: (message) => { rec.failed.push(message); },
    setSecret: (secret) => { rec.secrets.push(secret); },
    getIDToken: async (audience) => {
      rec.idTokenAudiences.push(audience ?? '');
      if (opts.idToken === undefined) throw new Error('Unable to get ACTIONS_ID_TOKEN_REQUEST_URL env variable');
      return opts.idToken;
    },
    debug: (m) => { rec.debug.push(m); },
    info: (m) => { rec.lines.push(m); },
    warning: (message, p) => { rec.warnings.push({ message, title: p?.title }); },
    error: (message, p) => { rec.errors.push({ message, title: p?.title }); },
    startGroup: (name) => { rec.groups.push(name); rec.lines.push(`::group::${name}`); },
    endGroup: () => { rec.lines.push('::endgroup::'); },
    writeSummary: async (text) => {
      if (opts.summaryFails) throw new Error('Unable to find environment variable for $GITHUB_STEP_SUMMARY');
      rec.summary.push(text);
    },
  };
}
