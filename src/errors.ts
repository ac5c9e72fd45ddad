/**
 * Typed errors the engine raises and the shells map to exit codes, plus the one place that turns any
 * error into a message safe to print (no presigned URLs, tokens or keys).
 */

/** Bad input that is detected before anything is touched: exit 2. */
export class InputError extends Error {
  override readonly name = 'InputError';
  constructor(readonly option: string, message: string, options?: ErrorOptions) {
    super(message, options);
  }
}

/** The source or the destination could not be listed: exit 3, nothing deleted. */
export class FatalError extends Error {
  override readonly name = 'FatalError';
}

/** The bytes read did not match the version's Size or Signature: nothing may land. */
export class IntegrityError extends Error {
  override readonly name = 'IntegrityError';
}

/** A content download failed in a way a retry may fix (reset, truncation, 5xx, expired URL). */
export class TransientDownloadError extends Error {
  override readonly name = 'TransientDownloadError';
  constructor(message: string, readonly status?: number, options?: ErrorOptions) {
    super(message, options);
  }
}

/**
 * The run may not write to the bucket (its lock was refused or lost, or what it listed is outdated): a transfer
 * that had already started stopped before its object could appear. Not worth retrying.
 */
export class WriteRefusedError extends Error {
  override readonly name = 'WriteRefusedError';
}

const SECRET_PATTERNS: readonly [RegExp, string][] = [
  // Any URL: keep scheme, host and path, drop the query (presigned signatures, tokens live there).
  [/(https?:\/\/[^\s?#"'<>]+)\?[^\s"'<>]*/gi, '$1?[redacted]'],
  [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, '[redacted-access-key]'],
  [/(X-Amz-(?:Signature|Credential|Security-Token)=)[^&\s"']+/gi, '$1[redacted]'],
  [/((?:aws_secret_access_key|secretAccessKey|sessionToken|SessionToken|x-amz-security-token|Authorization)["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, '$1[redacted]'],
  [/\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/g, '[redacted-jwt]'],
];

/** Removes anything that looks like a credential, token or signed URL from a message. */
export function redact(text: string): string {
  return SECRET_PATTERNS.reduce((t, [pattern, replacement]) => t.replace(pattern, replacement), text);
}

/**
 * S3 refused a body because its bytes differ from their checksum (Content-MD5, or the signed SHA-256): they were
 * damaged on the way, nothing landed, and the same bytes sent again may pass. The SDK does not retry a 400.
 */
export function isDamagedInTransit(error: unknown): boolean {
  const name = (error as { name?: string } | undefined)?.name;
  return name === 'BadDigest' || name === 'XAmzContentSHA256Mismatch';
}

/** The HTTP status of an AWS SDK error, when it has one. */
export function httpStatusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | undefined)?.$metadata?.httpStatusCode;
}

/** A one-line, secret-free description of any thrown value, including the SDK's error names and HTTP status. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const status = httpStatusOf(error);
    const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
    const suffix = status !== undefined ? ` (HTTP ${status})` : '';
    return redact(`${name}${error.message || 'no message'}${suffix}`.replace(/\s+/g, ' ').trim());
  }
  return redact(String(error));
}

export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}
