/**
 * Which users of a site a run mirrors: the `users` and `exclude_users` options, comma-separated username globs.
 * `*` stands for any run of characters, `?` for one; matching is case-insensitive, as WorkDocs usernames are.
 * Ten lines of our own rather than a glob library: usernames hold no `/`, so no path semantics are wanted.
 */

/** What WorkDocs allows in a username, plus the two wildcards. */
const GLOB = /^[\w+.@*?-]{1,256}$/;

/** `a*, b?` → ['a*', 'b?'], or the first problem. An empty text is an empty list. */
export function parseUserGlobs(text: string): string[] | string {
  if (text.trim() === '') return [];
  const globs = text.split(',').map((g) => g.trim());
  const bad = globs.find((g) => !GLOB.test(g));
  if (bad !== undefined) {
    return bad === ''
      ? `has an empty entry: give comma-separated username globs such as alice,team-*`
      : `${JSON.stringify(bad.slice(0, 60))} is not a username glob (letters, digits, + . @ - _ and the wildcards * and ?)`;
  }
  return globs;
}

function globRegExp(glob: string): RegExp {
  const body = [...glob].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+]/g, '\\$&'))).join('');
  return new RegExp(`^${body}$`, 'iu');
}

/** A predicate over usernames: included by one of `include` (every user when it is empty) and by none of `exclude`. */
export function userFilter(include: readonly string[], exclude: readonly string[]): (username: string) => boolean {
  const wanted = include.map(globRegExp);
  const unwanted = exclude.map(globRegExp);
  return (username) => (wanted.length === 0 || wanted.some((r) => r.test(username))) && !unwanted.some((r) => r.test(username));
}
