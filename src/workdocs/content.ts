/**
 * Reads one document version's bytes: the presigned URL is fetched just before the download (it expires
 * after ~15 minutes) and again after a 403; a download cut short resumes with Range where it stopped.
 * The caller sees one uninterrupted stream of exactly `size` bytes, or an error.
 */
import { GetDocumentVersionCommand, type WorkDocsClient } from '@aws-sdk/client-workdocs';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { TransientDownloadError } from '../errors.js';
import { backoffDelay, sleep } from '../backoff.js';

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

/** Yields the version's bytes in order, resuming after resets, truncations, 5xx and expired URLs. */
export async function* contentChunks(source: ContentSource): AsyncGenerator<Buffer> {
  const maxAttempts = source.maxAttempts ?? 6;
  let offset = 0;
  let failures = 0;
  let url: string | undefined;
  for (;;) {
    try {
      url ??= await contentUrl(source);
      const response = await get(url, offset, source);
      let skip = 0;
      if (response.statusCode === 200 && offset > 0) skip = offset; // the server ignored Range: drop what we already have
      else if (response.statusCode !== (offset > 0 ? 206 : 200)) {
        response.resume();
        if (response.statusCode === 403) url = undefined; // expired or refused: the next attempt asks for a new URL
        throw new TransientDownloadError(`content download answered HTTP ${response.statusCode}`, response.statusCode);
      }
      for await (const raw of response as AsyncIterable<Buffer>) {
        let chunk = raw;
        if (skip > 0) {
          const drop = Math.min(skip, chunk.length);
          skip -= drop;
          chunk = chunk.subarray(drop);
          if (chunk.length === 0) continue;
        }
        offset += chunk.length;
        if (offset > source.size) throw new TransientDownloadError(`content is longer than the ${source.size} bytes WorkDocs announced`);
        failures = 0;
        yield chunk;
      }
      if (offset === source.size) return;
      throw new TransientDownloadError(`content ended after ${offset} of ${source.size} bytes`);
    } catch (error) {
      if (source.signal?.aborted) throw source.signal.reason ?? error;
      if (!isRetryable(error) || ++failures >= maxAttempts) throw error;
      source.onRetry?.(failures, error instanceof Error ? error.message : String(error));
      await sleep(backoffDelay(failures), source.signal);
    }
  }
}

function isRetryable(error: unknown): boolean {
  if (error instanceof TransientDownloadError) {
    // Longer-than-announced content will not get shorter; 4xx other than 403/408/429 will not heal either.
    if (error.message.includes('longer than')) return false;
    const status = error.status;
    return status === undefined || status === 403 || status === 408 || status === 429 || status >= 500;
  }
  const code = (error as { code?: string }).code;
  if (code && ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'ENOTFOUND', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'ERR_STREAM_PREMATURE_CLOSE'].includes(code)) return true;
  if ((error as Error).message === 'aborted') return true; // node: the response was cut short mid-body
  // Errors of the GetDocumentVersion call itself (throttling, 5xx, 424) were already retried by the client's
  // retry strategy: retrying them here again would multiply the attempts. The file fails; the run goes on.
  return false;
}

function get(url: string, offset: number, source: ContentSource): Promise<IncomingMessage> {
  const target = new URL(url);
  const isHttps = target.protocol === 'https:';
  const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
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
