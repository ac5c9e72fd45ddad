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

/** Socket and stream failures of node and undici that a new connection may not meet again. */
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN',
  'UND_ERR_SOCKET', 'ERR_STREAM_PREMATURE_CLOSE',
]);

/** Service errors, by name, that say "try again later" whatever their status (S3's RequestTimeout is a 400). */
const TRANSIENT_ERROR_NAMES = new Set([
  'TimeoutError', 'RequestTimeout', 'RequestTimeoutException', 'ThrottlingException', 'TooManyRequestsException',
  'SlowDown', 'FailedDependencyException',
]);

/**
 * The one answer to "may the same request, sent again, succeed?", for every retry in the tool: the whole-file
 * retry (engine/execute.ts), the content download's resume (workdocs/content.ts) and the WorkDocs client's
 * retry strategy (workdocs/retry.ts, which adds it to the SDK's own list). Transient:
 * - a content download cut short, refused with an expired URL (403), 408, 429 or 5xx (TransientDownloadError);
 * - a body S3 refused as damaged on the way (isDamagedInTransit);
 * - an AWS answer 408, 429 or 5xx, a timeout or throttling by name, WorkDocs' FailedDependency (424);
 * - a reset, refused, timed-out or cut-short connection, a failed DNS lookup.
 * Not transient: everything else, IntegrityError included (the same bytes again would not match; whether to
 * download the file afresh is the file retry's own decision).
 */
export function isTransientError(error: unknown): boolean {
  if (error instanceof TransientDownloadError) {
    const status = error.status;
    return status === undefined || status === 403 || status === 408 || status === 429 || status >= 500;
  }
  if (isDamagedInTransit(error)) return true;
  const status = httpStatusOf(error);
  if (status !== undefined && (status >= 500 || status === 429 || status === 408)) return true;
  const { name, code, message } = (error ?? {}) as { name?: string; code?: string; message?: string };
  if (name !== undefined && TRANSIENT_ERROR_NAMES.has(name)) return true;
  if (code !== undefined && TRANSIENT_NETWORK_CODES.has(code)) return true;
  return message === 'aborted'; // node: a response cut short mid-body
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
