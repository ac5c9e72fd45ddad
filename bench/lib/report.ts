// Result shapes of the benchmark and their Markdown rendering.
import type { SiteResult } from './site-targets.js';
import type { PhaseResult } from './types.js';

export interface PhaseRun extends PhaseResult {
  readonly name: string;
  /** WorkDocs requests per operation during the phase (the emulator's counters; `Content` = downloads). */
  readonly workdocs: Record<string, number>;
  readonly workdocsTotal: number;
  readonly s3Total: number;
  /** CPU the emulator and the S3 server used during the phase (they share the machine's cores). */
  readonly emulatorCpuMs: number;
  readonly s3ServerCpuMs: number;
  /** Busy CPU time of the whole machine during the phase, all cores. */
  readonly machineBusyMs: number;
  /** Wall time of the child process, start-up included. */
  readonly processWallMs: number;
}

export interface TreeResult {
  readonly name: string;
  readonly description: string;
  readonly documents: number;
  readonly folders: number;
  readonly bytes: number;
  readonly raw: PhaseRun[];
  /** The raw pipe + MD5 baseline (see PhaseKind); empty where the tree has no file the sync sends multipart. */
  readonly rawMd5: PhaseRun[];
  readonly full: PhaseRun[];
  readonly noop: PhaseRun[];
  readonly incremental?: PhaseRun;
  readonly changes?: { versions: number; renames: number };
}

export interface TargetCheck {
  readonly tree: string;
  readonly target: string;
  readonly value: string;
  readonly ok: boolean;
}

export interface BenchResults {
  date: string;
  mode: 'quick' | 'full';
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; s3Server: string };
  settings: { maxWorkers: number; maxPoolConnections: number; partSizeMb: number; multipartThresholdMb?: number };
  trees: TreeResult[];
  /** The site tree (bench/site.ts), when it ran. */
  sites?: SiteResult[];
  targets: TargetCheck[];
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}

/** The run whose wall time is the median (the lower middle one for an even count). */
function medianRun(runs: readonly PhaseRun[]): PhaseRun | undefined {
  const s = [...runs].sort((a, b) => a.wallMs - b.wallMs);
  return s[Math.floor((s.length - 1) / 2)];
}

/**
 * Median over rounds of baseline time / other time (throughput of the other as a share of the baseline's): each
 * round ran its phases back to back, so slow drift of a noisy machine cancels.
 */
export function pairRatio(baseline: readonly PhaseRun[], other: readonly PhaseRun[]): number | undefined {
  const ratios = baseline.map((b, i) => (other[i] ? b.wallMs / other[i]!.wallMs : NaN)).filter((r) => Number.isFinite(r));
  return ratios.length > 0 ? median(ratios) : undefined;
}

const fmt = (n: number, digits = 1): string => (Number.isFinite(n) ? n.toFixed(digits) : '–');
const counts = (c: Record<string, number>): string => Object.entries(c).filter(([, n]) => n > 0).map(([k, n]) => `${k} ${n}`).join(', ') || '0';

export function row(label: string, runs: readonly PhaseRun[], ratio: string): string {
  const run = medianRun(runs);
  if (!run) return '';
  const seconds = median(runs.map((r) => r.wallMs)) / 1000;
  const repeats = runs.length > 1 ? ` (median of ${runs.length})` : '';
  return `| ${label}${repeats} | ${fmt(seconds, 2)} | ${run.files} | ${fmt(run.bytes / 1e6)} | ${fmt(run.files / seconds)} | ${fmt(run.bytes / 1e6 / seconds)} | ${ratio} | ${run.workdocsTotal}: ${counts(run.workdocs)} | ${run.s3Total}: ${counts(run.s3)} | ${fmt(Math.max(...runs.map((r) => r.maxRssMb)), 0)} | ${fmt(median(runs.map((r) => r.cpuUserMs + r.cpuSystemMs)) / 1000)} | ${fmt(median(runs.map((r) => r.emulatorCpuMs)) / 1000)} | ${fmt(median(runs.map((r) => r.s3ServerCpuMs)) / 1000)} |`;
}

