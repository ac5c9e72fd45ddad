// The site tree's pure parts: which documents the benchmark changes between runs, and how its runs are judged
// against the targets of issues 20 (whole-site export) and 21 (incremental runs). No I/O: bench/site.ts measures.
import { median, type PhaseRun, type TargetCheck } from './report.js';

/** A change made through the emulator's control API, as an administrator's users would make it. */
export type SiteChange =
  | { readonly kind: 'version'; readonly documentId: string; readonly size: number }
  | { readonly kind: 'rename'; readonly documentId: string; readonly name: string }
  | { readonly kind: 'move'; readonly documentId: string; readonly parentId: string }
  | { readonly kind: 'delete'; readonly documentId: string };

export interface ChangeCandidate {
  readonly documentId: string;
  readonly parentId: string;
  /** The root folder of the user whose tree holds the document (a move stays inside it). */
  readonly userRootId: string;
  readonly name: string;
  readonly size: number;
}

export type ChangeCounts = Readonly<Record<SiteChange['kind'], number>>;

/** Of every 20 changes: 8 new versions, 5 renames, 4 moves, 3 deletes (40 / 25 / 20 / 15 %). */
function kindOf(k: number): SiteChange['kind'] {
  const r = k % 20;
  return r < 8 ? 'version' : r < 13 ? 'rename' : r < 17 ? 'move' : 'delete';
}

/**
 * `count` changes on distinct documents spread evenly over the site (sorted by id, every `step`th). Batch b of
 * `batches` takes the documents at offset b of each step, so no two batches touch the same document. A move goes
 * to the user's root folder (the generator puts no document there), or to another folder of the same user.
 */
export function planChanges(docs: readonly ChangeCandidate[], count: number, batch: number, batches: number): SiteChange[] {
  if (!(batch >= 0 && batch < batches)) throw new Error(`batch ${batch} is not one of ${batches}`);
  const sorted = [...docs].sort((a, b) => (a.documentId < b.documentId ? -1 : a.documentId > b.documentId ? 1 : 0));
  const step = Math.floor(sorted.length / count);
  if (step < batches) throw new Error(`${sorted.length} documents are too few for ${batches} batches of ${count} changes`);
  const changes: SiteChange[] = [];
  for (let k = 0; k < count; k++) {
    const doc = sorted[k * step + batch]!;
    const kind = kindOf(k);
    if (kind === 'version') changes.push({ kind, documentId: doc.documentId, size: doc.size });
    else if (kind === 'rename') changes.push({ kind, documentId: doc.documentId, name: `renamed-${doc.name}` });
    else if (kind === 'delete') changes.push({ kind, documentId: doc.documentId });
    else {
      const elsewhere = doc.parentId !== doc.userRootId ? doc.userRootId : sorted.find((d) => d.userRootId === doc.userRootId && d.parentId !== doc.parentId)?.parentId;
      changes.push(elsewhere !== undefined ? { kind, documentId: doc.documentId, parentId: elsewhere } : { kind: 'version', documentId: doc.documentId, size: doc.size });
    }
  }
  return changes;
}

export function countChanges(changes: readonly SiteChange[]): ChangeCounts {
  const counts = { version: 0, rename: 0, move: 0, delete: 0 };
  for (const c of changes) counts[c.kind]++;
  return counts;
}

/** The site tree's runs, in the order they ran on one prefix (see bench/site.ts). */
export interface SiteResult {
  readonly name: string;
  readonly description: string;
  readonly users: number;
  /** Documents in the mirror's scope (ACTIVE; recycled ones are not mirrored without include_recycle_bin). */
  readonly documents: number;
  readonly folders: number;
  /** Objects under `.history/` after the first export: the older versions. */
  readonly historyObjects: number;
  /** Bytes of the documents' latest versions. */
  readonly bytes: number;
  /** Objects under the prefix after the first export (N of ⌈N/1000⌉). */
  readonly objects: number;
  /** The first export: `incremental: activities`, so it also leaves the source snapshot (no snapshot yet: a full listing). */
  readonly first: PhaseRun;
  /** No-op resyncs with `incremental: listing` (every folder and the whole prefix listed). */
  readonly listingNoop: PhaseRun[];
  /** No-op resyncs with `incremental: activities`, right after them. */
  readonly incrementalNoop: PhaseRun[];
  /** Batch A of changes, then an incremental run. */
  readonly incrementalChanges: ChangeCounts;
  readonly incrementalAfter: PhaseRun;
  /** A full listing right after it: must find nothing left to do (the incremental run missed nothing). */
  readonly listingCheck: PhaseRun;
  /** Batch B of as many changes (other documents), then a full-listing run. */
  readonly listingChanges: ChangeCounts;
  readonly listingAfter: PhaseRun;
}

/** Operations of a listing: no request per document or per version. */
const LISTING_OPS = new Set(['GetFolder', 'DescribeFolderContents', 'DescribeUsers']);

const total = (c: ChangeCounts): number => c.version + c.rename + c.move + c.delete;
const describe = (c: Record<string, number>): string => Object.entries(c).filter(([, n]) => n > 0).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;

