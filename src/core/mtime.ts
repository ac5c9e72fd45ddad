/**
 * The `mtime` user metadata (`X-Amz-Meta-Mtime`) that rclone, s3cmd-style tools and python-swiftclient read as an
 * object's modification time: seconds since the epoch in fixed-point decimal, trailing zeros of the fraction dropped
 * ("1700000000", "1700000000.123"). `rclone copy` from the mirror to a disk then gives each file this time.
 */

/** The user metadata key, as rclone's S3 backend names it (sent as `x-amz-meta-mtime`). */
export const MTIME_METADATA = 'mtime';

/** Epoch milliseconds → rclone's mtime text (exact: integer arithmetic, no float rounding). */
export function mtimeText(epochMs: number): string {
  if (!Number.isSafeInteger(epochMs)) throw new RangeError(`not a whole number of milliseconds: ${epochMs}`);
  const sign = epochMs < 0 ? '-' : '';
  const ms = Math.abs(epochMs);
  const fraction = String(ms % 1000).padStart(3, '0').replace(/0+$/, '');
  return `${sign}${Math.floor(ms / 1000)}${fraction === '' ? '' : `.${fraction}`}`;
}

/** rclone's mtime text → epoch milliseconds (digits beyond milliseconds are cut, as rclone keeps nanoseconds); undefined when malformed. */
export function parseMtimeText(text: string): number | undefined {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (match === null) return undefined;
  const ms = Number(match[2]) * 1000 + Number((match[3] ?? '').slice(0, 3).padEnd(3, '0'));
  return Number.isSafeInteger(ms) ? (match[1] === '-' ? -ms : ms) : undefined;
}