export function renderMarkdown(results: BenchResults): string {
  const lines: string[] = [];
  const m = results.machine;
  lines.push(`## Benchmark results (${results.mode} mode, ${results.date.slice(0, 10)})`, '');
  lines.push(`Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB RAM, Node ${m.node}; S3: ${m.s3Server}; WorkDocs: the bundled emulator (own process).`);
  lines.push(`Settings: max_workers ${results.settings.maxWorkers}, max_pool_connections ${results.settings.maxPoolConnections}, part_size_mb ${results.settings.partSizeMb}${results.settings.multipartThresholdMb !== undefined ? `, multipart_threshold_mb ${results.settings.multipartThresholdMb}` : ''}. MB = 10⁶ bytes. CPU = user + system of the engine process; the emulator and the S3 server share the same cores.`, '');
  for (const tree of results.trees) {
    lines.push(`### ${tree.name}: ${tree.description}`, '');
    lines.push(`${tree.documents.toLocaleString('en-US')} documents, ${tree.folders.toLocaleString('en-US')} folders, ${fmt(tree.bytes / 1e6)} MB.`, '');
    lines.push('| Phase | Time (s) | Files | MB | Files/s | MB/s | vs raw pipe | WorkDocs requests | S3 requests | Peak RSS (MB) | CPU (s) | Emulator CPU (s) | S3 server CPU (s) |');
    lines.push('|---|---:|---:|---:|---:|---:|---:|---|---|---:|---:|---:|---:|');
    const percent = (r: number | undefined): string => (r !== undefined ? `${fmt(r * 100, 0)} %` : '–');
    if (tree.raw.length > 0) lines.push(row('raw pipe', tree.raw, '100 %'));
    if (tree.rawMd5.length > 0) lines.push(row('raw pipe + MD5 of the multipart files', tree.rawMd5, percent(pairRatio(tree.raw, tree.rawMd5))));
    if (tree.full.length > 0) lines.push(row('full sync', tree.full, percent(pairRatio(tree.raw, tree.full))));
    if (tree.noop.length > 0) lines.push(row('no-op resync', tree.noop, '–'));
    if (tree.incremental) lines.push(row(`incremental (${tree.changes?.versions ?? 0} new versions, ${tree.changes?.renames ?? 0} renames)`, [tree.incremental], '–'));
    lines.push('');
    if (tree.rawMd5.length > 0) {
      lines.push(`Full sync against the raw pipe + MD5 (the same copy, plus the one MD5 pass that a multipart upload needs to check WorkDocs' bytes): ${percent(pairRatio(tree.rawMd5, tree.full))}.`, '');
    }
  }
  for (const site of results.sites ?? []) lines.push(...renderSite(site));
  if (results.targets.length > 0) {
    lines.push('### Targets', '', '| Tree | Target | Measured | Met |', '|---|---|---|---|');
    for (const t of results.targets) lines.push(`| ${t.tree} | ${t.target} | ${t.value} | ${t.ok ? 'yes' : '**no**'} |`);
    lines.push('');
  }
  return `${lines.join('\n')}\n`;
}

function renderSite(site: SiteResult): string[] {
  const changes = (c: SiteResult['incrementalChanges']): string => `${c.version} new versions, ${c.rename} renames, ${c.move} moves, ${c.delete} deletes`;
  const lines = [`### ${site.name}: ${site.description}`, ''];
  lines.push(`${site.users} users, ${site.documents.toLocaleString('en-US')} documents in the mirror's scope, ${site.folders.toLocaleString('en-US')} folders, ${fmt(site.bytes / 1e6)} MB of latest versions; after the first export ${site.objects.toLocaleString('en-US')} objects under the prefix, ${site.historyObjects.toLocaleString('en-US')} of them older versions. All runs on one prefix, in this order; \`incremental\` runs read the activity feed.`, '');
  lines.push('| Run | Time (s) | Files | MB | Files/s | MB/s | | WorkDocs requests | S3 requests | Peak RSS (MB) | CPU (s) | Emulator CPU (s) | S3 server CPU (s) |');
  lines.push('|---|---:|---:|---:|---:|---:|---|---|---|---:|---:|---:|---:|');
  lines.push(row('first export (full listing, leaves the snapshot)', [site.first], '–'));
  lines.push(row('no-op, full listing', site.listingNoop, '–'));
  lines.push(row('no-op, incremental', site.incrementalNoop, '–'));
  lines.push(row(`incremental after ${changes(site.incrementalChanges)}`, [site.incrementalAfter], '–'));
  lines.push(row('full listing right after it', [site.listingCheck], '–'));
  lines.push(row(`full listing after ${changes(site.listingChanges)} (other documents)`, [site.listingAfter], '–'));
  lines.push('');
  const notes = [site.first, ...site.incrementalNoop, site.incrementalAfter].map((r) => `${r.name}: ${(r.notes ?? []).join(' / ') || '–'}`);
  lines.push('How the incremental-mode runs listed (their own log lines):', '', ...notes.map((n) => `- ${n}`), '');
  return lines;
}
