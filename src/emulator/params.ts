/** Query-parameter parsing as the service validates it: InvalidArgumentException for anything out of range. */
import { invalidArgument } from './errors.js';
import { decodeMarker, encodeMarker } from './util.js';

export type Query = Record<string, string>;

export function parseLimit(q: Query, def = 100): number {
  const raw = q['limit'];
  if (raw === undefined) return def;
  if (!/^-?\d+$/.test(raw)) throw invalidArgument(`Invalid value for parameter limit: ${raw}`);
  const n = Number(raw);
  if (n < 1 || n > 999) throw invalidArgument(`1 validation error detected: Value '${raw}' at 'limit' failed to satisfy constraint: Member must have value between 1 and 999`);
  return n;
}

/** A comma-separated list parameter. */
export function parseList(v: string | undefined): string[] {
  return v
    ? v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
}

export function enumParam(q: Query, name: string, allowed: Set<string>, def: string): string {
  const v = q[name];
  if (v === undefined) return def;
  if (!allowed.has(v)) throw invalidArgument(`Invalid value for parameter ${name}: ${v}`);
  return v;
}

/** Epoch seconds (the SDK's form) or an ISO date, as milliseconds. */
export function parseTimeParam(q: Query, name: string): number | undefined {
  const v = q[name];
  if (v === undefined || v === '') return undefined;
  const ms = /^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : Date.parse(v);
  if (Number.isNaN(ms)) throw invalidArgument(`Invalid value for parameter ${name}: ${v}`);
  return ms;
}

function parseOffsetMarker(q: Query, kind: string): number {
  const m = q['marker'];
  if (m === undefined || m === '') return 0;
  try {
    const o = decodeMarker(m) as { k?: string; n?: number };
    if (o.k === kind && Number.isInteger(o.n) && o.n! >= 0) return o.n!;
  } catch {
    /* an undecodable marker is the caller's error, reported below */
  }
  throw invalidArgument('The marker is invalid.');
}

/** One page of a small list with an offset marker; no Marker on the last page. */
export function page<T>(items: T[], q: Query, kind: string, def = 100): { items: T[]; marker?: string } {
  const limit = parseLimit(q, def);
  const start = parseOffsetMarker(q, kind);
  const slice = items.slice(start, start + limit);
  const next = start + limit;
  return next < items.length ? { items: slice, marker: encodeMarker({ k: kind, n: next }) } : { items: slice };
}
