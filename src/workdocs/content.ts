/**
 * Reads one document version's bytes, or one byte range of them: the presigned URL is fetched just before
 * the download (it expires after ~15 minutes) and again after a 403; a download cut short resumes with Range
 * where it stopped. The caller sees one uninterrupted stream of exactly the bytes asked for, or an error.
 */
import { GetDocumentVersionCommand, type WorkDocsClient } from '@aws-sdk/client-workdocs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { httpStatusOf, IntegrityError, isTransientError, TransientDownloadError } from '../errors.js';
import { backoffDelay, sleep } from '../backoff.js';
import { noteBytesDownloaded } from '../young-collection.js';

export interface ContentSource {
  readonly client: WorkDocsClient;
  readonly documentId: string;
  readonly versionId: string;
  /** Exact size announced by WorkDocs; more or fewer bytes is an error. */
  readonly size: number;
  readonly httpAgent?: http.Agent;
  readonly httpsAgent?: https.Agent;
  readonly signal?: AbortSignal;
  /** Download attempts before giving up (each resumes where the last stopped). */
  readonly maxAttempts?: number;
  /** Called after each retry, for the log (never given the URL). */
  readonly onRetry?: (attempt: number, reason: string) => void;
  /** Only bytes [start, end) of the version (one part of a multipart upload); the whole version when absent. */
  readonly range?: { readonly start: number; readonly end: number };
  /** A URL shared by the ranges of one version, so that they cost one GetDocumentVersion; own URL when absent. */
  readonly url?: ContentUrl;
}

/** A ranged download was answered with the whole content: the server does not do Range. */
export class RangeNotHonoredError extends Error {
  override readonly name = 'RangeNotHonoredError';
}

/**
 * One presigned URL for one version, fetched on first use and fetched again (once, for every user) after a
 * user found it refused: the parts of a large file then share one GetDocumentVersion instead of one each.
 */
export class ContentUrl {
  private pending: Promise<string> | undefined;
  private current: string | undefined;

  constructor(private readonly source: Pick<ContentSource, 'client' | 'documentId' | 'versionId' | 'signal'>) {}

  get(): Promise<string> {
    this.pending ??= contentUrl(this.source).then(
      (url) => (this.current = url),
      (error: unknown) => {
        this.pending = undefined;
        throw error;
      },
    );
    return this.pending;
  }

  /** `url` was refused (expired): the next get() asks WorkDocs again, unless another user already did. */
  expire(url: string): void {
    if (url === this.current) {
      this.pending = undefined;
      this.current = undefined;
    }
  }
}

/** Fetches a fresh presigned URL for the version. */
export async function contentUrl(source: Pick<ContentSource, 'client' | 'documentId' | 'versionId' | 'signal'>): Promise<string> {
  const out = await source.client.send(
    new GetDocumentVersionCommand({ DocumentId: source.documentId, VersionId: source.versionId, Fields: 'SOURCE' }),
    { abortSignal: source.signal },
  );
  const url = out.Metadata?.Source?.ORIGINAL;
  if (!url) throw new TransientDownloadError('WorkDocs returned no download URL for this version');
  return url;
}

/** Yields the version's bytes (or the range's) in order, resuming after resets, truncations, 5xx and expired URLs. */
export async function* contentChunks(source: ContentSource): AsyncGenerator<Buffer> {
  const maxAttempts = source.maxAttempts ?? 6;
  const start = source.range?.start ?? 0;
  const end = source.range?.end ?? source.size;
  const wanted = end - start;
  const urls = source.url ?? new ContentUrl(source);
  let offset = 0;
  let failures = 0;
  for (;;) {
    try {
      const url = await urls.get();
      const from = start + offset;
      const ranged = from > 0 || end < source.size;
      const response = await get(url, ranged ? `bytes=${from}-${end - 1}` : undefined, source);
      let skip = 0;
      if (response.statusCode === 200 && ranged) {
        if (source.range) {
          // Every part would download everything before it: the caller streams the file in one go instead.
          response.destroy();
          throw new RangeNotHonoredError('the content server ignored Range');
        }
        skip = from; // a resume the server ignored: drop what we already have
      } else if (response.statusCode !== (ranged ? 206 : 200)) {
        response.resume();
        if (response.statusCode === 403) urls.expire(url); // expired or refused: the next attempt asks for a new URL
        throw new TransientDownloadError(`content download answered HTTP ${response.statusCode}`, response.statusCode);
      }
      for await (const raw of response as AsyncIterable<Buffer>) {
        noteBytesDownloaded(raw.length);
        let chunk = raw;
        if (skip > 0) {
          const drop = Math.min(skip, chunk.length);
          skip -= drop;
          chunk = chunk.subarray(drop);
          if (chunk.length === 0) continue;
        }
        offset += chunk.length;
        if (offset > wanted) {
          // Content longer than announced will not get shorter on a resume: not transient.
          throw new IntegrityError(source.range
            ? `content range ${start}-${end - 1} answered more than ${wanted} bytes`
            : `content is longer than the ${source.size} bytes WorkDocs announced`);
        }
        failures = 0;
        yield chunk;
      }
      if (offset === wanted) return;
      throw new TransientDownloadError(`content ended after ${offset} of ${wanted} bytes${source.range ? ` of range ${start}-${end - 1}` : ''}`);
    } catch (error) {
      if (source.signal?.aborted) throw source.signal.reason ?? error;
      if (!isRetryable(error) || ++failures >= maxAttempts) throw error;
      source.onRetry?.(failures, error instanceof Error ? error.message : String(error));
      await sleep(backoffDelay(failures), source.signal);
    }
  }
}

function isRetryable(error: unknown): boolean {
  // Errors of the GetDocumentVersion call itself (throttling, 5xx, 424: an HTTP status) were already retried by
  // the client's retry strategy: retrying them here again would multiply the attempts. The file fails; the run goes on.
  return httpStatusOf(error) === undefined && isTransientError(error);
}

function get(url: string, range: string | undefined, source: ContentSource): Promise<IncomingMessage> {
  const target = new URL(url);
  const isHttps = target.protocol === 'https:';
  const headers: Record<string, string> = range !== undefined ? { range } : {};
  return new Promise((resolve, reject) => {
    const request = (isHttps ? https : http).get(target, {
      headers,
      agent: isHttps ? source.httpsAgent : source.httpAgent,
      signal: source.signal,
      timeout: 60_000,
    }, resolve);
    request.on('timeout', () => request.destroy(Object.assign(new Error('content download timed out'), { code: 'ETIMEDOUT' })));
    request.on('error', reject);
  });
}
