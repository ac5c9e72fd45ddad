/**
 * The options a simulated run draws, as one table: a new option (issue 22's `delete_foreign`, later `versions`,
 * `verify` ...) is one more row. A row whose option the CLI does not know yet is skipped, so the table can name
 * options before they land.
 */
import { OPTION_SPECS } from '../../src/options.js';
import type { Random } from './random.js';

/** What a row may look at when it draws a value. */
export interface OptionContext {
  /** The history's s3_prefix ('' or ending in '/'). */
  readonly prefix: string;
  /** A whole-site history (workdocs_organization_id): the site-only options draw values. */
  readonly site?: boolean;
}

/** A site-only option's value: drawn in every history (so the draws after it stay put), given only to a site. */
function siteOnly(context: OptionContext, value: string | undefined): string | undefined {
  return context.site === true ? value : undefined;
}

export interface OptionRow {
  readonly name: string;
  /** A value as typed on the command line, or undefined to leave the option at its default. */
  draw(random: Random, context: OptionContext): string | undefined;
}

/** Archive areas a run may name: outside the prefix (allowed), and inside it (issue 23.3: must be refused, exit 2). */
export function archiveChoices(prefix: string): string[] {
  return prefix === '' ? ['archive/', 'old/archive/'] : ['archive/', `${prefix}archive/`];
}

export const OPTION_ROWS: readonly OptionRow[] = [
  { name: 'max_workers', draw: (r) => String(r.int(1, 16)) },
  { name: 'dry_run', draw: (r) => (r.chance(0.15) ? 'true' : undefined) },
  { name: 'archive_prefix', draw: (r, c) => (r.chance(0.2) ? r.pick(archiveChoices(c.prefix)) : undefined) },
  { name: 'max_delete', draw: (r) => (r.chance(0.5) ? undefined : r.pick(['100%', '0', '3', '10%', '100,50%', '90%'])) },
  { name: 'folder_markers', draw: (r) => (r.chance(0.5) ? undefined : r.pick(['empty', 'all', 'none'])) },
  { name: 'delete_stale', draw: (r) => (r.chance(0.1) ? 'false' : undefined) },
  { name: 'delete_foreign', draw: (r) => (r.chance(0.1) ? 'true' : undefined) },
  // 5 MiB: the rare big documents go multipart (uploads, copies, kills in the middle of one).
  { name: 'multipart_threshold_mb', draw: (r) => (r.chance(0.4) ? '5' : undefined) },
  { name: 'part_size_mb', draw: (r) => (r.chance(0.4) ? '5' : undefined) },
  // Every older version too, under .history/ (switching back to latest makes the history stale).
  { name: 'versions', draw: (r) => (r.chance(0.3) ? 'all' : undefined) },
  // The metadata index (default) or none or sidecars beside the mirror (never planned, never foreign); a full re-read now and then.
  { name: 'metadata', draw: (r) => (r.chance(0.6) ? undefined : r.pick(['none', 'sidecars'])) },
  { name: 'metadata_refresh', draw: (r) => (r.chance(0.1) ? 'true' : undefined) },
  // Site only: the recycle bins, and user filters that change from run to run (excluded users' objects are stale;
  // a filter that leaves nobody is bad input, exit 2). The usernames are workdocs.ts's.
  { name: 'include_recycle_bin', draw: (r, c) => siteOnly(c, r.chance(0.35) ? 'true' : undefined) },
  { name: 'users', draw: (r, c) => siteOnly(c, r.chance(0.75) ? undefined : r.pick(['*', 'a*', 'admin,bob', '?o*,carol*', 'A*,E*'])) },
  { name: 'exclude_users', draw: (r, c) => siteOnly(c, r.chance(0.7) ? undefined : r.pick(['bob', 'a*', '*.*', '.history', 'carol*,dave'])) },
  // Runs driven by the activity feed (a site's; `auto` on a folder lists everything); a full listing forced now and then.
  { name: 'incremental', draw: (r, c) => (r.chance(0.5) ? undefined : c.site === true ? r.pick(['activities', 'activities', 'auto']) : r.chance(0.3) ? 'auto' : undefined) },
  { name: 'full_listing_every', draw: (r, c) => siteOnly(c, r.chance(0.7) ? undefined : r.pick(['0', '30m', '7d'])) },
];

/** Site histories also expect these refused (exit 2): a user filter that leaves nobody, a malformed glob. */
export const SITE_BAD_INPUTS: readonly (readonly string[])[] = [
  ['--exclude_users', '*'],
  ['--users', 'nobody-of-this-site'],
  ['--users', 'alice bob'],
];

/** Arguments the CLI must refuse with exit 2 before any S3 request. */
export const BAD_INPUTS: readonly (readonly string[])[] = [
  ['--max_delete', 'ten'],
  ['--max_workers', '0'],
  ['--s3_prefix', 'a//b'],
  ['--folder_markers', 'maybe'],
  ['--archive_prefix', '../up'],
  ['--mode', 'shard', '--shard_index', '300'],
];

/** Whether the CLI knows an option (rows for options not yet added are skipped). */
export function optionExists(name: string): boolean {
  return OPTION_SPECS.some((spec) => spec.name === name);
}

/** Draws one run's options: snake_case name → value, only those given. Every row draws, known or not, so adding an option to the CLI does not shift the other choices of a seed. */
export function drawRunOptions(random: Random, context: OptionContext): Record<string, string> {
  const out: Record<string, string> = {};
  for (const row of OPTION_ROWS) {
    const value = row.draw(random, context);
    if (value !== undefined && optionExists(row.name)) out[row.name] = value;
  }
  return out;
}

export function toArgs(options: Readonly<Record<string, string>>): string[] {
  return Object.entries(options).flatMap(([name, value]) => [`--${name}`, value]);
}