/** Whether a run in an incremental mode read the activity feed instead of listing everything; the notes say why not. */
export function ranIncrementally(run: PhaseRun): { ok: boolean; why: string } {
  const notes = run.notes ?? [];
  const full = notes.find((n) => n.startsWith('full listing'));
  if (full !== undefined) return { ok: false, why: full };
  // `up to date:` is the no-op that ended at the source head: it read the feed and nothing else.
  const read = notes.find((n) => n.startsWith('incremental:') || n.startsWith('up to date:'));
  return read !== undefined ? { ok: true, why: read } : { ok: false, why: 'the run said nothing about the activity feed' };
}

/** Requests of `run` beyond those of `base` (the same kind of run with nothing to do), per change. */
export function perChange(run: PhaseRun, base: PhaseRun, changes: number): { workdocs: number; s3: number } {
  return { workdocs: (run.workdocsTotal - base.workdocsTotal) / changes, s3: (run.s3Total - base.s3Total) / changes };
}

/** Most requests per change, on each side, beyond a no-op of the same kind (see docs/performance.md, Site). */
export const PER_CHANGE_LIMIT = 10;

export function siteTargetChecks(site: SiteResult): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const tree = site.name;
  const add = (target: string, value: string, ok: boolean): void => { checks.push({ tree, target, value, ok }); };
  const syncs = [site.first, ...site.listingNoop, ...site.incrementalNoop, site.incrementalAfter, site.listingCheck, site.listingAfter];
  const peak = Math.max(...syncs.map((r) => r.maxRssMb));
  add(`peak RSS ≤ 400 MB for ${site.documents.toLocaleString('en-US')} documents across ${site.users} users`, `${peak} MB (first export ${site.first.maxRssMb} MB)`, peak <= 400);
  const failed = syncs.filter((r) => r.exitCode !== 0);
  add('every run exits 0', failed.length === 0 ? 'yes' : failed.map((r) => `${r.name}: exit ${r.exitCode}`).join('; '), failed.length === 0);

  const noop = site.listingNoop[0];
  if (noop) {
    const perItem = Object.keys(noop.workdocs).filter((op) => !LISTING_OPS.has(op));
    add('full-listing no-op: WorkDocs requests are listing pages and DescribeUsers pages only', `${noop.workdocsTotal} (${describe(noop.workdocs)})`, perItem.length === 0);
    const limit = Math.ceil(site.objects / 1000) + 2;
    const onlyReads = Object.keys(noop.s3).every((op) => op === 'ListObjectsV2' || op === 'GetObject') && (noop.s3.GetObject ?? 0) <= 2;
    add(`full-listing no-op: S3 ≤ ⌈N/1000⌉ list pages + 2 GETs = ${limit} (N = ${site.objects.toLocaleString('en-US')} objects)`, `${noop.s3Total} (${describe(noop.s3)})`, onlyReads && noop.s3Total <= limit);
  }
  const inc = site.incrementalNoop[0];
  if (inc) {
    const how = ranIncrementally(inc);
    const pages = inc.workdocs.DescribeActivities ?? 0;
    add('incremental no-op: reads the activity feed (no full listing)', how.why, how.ok);
    add(`incremental no-op: WorkDocs ≤ activity pages + 2 = ${pages + 2}`, `${inc.workdocsTotal} (${describe(inc.workdocs)})`, how.ok && inc.workdocsTotal <= pages + 2);
    add('incremental no-op: S3 ≤ 3', `${inc.s3Total} (${describe(inc.s3)})`, how.ok && inc.s3Total <= 3);
  }
  if (noop && inc) {
    const listingMs = median(site.listingNoop.map((r) => r.wallMs));
    const incrementalMs = median(site.incrementalNoop.map((r) => r.wallMs));
    const ratio = incrementalMs > 0 ? listingMs / incrementalMs : Infinity;
    add('incremental no-op: wall time ≤ 1/20 of the full-listing no-op (same run)', `${seconds(incrementalMs)} vs ${seconds(listingMs)}: 1/${ratio.toFixed(1)}`, ranIncrementally(inc).ok && ratio >= 20);

    const a = total(site.incrementalChanges);
    const b = total(site.listingChanges);
    const how = ranIncrementally(site.incrementalAfter);
    const incPer = perChange(site.incrementalAfter, inc, a);
    const listPer = perChange(site.listingAfter, noop, b);
    add(`after ${a} changes: incremental run, requests beyond its no-op ≤ ${PER_CHANGE_LIMIT} per change on each side`,
      `WorkDocs ${incPer.workdocs.toFixed(2)}, S3 ${incPer.s3.toFixed(2)} per change (totals ${site.incrementalAfter.workdocsTotal} and ${site.incrementalAfter.s3Total}; full listing after ${b} other changes: ${listPer.workdocs.toFixed(2)} and ${listPer.s3.toFixed(2)} per change beyond its no-op, totals ${site.listingAfter.workdocsTotal} and ${site.listingAfter.s3Total})${how.ok ? '' : `; ${how.why}`}`,
      how.ok && incPer.workdocs <= PER_CHANGE_LIMIT && incPer.s3 <= PER_CHANGE_LIMIT);
    const t = site.listingCheck.totals ?? {};
    const left = (t.uploaded ?? 0) + (t.copied ?? 0) + (t.deleted ?? 0) + (t.archived ?? 0);
    add('a full listing right after the incremental run finds nothing left to do', `changed ${site.listingCheck.changed === true ? 'yes' : 'no'}; uploaded ${t.uploaded ?? 0}, copied ${t.copied ?? 0}, deleted ${t.deleted ?? 0}, archived ${t.archived ?? 0}`, site.listingCheck.changed === false && left === 0);
  }
  return checks;
}
