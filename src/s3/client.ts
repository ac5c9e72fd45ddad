// The S3 client factory: one place that decides how the SDK talks to AWS S3 or an S3-compatible server
// (checksum mode, path-style addressing, DeleteObjects Content-MD5, connection pool, retries), plus a
// middleware that puts Content-MD5 on every in-memory PutObject body so S3 verifies each byte. A PutObject that
// carries Content-MD5 is sent with `x-amz-content-sha256: UNSIGNED-PAYLOAD`: S3 refuses bytes that differ from
// the (signed) Content-MD5 already, and the SHA-256 the signature would add costs this process and the server a
// pass over every byte each. UploadPart bodies are in memory too and have no Content-MD5. Over plain HTTP SigV4
// signs their SHA-256 and S3 rejects bytes that differ (XAmzContentSHA256Mismatch): a Content-MD5 there would be a
// second check of the same bytes, and an MD5 pass costs this process 2.5 times a SHA-256 pass (measured: 421 vs
// 167 ms per 256 MiB). Over HTTPS (AWS S3) TLS already refuses bytes altered on the way, so parts go as
// UNSIGNED-PAYLOAD: the SHA-256 pass cost this process ~0.6 s and the S3 server ~4 s of CPU per GiB (Swift, measured),
// for no check TLS does not make. The whole file's MD5 is still computed over the bytes sent and compared with
// the version's Signature before the upload is completed.
import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { GetObjectCommand, PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { collectBody } from '../collect-body.js';
import type {
  AwsCredentialIdentity,
  AwsCredentialIdentityProvider,
  BuildHandlerArguments,
  BuildMiddleware,
  FinalizeHandlerArguments,
  FinalizeRequestMiddleware,
  HandlerExecutionContext,
  InitializeMiddleware,
  Logger as SdkLogger,
  MetadataBearer,
  Pluggable,
} from '@smithy/types';

export type ChecksumMode = 'auto' | 'when_required' | 'when_supported';
export type DeleteContentMd5Mode = 'auto' | 'on' | 'off';

export interface CreateS3ClientOptions {
  region: string;
  /** Custom endpoint (S3-compatible server). Without it the SDK's own AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL handling applies. */
  endpoint?: string;
  /** Path-style addressing. Default: true when a custom endpoint is in effect. */
  forcePathStyle?: boolean;
  /**
   * Flexible checksums (`requestChecksumCalculation` and `responseChecksumValidation`).
   * auto: WHEN_REQUIRED for custom endpoints (many S3-compatible servers reject aws-chunked streaming
   * checksums with 501), the SDK default (WHEN_SUPPORTED) for AWS. Default: auto.
   */
  checksumMode?: ChecksumMode;
  /**
   * Send Content-MD5 (and no x-amz-checksum-* / x-amz-sdk-checksum-algorithm headers) on DeleteObjects,
   * which current SDKs send with CRC32 only and servers such as Swift, Ceph and older MinIO reject.
   * auto: on for custom endpoints. Default: auto.
   */
  deleteContentMd5?: DeleteContentMd5Mode;
  /** Content-MD5 on PutObject requests whose body is in memory (Buffer, Uint8Array, string). Default: true. */
  uploadContentMd5?: boolean;
  /**
   * Sign the SHA-256 of a PutObject body that carries Content-MD5 as well, instead of UNSIGNED-PAYLOAD. Default: false
   * (S3 checks the MD5; experiments compare the two).
   */
  signMd5CheckedPayloads?: boolean;
  /** HTTP sockets per client (keep-alive agents for http and https). Default: 50. */
  maxSockets?: number;
  /** Static credentials or a provider; default: the SDK's default provider chain. */
  credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  /** Total attempts per request (adaptive retry mode). Default: the SDK's (3). */
  maxAttempts?: number;
  /** Socket idle/request timeout in ms for the HTTP handler. Default: the SDK's. */
  requestTimeoutMs?: number;
  /** Environment to read AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL from (tests). Default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** Where the SDK's own warnings go (see sdkWarningsTo). Default: nowhere. */
  logger?: SdkLogger;
  /** Account id sent as ExpectedBucketOwner (and ExpectedSourceBucketOwner) on every request that names a bucket. */
  expectedBucketOwner?: string;
  /** Server-side encryption requested on every write (PutObject, CreateMultipartUpload, CopyObject). */
  encryption?: ServerSideEncryptionSettings;
}

export interface ServerSideEncryptionSettings {
  readonly sse: 'AES256' | 'aws:kms' | 'aws:kms:dsse';
  /** Only with aws:kms*; absent for the AWS managed key. */
  readonly kmsKeyId?: string;
}

/**
 * The custom endpoint in effect, if any: the `endpoint` option, else AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL
 * (unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true), mirroring the SDK. An `endpoint_url` in the shared config
 * file is not detected (set the option or the environment variable instead).
 */
export function customEndpoint(options: { endpoint?: string; env?: NodeJS.ProcessEnv }): string | undefined {
  if (options.endpoint) return options.endpoint;
  const env = options.env ?? process.env;
  if ((env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '').trim().toLowerCase() === 'true') return undefined;
  return env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
}

/**
 * An SDK logger that passes on only the SDK's warnings ("an error was encountered in a non-retryable streaming
 * request", "socket usage at capacity"), as lines of the run's log: the tool reports and retries those failures
 * itself. With no logger of its own, the SDK prints them on the console.
 */
export function sdkWarningsTo(log: (message: string) => void): SdkLogger {
  const ignore = (): void => undefined;
  // No info and error: the SDK's logger middleware then skips building a record of every call's input and output.
  return { trace: ignore, debug: ignore, warn: (...content: unknown[]) => log(`AWS SDK: ${content.map(String).join(' ')}`) } as SdkLogger;
}

export function createS3Client(options: CreateS3ClientOptions): S3Client {
  const endpoint = customEndpoint(options);
  const custom = endpoint !== undefined;
  const checksumMode = options.checksumMode ?? 'auto';
  const checksum =
    checksumMode === 'when_required' || (checksumMode === 'auto' && custom) ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED';
  const deleteMode = options.deleteContentMd5 ?? 'auto';
  const maxSockets = options.maxSockets ?? 50;
  const agentOptions = { keepAlive: true, maxSockets };
  const logger = options.logger ?? sdkWarningsTo(() => undefined);

  const config: S3ClientConfig = {
    region: options.region,
    forcePathStyle: options.forcePathStyle ?? custom,
    requestChecksumCalculation: checksum,
    responseChecksumValidation: checksum,
    retryMode: 'adaptive',
    logger,
    requestHandler: new NodeHttpHandler({
      logger,
      httpAgent: new http.Agent(agentOptions),
      httpsAgent: new https.Agent(agentOptions),
      ...(options.requestTimeoutMs !== undefined ? { requestTimeout: options.requestTimeoutMs } : {}),
    }),
    streamCollector: collectBody,
  };
  if (options.endpoint) config.endpoint = options.endpoint;
  if (options.credentials) config.credentials = options.credentials;
  if (options.maxAttempts !== undefined) config.maxAttempts = options.maxAttempts;

  const client = new S3Client(config);
  if (deleteMode === 'on' || (deleteMode === 'auto' && custom)) client.middlewareStack.use(deleteObjectsContentMd5Plugin);
  if (options.uploadContentMd5 ?? true) client.middlewareStack.use(uploadContentMd5Plugin);
  if (!(options.signMd5CheckedPayloads ?? false)) client.middlewareStack.use(unsignedPayloadPlugin());
  if (options.expectedBucketOwner || options.encryption) client.middlewareStack.use(destinationPlugin(options.expectedBucketOwner, options.encryption));
  return client;
}

/**
 * The `CopySource` value for CopyObject/UploadPartCopy: `bucket/key` with every key segment URI-encoded
 * (RFC 3986: everything but unreserved characters; `/` kept between segments), optionally `?versionId=`.
 */
export function copySource(bucket: string, key: string, versionId?: string): string {
  const path = `${encodeRfc3986(bucket)}/${key.split('/').map(encodeRfc3986).join('/')}`;
  return versionId === undefined ? path : `${path}?versionId=${encodeRfc3986(versionId)}`;
}

function encodeRfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** base64 MD5, the Content-MD5 header value. */
export function contentMd5(body: Uint8Array | string): string {
  return createHash('md5').update(body).digest('base64');
}

/** The object (not the bucket) does not exist: GetObject answers NoSuchKey, HeadObject NotFound. */
export function isMissingObject(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  return name === 'NoSuchKey' || name === 'NotFound';
}

/**
 * One PUT of a small JSON document (lock, source head, plan, shard result; text or UTF-8 bytes) with Content-MD5:
 * it lands whole or not at all. `condition` carries IfNoneMatch / IfMatch. Returns the new ETag and the body's size.
 */
export async function putJsonObject(
  client: S3Client,
  bucket: string,
  key: string,
  text: string | Uint8Array,
  options: { signal?: AbortSignal; condition?: { IfNoneMatch?: string; IfMatch?: string } } = {},
): Promise<{ etag: string | undefined; bytes: number }> {
  const body = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const out = await client.send(new PutObjectCommand({
    Bucket: bucket,
    Key: key,
    Body: body,
    ContentLength: body.length,
    ContentMD5: contentMd5(body),
    ContentType: 'application/json',
    ...options.condition,
  }), { abortSignal: options.signal });
  return { etag: out.ETag, bytes: body.length };
}

// ---- middleware ---------------------------------------------------------------------------------------

interface MutableRequest {
  headers: Record<string, string>;
  body?: unknown;
  protocol?: string;
}

function isRequest(r: unknown): r is MutableRequest {
  return typeof r === 'object' && r !== null && typeof (r as { headers?: unknown }).headers === 'object';
}

function hasHeader(headers: Record<string, string>, name: string): boolean {
  const lower = name.toLowerCase();
  return Object.keys(headers).some((h) => h.toLowerCase() === lower);
}

/** An in-memory body we can hash without consuming it; streams, Blobs etc. give undefined. */
function bytesOf(body: unknown): Uint8Array | string | undefined {
  if (typeof body === 'string' || body instanceof Uint8Array) return body; // Buffer is a Uint8Array
  return undefined;
}

// Build step, low priority: runs after the SDK's flexibleChecksumsMiddleware (build, normal priority), so it
// sees and can strip the headers that one added; signing (finalizeRequest) happens afterwards.
const deleteObjectsContentMd5: BuildMiddleware<object, MetadataBearer> =
  (next, context: HandlerExecutionContext) => async (args: BuildHandlerArguments<object>) => {
    if (context.commandName === 'DeleteObjectsCommand' && isRequest(args.request)) {
      const bytes = bytesOf(args.request.body);
      if (bytes !== undefined) {
        const headers: Record<string, string> = {};
        for (const [k, v] of Object.entries(args.request.headers)) {
          const h = k.toLowerCase();
          if (h.startsWith('x-amz-checksum-') || h === 'x-amz-sdk-checksum-algorithm' || h === 'content-md5') continue;
          headers[k] = v;
        }
        headers['content-md5'] = contentMd5(bytes);
        args.request.headers = headers;
      }
    }
    return next(args);
  };

const deleteObjectsContentMd5Plugin: Pluggable<object, MetadataBearer> = {
  applyToStack: (stack) =>
    stack.add(deleteObjectsContentMd5, { step: 'build', priority: 'low', name: 'deleteObjectsContentMd5', override: true }),
};

const uploadCommands = new Set(['PutObjectCommand']);

const uploadContentMd5: BuildMiddleware<object, MetadataBearer> =
  (next, context: HandlerExecutionContext) => async (args: BuildHandlerArguments<object>) => {
    if (uploadCommands.has(context.commandName ?? '') && isRequest(args.request) && !hasHeader(args.request.headers, 'content-md5')) {
      const bytes = bytesOf(args.request.body);
      if (bytes !== undefined) args.request.headers['content-md5'] = contentMd5(bytes);
    }
    return next(args);
  };

const uploadContentMd5Plugin: Pluggable<object, MetadataBearer> = {
  applyToStack: (stack) =>
    stack.add(uploadContentMd5, { step: 'build', priority: 'low', name: 'uploadContentMd5', override: true }),
};

/** The SigV4 payload hash of a body the signature does not cover (S3's "unsigned payload option"). */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const PAYLOAD_HASH_HEADER = 'x-amz-content-sha256';

/**
 * A PutObject body in memory that carries Content-MD5 (the caller's or uploadContentMd5's) goes as UNSIGNED-PAYLOAD:
 * the signer takes a payload hash already in the headers instead of hashing the body (@smithy/signature-v4
 * getPayloadHash; the SDK's flexible checksums set this header the same way). S3 still refuses bytes whose MD5
 * differs (BadDigest), and Content-MD5 is a signed header. Streamed bodies are UNSIGNED-PAYLOAD already.
 */
/**
 * Whether a request's body goes without its SHA-256 in the signature: an in-memory PutObject body that S3 checks by
 * its Content-MD5, and an UploadPart body over HTTPS (TLS checks it on the way; see the top of this file).
 */
export function payloadGoesUnsigned(command: string | undefined, request: { headers: Record<string, string>; body?: unknown; protocol?: string }, partsOverHttp = false): boolean {
  if (hasHeader(request.headers, PAYLOAD_HASH_HEADER) || bytesOf(request.body) === undefined) return false;
  if (command === 'PutObjectCommand') return hasHeader(request.headers, 'content-md5');
  return command === 'UploadPartCommand' && (partsOverHttp || request.protocol === 'https:');
}

/**
 * The plugin that sends those bodies unsigned. `partsOverHttp` (benchmarks only) treats plain HTTP like HTTPS for
 * UploadPart, so the engine's HTTPS path is measured against a local HTTP server; used on a client, it replaces the
 * plugin createS3Client added (same name).
 */
export function unsignedPayloadPlugin(settings: { readonly partsOverHttp: boolean } = { partsOverHttp: false }): Pluggable<object, MetadataBearer> {
  const middleware: FinalizeRequestMiddleware<object, MetadataBearer> = (next, context: HandlerExecutionContext) => async (args: FinalizeHandlerArguments<object>) => {
    if (isRequest(args.request) && payloadGoesUnsigned(context.commandName, args.request, settings.partsOverHttp)) args.request.headers[PAYLOAD_HASH_HEADER] = UNSIGNED_PAYLOAD;
    return next(args);
  };
  return {
    applyToStack: (stack) => stack.addRelativeTo(middleware, { relation: 'before', toMiddleware: 'httpSigningMiddleware', name: 'unsignedMd5CheckedPayload', override: true }),
  };
}

/** The writes that create an object, and so choose its encryption. */
const objectWriteCommands = new Set(['PutObjectCommand', 'CreateMultipartUploadCommand', 'CopyObjectCommand']);
/** The commands that read a source object of the same bucket. */
const copyCommands = new Set(['CopyObjectCommand', 'UploadPartCopyCommand']);

/**
 * expected_bucket_owner and sse, in one place for every command (the manifest, the lock and plan files too: a bucket
 * policy that requires an encryption header refuses any write without it). Added to the command's input before it
 * is serialized, so each command sends only the members its model has: ListObjectsV2 the owner, PutObject both.
 * A value the caller set is kept.
 */
function destinationPlugin(owner: string | undefined, encryption: ServerSideEncryptionSettings | undefined): Pluggable<object, MetadataBearer> {
  const middleware: InitializeMiddleware<object, MetadataBearer> = (next, context: HandlerExecutionContext) => async (args) => {
    const input = args.input as Record<string, unknown>;
    const command = context.commandName ?? '';
    if (typeof input['Bucket'] !== 'string') return next(args);
    const added: Record<string, unknown> = {};
    if (owner) {
      if (input['ExpectedBucketOwner'] === undefined) added['ExpectedBucketOwner'] = owner;
      if (copyCommands.has(command) && input['ExpectedSourceBucketOwner'] === undefined) added['ExpectedSourceBucketOwner'] = owner;
    }
    if (encryption && objectWriteCommands.has(command) && input['ServerSideEncryption'] === undefined) {
      added['ServerSideEncryption'] = encryption.sse;
      if (encryption.kmsKeyId) added['SSEKMSKeyId'] = encryption.kmsKeyId;
    }
    // A new input object: the caller's (often shared between requests) is not changed.
    return next(Object.keys(added).length === 0 ? args : { ...args, input: { ...input, ...added } });
  };
  return {
    applyToStack: (stack) => stack.add(middleware, { step: 'initialize', priority: 'high', name: 'destinationSettings', override: true }),
  };
}

/** A small JSON document written by putJsonObject (a plan, a shard result), or undefined when there is none. */
export async function getJsonObject<T>(s3: S3Client, bucket: string, key: string, signal?: AbortSignal): Promise<T | undefined> {
  try {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
    return JSON.parse((await out.Body?.transformToString('utf8')) ?? 'null') as T;
  } catch (error) {
    if (isMissingObject(error)) return undefined;
    throw error;
  }
}
