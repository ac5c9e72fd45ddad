export const id = 14;
export const ids = [14];
export const modules = {

/***/ 5014:
/***/ ((__unused_webpack___webpack_module__, __webpack_exports__, __webpack_require__) => {

// ESM COMPAT FLAG
__webpack_require__.r(__webpack_exports__);

// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  actionsCore: () => (/* binding */ actionsCore),
  run: () => (/* binding */ main_run),
  workflowRun: () => (/* binding */ workflowRun)
});

// EXTERNAL MODULE: ./node_modules/@actions/core/lib/core.js + 14 modules
var core = __webpack_require__(6421);
// EXTERNAL MODULE: ./node_modules/@actions/github/lib/github.js + 22 modules
var github = __webpack_require__(2413);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-workdocs/dist-cjs/index.js
var dist_cjs = __webpack_require__(1651);
// EXTERNAL MODULE: ./node_modules/@smithy/node-http-handler/dist-cjs/index.js
var node_http_handler_dist_cjs = __webpack_require__(1279);
// EXTERNAL MODULE: external "node:http"
var external_node_http_ = __webpack_require__(7067);
// EXTERNAL MODULE: external "node:https"
var external_node_https_ = __webpack_require__(4708);
// EXTERNAL MODULE: external "node:stream"
var external_node_stream_ = __webpack_require__(7075);
;// CONCATENATED MODULE: ./lib/collect-body.js
/**
 * The `streamCollector` the AWS clients read response bodies with (every API response: a listing page, an
 * error, an empty PUT answer). The SDK's own collector pipes the response into a Writable; with it, every body
 * it read stays allocated until the next full GC (a minor GC does not free it), so listing 10,000 folders kept
 * some 60 MB of dead response bytes in memory at a time. Reading the chunks directly frees each body as soon
 * as it has been parsed. Anything but a Node stream (never the case with the Node HTTP handler) goes to the
 * SDK's collector.
 */


const collectBody = (stream) => {
    if (!(stream instanceof external_node_stream_.Readable))
        return (0,node_http_handler_dist_cjs.streamCollector)(stream);
    return new Promise((resolve, reject) => {
        const chunks = [];
        let length = 0;
        stream.on('data', (chunk) => {
            const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
            chunks.push(bytes);
            length += bytes.byteLength;
        });
        (0,external_node_stream_.finished)(stream, (error) => {
            if (error)
                return reject(error);
            // One fresh array, as the SDK's collector returns.
            const body = new Uint8Array(length);
            let offset = 0;
            for (const chunk of chunks) {
                body.set(chunk, offset);
                offset += chunk.byteLength;
            }
            resolve(body);
        });
    });
};

// EXTERNAL MODULE: external "node:crypto"
var external_node_crypto_ = __webpack_require__(7598);
// EXTERNAL MODULE: ./node_modules/@aws-sdk/client-s3/dist-cjs/index.js
var client_s3_dist_cjs = __webpack_require__(3711);
;// CONCATENATED MODULE: ./lib/s3/client.js
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






/**
 * The custom endpoint in effect, if any: the `endpoint` option, else AWS_ENDPOINT_URL_S3, else AWS_ENDPOINT_URL
 * (unless AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true), mirroring the SDK. An `endpoint_url` in the shared config
 * file is not detected (set the option or the environment variable instead).
 */
function customEndpoint(options) {
    if (options.endpoint)
        return options.endpoint;
    const env = options.env ?? process.env;
    if ((env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ?? '').trim().toLowerCase() === 'true')
        return undefined;
    return env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
}
/**
 * An SDK logger that passes on only the SDK's warnings ("an error was encountered in a non-retryable streaming
 * request", "socket usage at capacity"), as lines of the run's log: the tool reports and retries those failures
 * itself. With no logger of its own, the SDK prints them on the console.
 */
function sdkWarningsTo(log) {
    const ignore = () => undefined;
    // No info and error: the SDK's logger middleware then skips building a record of every call's input and output.
    return { trace: ignore, debug: ignore, warn: (...content) => log(`AWS SDK: ${content.map(String).join(' ')}`) };
}
function createS3Client(options) {
    const endpoint = customEndpoint(options);
    const custom = endpoint !== undefined;
    const checksumMode = options.checksumMode ?? 'auto';
    const checksum = checksumMode === 'when_required' || (checksumMode === 'auto' && custom) ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED';
    const deleteMode = options.deleteContentMd5 ?? 'auto';
    const maxSockets = options.maxSockets ?? 50;
    const agentOptions = { keepAlive: true, maxSockets };
    const logger = options.logger ?? sdkWarningsTo(() => undefined);
    const config = {
        region: options.region,
        forcePathStyle: options.forcePathStyle ?? custom,
        requestChecksumCalculation: checksum,
        responseChecksumValidation: checksum,
        retryMode: 'adaptive',
        logger,
        requestHandler: new node_http_handler_dist_cjs.NodeHttpHandler({
            logger,
            httpAgent: new external_node_http_.Agent(agentOptions),
            httpsAgent: new external_node_https_.Agent(agentOptions),
            ...(options.requestTimeoutMs !== undefined ? { requestTimeout: options.requestTimeoutMs } : {}),
        }),
        streamCollector: collectBody,
    };
    if (options.endpoint)
        config.endpoint = options.endpoint;
    if (options.credentials)
        config.credentials = options.credentials;
    if (options.maxAttempts !== undefined)
        config.maxAttempts = options.maxAttempts;
    const client = new client_s3_dist_cjs.S3Client(config);
    if (deleteMode === 'on' || (deleteMode === 'auto' && custom))
        client.middlewareStack.use(deleteObjectsContentMd5Plugin);
    if (options.uploadContentMd5 ?? true)
        client.middlewareStack.use(uploadContentMd5Plugin);
    if (!(options.signMd5CheckedPayloads ?? false))
        client.middlewareStack.use(unsignedPayloadPlugin());
    if (options.expectedBucketOwner || options.encryption)
        client.middlewareStack.use(destinationPlugin(options.expectedBucketOwner, options.encryption));
    return client;
}
/**
 * The `CopySource` value for CopyObject/UploadPartCopy: `bucket/key` with every key segment URI-encoded
 * (RFC 3986: everything but unreserved characters; `/` kept between segments), optionally `?versionId=`.
 */
function copySource(bucket, key, versionId) {
    const path = `${encodeRfc3986(bucket)}/${key.split('/').map(encodeRfc3986).join('/')}`;
    return versionId === undefined ? path : `${path}?versionId=${encodeRfc3986(versionId)}`;
}
function encodeRfc3986(s) {
    return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}
/** base64 MD5, the Content-MD5 header value. */
function contentMd5(body) {
    return (0,external_node_crypto_.createHash)('md5').update(body).digest('base64');
}
/** The object (not the bucket) does not exist: GetObject answers NoSuchKey, HeadObject NotFound. */
function isMissingObject(error) {
    const name = error.name;
    return name === 'NoSuchKey' || name === 'NotFound';
}
/**
 * One PUT of a small JSON document (lock, source head, plan, shard result; text or UTF-8 bytes) with Content-MD5:
 * it lands whole or not at all. `condition` carries IfNoneMatch / IfMatch. Returns the new ETag and the body's size.
 */
async function putJsonObject(client, bucket, key, text, options = {}) {
    const body = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    const out = await client.send(new client_s3_dist_cjs.PutObjectCommand({
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
function isRequest(r) {
    return typeof r === 'object' && r !== null && typeof r.headers === 'object';
}
function hasHeader(headers, name) {
    const lower = name.toLowerCase();
    return Object.keys(headers).some((h) => h.toLowerCase() === lower);
}
/** An in-memory body we can hash without consuming it; streams, Blobs etc. give undefined. */
function bytesOf(body) {
    if (typeof body === 'string' || body instanceof Uint8Array)
        return body; // Buffer is a Uint8Array
    return undefined;
}
// Build step, low priority: runs after the SDK's flexibleChecksumsMiddleware (build, normal priority), so it
// sees and can strip the headers that one added; signing (finalizeRequest) happens afterwards.
const deleteObjectsContentMd5 = (next, context) => async (args) => {
    if (context.commandName === 'DeleteObjectsCommand' && isRequest(args.request)) {
        const bytes = bytesOf(args.request.body);
        if (bytes !== undefined) {
            const headers = {};
            for (const [k, v] of Object.entries(args.request.headers)) {
                const h = k.toLowerCase();
                if (h.startsWith('x-amz-checksum-') || h === 'x-amz-sdk-checksum-algorithm' || h === 'content-md5')
                    continue;
                headers[k] = v;
            }
            headers['content-md5'] = contentMd5(bytes);
            args.request.headers = headers;
        }
    }
    return next(args);
};
const deleteObjectsContentMd5Plugin = {
    applyToStack: (stack) => stack.add(deleteObjectsContentMd5, { step: 'build', priority: 'low', name: 'deleteObjectsContentMd5', override: true }),
};
const uploadCommands = new Set(['PutObjectCommand']);
const uploadContentMd5 = (next, context) => async (args) => {
    if (uploadCommands.has(context.commandName ?? '') && isRequest(args.request) && !hasHeader(args.request.headers, 'content-md5')) {
        const bytes = bytesOf(args.request.body);
        if (bytes !== undefined)
            args.request.headers['content-md5'] = contentMd5(bytes);
    }
    return next(args);
};
const uploadContentMd5Plugin = {
    applyToStack: (stack) => stack.add(uploadContentMd5, { step: 'build', priority: 'low', name: 'uploadContentMd5', override: true }),
};
/** The SigV4 payload hash of a body the signature does not cover (S3's "unsigned payload option"). */
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
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
function payloadGoesUnsigned(command, request, partsOverHttp = false) {
    if (hasHeader(request.headers, PAYLOAD_HASH_HEADER) || bytesOf(request.body) === undefined)
        return false;
    if (command === 'PutObjectCommand')
        return hasHeader(request.headers, 'content-md5');
    return command === 'UploadPartCommand' && (partsOverHttp || request.protocol === 'https:');
}
/**
 * The plugin that sends those bodies unsigned. `partsOverHttp` (benchmarks only) treats plain HTTP like HTTPS for
 * UploadPart, so the engine's HTTPS path is measured against a local HTTP server; used on a client, it replaces the
 * plugin createS3Client added (same name).
 */
function unsignedPayloadPlugin(settings = { partsOverHttp: false }) {
    const middleware = (next, context) => async (args) => {
        if (isRequest(args.request) && payloadGoesUnsigned(context.commandName, args.request, settings.partsOverHttp))
            args.request.headers[PAYLOAD_HASH_HEADER] = UNSIGNED_PAYLOAD;
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
function destinationPlugin(owner, encryption) {
    const middleware = (next, context) => async (args) => {
        const input = args.input;
        const command = context.commandName ?? '';
        if (typeof input['Bucket'] !== 'string')
            return next(args);
        const added = {};
        if (owner) {
            if (input['ExpectedBucketOwner'] === undefined)
                added['ExpectedBucketOwner'] = owner;
            if (copyCommands.has(command) && input['ExpectedSourceBucketOwner'] === undefined)
                added['ExpectedSourceBucketOwner'] = owner;
        }
        if (encryption && objectWriteCommands.has(command) && input['ServerSideEncryption'] === undefined) {
            added['ServerSideEncryption'] = encryption.sse;
            if (encryption.kmsKeyId)
                added['SSEKMSKeyId'] = encryption.kmsKeyId;
        }
        // A new input object: the caller's (often shared between requests) is not changed.
        return next(Object.keys(added).length === 0 ? args : { ...args, input: { ...input, ...added } });
    };
    return {
        applyToStack: (stack) => stack.add(middleware, { step: 'initialize', priority: 'high', name: 'destinationSettings', override: true }),
    };
}
/** A small JSON document written by putJsonObject (a plan, a shard result), or undefined when there is none. */
async function getJsonObject(s3, bucket, key, signal) {
    try {
        const out = await s3.send(new client_s3_dist_cjs.GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
        return JSON.parse((await out.Body?.transformToString('utf8')) ?? 'null');
    }
    catch (error) {
        if (isMissingObject(error))
            return undefined;
        throw error;
    }
}

// EXTERNAL MODULE: ./node_modules/@smithy/core/dist-cjs/submodules/retry/index.js
var retry = __webpack_require__(3609);
;// CONCATENATED MODULE: ./lib/errors.js
/**
 * Typed errors the engine raises and the shells map to exit codes, plus the one place that turns any
 * error into a message safe to print (no presigned URLs, tokens or keys).
 */
/** Bad input that is detected before anything is touched: exit 2. */
class InputError extends Error {
    option;
    name = 'InputError';
    constructor(option, message, options) {
        super(message, options);
        this.option = option;
    }
}
/** The source or the destination could not be listed: exit 3, nothing deleted. */
class FatalError extends Error {
    name = 'FatalError';
}
/** The bytes read did not match the version's Size or Signature: nothing may land. */
class IntegrityError extends Error {
    name = 'IntegrityError';
}
/** A content download failed in a way a retry may fix (reset, truncation, 5xx, expired URL). */
class TransientDownloadError extends Error {
    status;
    name = 'TransientDownloadError';
    constructor(message, status, options) {
        super(message, options);
        this.status = status;
    }
}
/**
 * The run may not write to the bucket (its lock was refused or lost, or what it listed is outdated): a transfer
 * that had already started stopped before its object could appear. Not worth retrying.
 */
class WriteRefusedError extends Error {
    name = 'WriteRefusedError';
}
const SECRET_PATTERNS = [
    // Any URL: keep scheme, host and path, drop the query (presigned signatures, tokens live there).
    [/(https?:\/\/[^\s?#"'<>]+)\?[^\s"'<>]*/gi, '$1?[redacted]'],
    [/\b(AKIA|ASIA)[A-Z0-9]{16}\b/g, '[redacted-access-key]'],
    [/(X-Amz-(?:Signature|Credential|Security-Token)=)[^&\s"']+/gi, '$1[redacted]'],
    [/((?:aws_secret_access_key|secretAccessKey|sessionToken|SessionToken|x-amz-security-token|Authorization)["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, '$1[redacted]'],
    [/\beyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]*/g, '[redacted-jwt]'],
];
/** Removes anything that looks like a credential, token or signed URL from a message. */
function redact(text) {
    return SECRET_PATTERNS.reduce((t, [pattern, replacement]) => t.replace(pattern, replacement), text);
}
/**
 * S3 refused a body because its bytes differ from their checksum (Content-MD5, or the signed SHA-256): they were
 * damaged on the way, nothing landed, and the same bytes sent again may pass. The SDK does not retry a 400.
 */
function isDamagedInTransit(error) {
    const name = error?.name;
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
function isTransientError(error) {
    if (error instanceof TransientDownloadError) {
        const status = error.status;
        return status === undefined || status === 403 || status === 408 || status === 429 || status >= 500;
    }
    if (isDamagedInTransit(error))
        return true;
    const status = httpStatusOf(error);
    if (status !== undefined && (status >= 500 || status === 429 || status === 408))
        return true;
    const { name, code, message } = (error ?? {});
    if (name !== undefined && TRANSIENT_ERROR_NAMES.has(name))
        return true;
    if (code !== undefined && TRANSIENT_NETWORK_CODES.has(code))
        return true;
    return message === 'aborted'; // node: a response cut short mid-body
}
/** The HTTP status of an AWS SDK error, when it has one. */
function httpStatusOf(error) {
    return error?.$metadata?.httpStatusCode;
}
/** A one-line, secret-free description of any thrown value, including the SDK's error names and HTTP status. */
function describeError(error) {
    if (error instanceof Error) {
        const status = httpStatusOf(error);
        const name = error.name && error.name !== 'Error' ? `${error.name}: ` : '';
        const suffix = status !== undefined ? ` (HTTP ${status})` : '';
        return redact(`${name}${error.message || 'no message'}${suffix}`.replace(/\s+/g, ' ').trim());
    }
    return redact(String(error));
}
function errorName(error) {
    return error instanceof Error ? error.name : typeof error;
}

;// CONCATENATED MODULE: ./lib/workdocs/retry.js
/**
 * Retry policy shared by the whole run: the SDK's adaptive strategy (client-side rate limiting on throttling)
 * for AWS calls, with WorkDocs' FailedDependency (424) treated as transient, which the SDK does not do
 * by itself. Waiting between the tool's own attempts is in ../backoff.ts.
 */


const DEFAULT_MAX_ATTEMPTS = 8;
class WorkDocsRetryStrategy {
    inner;
    constructor(maxAttempts = DEFAULT_MAX_ATTEMPTS) {
        this.inner = new retry.AdaptiveRetryStrategy(maxAttempts);
    }
    acquireInitialRetryToken(retryTokenScope) {
        return this.inner.acquireInitialRetryToken(retryTokenScope);
    }
    refreshRetryTokenForRetry(token, errorInfo) {
        // Only what the SDK would give up on is upgraded: its throttling class keeps driving the rate limiter.
        const reclassified = errorInfo.errorType === 'CLIENT_ERROR' && isTransientError(errorInfo.error)
            ? { ...errorInfo, errorType: 'TRANSIENT' }
            : errorInfo;
        return this.inner.refreshRetryTokenForRetry(token, reclassified);
    }
    recordSuccess(token) {
        this.inner.recordSuccess(token);
    }
}
/**
 * Names the call that gave up in the error it throws: "WorkDocs GetFolder gave up after 8 attempts over 12.3 s:
 * Rate exceeded" instead of the bare "Rate exceeded", like the S3 listing's failure does. Added outside the retry
 * step, so it sees the attempts and the waiting the SDK recorded on the final error.
 */
const gaveUpMessagePlugin = {
    applyToStack(stack) {
        stack.add((next, context) => async (args) => {
            try {
                return await next(args);
            }
            catch (error) {
                describeGivingUp(error, context.commandName);
                throw error;
            }
        }, { step: 'initialize', name: 'workdocsGaveUpMessage', override: true });
    },
};
/** Rewrites the message of an SDK error that was retried (attempts > 1); others are left as they are. */
function describeGivingUp(error, commandName) {
    if (!(error instanceof Error))
        return;
    const metadata = error.$metadata;
    const attempts = metadata?.attempts ?? 1;
    if (attempts <= 1 || error.message.startsWith('WorkDocs '))
        return;
    const call = (commandName ?? 'request').replace(/Command$/, '');
    const waited = metadata?.totalRetryDelay !== undefined ? ` over ${(metadata.totalRetryDelay / 1000).toFixed(1)} s of waiting` : '';
    error.message = `WorkDocs ${call} gave up after ${attempts} attempts${waited}: ${error.message || 'no message'}`;
}

;// CONCATENATED MODULE: ./lib/engine/env.js
/** Builds the clients a run needs from its options: one place that knows about endpoints, sockets and retries. */







function createSyncEnv(options, deps) {
    const agentOptions = { keepAlive: true, maxSockets: options.maxPoolConnections };
    // Separate agents per client: WorkDocs API calls must not queue behind long content downloads.
    const apiHttp = new external_node_http_.Agent(agentOptions);
    const apiHttps = new external_node_https_.Agent(agentOptions);
    const httpAgent = new external_node_http_.Agent(agentOptions);
    const httpsAgent = new external_node_https_.Agent(agentOptions);
    const workdocs = new dist_cjs.WorkDocsClient({
        region: options.regionName,
        ...(options.workdocsEndpointUrl ? { endpoint: options.workdocsEndpointUrl } : {}),
        ...(deps.workdocsCredentials ? { credentials: deps.workdocsCredentials } : {}),
        retryStrategy: new WorkDocsRetryStrategy(),
        requestHandler: new node_http_handler_dist_cjs.NodeHttpHandler({ httpAgent: apiHttp, httpsAgent: apiHttps }),
        streamCollector: collectBody,
    });
    workdocs.middlewareStack.use(gaveUpMessagePlugin);
    const s3 = createS3Client({
        region: options.regionName,
        ...(options.s3EndpointUrl ? { endpoint: options.s3EndpointUrl } : {}),
        ...(options.s3ForcePathStyle !== 'auto' ? { forcePathStyle: options.s3ForcePathStyle === 'true' } : {}),
        checksumMode: options.s3ChecksumMode,
        deleteContentMd5: options.s3DeleteContentMd5 === 'auto' ? 'auto' : options.s3DeleteContentMd5 === 'true' ? 'on' : 'off',
        maxSockets: options.maxPoolConnections,
        maxAttempts: 8,
        ...(deps.s3Credentials ? { credentials: deps.s3Credentials } : {}),
        logger: sdkWarningsTo((message) => deps.logger.log('debug', message)),
        ...(options.expectedBucketOwner !== '' ? { expectedBucketOwner: options.expectedBucketOwner } : {}),
        ...(options.objectSettings.sse !== 'none'
            ? { encryption: { sse: options.objectSettings.sse, ...(options.objectSettings.sseKmsKeyId !== '' ? { kmsKeyId: options.objectSettings.sseKmsKeyId } : {}) } }
            : {}),
    });
    return {
        workdocs,
        s3,
        logger: deps.logger,
        now: deps.now ?? Date.now,
        httpAgent,
        httpsAgent,
        ...(deps.signal ? { signal: deps.signal } : {}),
        ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
        destroy() {
            workdocs.destroy();
            s3.destroy();
            for (const agent of [apiHttp, apiHttps, httpAgent, httpsAgent])
                agent.destroy();
        },
    };
}

// EXTERNAL MODULE: ./lib/engine-thread.js + 2 modules
var engine_thread = __webpack_require__(3562);
// EXTERNAL MODULE: external "node:events"
var external_node_events_ = __webpack_require__(8474);
;// CONCATENATED MODULE: ./lib/abort-signals.js
/**
 * Abort signals that a whole run listens to. Every request in flight adds a listener to its signal, so a run
 * with 14 workers and 4 parts each passes Node's listener-count warning (meant to find leaks, here only noise
 * on stderr and in the Action's log); these signals turn it off.
 */

/** An AbortController whose signal any number of requests may listen to. */
function runAbortController() {
    const controller = new AbortController();
    (0,external_node_events_.setMaxListeners)(0, controller.signal);
    return controller;
}
/**
 * `signal` itself when `also` is undefined; otherwise a signal that aborts when either does (AbortSignal.any),
 * for any number of listeners.
 */
function anySignal(signal, also) {
    if (also === undefined)
        return signal;
    const either = AbortSignal.any([also, signal]);
    (0,external_node_events_.setMaxListeners)(0, either);
    return either;
}
/** Aborts `target` with `source`'s reason once `source` aborts (at once when it already has). */
function forwardAbort(source, target) {
    if (source.aborted)
        target.abort(source.reason);
    else
        source.addEventListener('abort', () => target.abort(source.reason), { once: true });
}

;// CONCATENATED MODULE: ./lib/core/keys.js
/**
 * The pure mapping from the WorkDocs tree to S3 keys. No I/O, no clock, no randomness: the keys are a
 * function of the tree (and the prefix) alone, independent of the order of the input arrays.
 *
 * Segment encoding (one WorkDocs name → one key segment, reversible with decodeSegment):
 * - ordinary names are kept as they are, so keys equal the original script's (`folder/sub/name`);
 * - `%XX` (the UTF-8 bytes, upper-case hex) is used for exactly: `%`, `/`, `\`, C0 controls and DEL,
 *   C1 controls, the bidi/format controls U+061C, U+200B, U+200E, U+200F, U+202A–U+202E, U+2066–U+2069,
 *   U+FEFF, the separators U+2028/U+2029 (not the joiners U+200C/U+200D: Persian words and emoji need
 *   them), the non-characters U+FFFE/U+FFFF (not allowed in the XML of S3 listings), the leading and
 *   trailing runs of spaces, and lone surrogates (as WTF-8: `%ED%A0%80`);
 * - the whole segments `.` and `..` become `%2E` and `%2E%2E`;
 * - the empty name (never produced by WorkDocs) becomes the lone `%`, which no other name encodes to
 *   (everywhere else a `%` is followed by two hex digits).
 * - At the top level only, the reserved names (RESERVED_TOP_LEVEL_SEGMENTS: the tool's area, the history of older
 *   versions, the site's recycle bins, the sidecars) get their leading dot escaped: `.history` → `%2Ehistory`.
 *   A virtual folder the tool itself adds (a site's recycle-bin area) takes its reserved segment as it is
 *   (SourceFolder.fixedSegment), so it can never collide with a WorkDocs name.
 *
 * Same-named siblings (same kind, same parent, byte-equal encoded segment) are ordered by (createdAt, id):
 * the first keeps the plain segment, the others get `~<first 8 chars of the id>` inserted before the
 * extension (`report.pdf` → `report~1a2b3c4d.pdf`). A segment that is already taken by a sibling makes
 * the newcomer try 16 chars, then the full id, then the full id plus `~2`, `~3`, …; plain names are
 * served first, then the others in (createdAt, id) order.
 *
 * Length: a child segment must fit in what its parent's key leaves of the 1024 bytes. A name that does not
 * fit is cut (at a code point and escape boundary) and gets `~<id>` before its extension, like a duplicate.
 * When a folder's key leaves less than 128 bytes, its children are not nested any deeper: they are
 * "relocated" directly under the prefix as `%%<full id>~<name cut to fit>` (a form no name can encode to),
 * and their own children nest below them as usual.
 */

/** The tool's own area directly under the prefix: manifest, plans, locks, index files. */
const RESERVED_SEGMENT = '.workdocs-s3-sync';
/** Older versions of documents (`versions: all`), directly under the prefix. */
const HISTORY_SEGMENT = '.history';
/** Each user's recycle bin (site export with `include_recycle_bin`), directly under the prefix. */
const RECYCLE_BIN_SEGMENT = '.recycle-bin';
/** One JSON file per document (`metadata: sidecars`), outside the browsable tree. */
const METADATA_SEGMENT = '.metadata';
/** Top-level segments no WorkDocs name may take: a name equal to one is escaped (`%2E…`) at the top level. */
const RESERVED_TOP_LEVEL_SEGMENTS = new Set([RESERVED_SEGMENT, HISTORY_SEGMENT, RECYCLE_BIN_SEGMENT, METADATA_SEGMENT]);
/** The segment that stands for the empty name (never produced for any other name). */
const EMPTY_NAME_SEGMENT = '%';
/** S3's limit on the UTF-8 length of a key. */
const MAX_KEY_BYTES = 1024;
/** Longest accepted destination prefix, in UTF-8 bytes (leaves at least 512 bytes for the tree). */
const MAX_PREFIX_BYTES = 512;
/** A folder whose key leaves fewer bytes than this for a child segment has its children relocated. */
const MIN_CHILD_SEGMENT_BYTES = 128;
/** Upper bound of a relocated segment (`%%<id>~<name>`), in UTF-8 bytes. */
const MAX_RELOCATED_SEGMENT_BYTES = 200;
/** Start of a relocated segment; no encoded name starts with it. */
const RELOCATED_MARK = '%%';
const HEX = '0123456789ABCDEF';
// Characters encodeSegment escapes wherever they stand (lone surrogates: the `u` flag matches only unpaired ones).
const NEEDS_ESCAPE = /[\u0000-\u001f\u007f-\u009f%/\\\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff\ud800-\udfff]|^ | $/u;
function mustEscape(c) {
    return (c <= 0x1f ||
        (c >= 0x7f && c <= 0x9f) ||
        c === 0x25 || // %
        c === 0x2f || // /
        c === 0x5c || // \
        c === 0x061c ||
        c === 0x200b ||
        c === 0x200e ||
        c === 0x200f ||
        c === 0x2028 ||
        c === 0x2029 ||
        (c >= 0x202a && c <= 0x202e) ||
        (c >= 0x2066 && c <= 0x2069) ||
        c === 0xfeff ||
        c === 0xfffe ||
        c === 0xffff ||
        (c >= 0xd800 && c <= 0xdfff));
}
function pct(b) {
    return '%' + HEX[b >> 4] + HEX[b & 15];
}
/** `%XX` escapes of the (WTF-)8 bytes of one BMP code unit (a lone surrogate included). */
function escapeUnit(c) {
    if (c < 0x80)
        return pct(c);
    if (c < 0x800)
        return pct(0xc0 | (c >> 6)) + pct(0x80 | (c & 0x3f));
    return pct(0xe0 | (c >> 12)) + pct(0x80 | ((c >> 6) & 0x3f)) + pct(0x80 | (c & 0x3f));
}
/** One WorkDocs name → one key segment (see the module comment). Total and injective. */
function encodeSegment(name) {
    if (name === '')
        return EMPTY_NAME_SEGMENT;
    if (!NEEDS_ESCAPE.test(name)) {
        if (name === '.')
            return '%2E';
        if (name === '..')
            return '%2E%2E';
        return name;
    }
    const n = name.length;
    let lead = 0;
    while (lead < n && name.charCodeAt(lead) === 0x20)
        lead++;
    let trail = n;
    while (trail > lead && name.charCodeAt(trail - 1) === 0x20)
        trail--;
    let out = '';
    for (let i = 0; i < n; i++) {
        const c = name.charCodeAt(i);
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
            const d = name.charCodeAt(i + 1);
            if (d >= 0xdc00 && d <= 0xdfff) {
                out += name.slice(i, i + 2);
                i++;
                continue;
            }
        }
        if ((c === 0x20 && (i < lead || i >= trail)) || mustEscape(c))
            out += escapeUnit(c);
        else
            out += name[i];
    }
    return out;
}
/** Top-level variant: as encodeSegment, but a reserved name (RESERVED_TOP_LEVEL_SEGMENTS) gets `%2E` for its dot. */
function encodeTopLevelSegment(name) {
    return RESERVED_TOP_LEVEL_SEGMENTS.has(name) ? '%2E' + name.slice(1) : encodeSegment(name);
}
function hexValue(c) {
    if (c >= 0x30 && c <= 0x39)
        return c - 0x30;
    if (c >= 0x41 && c <= 0x46)
        return c - 0x37;
    if (c >= 0x61 && c <= 0x66)
        return c - 0x57;
    return -1;
}
/** Decodes a run of bytes as WTF-8 (UTF-8 that also admits surrogate code points); invalid bytes stay `%XX`. */
function decodeBytes(bytes) {
    let out = '';
    let i = 0;
    const cont = (k) => {
        const b = bytes[k];
        return b !== undefined && (b & 0xc0) === 0x80 ? b & 0x3f : -1;
    };
    while (i < bytes.length) {
        const b = bytes[i];
        if (b < 0x80) {
            out += String.fromCharCode(b);
            i++;
            continue;
        }
        if (b >= 0xc2 && b <= 0xdf) {
            const c1 = cont(i + 1);
            if (c1 >= 0) {
                out += String.fromCharCode(((b & 0x1f) << 6) | c1);
                i += 2;
                continue;
            }
        }
        else if (b >= 0xe0 && b <= 0xef) {
            const c1 = cont(i + 1);
            const c2 = cont(i + 2);
            const cp = ((b & 0x0f) << 12) | (c1 << 6) | c2;
            if (c1 >= 0 && c2 >= 0 && cp >= 0x800) {
                out += String.fromCharCode(cp);
                i += 3;
                continue;
            }
        }
        else if (b >= 0xf0 && b <= 0xf4) {
            const c1 = cont(i + 1);
            const c2 = cont(i + 2);
            const c3 = cont(i + 3);
            const cp = ((b & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3;
            if (c1 >= 0 && c2 >= 0 && c3 >= 0 && cp >= 0x10000 && cp <= 0x10ffff) {
                out += String.fromCodePoint(cp);
                i += 4;
                continue;
            }
        }
        out += pct(b);
        i++;
    }
    return out;
}
/**
 * The inverse of encodeSegment: decodeSegment(encodeSegment(s)) === s for every string s. Other input is
 * decoded leniently: `%XX` runs as WTF-8, anything that does not decode is kept as it is.
 */
function decodeSegment(segment) {
    if (segment === EMPTY_NAME_SEGMENT)
        return '';
    if (!segment.includes('%'))
        return segment;
    let out = '';
    let i = 0;
    const n = segment.length;
    const escapeAt = (k) => {
        if (k + 2 >= n || segment.charCodeAt(k) !== 0x25)
            return -1;
        const hi = hexValue(segment.charCodeAt(k + 1));
        const lo = hexValue(segment.charCodeAt(k + 2));
        return hi < 0 || lo < 0 ? -1 : (hi << 4) | lo;
    };
    while (i < n) {
        let b = escapeAt(i);
        if (b < 0) {
            out += segment[i];
            i++;
            continue;
        }
        const bytes = [];
        while (b >= 0) {
            bytes.push(b);
            i += 3;
            b = escapeAt(i);
        }
        out += decodeBytes(bytes);
    }
    return out;
}
const PREFIX_CONTROL = /[\u0000-\u001f\u007f-\u009f\u061c\u200b\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff\ufffe\uffff]/;
const LONE_SURROGATE = /[\ud800-\udfff]/u;
/**
 * Validates and normalizes the destination prefix: '' (the bucket root) or segments separated by `/`,
 * ending in `/` (added when missing). Rejected: a leading `/`, empty segments (`//`), `.` or `..`
 * segments, control and bidi/format characters, lone surrogates, a `.workdocs-s3-sync` segment (the
 * prefix would lie inside another sync's own area) and more than MAX_PREFIX_BYTES UTF-8 bytes.
 */
function parsePrefix(prefix) {
    if (prefix === '')
        return { ok: true, prefix: '' };
    const fail = (problem, reason) => ({ ok: false, problem, reason });
    if (LONE_SURROGATE.test(prefix))
        return fail('invalid-unicode', 'the prefix contains an unpaired surrogate (not valid UTF-8)');
    const control = PREFIX_CONTROL.exec(prefix);
    if (control) {
        const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
        return fail('control-character', `the prefix contains the control or formatting character U+${code}`);
    }
    if (prefix.startsWith('/'))
        return fail('leading-slash', 'the prefix must not start with "/"');
    const normalized = prefix.endsWith('/') ? prefix : prefix + '/';
    const segments = normalized.slice(0, -1).split('/');
    if (segments.some((s) => s === ''))
        return fail('empty-segment', 'the prefix must not contain an empty segment ("//")');
    if (segments.some((s) => s === '.' || s === '..'))
        return fail('dot-segment', 'the prefix must not contain "." or ".." segments');
    if (segments.includes(RESERVED_SEGMENT)) {
        return fail('reserved-segment', `the prefix must not contain a "${RESERVED_SEGMENT}" segment (the tool's own area)`);
    }
    const bytes = Buffer.byteLength(normalized, 'utf8');
    if (bytes > MAX_PREFIX_BYTES)
        return fail('too-long', `the prefix is ${bytes} bytes long; at most ${MAX_PREFIX_BYTES} are allowed`);
    return { ok: true, prefix: normalized };
}
function asPrefix(prefix) {
    return prefix === '' || prefix.endsWith('/') ? prefix : prefix + '/';
}
/**
 * True for keys this tool manages under `prefix`: strictly below it (not the prefix's own marker), not inside
 * `<prefix>.workdocs-s3-sync/` and not under `archivePrefix` (when given).
 */
function isManagedKey(key, prefix, archivePrefix) {
    const p = asPrefix(prefix);
    if (!key.startsWith(p) || key.length === p.length)
        return false;
    if (key.startsWith(p + RESERVED_SEGMENT + '/'))
        return false;
    if (archivePrefix !== undefined && archivePrefix !== '' && key.startsWith(asPrefix(archivePrefix)))
        return false;
    return true;
}
function time(t) {
    return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
}
function compareStrings(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
/** Oldest first; the id breaks ties. */
function byAge(a, b) {
    const ta = time(a.createdAt);
    const tb = time(b.createdAt);
    return ta < tb ? -1 : ta > tb ? 1 : compareStrings(a.id, b.id);
}
/** UTF-8 length of a well-formed string (keys and segments never hold lone surrogates). */
function utf8Length(s) {
    let bytes = s.length;
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i);
        if (c < 0x80)
            continue;
        if (c < 0x800)
            bytes += 1;
        else if (c >= 0xd800 && c <= 0xdfff)
            bytes += 1; // a surrogate pair: 4 bytes for 2 units
        else
            bytes += 2;
    }
    return bytes;
}
/** The id as it appears in suffixes: itself when short and plain (WorkDocs ids are 64 hex), else its SHA-256. */
function idTag(id) {
    return /^[0-9A-Za-z_-]{1,64}$/.test(id) ? id : (0,external_node_crypto_.createHash)('sha256').update(id, 'utf8').digest('hex');
}
/**
 * An archive key: `base` (the archive prefix and the run's folder) and the object's key below the mirror's prefix;
 * where that would exceed MAX_KEY_BYTES, the rule for keys that are too long applies: one relocated segment
 * `%%<hash of the path>~<last segment cut to fit>` right under `base`, distinct per path and stable.
 */
function archiveKeyOf(base, relative) {
    const key = base + relative;
    if (utf8Length(key) <= MAX_KEY_BYTES)
        return key;
    const folder = relative.endsWith('/');
    const last = relative.split('/').filter((s) => s !== '').at(-1) ?? '';
    const head = `${RELOCATED_MARK}${(0,external_node_crypto_.createHash)('sha256').update(relative, 'utf8').digest('hex').slice(0, 16)}~`;
    const room = Math.min(MAX_RELOCATED_SEGMENT_BYTES, MAX_KEY_BYTES - utf8Length(base) - (folder ? 1 : 0)) - utf8Length(head);
    const ext = extensionOf(last);
    const body = utf8Length(last) <= room ? last : truncateEncoded(last.slice(0, last.length - ext.length), room - utf8Length(ext)).replace(/ +$/, '') + ext;
    return `${base}${head}${body}${folder ? '/' : ''}`;
}
/** The extension of an encoded segment: from the last `.` (not at 0), 2–16 chars, no space or `%`; else ''. */
function extensionOf(segment) {
    const dot = segment.lastIndexOf('.');
    if (dot <= 0)
        return '';
    const ext = segment.slice(dot);
    return ext.length >= 2 && ext.length <= 16 && !/[ %]/.test(ext) ? ext : '';
}
/** The longest start of an encoded segment within maxBytes, cut between code points and never inside `%XX` escapes of one code point. */
function truncateEncoded(s, maxBytes) {
    let bytes = 0;
    let i = 0;
    const n = s.length;
    while (i < n) {
        const c = s.charCodeAt(i);
        let len;
        let size;
        if (c === 0x25 && i + 2 < n && hexValue(s.charCodeAt(i + 1)) >= 0 && hexValue(s.charCodeAt(i + 2)) >= 0) {
            const lead = (hexValue(s.charCodeAt(i + 1)) << 4) | hexValue(s.charCodeAt(i + 2));
            const escapes = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
            len = 0;
            for (let k = 0; k < escapes && i + len + 2 < n && s.charCodeAt(i + len) === 0x25; k++)
                len += 3;
            size = len;
        }
        else if (c >= 0xd800 && c <= 0xdbff && i + 1 < n) {
            len = 2;
            size = 4;
        }
        else {
            len = 1;
            size = c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
        }
        if (bytes + size > maxBytes)
            break;
        bytes += size;
        i += len;
    }
    return s.slice(0, i);
}
/** `stem~tag.ext`, the stem (or, if need be, the extension too) cut so that the whole fits in budget bytes. */
function withTag(base, tag, budget) {
    const suffix = '~' + tag;
    const ext = extensionOf(base);
    const stem = base.slice(0, base.length - ext.length);
    const full = stem + suffix + ext;
    if (utf8Length(full) <= budget)
        return { segment: full, cut: false };
    const room = budget - utf8Length(suffix) - utf8Length(ext);
    if (room >= 0)
        return { segment: truncateEncoded(stem, room) + suffix + ext, cut: true };
    return { segment: truncateEncoded(base, Math.max(0, budget - utf8Length(suffix))) + suffix, cut: true };
}
/** Groups (indices, in order) of equal segments, for the groups of two or more. */
function sameNamed(bases) {
    // First holder of each segment; member lists only for the (rare) groups of same-named siblings.
    const firstOf = new Map();
    const groups = new Map();
    for (let i = 0; i < bases.length; i++) {
        const base = bases[i];
        const first = firstOf.get(base);
        if (first === undefined) {
            firstOf.set(base, i);
            continue;
        }
        const members = groups.get(base);
        if (members)
            members.push(i);
        else
            groups.set(base, [first, i]);
    }
    return [...groups.values()].map((members) => ({ members }));
}
/**
 * Unique segments for one parent's children of one kind. `children` is sorted oldest first.
 * Plain names that fit are served first (all distinct: encoding is injective), then the others in age
 * order, each taking the first free candidate: tag of 8 chars, 16, the full tag, the full tag + `~2`, ….
 */
function assignSiblings(children, budget, topLevel) {
    const n = children.length;
    const bases = children.map((c) => c.fixedSegment ?? (topLevel ? encodeTopLevelSegment(c.name) : encodeSegment(c.name)));
    const groups = sameNamed(bases);
    const younger = new Set();
    for (const { members } of groups)
        for (const i of members.slice(1))
            younger.add(i);
    const plain = [];
    const rest = [];
    for (let i = 0; i < n; i++) {
        if (!younger.has(i) && utf8Length(bases[i]) <= budget)
            plain.push(i);
        else
            rest.push(i);
    }
    const segments = new Array(n).fill('');
    const cut = new Array(n).fill(false);
    const taken = new Set();
    for (const i of plain) {
        segments[i] = bases[i];
        taken.add(bases[i]);
    }
    for (const i of rest) {
        const tag = idTag(children[i].id);
        const tags = [...new Set([tag.slice(0, 8), tag.slice(0, 16), tag])];
        let chosen;
        for (let k = 0; chosen === undefined; k++) {
            const t = k < tags.length ? tags[k] : `${tag}~${k - tags.length + 2}`;
            const candidate = withTag(bases[i], t, budget);
            if (!taken.has(candidate.segment))
                chosen = candidate;
        }
        segments[i] = chosen.segment;
        cut[i] = chosen.cut;
        taken.add(chosen.segment);
    }
    return { segments, cut, groups };
}
/**
 * Maps every reachable folder and document to its key under `prefix` (validated with parsePrefix; an
 * invalid prefix throws a RangeError). See the module comment for the scheme. Guarantees: keys are unique,
 * start with the prefix, are at most 1024 UTF-8 bytes, have no empty, `.` or `..` segment and no control
 * characters, never lie inside `<prefix>.workdocs-s3-sync/`, and do not depend on the order of the arrays.
 */
function assignKeys(tree, prefix) {
    const normalized = parsePrefix(prefix);
    if (!normalized.ok)
        throw new RangeError(`invalid key prefix ${JSON.stringify(prefix)}: ${normalized.reason}`);
    const pfx = normalized.prefix;
    const fast = assignDistinct(tree.rootId, tree.folders, tree.documents, pfx);
    if (fast !== undefined)
        return fast;
    // A listing repeated an item (the same id twice): keep one record per id, chosen canonically, and redo.
    const folders = new Map();
    for (const f of tree.folders) {
        const seen = folders.get(f.id);
        if (seen === undefined || compareFolderRecords(f, seen) < 0)
            folders.set(f.id, f);
    }
    const documents = new Map();
    for (const d of tree.documents) {
        const seen = documents.get(d.id);
        if (seen === undefined || compareDocumentRecords(d, seen) < 0)
            documents.set(d.id, d);
    }
    return assignDistinct(tree.rootId, [...folders.values()], [...documents.values()], pfx);
}
/** True when the children of a folder whose key is `parentBytes` long do not fit under it and are relocated. */
function childrenRelocated(parentBytes) {
    return MAX_KEY_BYTES - parentBytes - 1 < MIN_CHILD_SEGMENT_BYTES;
}
/**
 * The keys of one folder's children, given the folder's key and all of its children: the step assignKeys
 * takes for each folder, so the keys are the same as assignKeys gives whenever the listing repeats no id.
 * Lets transfers start while the rest of the tree is still being listed. Undefined when the children would be
 * relocated for length (those keys depend on the whole tree).
 */
function keysOfChildren(parentKey, topLevel, folders, documents) {
    const bytes = utf8Length(parentKey);
    if (childrenRelocated(bytes))
        return undefined;
    const childFolders = [...folders].sort(byAge);
    const childDocuments = [...documents].sort(byAge);
    const placed = placeSiblings(bytes, topLevel, childFolders, childDocuments);
    return {
        folderKeys: new Map(childFolders.map((f, i) => [f.id, parentKey + placed.folders.segments[i] + '/'])),
        documentKeys: new Map(childDocuments.map((d, i) => [d.id, parentKey + placed.documents.segments[i]])),
    };
}
/** Segments for a folder's children (sorted oldest first) that fit under its key of `parentBytes` bytes. */
function placeSiblings(parentBytes, topLevel, folders, documents) {
    const room = MAX_KEY_BYTES - parentBytes;
    // A folder's segment is followed by '/'.
    return { folders: assignSiblings(folders, room - 1, topLevel), documents: assignSiblings(documents, room, topLevel) };
}
/** assignKeys for records with distinct ids; undefined when an id turns out to be repeated. */
function assignDistinct(rootId, folders, documents, pfx) {
    const foldersIn = new Map();
    for (const f of folders) {
        if (f.parentId === null || f.id === rootId)
            continue;
        const list = foldersIn.get(f.parentId);
        if (list)
            list.push(f);
        else
            foldersIn.set(f.parentId, [f]);
    }
    const documentsIn = new Map();
    for (const d of documents) {
        const list = documentsIn.get(d.parentId);
        if (list)
            list.push(d);
        else
            documentsIn.set(d.parentId, [d]);
    }
    const documentKeys = new Map();
    const folderKeys = new Map();
    const duplicates = [];
    const shortened = [];
    const relocatedTaken = new Set();
    /** Segments for children placed directly under the prefix: `%%<tag>~<name cut to fit>`. */
    const relocateAll = (children, kind) => {
        const budget = Math.min(MAX_RELOCATED_SEGMENT_BYTES, MAX_KEY_BYTES - utf8Length(pfx) - (kind === 'folder' ? 1 : 0));
        const bases = children.map((c) => encodeSegment(c.name));
        const segments = children.map((child, i) => {
            const base = bases[i];
            const ext = extensionOf(base);
            const tag = idTag(child.id);
            for (let k = 1;; k++) {
                const head = RELOCATED_MARK + tag + (k > 1 ? `~${k}` : '') + '~';
                const room = budget - utf8Length(head);
                // A cut name may end in a space: drop it, so that the segment does not end in one.
                const body = utf8Length(base) <= room ? base : truncateEncoded(base.slice(0, base.length - ext.length), room - utf8Length(ext)).replace(/ +$/, '') + ext;
                const segment = head + body;
                // Documents and folders never share a key (folder keys end in '/'), but one set is enough.
                const taken = kind + segment;
                if (!relocatedTaken.has(taken)) {
                    relocatedTaken.add(taken);
                    return segment;
                }
            }
        });
        return { segments, cut: children.map(() => true), groups: sameNamed(bases) };
    };
    // Breadth first from the root: parents are keyed before their children; cycles and orphans are never reached.
    const queue = [{ id: rootId, key: pfx, bytes: utf8Length(pfx) }];
    let repeated = false;
    for (let q = 0; q < queue.length && !repeated; q++) {
        const parent = queue[q];
        const childFolders = (foldersIn.get(parent.id) ?? []).sort(byAge);
        const childDocuments = (documentsIn.get(parent.id) ?? []).sort(byAge);
        // Too deep: the children go directly under the prefix (the root always has room: the prefix is at most 512 bytes).
        const relocated = childrenRelocated(parent.bytes);
        const base = relocated ? { key: pfx, bytes: utf8Length(pfx) } : parent;
        const placed = relocated ? undefined : placeSiblings(parent.bytes, parent.id === rootId, childFolders, childDocuments);
        const folderResult = placed?.folders ?? relocateAll(childFolders, 'folder');
        childFolders.forEach((f, i) => {
            const segment = folderResult.segments[i];
            const key = base.key + segment + '/';
            if (folderKeys.has(f.id))
                repeated = true;
            folderKeys.set(f.id, key);
            if (folderResult.cut[i])
                shortened.push(f.id);
            queue.push({ id: f.id, key, bytes: base.bytes + utf8Length(segment) + 1 });
        });
        const documentResult = placed?.documents ?? relocateAll(childDocuments, 'document');
        childDocuments.forEach((d, i) => {
            if (documentKeys.has(d.id))
                repeated = true;
            documentKeys.set(d.id, base.key + documentResult.segments[i]);
            if (documentResult.cut[i])
                shortened.push(d.id);
        });
        for (const [kind, children, result] of [
            ['document', childDocuments, documentResult],
            ['folder', childFolders, folderResult],
        ]) {
            for (const { members } of result.groups) {
                duplicates.push({
                    parentId: parent.id,
                    kind,
                    name: children[members[0]].name,
                    ids: members.map((i) => children[i].id),
                    segments: members.map((i) => result.segments[i]),
                });
            }
        }
    }
    if (repeated)
        return undefined;
    // Every record is keyed or unreachable; an id seen more often than it was keyed is repeated.
    const unreachableFolders = new Set();
    let keyedFolderRecords = 0;
    for (const f of folders) {
        if (f.id === rootId)
            continue;
        if (folderKeys.has(f.id))
            keyedFolderRecords++;
        else if (unreachableFolders.has(f.id))
            return undefined;
        else
            unreachableFolders.add(f.id);
    }
    const unreachableDocuments = new Set();
    let keyedDocumentRecords = 0;
    for (const d of documents) {
        if (documentKeys.has(d.id))
            keyedDocumentRecords++;
        else if (unreachableDocuments.has(d.id))
            return undefined;
        else
            unreachableDocuments.add(d.id);
    }
    if (keyedFolderRecords !== folderKeys.size || keyedDocumentRecords !== documentKeys.size)
        return undefined;
    const unreachable = [...unreachableFolders, ...unreachableDocuments].sort(compareStrings);
    shortened.sort(compareStrings);
    return { documentKeys, folderKeys, duplicates, unreachable, shortened };
}
function compareFolderRecords(a, b) {
    return (compareStrings(a.parentId ?? '', b.parentId ?? '') ||
        compareStrings(a.name, b.name) ||
        (time(a.createdAt) < time(b.createdAt) ? -1 : time(a.createdAt) > time(b.createdAt) ? 1 : 0));
}
function compareDocumentRecords(a, b) {
    return (compareStrings(a.parentId, b.parentId) ||
        compareStrings(a.name, b.name) ||
        compareStrings(a.versionId, b.versionId) ||
        (time(a.createdAt) < time(b.createdAt) ? -1 : time(a.createdAt) > time(b.createdAt) ? 1 : 0));
}

;// CONCATENATED MODULE: ./lib/core/manifest.js
/**
 * The manifest: one object under the prefix recording, per key, which document version it holds.
 * It lets a no-op resync decide everything from one GET and the listing, with no request per object.
 */


const MANIFEST_FORMAT = 'workdocs-s3-sync/manifest';
const MANIFEST_VERSION = 1;
function manifestKey(prefix) {
    return `${prefix}${RESERVED_SEGMENT}/manifest.json`;
}
function toolAreaPrefix(prefix) {
    return `${prefix}${RESERVED_SEGMENT}/`;
}
const EMPTY_MANIFEST = { entries: new Map() };
/** An ETag as this tool compares them: no weak marker, no quotes, lower case ('' for none). */
function normalizeEtag(etag) {
    return (etag ?? '').replace(/^W\//, '').replace(/"/g, '').toLowerCase();
}
function isPlainMd5(etag) {
    return /^[0-9a-f]{32}$/.test(etag);
}
/**
 * Whether the listed object is no longer the one `entry` recorded: a free check, from the listing alone, that
 * nobody overwrote it behind our back. Its ETag must be the one S3 answered when it was written, or the MD5 of
 * its bytes; any other (a multipart ETag such as `…-1` included) means other bytes.
 */
function replacedSince(object, entry) {
    if (object.etag === entry.etag)
        return false;
    // An entry without a recorded ETag (a manifest of an older version) on an SSE-KMS bucket: its ETag is opaque, so
    // the object is checked again by its metadata like an unknown one (adoption), not taken for overwritten.
    return object.etag !== entry.md5;
}
/**
 * The trust rule for manifest entries: an entry describes its object only while the listing shows that object with
 * the recorded size and an ETag it recorded. Any other entry says nothing about what the key holds now (a run killed
 * after its uploads but before its manifest write, a file overwritten behind our back). The same object when all hold.
 */
function trustedManifest(manifest, inventory) {
    if (manifest.entries.size === 0)
        return manifest;
    const byKey = new Map(inventory.map((o) => [o.key, o]));
    const contradicted = [];
    for (const [key, entry] of manifest.entries) {
        const object = byKey.get(key);
        if (object === undefined || object.size !== entry.size || replacedSince(object, entry))
            contradicted.push(key);
    }
    if (contradicted.length === 0)
        return manifest;
    const entries = new Map(manifest.entries);
    for (const key of contradicted)
        entries.delete(key);
    return { ...manifest, entries };
}
/** One row of the manifest (the format scale-out's plan and shard results use too). */
function toRow(key, e) {
    return e.etag === undefined ? [key, e.documentId, e.versionId, e.size, e.md5] : [key, e.documentId, e.versionId, e.size, e.md5, e.etag];
}
function toRows(entries) {
    return [...entries].map(([key, e]) => toRow(key, e));
}
function fromRows(rows) {
    const ids = new Map();
    return rows.map((row) => [row[0], entryOf(row, ids)]);
}
/**
 * The manifest file's layout: its header line (which ends in `"rows":[`), the JSON of each row (stringified on
 * demand, never held all at once) and the byte length of the whole file. The rows are stringified once here, for
 * the checksum and the size, and once more by whoever writes them out.
 */
function layoutOf(manifest, meta) {
    const keys = [...manifest.entries.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const rowJson = (key) => {
        return JSON.stringify(toRow(key, manifest.entries.get(key)));
    };
    // The checksum is the sha256 of JSON.stringify(rows): `[` + the rows joined by `,` + `]`.
    const hash = (0,external_node_crypto_.createHash)('sha256').update('[');
    let rowBytes = 0;
    keys.forEach((key, i) => {
        const json = rowJson(key);
        hash.update(i === 0 ? json : `,${json}`);
        rowBytes += Buffer.byteLength(json) + (i === 0 ? 0 : 2);
    });
    const file = {
        format: MANIFEST_FORMAT,
        version: MANIFEST_VERSION,
        rootFolderId: meta.rootFolderId,
        prefix: meta.prefix,
        updatedAt: meta.updatedAt,
        checksum: hash.update(']').digest('hex'),
        ...(manifest.foreign !== undefined && manifest.foreign.size > 0 ? { foreign: [...manifest.foreign].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)) } : {}),
        ...(manifest.histories !== undefined && manifest.histories.size > 0
            ? { histories: [...manifest.histories].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([id, versions]) => [id, ...versions]) }
            : {}),
    };
    const head = `${JSON.stringify(file).slice(0, -1)},${ROWS_OPEN}\n`;
    return { head, keys, rowJson, length: Buffer.byteLength(head) + rowBytes + ROWS_CLOSE.length };
}
/** The file's text in order, one row at a time (with the `,\n` before it): the header, the rows, the close. */
function* piecesOf(layout) {
    yield layout.head;
    for (let i = 0; i < layout.keys.length; i++) {
        const json = layout.rowJson(layout.keys[i]);
        yield i === 0 ? json : `,\n${json}`;
    }
    yield ROWS_CLOSE;
}
/**
 * The manifest file, as bytes: rows last and one per line (readable in a console, and diffs well). A 100,000-row
 * manifest (~24 MB) is built straight into one Buffer outside the V8 heap: no array of rows, no JSON of all
 * rows for the checksum and no giant string. The rows are stringified twice (checksum and size, then the bytes).
 * The S3 adapter sends encodeManifestChunks instead, never holding the file whole.
 */
function encodeManifestBytes(manifest, meta) {
    const layout = layoutOf(manifest, meta);
    const out = Buffer.allocUnsafe(layout.length);
    let offset = 0;
    for (const piece of piecesOf(layout))
        offset += out.write(piece, offset);
    if (offset !== out.length)
        throw new Error(`manifest encoding wrote ${offset} of ${out.length} bytes`);
    return out;
}
/**
 * The bytes of encodeManifestBytes in chunks of at least `chunkBytes` (but the last; each ends at the end of a row or
 * of the header), made as they are consumed: `length` (the file's size) is known before the first. Each call of
 * `chunks` starts over and yields the same bytes.
 */
function encodeManifestChunks(manifest, meta, chunkBytes = 1 << 16) {
    const layout = layoutOf(manifest, meta);
    return {
        length: layout.length,
        *chunks() {
            let text = '';
            for (const piece of piecesOf(layout)) {
                text += piece;
                // UTF-16 code units: each one to three bytes.
                if (text.length >= chunkBytes) {
                    yield Buffer.from(text, 'utf8');
                    text = '';
                }
            }
            if (text !== '')
                yield Buffer.from(text, 'utf8');
        },
    };
}
/** The manifest file as text (see encodeManifestBytes). */
function encodeManifest(manifest, meta) {
    return encodeManifestBytes(manifest, meta).toString('utf8');
}
/**
 * Reads a manifest file. The layout encodeManifestBytes writes is read line by line (ManifestDecoder: no tree of
 * the whole file and no second JSON of all rows for the checksum); any other valid JSON (a manifest someone
 * reformatted) is read whole, with the same result.
 */
function decodeManifest(input) {
    const decoder = new ManifestDecoder();
    const lines = decoder.write(typeof input === 'string' ? Buffer.from(input, 'utf8') : input) ? decoder.end() : undefined;
    return lines ?? decodeWhole(typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8'));
}
/**
 * A manifest file read whole, whatever its layout (one JSON tree of it, and its rows stringified again). `listed`: as
 * for ManifestDecoder.
 */
function decodeWhole(text, listed) {
    let file;
    try {
        file = JSON.parse(text);
    }
    catch {
        return { ok: false, problem: 'not valid JSON' };
    }
    if (file === null || typeof file !== 'object' || file.format !== MANIFEST_FORMAT)
        return { ok: false, problem: 'not a workdocs-s3-sync manifest' };
    if (file.version !== MANIFEST_VERSION)
        return { ok: false, problem: `unsupported manifest version ${String(file.version)}` };
    if (!Array.isArray(file.rows))
        return { ok: false, problem: 'no rows' };
    if (file.checksum !== sha256(JSON.stringify(file.rows)))
        return { ok: false, problem: 'checksum mismatch' };
    const entries = new Map();
    const ids = idsOf(file.histories);
    for (const row of file.rows) {
        if (!isRow(row))
            return { ok: false, problem: 'malformed row' };
        const object = listed?.get(row[0]);
        entries.set(object?.key ?? row[0], entryOf(row, ids, object));
    }
    return { ok: true, manifest: withHistories(withForeign(entries, file.foreign), file.histories), rootFolderId: String(file.rootFolderId ?? ''), updatedAt: String(file.updatedAt ?? '') };
}
/**
 * decodeWhole for the layout encodeManifestBytes writes (a header line ending in `"rows":[`, one row per line,
 * `]}` on the last line), fed the file's bytes in chunks as they arrive, split anywhere (inside a line or a UTF-8
 * character too): each line is decoded once its newline (the byte 0x0a) has arrived, so only the entries and one
 * unfinished line are held. `write` answers false as soon as the bytes cannot be that layout (the caller stops
 * feeding it), `end` the decoded manifest, or undefined for anything that is not that layout or whose rows were
 * written otherwise than JSON.stringify writes them (their checksum does not match): decodeWhole then reads it.
 */
class ManifestDecoder {
    listed;
    #stage = 'header';
    /** The unfinished line's bytes, as they arrived. */
    #pending = [];
    #file = {};
    #hash = (0,external_node_crypto_.createHash)('sha256').update('[');
    #entries = new Map();
    #ids = new Map();
    #rows = 0;
    #malformed = false;
    /**
     * `listed`: the bucket's listing by key, when it is known before the manifest is read: each entry then holds the
     * listed object's key, MD5 and ETag strings instead of copies of its own (on 100,000 documents some 30 MB of the
     * live heap). Entries, their order and their values are the same either way.
     */
    constructor(listed) {
        this.listed = listed;
    }
    /** Feeds the next bytes; false once they cannot be the line layout (later bytes are then ignored). */
    write(chunk) {
        if (this.#stage === 'ended')
            throw new Error('ManifestDecoder: write after end');
        if (this.#stage === 'other')
            return false;
        const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
        let start = 0;
        for (let end = bytes.indexOf(NEWLINE); end >= 0; end = bytes.indexOf(NEWLINE, start)) {
            let line = bytes.subarray(start, end);
            start = end + 1;
            if (this.#pending.length > 0) {
                this.#pending.push(line);
                line = Buffer.concat(this.#pending);
                this.#pending = [];
            }
            if (!this.#line(line))
                return this.#giveUp();
        }
        if (start < bytes.length)
            this.#pending.push(bytes.subarray(start));
        return true;
    }
    /** The manifest, once every byte was written; undefined when it is not the line layout (see the class). */
    end() {
        if (this.#stage === 'ended')
            throw new Error('ManifestDecoder: end called twice');
        // What follows the last newline is one more line, empty when the file ends with one.
        const last = this.#stage === 'other' || !this.#line(Buffer.concat(this.#pending)) || this.#stage !== 'trailer' ? undefined : this.#result();
        this.#stage = 'ended';
        this.#pending = [];
        return last;
    }
    #giveUp() {
        this.#stage = 'other';
        this.#pending = [];
        this.#entries.clear();
        return false;
    }
    /** One complete line, without its newline: whether the layout still holds. */
    #line(line) {
        switch (this.#stage) {
            case 'header':
                return this.#header(line.toString('utf8'));
            case 'first row':
                if (line.length === 0) {
                    // No rows: `[` and `]}` with an empty line between.
                    this.#stage = 'close';
                    return true;
                }
                return this.#row(line);
            case 'rows':
                return this.#row(line);
            case 'close':
                this.#stage = 'trailer';
                return line.equals(ROWS_CLOSE_LINE);
            case 'trailer':
                // Only blanks after `]}`.
                return line.every((byte) => byte === 0x20 || byte === 0x09 || byte === 0x0d);
            default:
                return false;
        }
    }
    #header(line) {
        if (!line.startsWith('{') || !line.endsWith(`,${ROWS_OPEN}`))
            return false;
        const header = parse(`${line.slice(0, -(ROWS_OPEN.length + 1))}}`);
        // At least one member: `{` alone before `,"rows":[` would not be JSON.
        if (header === PARSE_FAILED || header === null || typeof header !== 'object' || Array.isArray(header) || Object.keys(header).length === 0)
            return false;
        this.#file = header;
        this.#ids = idsOf(this.#file.histories);
        this.#stage = 'first row';
        return true;
    }
    #row(line) {
        // The last row has no comma after it (and an empty line is no row: it fails to parse).
        const last = line.length === 0 || line[line.length - 1] !== COMMA;
        const json = last ? line : line.subarray(0, -1);
        const row = parse(json.toString('utf8'));
        if (row === PARSE_FAILED)
            return false;
        // The checksum covers JSON.stringify(rows), which is what each line holds unless someone reformatted it;
        // such a file fails the checksum here and is read whole by decodeWhole, which stringifies the rows again.
        if (this.#rows > 0)
            this.#hash.update(',');
        this.#hash.update(json);
        this.#rows++;
        if (isRow(row)) {
            const object = this.listed?.get(row[0]);
            this.#entries.set(object?.key ?? row[0], entryOf(row, this.#ids, object));
        }
        else
            this.#malformed = true;
        if (last)
            this.#stage = 'close';
        return true;
    }
    #result() {
        const file = this.#file;
        if (file.format !== MANIFEST_FORMAT)
            return { ok: false, problem: 'not a workdocs-s3-sync manifest' };
        if (file.version !== MANIFEST_VERSION)
            return { ok: false, problem: `unsupported manifest version ${String(file.version)}` };
        if (file.checksum !== this.#hash.update(']').digest('hex'))
            return undefined;
        if (this.#malformed)
            return { ok: false, problem: 'malformed row' };
        return { ok: true, manifest: withHistories(withForeign(this.#entries, file.foreign), file.histories), rootFolderId: String(file.rootFolderId ?? ''), updatedAt: String(file.updatedAt ?? '') };
    }
}
function parse(json) {
    try {
        return JSON.parse(json);
    }
    catch {
        return PARSE_FAILED;
    }
}
/** The manifest with its remembered foreign objects; a malformed list is dropped (they are asked about again). */
function withForeign(entries, foreign) {
    if (!Array.isArray(foreign) || foreign.length === 0)
        return { entries };
    const pairs = foreign.filter((p) => Array.isArray(p) && p.length === 2 && typeof p[0] === 'string' && typeof p[1] === 'string');
    return pairs.length === foreign.length ? { entries, foreign: new Map(pairs) } : { entries };
}
/**
 * The manifest with its recorded histories; a malformed list is dropped whole (every history is then described
 * again, which costs requests but never a wrong object).
 */
function withHistories(manifest, histories) {
    if (!Array.isArray(histories) || histories.length === 0)
        return manifest;
    const records = new Map();
    for (const record of histories) {
        if (!Array.isArray(record) || record.length < 2 || !record.every((id) => typeof id === 'string'))
            return manifest;
        const [documentId, ...versionIds] = record;
        records.set(documentId, versionIds);
    }
    return { ...manifest, histories: records };
}
const PARSE_FAILED = Symbol('not JSON');
const ROWS_OPEN = '"rows":[';
const ROWS_CLOSE = '\n]}\n';
const ROWS_CLOSE_LINE = Buffer.from(']}');
const NEWLINE = 0x0a;
const COMMA = 0x2c;
function isRow(row) {
    return Array.isArray(row) && (row.length === 5 || (row.length === 6 && typeof row[5] === 'string'))
        && typeof row[0] === 'string' && typeof row[1] === 'string' && typeof row[2] === 'string'
        && Number.isSafeInteger(row[3]) && typeof row[4] === 'string';
}
/**
 * One copy of each document and version id while a manifest is decoded, seeded with the recorded histories' (read
 * first, from the header): otherwise every row and every history record holds its own copy. With `versions: all`
 * on 100,000 documents that is some 375,000 id strings instead of 750,000 (about 25 MB of the live heap). Dropped
 * once the manifest is decoded.
 */
function idsOf(histories) {
    const ids = new Map();
    if (!Array.isArray(histories))
        return ids;
    for (const record of histories) {
        if (!Array.isArray(record))
            continue;
        for (const id of record)
            if (typeof id === 'string' && !ids.has(id))
                ids.set(id, id);
    }
    return ids;
}
function sharedId(ids, id) {
    const known = ids.get(id);
    if (known !== undefined)
        return known;
    ids.set(id, id);
    return id;
}
/** The entry of a row; `listed` (the object at its key, when known) lends its equal MD5 or ETag string. */
function entryOf(row, ids, listed) {
    const [, listedDocumentId, listedVersionId, size, rowMd5, rowEtag] = row;
    const documentId = sharedId(ids, listedDocumentId);
    const versionId = sharedId(ids, listedVersionId);
    const md5 = listed?.etag === rowMd5 ? listed.etag : rowMd5;
    if (rowEtag === undefined)
        return { documentId, versionId, size, md5 };
    return { documentId, versionId, size, md5, etag: listed?.etag === rowEtag ? listed.etag : rowEtag };
}
function sha256(text) {
    return (0,external_node_crypto_.createHash)('sha256').update(text).digest('hex');
}

;// CONCATENATED MODULE: ./lib/core/outcome.js
/**
 * What a run's exit code is, and when finalize may delete: decisions the sync, the scale-out modes and the shells
 * share, as pure functions of what happened.
 */
function exitCodeOf(facts) {
    if (facts.badInput)
        return 2;
    if (facts.fatal)
        return 3;
    return facts.itemsFailed || facts.deletesRefused || facts.outputFailed ? 1 : 0;
}
/** Why finalize must not delete, or undefined when it may: every shard of the plan finished without a failure. */
function finalizeRefusal(state) {
    if (state.listingFailure)
        return 'the listing had errors, so nothing is deleted';
    if (state.missing.length > 0)
        return `shard(s) ${state.missing.join(', ')} did not finish, so nothing is deleted`;
    if (state.failed.length > 0)
        return `shard(s) ${state.failed.join(', ')} had failures, so nothing is deleted`;
    return state.deletesBlocked ?? undefined;
}
function runOutcome(report, interrupted = false) {
    switch (report.exitCode) {
        case 2:
            return 'bad-input';
        case 3:
            return interrupted ? 'cancelled' : 'stopped';
        case 1:
            // A refusal or a run-level failure (the manifest not written) is the news, whatever else failed.
            if (report.deletesBlocked !== undefined)
                return 'deletes-refused';
            return report.fatal !== undefined ? 'run-failed' : 'items-failed';
        default:
            if (report.dryRun)
                return 'dry-run';
            return report.changed ? 'done' : 'up-to-date';
    }
}

;// CONCATENATED MODULE: ./lib/core/shard.js
/** What one request costs compared to moving bytes: makes many small files count, not only big ones. */
const REQUEST_WEIGHT_BYTES = 256 * 1024;
/** Shard index for each action (same order); -1 for actions no shard runs (skips, and deletes, which finalize runs). */
function assignShards(actions, shardCount) {
    if (!Number.isInteger(shardCount) || shardCount < 1)
        throw new RangeError('shardCount must be a positive integer');
    const shardOf = actions.map(() => -1);
    const work = actions
        .map((action, index) => ({ index, key: action.key, weight: weightOf(action) }))
        .filter((w) => w.weight > 0)
        .sort((a, b) => b.weight - a.weight || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const load = Array.from({ length: shardCount }, () => ({ weight: 0, count: 0 }));
    for (const item of work) {
        let best = 0;
        for (let s = 1; s < shardCount; s++) {
            const a = load[s];
            const b = load[best];
            if (a.weight < b.weight || (a.weight === b.weight && a.count < b.count))
                best = s;
        }
        load[best].weight += item.weight;
        load[best].count++;
        shardOf[item.index] = best;
    }
    return shardOf;
}
function weightOf(action) {
    switch (action.kind) {
        case 'upload': return action.doc.size + REQUEST_WEIGHT_BYTES;
        case 'copy':
        case 'marker': return REQUEST_WEIGHT_BYTES;
        default: return 0;
    }
}
/** The matrix a plan step hands to `strategy.matrix` with fromJSON. */
function shardMatrix(shardCount) {
    return { shard: Array.from({ length: shardCount }, (_, i) => i) };
}

;// CONCATENATED MODULE: ./lib/backoff.js
/** Waiting between attempts, shared by every retry loop of the tool (downloads, whole files, the lock). */
/** Delay before retry number `attempt` (1-based): exponential from 100 ms, capped at 20 s, full jitter. */
function backoffDelay(attempt, random = Math.random) {
    const cap = Math.min(20_000, 100 * 2 ** Math.min(attempt, 10));
    return Math.floor(random() * cap);
}
/**
 * Delay before retrying a whole file (1-based): 1–2 s, then 2–4 s, … ("equal jitter"). Long enough that the
 * last attempt comes after a short outage of S3 or WorkDocs is over, when the SDK's own retries (and its
 * retry quota, which an outage drains for all requests at once) are spent.
 */
function fileRetryDelay(attempt, random = Math.random) {
    const cap = Math.min(30_000, 1000 * 2 ** attempt);
    return Math.floor(cap / 2 + random() * (cap / 2));
}
function sleep(ms, signal) {
    return new Promise((resolve, reject) => {
        if (signal?.aborted)
            return reject(signal.reason ?? new Error('aborted'));
        const timer = setTimeout(() => {
            signal?.removeEventListener('abort', onAbort);
            resolve();
        }, ms);
        const onAbort = () => {
            clearTimeout(timer);
            reject(signal?.reason ?? new Error('aborted'));
        };
        signal?.addEventListener('abort', onAbort, { once: true });
    });
}

;// CONCATENATED MODULE: ./lib/s3/inventory.js
/** Lists every object under the prefix once (ListObjectsV2, 1,000 keys a page) and reads metadata where asked. */




async function listInventory(client, bucket, prefix, signal) {
    const objects = [];
    let pages = 0;
    const pager = (0,client_s3_dist_cjs.paginateListObjectsV2)({ client, pageSize: 1000 }, { Bucket: bucket, Prefix: prefix || undefined, MaxKeys: 1000 });
    for await (const page of pager) {
        if (signal?.aborted)
            throw signal.reason ?? new Error('aborted');
        pages++;
        for (const item of page.Contents ?? []) {
            if (item.Key === undefined)
                continue;
            objects.push({
                key: item.Key,
                size: item.Size ?? 0,
                etag: normalizeEtag(item.ETag),
                lastModified: item.LastModified?.getTime() ?? 0,
                // Only the exception is kept: 100,000 STANDARD objects then hold no string each.
                ...(item.StorageClass !== undefined && item.StorageClass !== 'STANDARD' ? { storageClass: item.StorageClass } : {}),
            });
        }
    }
    return { objects, pages };
}
/**
 * User metadata of one object (adoption of buckets the original script wrote; a lost manifest), and whether its
 * ETag is known not to be its MD5 (SSE-KMS, SSE-C); undefined when the object is gone.
 */
async function readMetadata(client, bucket, key, signal) {
    try {
        const head = await client.send(new client_s3_dist_cjs.HeadObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
        const etagIsOpaque = isEncryptedWithKey(head);
        return { metadata: head.Metadata ?? {}, ...(etagIsOpaque ? { etagIsOpaque } : {}) };
    }
    catch (error) {
        if (isMissingObject(error))
            return undefined;
        throw error;
    }
}
/**
 * The MD5 of an object's bytes, read back (GetObject, streamed: memory stays a chunk), for an object whose ETag does
 * not show it (multipart, SSE-KMS) and that would be adopted on its metadata's word. Undefined when it is gone.
 */
async function readContentMd5(client, bucket, key, signal) {
    try {
        const out = await client.send(new client_s3_dist_cjs.GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
        const hash = (0,external_node_crypto_.createHash)('md5');
        for await (const chunk of out.Body)
            hash.update(chunk);
        return hash.digest('hex');
    }
    catch (error) {
        if (isMissingObject(error))
            return undefined;
        throw error;
    }
}
/**
 * Whether S3 says an object is stored under SSE-KMS (or DSSE-KMS) or SSE-C, from the headers of any answer about it:
 * then its ETag is not the MD5 of its bytes. SSE-S3 (AES256) keeps the MD5.
 */
function isEncryptedWithKey(answer) {
    return answer.SSECustomerAlgorithm !== undefined || (answer.ServerSideEncryption !== undefined && answer.ServerSideEncryption !== 'AES256');
}


// EXTERNAL MODULE: ./node_modules/p-limit/index.js + 1 modules
var p_limit = __webpack_require__(370);
;// CONCATENATED MODULE: ./lib/core/history.js
/**
 * The history layout (`versions: all`): where each older version of a document is stored, and which documents'
 * version lists a run must ask WorkDocs for. Pure: no I/O, no clock.
 *
 * The latest version stays at the document's key. Every older ACTIVE version is one more object:
 *   `<prefix>.history/<the document's key below the prefix>/<YYYY-MM-DDTHH-MM-SSZ>_<versionId><.ext>`
 * named by the version's creation time (UTC, no colons: Windows file names) and id, with the extension of that
 * version's own name. Where that key would exceed MAX_KEY_BYTES, the document's path gives way to its id:
 *   `<prefix>.history/%%<documentId>/<same file name>`
 * (ids hold no `~`, so this never equals a relocated segment `%%<tag>~<name>`). A version's key moves only when
 * its document's key moves.
 *
 * A no-op resync asks WorkDocs nothing per version: the manifest keeps, per document, the version ids its last
 * description listed (Manifest.histories), and the older versions are rebuilt from the manifest's entries at their
 * history keys. A document is described again only when its latest version is not the recorded one, when it was
 * never described, when one of its recorded versions is no longer intact in the bucket, or when the run says its
 * older versions may have changed (`redescribe`): an older version deleted in WorkDocs leaves the latest as it was,
 * so only an activity (DOCUMENT_VERSION_DELETED, DOCUMENT_REVERTED), metadata_refresh or the scheduled full listing
 * finds it; its object then becomes stale and follows the delete rules.
 */

/** `<prefix>.history/`: the area of older versions, directly under the prefix. */
function historyAreaOf(prefix) {
    return `${prefix}${HISTORY_SEGMENT}/`;
}
/** `2024-03-01T12-30-05Z`: an epoch-milliseconds time as it starts a version's file name (whole seconds, UTC). */
function historyTime(epochMs) {
    // A time WorkDocs did not give (NaN, out of Date's range) names the version as of the epoch: still deterministic.
    const valid = Number.isFinite(epochMs) && Math.abs(epochMs) <= 8.64e15 ? epochMs : 0;
    return `${new Date(valid).toISOString().slice(0, 19).replace(/:/g, '-')}Z`;
}
/** The file name of one older version: `<creation time>_<encoded version id><.ext of its name>`. */
function versionFileName(version) {
    return `${historyTime(version.createdAt)}_${encodeSegment(version.versionId)}${extensionOf(encodeSegment(version.name))}`;
}
const FILE_TIME = /^(\d{4})-(\d\d)-(\d\d)T(\d\d)-(\d\d)-(\d\d)Z_/;
/**
 * The creation time (whole seconds) and extension a version file name of `versionId` holds, or undefined when it
 * is not one: versionFileName's inverse, enough to compute the same name again.
 */
function parseVersionFileName(fileName, versionId) {
    const time = FILE_TIME.exec(fileName);
    if (time === null)
        return undefined;
    const id = encodeSegment(versionId);
    const rest = fileName.slice(time[0].length);
    if (!rest.startsWith(id))
        return undefined;
    const extension = rest.slice(id.length);
    if (extension !== '' && extensionOf(`x${extension}`) !== extension)
        return undefined;
    const [, y, mo, d, h, mi, s] = time.map(Number);
    return { createdAt: Date.UTC(y, mo - 1, d, h, mi, s), extension };
}
/**
 * The key of one older version, given its document's key. `documentKey` lies under `prefix` (assignKeys' keys do).
 * Falls back to the document id for the folder part where the path would not fit in MAX_KEY_BYTES.
 */
function historyKey(prefix, documentKey, documentId, fileName) {
    const area = historyAreaOf(prefix);
    const byPath = `${area}${documentKey.slice(prefix.length)}/${fileName}`;
    if (Buffer.byteLength(byPath, 'utf8') <= MAX_KEY_BYTES)
        return byPath;
    return `${area}%%${encodeSegment(documentId)}/${fileName}`;
}
/**
 * Every older version with its key, sorted by key. Versions of documents without a key (unreachable, not listed)
 * have none and are left out.
 */
function historyKeys(versions, documentKeys, prefix) {
    const keyed = [];
    for (const version of versions) {
        const documentKey = documentKeys.get(version.id);
        if (documentKey !== undefined)
            keyed.push([version, historyKey(prefix, documentKey, version.id, versionFileName(version))]);
    }
    return keyed.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
}
/**
 * Which documents' versions must be listed this run: those never described, those whose latest version is not
 * the one recorded, those with a recorded older version that the (trusted) manifest no longer shows intact
 * at a history key, and those `redescribe` names. `manifest` must be the trusted view (trustedManifest): an entry
 * there describes its object.
 */
function historyNeeds(documents, manifest, prefix, redescribe = new Set()) {
    const recorded = manifest.histories;
    const describe = [];
    const known = [];
    const carried = new Map();
    // A first `all` run (or an older manifest) records no history at all: then the entries are not worth indexing.
    const stored = recorded !== undefined && recorded.size > 0 ? storedVersions(manifest, prefix) : new Map();
    for (const doc of documents) {
        if (redescribe === 'all' || redescribe.has(doc.id)) {
            describe.push(doc);
            continue;
        }
        const record = recorded?.get(doc.id);
        const rebuilt = record !== undefined && record[0] === doc.versionId ? rebuildVersions(doc, record.slice(1), stored) : undefined;
        if (rebuilt === undefined) {
            describe.push(doc);
            continue;
        }
        known.push(...rebuilt);
        carried.set(doc.id, record);
    }
    describe.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return { describe, known, carried };
}
/**
 * versionId → the history keys and entries that hold it. By version id alone, the document checked on lookup
 * (storedAt): no `documentId/versionId` string is built for each of 40,000 older versions on every run.
 */
function storedVersions(manifest, prefix) {
    const area = historyAreaOf(prefix);
    const stored = new Map();
    for (const [key, entry] of manifest.entries) {
        if (!key.startsWith(area))
            continue;
        const holders = stored.get(entry.versionId);
        if (holders === undefined)
            stored.set(entry.versionId, [[key, entry]]);
        else
            holders.push([key, entry]);
    }
    return stored;
}
/** The history key and entry that hold a document's version (the smallest key if several do). */
function storedAt(stored, documentId, versionId) {
    let found;
    for (const holder of stored.get(versionId) ?? []) {
        if (holder[1].documentId === documentId && (found === undefined || holder[0] < found[0]))
            found = holder;
    }
    return found;
}
/** The recorded older versions of `doc` as source records, or undefined when one of them is not stored intact. */
function rebuildVersions(doc, versionIds, stored) {
    const versions = [];
    for (const versionId of versionIds) {
        const found = storedAt(stored, doc.id, versionId);
        if (found === undefined)
            return undefined;
        const [key, entry] = found;
        const parsed = parseVersionFileName(key.slice(key.lastIndexOf('/') + 1), versionId);
        if (parsed === undefined)
            return undefined;
        versions.push({
            id: doc.id,
            parentId: doc.parentId,
            // The version's name is not recorded: only its extension names the object, and the bytes are already stored.
            name: `version${parsed.extension}`,
            createdAt: parsed.createdAt,
            modifiedAt: parsed.createdAt,
            versionId,
            size: entry.size,
            md5: entry.md5 === '' ? undefined : entry.md5,
            contentType: undefined,
            history: true,
        });
    }
    return versions;
}
/**
 * The source tree with its histories: the versions rebuilt from the manifest, the ones WorkDocs just listed
 * (`described`: documentId → every ACTIVE version it listed, the latest among them), and the documents whose
 * listing failed. The latest version is never history; a version listed twice counts once.
 */
function history_withHistories(tree, needs, described, failures) {
    const latest = new Map(tree.documents.map((d) => [d.id, d.versionId]));
    const versions = [...needs.known];
    const histories = new Map(needs.carried);
    for (const [documentId, listed] of described) {
        const latestId = latest.get(documentId);
        if (latestId === undefined || failures.has(documentId))
            continue;
        const older = new Map();
        for (const version of listed) {
            if (version.versionId !== latestId && !older.has(version.versionId))
                older.set(version.versionId, { ...version, id: documentId, history: true });
        }
        const ids = [...older.keys()].sort();
        versions.push(...ids.map((id) => older.get(id)));
        histories.set(documentId, [latestId, ...ids]);
    }
    return { ...tree, versions, histories, historyFailures: failures };
}
/** Whether two recorded histories say the same (else the manifest is written again). */
function sameHistories(a, b) {
    if ((a?.size ?? 0) !== (b?.size ?? 0))
        return false;
    for (const [documentId, ids] of b ?? []) {
        const other = a?.get(documentId);
        if (other === undefined || other.length !== ids.length || other.some((id, i) => id !== ids[i]))
            return false;
    }
    return true;
}

;// CONCATENATED MODULE: ./lib/core/plan.js
/**
 * plan(): every decision of a sync run, as one pure function of the source tree, the destination inventory
 * and the manifest. No I/O, no clock, no randomness: the executor only carries the plan out.
 */



const VERSION_METADATA = 'workdocs-version-id';
const DOCUMENT_METADATA = 'workdocs-document-id';
/** The WorkDocs folder a document object was mirrored from: with the manifest lost, the prefix's source is still known. */
const SOURCE_METADATA = 'workdocs-source-folder-id';
/** Carried by the folder markers this tool writes, so that they are recognisably its own. */
const FOLDER_METADATA = 'workdocs-folder-id';
/** Written into an archive area when a run first archives there: what lies beside it is never stale. */
const ARCHIVE_MARK = `${RESERVED_SEGMENT}/archive.json`;
/** Both views of a manifest as read, against this listing. */
function viewOf(manifest, inventory) {
    return { trusted: trustedManifest(manifest, inventory), recorded: manifest };
}
/**
 * The prefix's source as the probed objects tell it (SOURCE_METADATA), for a prefix whose manifest is lost: another
 * WorkDocs folder when objects name one and none names `rootId`. Undefined when objects name this folder too (the
 * others are then another mirror's, foreign here), or none names any (objects of older versions carry no source).
 */
function otherSourceIn(inventory, rootId) {
    let other;
    for (const object of inventory) {
        const source = object.metadata?.[SOURCE_METADATA];
        if (source === rootId)
            return undefined;
        if (source !== undefined)
            other ??= source;
    }
    return other;
}
/** A zero-byte `folder/` object: a folder marker, whoever wrote it; it holds nothing that a delete could lose. */
function isMarkerObject(object) {
    return object.size === 0 && object.key.endsWith('/');
}
/** Metadata that names a WorkDocs item: written by this tool, or by the original folder_sync.py (version id only). */
function isOwnedByMetadata(metadata) {
    return metadata[VERSION_METADATA] !== undefined || metadata[DOCUMENT_METADATA] !== undefined || metadata[FOLDER_METADATA] !== undefined;
}
/**
 * The keys whose metadata must be read (HeadObject) before planning: objects with no trusted manifest entry that
 * may hold the wanted version (adoption), and objects nobody has said whose they are (ownership), each once: a
 * foreign object remembered with its ETag is not asked about again.
 */
function keysToProbe(source, inventory, view, options) {
    const { trusted, recorded } = view;
    const unknown = (o) => o.metadata === undefined && !trusted.entries.has(o.key);
    // Most runs have no such object (an empty bucket, a complete manifest): then the keys are not worth computing.
    if (!inventory.some(unknown))
        return [];
    const { documentKeys } = assignKeys(source, options.prefix);
    const sizeWanted = new Map();
    for (const doc of source.documents) {
        const key = documentKeys.get(doc.id);
        if (key !== undefined)
            sizeWanted.set(key, doc.size);
    }
    for (const [version, key] of historyKeys(source.versions ?? [], documentKeys, options.prefix))
        sizeWanted.set(key, version.size);
    const archives = archiveAreas(inventory, options.archivePrefix);
    const probes = [];
    for (const object of inventory) {
        if (!unknown(object) || !isManagedKey(object.key, options.prefix) || inArchiveArea(object.key, archives))
            continue;
        const adoptable = sizeWanted.get(object.key) === object.size;
        // With the manifest lost, even delete_foreign asks: the objects' metadata is all that says which folder they mirror.
        const ownerUnknown = (options.deleteForeign !== true || options.manifestLost === true) && !recorded.entries.has(object.key) && !isMarkerObject(object)
            && recorded.foreign?.get(object.key) !== object.etag;
        if (adoptable || ownerUnknown)
            probes.push(object.key);
    }
    return probes.sort();
}
function plan(source, inventory, manifest, options) {
    const { trusted, recorded } = 'trusted' in manifest ? manifest : viewOf(manifest, inventory);
    const { documentKeys, folderKeys, duplicates, unreachable } = assignKeys(source, options.prefix);
    const history = historyKeys(source.versions ?? [], documentKeys, options.prefix);
    const byKey = indexInventory(inventory);
    const wanted = new Set([...documentKeys.values(), ...folderKeys.values(), ...history.map(([, key]) => key)]);
    const archives = archiveAreas(inventory, options.archivePrefix);
    const owner = ownerOf(trusted, recorded, options.deleteForeign === true, source.rootId);
    // The prefix's own marker object (`backup/`) is not a mirrored item, and archive areas are never stale.
    const underPrefix = inventory.filter((o) => isManagedKey(o.key, options.prefix) && !inArchiveArea(o.key, archives));
    const foreign = new Map();
    const owned = [];
    for (const object of underPrefix) {
        if (owner(object) === 'foreign')
            foreign.set(object.key, object.etag);
        else
            owned.push(object);
    }
    // A document whose versions could not be listed keeps every object of its own: which of them are stale is unknown.
    const held = source.historyFailures;
    const stale = owned.filter((o) => !wanted.has(o.key) && (held === undefined || held.size === 0 || !held.has(documentOf(o, recorded.entries.get(o.key)) ?? '')));
    const staleKeys = new Set(stale.map((o) => o.key));
    // Only a document that is not skipped needs it: a no-op run of 100,000 documents never builds it.
    let copySources;
    const copySourcesOnce = () => (copySources ??= indexCopySources(trusted, byKey, staleKeys, owned));
    const transfers = [];
    const decide = (doc, computed) => {
        const object = byKey.get(computed);
        // The listed object's equal key string: a run of 100,000 documents then holds each key once, not twice.
        const key = object?.key ?? computed;
        const action = decideDocument(doc, key, object, trusted.entries.get(key), recorded.entries.get(key), copySourcesOnce);
        const heldBecause = held?.get(doc.id);
        if (heldBecause !== undefined)
            transfers.push({ ...asUpload(action), refused: `kept as the bucket has it: its versions could not be listed (${heldBecause})` });
        else if (object !== undefined && foreign.has(key) && action.kind !== 'skip')
            transfers.push({ ...asUpload(action), refused: 'kept: an object this tool did not write holds this key (delete_foreign replaces it)' });
        else
            transfers.push(action);
    };
    for (const doc of [...source.documents].sort(byId)) {
        const computed = documentKeys.get(doc.id);
        if (computed !== undefined)
            decide(doc, computed);
    }
    // Older versions are desired objects like the documents: skipped, copied (the old latest, or a rename) or uploaded.
    for (const [version, key] of history)
        decide(version, key);
    const actions = orderCopies(transfers, options.orderedCopies !== false);
    if (options.folderMarkers !== 'none') {
        const occupied = options.folderMarkers === 'empty' ? occupiedFolders(documentKeys, folderKeys) : undefined;
        for (const [folderId, key] of [...folderKeys].sort((a, b) => compare(a[1], b[1]))) {
            if (!byKey.has(key) && !occupied?.has(key) && options.unlistedFolders?.has(folderId) !== true)
                actions.push({ kind: 'marker', key, folderId });
        }
    }
    const content = owned.filter((o) => !isMarkerObject(o));
    let deletesBlocked;
    let removals = 0;
    if (options.deleteStale && stale.length > 0) {
        const keptAt = keptVersions(actions);
        const staleActions = [];
        for (const object of [...stale].sort((a, b) => compare(a.key, b.key))) {
            const kept = keptAt.get(versionOf(object, recorded.entries.get(object.key)) ?? '');
            const base = { key: object.key, size: object.size, reason: kept !== undefined ? 'moved' : 'stale', ...(kept !== undefined ? { keptAt: kept } : {}) };
            if (kept === undefined && !isMarkerObject(object))
                removals++;
            staleActions.push(options.archivePrefix !== ''
                ? { kind: 'archive', toKey: archiveKey(object.key, options), ...base }
                : { kind: 'delete', ...base });
        }
        deletesBlocked = deleteRefusal(removals, content.length, options);
        actions.push(...staleActions);
    }
    // Checked on every run, not only when something is stale: an item mirrored into the archive area is never found
    // stale there (archived objects are not the mirror's), so a deleted one would stay in the mirror without a word.
    if (options.deleteStale)
        deletesBlocked ??= archiveOverlap(wanted, options.archivePrefix);
    return { actions, deletesBlocked, duplicates, unreachable, managedCount: content.length, foreign, removals, ...(source.histories !== undefined ? { histories: source.histories } : {}) };
}
/** Whose an object under the prefix is: this tool's (the manifest lists it, or its metadata names a WorkDocs item), or foreign. */
function ownerOf(trusted, recorded, deleteForeign, rootId) {
    return (object) => {
        if (deleteForeign || trusted.entries.has(object.key) || recorded.entries.has(object.key))
            return 'own';
        // A zero-byte folder marker holds nothing: whoever wrote it, removing it loses nothing.
        if (isMarkerObject(object))
            return 'own';
        // Another mirror's object (a prefix nested in this one, say) is not this mirror's to delete.
        if (object.metadata !== undefined && isOwnedByMetadata(object.metadata) && (object.metadata[SOURCE_METADATA] ?? rootId) === rootId)
            return 'own';
        // Not probed (HeadObject failed) counts as foreign too: what is not known to be ours is left alone.
        return 'foreign';
    };
}
/** Archive areas: the configured one, and every one an earlier run marked (ARCHIVE_MARK) under the listing. */
function archiveAreas(inventory, archivePrefix) {
    const areas = archivePrefix === '' ? [] : [archivePrefix];
    for (const object of inventory) {
        if (object.key === ARCHIVE_MARK || object.key.endsWith(`/${ARCHIVE_MARK}`))
            areas.push(object.key.slice(0, -ARCHIVE_MARK.length));
    }
    return areas;
}
function inArchiveArea(key, areas) {
    return areas.some((area) => key.startsWith(area));
}
/** The document a listed object holds, from its manifest entry or its metadata. */
function documentOf(object, entry) {
    return entry?.documentId ?? object.metadata?.[DOCUMENT_METADATA];
}
/** `documentId/versionId` of what a stale object holds, from its manifest entry or its metadata. */
function versionOf(object, entry) {
    if (entry !== undefined)
        return `${entry.documentId}/${entry.versionId}`;
    const documentId = object.metadata?.[DOCUMENT_METADATA];
    const versionId = object.metadata?.[VERSION_METADATA];
    return documentId !== undefined && versionId !== undefined ? `${documentId}/${versionId}` : undefined;
}
/** `documentId/versionId` → the key that holds that version once the planned transfers are done. */
function keptVersions(actions) {
    const kept = new Map();
    for (const action of actions) {
        if ((action.kind === 'upload' && action.refused === undefined) || action.kind === 'copy' || action.kind === 'skip') {
            kept.set(`${action.doc.id}/${action.doc.versionId}`, action.key);
        }
    }
    return kept;
}
function asUpload(action) {
    if (action.kind === 'upload')
        return action;
    return { kind: 'upload', key: action.key, doc: action.doc, reason: action.kind === 'copy' ? 'renamed' : 'changed' };
}
/**
 * Orders the copies before anything overwrites their sources: every write to a key waits for the copies that read
 * it (its stage is one more than theirs). A cycle of copies (two documents that swapped names, a rotation) has no
 * such order: one copy of it becomes an upload, which reads WorkDocs instead. Without ordering (shards), every copy
 * whose source the plan rewrites becomes an upload.
 */
function orderCopies(transfers, ordered) {
    const actions = [...transfers];
    const writers = new Map();
    actions.forEach((a, i) => {
        if ((a.kind === 'upload' && a.refused === undefined) || a.kind === 'copy')
            writers.set(a.key, i);
    });
    const readers = new Map();
    actions.forEach((a, i) => {
        if (a.kind !== 'copy' || !writers.has(a.fromKey))
            return;
        if (!ordered)
            actions[i] = asUpload(a);
        else
            readers.set(a.fromKey, [...(readers.get(a.fromKey) ?? []), i]);
    });
    if (readers.size === 0)
        return actions;
    const stage = new Map();
    const onPath = new Set();
    const visit = (i) => {
        const known = stage.get(i);
        if (known !== undefined)
            return known;
        onPath.add(i);
        let level = 0;
        for (const r of readers.get(actions[i].key) ?? []) {
            const reader = actions[r];
            if (reader.kind !== 'copy')
                continue; // became an upload while breaking a cycle: it reads nothing now
            if (onPath.has(r)) {
                actions[r] = asUpload(reader); // a cycle: this reader downloads instead of copying
                continue;
            }
            level = Math.max(level, visit(r) + 1);
        }
        onPath.delete(i);
        stage.set(i, level);
        return level;
    };
    // Keys in order, so that which copy of a cycle becomes an upload does not depend on the input's order.
    const order = [...writers.values()].sort((a, b) => compare(actions[a].key, actions[b].key));
    for (const i of order)
        visit(i);
    for (const [i, level] of stage) {
        const action = actions[i];
        if (level > 0 && (action.kind === 'upload' || action.kind === 'copy'))
            actions[i] = { ...action, stage: level };
    }
    return actions;
}
/**
 * Folder keys with a mirrored key directly below them: S3 shows those as prefixes without a marker. Decided on
 * keys, not on parent ids, because a child relocated for length does not lie under its folder's key.
 */
function occupiedFolders(documentKeys, folderKeys) {
    const occupied = new Set();
    for (const key of documentKeys.values())
        occupied.add(parentKey(key));
    for (const key of folderKeys.values())
        occupied.add(parentKey(key.slice(0, -1)));
    return occupied;
}
/** `a/b/c` → `a/b/` (segments never contain `/`: names are encoded). */
function parentKey(key) {
    return key.slice(0, key.lastIndexOf('/') + 1);
}
/**
 * Storage classes whose objects S3 reads (GetObject, CopyObject) only after a restore: InvalidObjectState otherwise.
 * GLACIER_IR and the Intelligent-Tiering access tiers below archive are read like STANDARD.
 */
const ARCHIVE_STORAGE_CLASSES = new Set(['GLACIER', 'DEEP_ARCHIVE']);
function isInArchiveClass(object) {
    return object.storageClass !== undefined && ARCHIVE_STORAGE_CLASSES.has(object.storageClass);
}
/** The decision for one document: skip, copy from where the same version already lies, or upload. */
function decideDocument(doc, key, object, entry, recordedEntry, copySources) {
    if (object !== undefined) {
        if (entry !== undefined) {
            if (entry.documentId === doc.id && entry.versionId === doc.versionId && entry.size === doc.size && object.size === doc.size) {
                return { kind: 'skip', key, doc, reason: 'unchanged' };
            }
        }
        else if (object.metadata !== undefined && isAdoptable(doc, object, referenceMd5(doc, recordedEntry))) {
            return { kind: 'skip', key, doc, reason: 'adopted' };
        }
    }
    const from = copySources().get(doc.versionId);
    if (from !== undefined && from.key !== key && (from.md5 === undefined || doc.md5 === undefined || from.md5 === doc.md5)) {
        if (from.archived !== true)
            return { kind: 'copy', key, fromKey: from.key, fromEtag: from.etag, doc, reason: 'renamed' };
        // Only archived copies of the version exist: a restore takes hours, a download from WorkDocs does not.
        if (object === undefined && recordedEntry === undefined)
            return { kind: 'upload', key, doc, reason: 'renamed' };
    }
    if (object === undefined)
        return { kind: 'upload', key, doc, reason: recordedEntry !== undefined ? 'missing' : 'new' };
    if (recordedEntry !== undefined && entry === undefined)
        return { kind: 'upload', key, doc, reason: 'modified-in-bucket' };
    if (entry === undefined && object.metadata === undefined)
        return { kind: 'upload', key, doc, reason: 'unverified' };
    return { kind: 'upload', key, doc, reason: 'changed' };
}
/**
 * An object written by the original script (or a lost manifest's run) holds this version already: its metadata
 * names the version, and its bytes are shown to be the version's, by a single-part ETag or by reading them back
 * (keysToReadBack). Metadata alone is not enough: an overwrite can keep it.
 */
function isAdoptable(doc, object, reference) {
    if (!namesVersion(doc, object))
        return false;
    const md5 = listedMd5(object) ?? object.contentMd5;
    if (md5 === undefined)
        return false;
    return reference === undefined || md5 === reference;
}
/** What the version's bytes must hash to: its Signature, or (none given) the MD5 an earlier run recorded for it. */
function referenceMd5(doc, recorded) {
    if (doc.md5 !== undefined)
        return doc.md5;
    return recorded !== undefined && recorded.versionId === doc.versionId && recorded.md5 !== '' ? recorded.md5 : undefined;
}
function namesVersion(doc, object) {
    const metadata = object.metadata ?? {};
    if (metadata[VERSION_METADATA] !== doc.versionId || object.size !== doc.size)
        return false;
    return metadata[DOCUMENT_METADATA] === undefined || metadata[DOCUMENT_METADATA] === doc.id;
}
/**
 * The objects whose bytes must be read back before plan(): probed ones whose metadata names the wanted version but
 * whose ETag does not show their MD5 (multipart, SSE-KMS), where a Signature (or a recorded MD5) can check them. Without the
 * read they would be uploaded again; with it, adopted only when the bytes are right.
 */
function keysToReadBack(source, inventory, prefix, recorded = { entries: new Map() }) {
    if (!inventory.some((o) => o.metadata !== undefined && listedMd5(o) === undefined && o.contentMd5 === undefined))
        return [];
    const { documentKeys } = assignKeys(source, prefix);
    const byKey = indexInventory(inventory);
    const keys = [];
    const desired = [...source.documents.map((d) => [d, documentKeys.get(d.id)]), ...historyKeys(source.versions ?? [], documentKeys, prefix)];
    for (const [doc, key] of desired) {
        const object = key === undefined ? undefined : byKey.get(key);
        if (object?.metadata === undefined || referenceMd5(doc, recorded.entries.get(object.key)) === undefined || listedMd5(object) !== undefined || object.contentMd5 !== undefined)
            continue;
        if (isInArchiveClass(object))
            continue; // GetObject would answer InvalidObjectState: it is uploaded again instead
        if (namesVersion(doc, object))
            keys.push(object.key);
    }
    return keys.sort();
}
/**
 * The versions the bucket holds somewhere, as the manifest knows them; undefined when a listed object that the
 * manifest does not account for (no entry, not a remembered foreign object, not a folder marker) might hold any
 * version, as after a lost manifest. Then no document is certainly an upload before the plan (early uploads).
 */
function versionsHeld(inventory, manifest) {
    for (const object of inventory) {
        if (!manifest.entries.has(object.key) && !isMarkerObject(object) && manifest.foreign?.get(object.key) !== object.etag)
            return undefined;
    }
    return new Set([...manifest.entries.values()].map((e) => e.versionId));
}
/**
 * versionId → an object that holds that version, preferring stale keys: one the manifest vouches for, or (a lost
 * manifest) one whose metadata names the version and whose single-part ETag shows its bytes.
 */
function indexCopySources(manifest, byKey, staleKeys, owned) {
    const sources = new Map();
    const offer = (versionId, source) => {
        const current = sources.get(versionId);
        if (current === undefined || isBetterCopySource(source, current, staleKeys))
            sources.set(versionId, source);
    };
    for (const [key, entry] of manifest.entries) {
        const object = byKey.get(key);
        if (object === undefined || object.size !== entry.size)
            continue;
        offer(entry.versionId, { key, etag: object.etag, ...(isInArchiveClass(object) ? { archived: true } : {}) });
    }
    for (const object of owned) {
        const versionId = object.metadata?.[VERSION_METADATA];
        const md5 = listedMd5(object);
        if (versionId === undefined || md5 === undefined || manifest.entries.has(object.key))
            continue;
        offer(versionId, { key: object.key, etag: object.etag, md5, ...(isInArchiveClass(object) ? { archived: true } : {}) });
    }
    return sources;
}
/**
 * Of two objects holding one version, one that CopyObject can read wins; then a stale one, moved rather than kept
 * twice; then the smaller key.
 */
function isBetterCopySource(source, current, staleKeys) {
    if ((source.archived === true) !== (current.archived === true))
        return current.archived === true;
    const stale = staleKeys.has(source.key);
    return stale !== staleKeys.has(current.key) ? stale : compare(source.key, current.key) < 0;
}
/** Why deletes must not run, or undefined when they may. `removals`: deletes that lose content; `base`: content objects. */
function deleteRefusal(removals, base, options) {
    if (!options.listingComplete)
        return 'the listing had errors, so nothing is deleted';
    const { count, percent } = options.maxDelete;
    if (count !== undefined && removals > count)
        return `${removals} deletes exceed max_delete (${count})`;
    if (percent !== undefined && base > 0 && (removals / base) * 100 > percent) {
        return `${removals} deletes of ${base} objects (${((removals / base) * 100).toFixed(1)}%) exceed max_delete (${percent}%)`;
    }
    return undefined;
}
/** A WorkDocs item that maps under the archive prefix would be mixed with archived objects: refuse to clean up. */
function archiveOverlap(wanted, archivePrefix) {
    if (archivePrefix === '')
        return undefined;
    for (const key of wanted) {
        if (key.startsWith(archivePrefix))
            return `WorkDocs content maps under archive_prefix (${JSON.stringify(key)}): choose an archive_prefix outside the mirror`;
    }
    return undefined;
}
/** Where a stale object goes in the archive: its key below the prefix, under this run's folder, within S3's key length. */
function archiveKey(key, options) {
    return archiveKeyOf(`${options.archivePrefix}${options.archiveRunFolder}/`, key.slice(options.prefix.length));
}
function indexInventory(inventory) {
    return new Map(inventory.map((o) => [o.key, o]));
}
/** The MD5 of a listed object's bytes, when its ETag is that: a plain one, and HeadObject did not say SSE-KMS or SSE-C. */
function listedMd5(object) {
    return isPlainMd5(object.etag) && object.etagIsOpaque !== true ? object.etag : undefined;
}

function byId(a, b) {
    return compare(a.id, b.id);
}
function compare(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}

;// CONCATENATED MODULE: ./lib/s3/object-settings.js
/** `x-amz-tagging`: the tags as a URL query string (`team=docs&retention=7y`), each part percent-encoded. */
function taggingHeader(tags) {
    return tags.map((t) => `${object_settings_encodeRfc3986(t.key)}=${object_settings_encodeRfc3986(t.value)}`).join('&');
}
/**
 * Parameters for PutObject and CreateMultipartUpload. STANDARD is S3's default and is not sent, so a run with the
 * default settings sends exactly what it sent before (S3-compatible servers without storage classes accept it).
 */
function writeParameters(settings) {
    if (settings === undefined)
        return {};
    return {
        ...(settings.storageClass !== 'STANDARD' ? { StorageClass: settings.storageClass } : {}),
        ...(settings.tags.length > 0 ? { Tagging: taggingHeader(settings.tags) } : {}),
    };
}
/**
 * Parameters for CopyObject (a rename, an archive move): the copy gets the configured class (S3 would make it
 * STANDARD) and, when tags are configured, exactly those (TaggingDirective REPLACE; S3 would copy the source's).
 * Without configured tags the source's are kept, whoever set them.
 */
function copyParameters(settings) {
    if (settings === undefined)
        return {};
    const { StorageClass, Tagging } = writeParameters(settings);
    return {
        ...(StorageClass !== undefined ? { StorageClass } : {}),
        ...(Tagging !== undefined ? { Tagging, TaggingDirective: 'REPLACE' } : {}),
    };
}
function object_settings_encodeRfc3986(s) {
    return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

;// CONCATENATED MODULE: ./lib/s3/put.js
/**
 * Single-request writes: the checked PUT (Content-MD5, and the ETag S3 answers checked against it) and folder markers.
 */







/** `{ etag }` for the ETag S3 answered, without quotes; nothing for none. */
function answered(etag) {
    const normalized = normalizeEtag(etag);
    return normalized === '' ? {} : { etag: normalized };
}
/**
 * PutObject with Content-MD5 `md5`, then the ETag S3 answers checked against it, and returned. `fromSignature`:
 * `md5` is the version's Signature, not a hash of the bytes sent, so a BadDigest means the content read from
 * WorkDocs was wrong (an IntegrityError, which the file's retries may heal). A plain-MD5 ETag that differs means
 * the server stored other bytes despite Content-MD5: that object is removed again (nothing corrupt may stay).
 */
async function putChecked(ctx, params, md5, fromSignature) {
    let stored;
    let etag;
    try {
        const out = await ctx.s3.send(new client_s3_dist_cjs.PutObjectCommand({ ...params, ContentMD5: Buffer.from(md5, 'hex').toString('base64') }), { abortSignal: ctx.signal });
        etag = answered(out.ETag);
        // Under SSE-KMS or SSE-C the ETag is not the MD5 of the bytes (S3 checked Content-MD5 all the same).
        stored = isEncryptedWithKey(out) ? undefined : etag.etag;
    }
    catch (error) {
        if (fromSignature && error.name === 'BadDigest') {
            throw new IntegrityError(`S3 refused the content: the MD5 of what it received differs from the version's Signature ${md5} (BadDigest: damaged on the way, or WorkDocs sent other bytes)`, { cause: error });
        }
        throw error;
    }
    if (stored !== undefined && isPlainMd5(stored) && stored !== md5) {
        await ctx.s3.send(new client_s3_dist_cjs.DeleteObjectCommand({ Bucket: params.Bucket, Key: params.Key }), { abortSignal: AbortSignal.timeout(15_000) })
            .catch(() => undefined); // the next run finds an object without a manifest entry and uploads it again
        throw new IntegrityError(`S3 stored content with MD5 ${stored}, not ${md5}: the server did not check Content-MD5; the object was removed`);
    }
    return etag;
}
const EMPTY_MD5 = contentMd5('');
/** A zero-byte `folder/` object, carrying the folder's id like documents carry theirs: it is recognisably this tool's. */
async function putFolderMarker(key, folderId, ctx) {
    await ctx.s3.send(new client_s3_dist_cjs.PutObjectCommand({
        ...writeParameters(ctx.objectSettings),
        Bucket: ctx.bucket,
        Key: key,
        Body: Buffer.alloc(0),
        ContentLength: 0,
        ContentMD5: EMPTY_MD5,
        Metadata: { [FOLDER_METADATA]: folderId },
    }), { abortSignal: ctx.signal });
}

;// CONCATENATED MODULE: ./lib/s3/multipart.js
/**
 * The multipart upload skeleton every large write shares (a ranged upload of WorkDocs content, a ranged copy of an
 * object): create, parts in a window, the first failure stops the rest, complete or abort. S3's part limits.
 */





const MiB = 1024 * 1024;
/** S3's limits on the parts of one multipart upload: how many, and how large each. */
const S3_MAX_PARTS = 10_000;
const S3_MAX_PART_SIZE = 5 * 1024 * MiB;
function partRanges(size, partSize) {
    const parts = [];
    for (let start = 0, number = 1; start < size; start += partSize, number++)
        parts.push({ number, start, end: Math.min(size, start + partSize) });
    return parts;
}
/**
 * A multipart upload of `create.Key`, `size` bytes in parts of `partSize`, `partsInFlight` at a time, each sent by
 * `sendPart`, which answers the part's ETag and stops when the signal it is given aborts. The upload is created when
 * a part first asks for its id (`uploadId()`), so a part may read its bytes before the upload exists: a write gate
 * (transfer.ts) holds the creation back, not the downloads. The first part that fails stops the others and aborts
 * the upload (its error is the one thrown); so does `beforeComplete` throwing once all parts are in. Aborted, it
 * leaves no object and no parts. The ETag S3 answered for the object.
 */
async function multipartUpload(ctx, create, shape, sendPart, beforeComplete = () => undefined) {
    let created;
    const uploadId = () => (created ??= ctx.s3.send(new client_s3_dist_cjs.CreateMultipartUploadCommand(create), { abortSignal: ctx.signal }).then((out) => out.UploadId));
    const stop = runAbortController();
    const signal = anySignal(stop.signal, ctx.signal);
    const window = (0,p_limit/* default */.A)(shape.partsInFlight);
    let firstFailure;
    const parts = partRanges(shape.size, shape.partSize).map((part) => window(async () => ({ PartNumber: part.number, ETag: await sendPart(part, uploadId, signal) }))
        .catch((error) => {
        firstFailure ??= { error }; // the others then fail as aborted
        stop.abort(error);
        throw error;
    }));
    const settled = await Promise.allSettled(parts);
    try {
        if (firstFailure)
            throw firstFailure.error;
        beforeComplete();
        const completed = await ctx.s3.send(new client_s3_dist_cjs.CompleteMultipartUploadCommand({
            Bucket: create.Bucket, Key: create.Key, UploadId: await uploadId(),
            MultipartUpload: { Parts: settled.map((r) => r.value) },
        }), { abortSignal: ctx.signal });
        return answered(completed.ETag);
    }
    catch (error) {
        // Every part has settled, so no creation can start any more; one that was asked for is aborted once it answers.
        const id = await created?.catch(() => undefined);
        // No abort signal: an interrupted run still removes its parts (the next run would abort them anyway).
        if (id !== undefined) {
            await ctx.s3.send(new client_s3_dist_cjs.AbortMultipartUploadCommand({ Bucket: create.Bucket, Key: create.Key, UploadId: id }), { abortSignal: AbortSignal.timeout(15_000) })
                .catch(() => undefined);
        }
        throw error;
    }
}
/** Sends of one part that S3 refused as damaged on the way, before the part (and so its file) fails. */
const PART_SEND_ATTEMPTS = 3;
/**
 * UploadPart; sent again from the same buffer when S3 refuses the bytes as damaged on the way (the file's MD5 is
 * taken from that buffer, so what S3 finally accepts is what was hashed). Its ETag.
 */
async function uploadPart(input, ctx) {
    for (let attempt = 1;; attempt++) {
        try {
            return (await ctx.s3.send(new client_s3_dist_cjs.UploadPartCommand(input), { abortSignal: ctx.signal })).ETag;
        }
        catch (error) {
            if (attempt >= PART_SEND_ATTEMPTS || !isDamagedInTransit(error) || ctx.signal?.aborted)
                throw error;
            ctx.onResend?.(attempt, `part ${input.PartNumber} of ${JSON.stringify(input.Key)}: ${describeError(error)}`);
        }
    }
}

;// CONCATENATED MODULE: ./lib/s3/copy.js
/**
 * Server-side copies: one CopyObject up to 5 GiB, a multipart upload of ranges beyond; copyExact for a rename, which
 * must land exactly the version the plan saw.
 */








const copy_MiB = 1024 * 1024;
/** The largest object one CopyObject copies (S3's limit); a larger one is copied in ranges (UploadPartCopy). */
const S3_MAX_COPY_BYTES = 5 * 1024 * copy_MiB;
/** The ranges of such a copy. S3 copies them itself, so their size costs no memory; each may be up to 5 GiB. */
const COPY_PART_BYTES = 1024 * copy_MiB;
/**
 * Server-side copy of the object `from` (`size` bytes, as listed) to `toKey`, with its content type and metadata: a
 * rename or move in WorkDocs, or a stale object moved to the archive. Up to 5 GiB one CopyObject; beyond, a
 * multipart upload of ranges of it that S3 copies itself.
 */
async function copyObject(from, toKey, ctx) {
    if (from.size > (ctx.singleCopyMaxBytes ?? S3_MAX_COPY_BYTES))
        return copyInRanges(from, toKey, ctx);
    const out = await ctx.s3.send(new client_s3_dist_cjs.CopyObjectCommand({
        Bucket: ctx.bucket,
        Key: toKey,
        CopySource: copySource(ctx.bucket, from.key),
        MetadataDirective: 'COPY',
        ...copyParameters(ctx.objectSettings),
        ...(from.etag !== undefined ? { CopySourceIfMatch: quoted(from.etag) } : {}),
    }), { abortSignal: ctx.signal });
    return answered(out.CopyObjectResult?.ETag);
}
/**
 * A multipart upload whose parts are ranges of `from` (UploadPartCopy), `partsInFlight` at a time. HeadObject first
 * gives the content type and metadata to carry over, and the ETag every range must still have (CopySourceIfMatch:
 * an object replaced meanwhile fails the copy instead of mixing two). Any failure stops the other parts and aborts
 * it: no object, no parts left.
 */
async function copyInRanges(from, toKey, ctx) {
    const head = await ctx.s3.send(new client_s3_dist_cjs.HeadObjectCommand({ Bucket: ctx.bucket, Key: from.key, ...(from.etag !== undefined ? { IfMatch: quoted(from.etag) } : {}) }), { abortSignal: ctx.signal });
    const size = head.ContentLength ?? from.size;
    const partSize = Math.max(ctx.copyPartBytes ?? COPY_PART_BYTES, Math.ceil(size / S3_MAX_PARTS));
    const create = { Bucket: ctx.bucket, Key: toKey, ContentType: head.ContentType ?? 'application/octet-stream', Metadata: head.Metadata ?? {}, ...writeParameters(ctx.objectSettings) };
    return multipartUpload(ctx, create, { size, partSize, partsInFlight: ctx.partsInFlight }, async (part, uploadId, signal) => {
        signal.throwIfAborted();
        const out = await ctx.s3.send(new client_s3_dist_cjs.UploadPartCopyCommand({
            Bucket: ctx.bucket, Key: toKey, UploadId: await uploadId(), PartNumber: part.number,
            CopySource: copySource(ctx.bucket, from.key), CopySourceRange: `bytes=${part.start}-${part.end - 1}`, CopySourceIfMatch: head.ETag,
        }), { abortSignal: signal });
        return out.CopyPartResult.ETag;
    });
}
/** A copy found its source changed since it was listed: nothing was copied (or what was is replaced at once). */
class SourceChangedError extends Error {
    name = 'SourceChangedError';
}
/**
 * A rename's copy that lands exactly the version the plan saw, and the ETag a listing will show for the new object.
 * The copy is conditional on the source's listed ETag. Where the server refuses that condition although HeadObject
 * shows the very ETag (Swift compares a multipart object's ETag with another; gateways that rewrite ETags), the
 * HeadObject is the check, then the copy: no run of ours writes the source meanwhile (the lock, and plan order). Where the answer's ETag is not the bytes' MD5 (a multipart
 * source on Swift answers the source's; SSE-KMS), the copy's own is read: checked against the MD5 when it shows one,
 * and recorded either way, so the next run finds what it expects.
 */
async function copyExact(from, toKey, ctx) {
    let out;
    try {
        out = await copyObject(from, toKey, ctx);
    }
    catch (error) {
        if (!isPreconditionFailed(error))
            throw error;
        if (from.etag === undefined)
            throw new SourceChangedError(`${from.key} is no longer the object that was listed`, { cause: error });
        const head = await ctx.s3.send(new client_s3_dist_cjs.HeadObjectCommand({ Bucket: ctx.bucket, Key: from.key }), { abortSignal: ctx.signal });
        if (normalizeEtag(head.ETag) !== from.etag)
            throw new SourceChangedError(`${from.key} is no longer the object that was listed`, { cause: error });
        out = await copyObject({ key: from.key, size: from.size }, toKey, ctx);
    }
    if (out.etag !== undefined && from.md5 !== undefined && out.etag === from.md5)
        return out;
    const landed = await ctx.s3.send(new client_s3_dist_cjs.HeadObjectCommand({ Bucket: ctx.bucket, Key: toKey }), { abortSignal: ctx.signal });
    const etag = normalizeEtag(landed.ETag);
    if (from.md5 !== undefined && from.md5 !== '' && isPlainMd5(etag) && etag !== from.md5 && !isEncryptedWithKey(landed)) {
        throw new SourceChangedError(`the copy of ${from.key} holds bytes with MD5 ${etag}, not ${from.md5}`);
    }
    return etag === '' ? {} : { etag };
}
/** S3 refused a conditional request because the object is not the one named (CopySourceIfMatch, If-Match). */
function isPreconditionFailed(error) {
    return error?.name === 'PreconditionFailed' || httpStatusOf(error) === 412;
}
function quoted(etag) {
    return etag.startsWith('"') ? etag : `"${etag}"`;
}

;// CONCATENATED MODULE: ./lib/s3/manifest-store.js
/**
 * Reads and writes the manifest object, never holding its bytes whole in the usual case (a 100,000-document
 * manifest is some 55 MB): decoded as the body streams in, encoded as the PUT streams out. A write is one PUT with
 * Content-MD5: it lands whole or not at all.
 */









const MISSING = { state: 'missing', manifest: EMPTY_MANIFEST };
/**
 * The manifest object, decoded line by line as its body arrives (ManifestDecoder). A body that is not the layout
 * this tool writes (someone reformatted the JSON), or whose checksum does not match as written, is read again
 * whole by a second GET that must find the same object (If-Match its ETag); one replaced in between is read
 * anew as it is now, and the last of MANIFEST_READS takes whatever the second GET finds. The answered ETag is
 * always that of the bytes decoded.
 */
async function readManifest(client, bucket, key, signal, listed) {
    for (let read = 1;; read++) {
        let decoded;
        let etag;
        try {
            const out = await client.send(new client_s3_dist_cjs.GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
            etag = out.ETag;
            decoded = await decodeStreaming(out.Body, listed);
        }
        catch (error) {
            if (isMissingObject(error))
                return MISSING;
            throw error;
        }
        if (decoded === undefined) {
            const condition = etag !== undefined && read < MANIFEST_READS ? { IfMatch: etag } : {};
            try {
                const out = await client.send(new client_s3_dist_cjs.GetObjectCommand({ Bucket: bucket, Key: key, ...condition }), { abortSignal: signal });
                const bytes = out.Body ? await collectBody(out.Body) : new Uint8Array();
                etag = out.ETag ?? etag;
                decoded = decodeWhole(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'), listed);
            }
            catch (error) {
                if (isMissingObject(error))
                    return MISSING;
                // Replaced since the first GET (another run wrote it): read the new one, most likely streamed.
                if (isPreconditionFailed(error) && 'IfMatch' in condition)
                    continue;
                throw error;
            }
        }
        const tag = etag !== undefined ? { etag } : {};
        return decoded.ok
            ? { state: 'found', manifest: decoded.manifest, rootFolderId: decoded.rootFolderId, ...tag }
            : { state: 'corrupt', manifest: EMPTY_MANIFEST, problem: decoded.problem, ...tag };
    }
}
/** GETs of the manifest before a reformatted one that keeps being replaced is taken as the last GET finds it. */
const MANIFEST_READS = 3;
/** A GetObject body through ManifestDecoder, chunk by chunk; undefined (the body dropped unread) when not its layout. */
async function decodeStreaming(body, listed) {
    const decoder = new ManifestDecoder(listed);
    if (body instanceof external_node_stream_.Readable) {
        // Leaving the loop early destroys the stream (the rest of the body is never downloaded).
        for await (const chunk of body) {
            if (!decoder.write(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk))
                return undefined;
        }
    }
    else if (body !== undefined) {
        // Not a Node stream (never the case with the Node HTTP handler): its bytes at once.
        if (!decoder.write(await body.transformToByteArray()))
            return undefined;
    }
    return decoder.end();
}
async function writeManifest(client, bucket, key, manifest, meta, signal) {
    return (await writeManifestTagged(client, bucket, key, manifest, meta, signal)).bytes;
}
/**
 * writeManifest, answering the new object's ETag too (an incremental run's snapshot names the manifest it goes with).
 * The bytes of encodeManifestBytes, never held whole: encoded once for their MD5, then again as each send streams them.
 */
async function writeManifestTagged(client, bucket, key, manifest, meta, signal) {
    const encoded = encodeManifestChunks(manifest, meta);
    const md5 = (0,external_node_crypto_.createHash)('md5');
    for (const chunk of encoded.chunks())
        md5.update(chunk);
    const contentMd5 = md5.digest('base64');
    // The SDK retries what it can; a body S3 refused as damaged on the way (BadDigest, a 400 it does not retry) is
    // sent again here, like a document's: a run's record must not be lost to one damaged request.
    for (let attempt = 1;; attempt++) {
        // Re-encoded per send, not spooled to a temporary file: the encoding's own allocations keep GCs freeing the sent chunks (a file's piled up to its size, measured).
        const body = external_node_stream_.Readable.from(exactly(encoded), { objectMode: false });
        try {
            const out = await client.send(new client_s3_dist_cjs.PutObjectCommand({
                Bucket: bucket,
                Key: key,
                Body: body,
                ContentLength: encoded.length,
                ContentMD5: contentMd5,
                ContentType: 'application/json',
            }), { abortSignal: signal });
            return { etag: out.ETag, bytes: encoded.length };
        }
        catch (error) {
            if (attempt >= MANIFEST_PUT_ATTEMPTS || signal?.aborted || !isTransientError(error))
                throw error;
            await sleep(backoffDelay(attempt), signal);
        }
        finally {
            // A send that failed early leaves the rest unencoded.
            body.destroy();
        }
    }
}
/**
 * The chunks of one send, exactly `encoded.length` bytes whatever happens: should the entries change during the
 * write, S3 refuses the other bytes for their Content-MD5 (an error the body stream raised would leave the request
 * waiting for bytes: the SDK pipes it without passing errors on).
 */
function* exactly(encoded) {
    let left = encoded.length;
    for (const chunk of encoded.chunks()) {
        if (chunk.length >= left) {
            yield chunk.subarray(0, left);
            return;
        }
        left -= chunk.length;
        yield chunk;
    }
    yield Buffer.alloc(left, 0x20);
}
/** Sends of the manifest before its write counts as failed (each one already retried by the SDK where it can). */
const MANIFEST_PUT_ATTEMPTS = 3;

;// CONCATENATED MODULE: ./lib/concurrency.js
/**
 * Bounded concurrency without a promise per item: at most `concurrency` loops, each taking the next item.
 * Queueing one limited promise per item up front (p-limit) makes memory grow with the number of items: 110,000
 * queued promises cost ~170 MB of peak RSS in a no-op resync of 100,000 documents.
 */
/**
 * Items that arrive over time (from a listing still running), worked on by at most `concurrency` loops. A loop
 * starts when an item arrives and fewer are running, and ends when the queue is empty or stopped. The first
 * failure of the work stops the queue and is thrown by drained(): none disappears.
 */
class ConcurrentQueue {
    concurrency;
    work;
    waiting = [];
    head = 0;
    loops = new Set();
    stopped = false;
    failure;
    constructor(concurrency, work) {
        this.concurrency = concurrency;
        this.work = work;
    }
    /** Queues an item; ignored once the queue is stopped. */
    push(item) {
        if (this.stopped)
            return;
        this.waiting.push(item);
        if (this.loops.size < Math.max(1, this.concurrency)) {
            const loop = this.loop().finally(() => this.loops.delete(loop));
            this.loops.add(loop);
        }
    }
    /** No item is taken any more; those being worked on finish. */
    stop() {
        this.stopped = true;
    }
    /** Resolves once every loop has ended; throws the first failure of the work. */
    async drained() {
        while (this.loops.size > 0)
            await Promise.allSettled([...this.loops]);
        if (this.failure !== undefined)
            throw this.failure.error;
    }
    async loop() {
        while (!this.stopped && this.head < this.waiting.length) {
            const item = this.waiting[this.head];
            this.waiting[this.head++] = undefined; // let the item go once taken
            if (this.head === this.waiting.length) {
                this.waiting.length = 0;
                this.head = 0;
            }
            try {
                await this.work(item);
            }
            catch (error) {
                this.failure ??= { error };
                this.stop();
            }
        }
    }
}
/** Runs `work` over `items` with at most `concurrency` at a time; throws the first failure, once none is running. */
async function forEachConcurrently(items, concurrency, work) {
    const queue = new ConcurrentQueue(concurrency, work);
    for (const item of items)
        queue.push(item);
    await queue.drained();
}

;// CONCATENATED MODULE: ./lib/engine/buffer-pool.js
/**
 * The run's body buffers: `slots` × `bufferSize` bytes of them at most, each allocated once and reused for the
 * next body read into memory (a file of one part or less, above transfer.ts's OWN_BUFFER_MAX_BYTES) or multipart
 * part. Memory for bodies is therefore slots × part_size however files mix, and the bytes land in pages that are
 * already mapped (a fresh multi-MiB Buffer per file costs a page fault per 4 KiB, which here was slower than the
 * MD5 of the same bytes).
 *
 * A body takes as many slots as it needs bufferSize-sized pieces (one, except the larger parts of big files,
 * see multipartShape in transfer.ts), granted first come, first served: a part waiting for three slots is not
 * overtaken by one-slot bodies forever. Its buffer is contiguous, one of that many slots' capacity; when none is
 * free, buffers of other capacities that are free are dropped first, so the buffers that exist never hold more
 * than the slots.
 *
 * A buffer only becomes resident as far as it has been written. So each request gets the free buffer that is
 * already written far enough with the least to spare, or failing that the one written furthest: a 100 KiB file
 * does not take the buffer that an 8 MiB part filled while a fresh one would do, and when small files and parts
 * mix only about as many buffers as parts in flight are ever resident in full.
 */
class BufferPool {
    slots;
    bufferSize;
    /** Slots not granted to a work. */
    available;
    /** Slots' worth of capacity in the buffers that exist, free or in use. */
    allocated = 0;
    waiting = [];
    free = [];
    constructor(slots, bufferSize) {
        this.slots = slots;
        this.bufferSize = bufferSize;
        this.available = slots;
    }
    /** The largest body a buffer of the pool holds: all its slots. */
    get capacityBytes() {
        return this.slots * this.bufferSize;
    }
    /** Slots a body of `size` bytes takes. */
    slotsFor(size) {
        return Math.max(1, Math.ceil(size / this.bufferSize));
    }
    /**
     * Runs `work` with a buffer to itself of at least `size` bytes (at most capacityBytes), of which it uses `size`;
     * the buffer goes back afterwards.
     */
    async use(size, work) {
        const slots = this.slotsFor(size);
        if (slots > this.slots)
            throw new RangeError(`a body of ${size} bytes does not fit a pool of ${this.slots} × ${this.bufferSize} bytes`);
        await this.acquire(slots);
        const pooled = this.take(slots, size);
        pooled.written = Math.max(pooled.written, Math.min(size, pooled.buffer.length));
        try {
            return await work(pooled.buffer);
        }
        finally {
            this.free.push(pooled);
            this.release(slots);
        }
    }
    /** Bytes written so far in the buffers not in use (all of them when the pool is idle): what they hold resident at most. */
    get residentBytes() {
        return this.free.reduce((sum, p) => sum + p.written, 0);
    }
    acquire(slots) {
        if (this.waiting.length === 0 && this.available >= slots) {
            this.available -= slots;
            return Promise.resolve();
        }
        return new Promise((grant) => this.waiting.push({ slots, grant }));
    }
    release(slots) {
        this.available += slots;
        while (this.waiting.length > 0 && this.waiting[0].slots <= this.available) {
            const next = this.waiting.shift();
            this.available -= next.slots;
            next.grant();
        }
    }
    /** A free buffer of `slots` slots that fits `size` best, else a new one (dropping free buffers of other capacities to make room). */
    take(slots, size) {
        let best = -1;
        for (let i = 0; i < this.free.length; i++) {
            const candidate = this.free[i];
            if (candidate.slots === slots && (best < 0 || isBetterFit(candidate.written, this.free[best].written, size)))
                best = i;
        }
        if (best >= 0)
            return this.free.splice(best, 1)[0];
        // The slots granted are free of work, so dropping free buffers (least written first) always makes room.
        this.free.sort((a, b) => b.written - a.written);
        while (this.allocated + slots > this.slots)
            this.allocated -= this.free.pop().slots;
        this.allocated += slots;
        return { buffer: Buffer.allocUnsafe(slots * this.bufferSize), slots, written: 0 };
    }
}
/** Is a buffer written `a` bytes far a better choice than one written `b` far, for `size` bytes? */
function isBetterFit(a, b, size) {
    const aFits = a >= size;
    const bFits = b >= size;
    if (aFits !== bFits)
        return aFits;
    return aFits ? a < b : a > b;
}

;// CONCATENATED MODULE: ./lib/s3/delete.js
/** Removes objects: DeleteObjects in batches of 1,000, every per-key error surfaced. */


const DELETE_BATCH = 1000;
async function deleteKeys(s3, bucket, keys, signal) {
    const outcomes = [];
    for (let start = 0; start < keys.length; start += DELETE_BATCH) {
        const batch = keys.slice(start, start + DELETE_BATCH);
        try {
            const out = await s3.send(new client_s3_dist_cjs.DeleteObjectsCommand({
                Bucket: bucket,
                Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true },
            }), { abortSignal: signal });
            const failed = new Map((out.Errors ?? []).map((e) => [e.Key ?? '', `${e.Code ?? 'Error'}: ${e.Message ?? ''}`.trim()]));
            for (const key of batch)
                outcomes.push(failed.has(key) ? { key, error: failed.get(key) } : { key });
        }
        catch (error) {
            const message = describeError(error);
            for (const key of batch)
                outcomes.push({ key, error: message });
        }
    }
    return outcomes;
}

;// CONCATENATED MODULE: ./lib/engine/archive.js
/**
 * Moves stale objects under the archive prefix: a server-side copy first, and a delete only of what was copied.
 */




/** Copies each object to its archive key, then deletes the originals that were copied. */
async function archiveKeys(ctx, moves, concurrency) {
    const copied = [];
    const outcomes = [];
    await forEachConcurrently(moves, concurrency, async (move) => {
        try {
            await copyObject(move, move.toKey, ctx);
            copied.push(move.key);
        }
        catch (error) {
            outcomes.push({ key: move.key, error: `archive copy failed: ${describeError(error)}` });
        }
    });
    outcomes.push(...await deleteKeys(ctx.s3, ctx.bucket, copied.sort(), ctx.signal));
    return outcomes;
}

// EXTERNAL MODULE: ./node_modules/@aws-sdk/lib-storage/dist-cjs/index.js
var lib_storage_dist_cjs = __webpack_require__(2358);
;// CONCATENATED MODULE: ./lib/core/mtime.js
/**
 * The `mtime` user metadata (`X-Amz-Meta-Mtime`) that rclone, s3cmd-style tools and python-swiftclient read as an
 * object's modification time: seconds since the epoch in fixed-point decimal, trailing zeros of the fraction dropped
 * ("1700000000", "1700000000.123"). `rclone copy` from the mirror to a disk then gives each file this time.
 */
/** The user metadata key, as rclone's S3 backend names it (sent as `x-amz-meta-mtime`). */
const MTIME_METADATA = 'mtime';
/** Epoch milliseconds → rclone's mtime text (exact: integer arithmetic, no float rounding). */
function mtimeText(epochMs) {
    if (!Number.isSafeInteger(epochMs))
        throw new RangeError(`not a whole number of milliseconds: ${epochMs}`);
    const sign = epochMs < 0 ? '-' : '';
    const ms = Math.abs(epochMs);
    const fraction = String(ms % 1000).padStart(3, '0').replace(/0+$/, '');
    return `${sign}${Math.floor(ms / 1000)}${fraction === '' ? '' : `.${fraction}`}`;
}
/** rclone's mtime text → epoch milliseconds (digits beyond milliseconds are cut, as rclone keeps nanoseconds); undefined when malformed. */
function parseMtimeText(text) {
    const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
    if (match === null)
        return undefined;
    const ms = Number(match[2]) * 1000 + Number((match[3] ?? '').slice(0, 3).padEnd(3, '0'));
    return Number.isSafeInteger(ms) ? (match[1] === '-' ? -ms : ms) : undefined;
}

// EXTERNAL MODULE: ./lib/young-collection.js
var young_collection = __webpack_require__(1172);
;// CONCATENATED MODULE: ./lib/workdocs/content.js
/**
 * Reads one document version's bytes, or one byte range of them: the presigned URL is fetched just before
 * the download (it expires after ~15 minutes) and again after a 403; a download cut short resumes with Range
 * where it stopped. The caller sees one uninterrupted stream of exactly the bytes asked for, or an error.
 */






/** A ranged download was answered with the whole content: the server does not do Range. */
class RangeNotHonoredError extends Error {
    name = 'RangeNotHonoredError';
}
/**
 * One presigned URL for one version, fetched on first use and fetched again (once, for every user) after a
 * user found it refused: the parts of a large file then share one GetDocumentVersion instead of one each.
 */
class ContentUrl {
    source;
    pending;
    current;
    constructor(source) {
        this.source = source;
    }
    get() {
        this.pending ??= contentUrl(this.source).then((url) => (this.current = url), (error) => {
            this.pending = undefined;
            throw error;
        });
        return this.pending;
    }
    /** `url` was refused (expired): the next get() asks WorkDocs again, unless another user already did. */
    expire(url) {
        if (url === this.current) {
            this.pending = undefined;
            this.current = undefined;
        }
    }
}
/** Fetches a fresh presigned URL for the version. */
async function contentUrl(source) {
    const out = await source.client.send(new dist_cjs.GetDocumentVersionCommand({ DocumentId: source.documentId, VersionId: source.versionId, Fields: 'SOURCE' }), { abortSignal: source.signal });
    const url = out.Metadata?.Source?.ORIGINAL;
    if (!url)
        throw new TransientDownloadError('WorkDocs returned no download URL for this version');
    return url;
}
/** Yields the version's bytes (or the range's) in order, resuming after resets, truncations, 5xx and expired URLs. */
async function* contentChunks(source) {
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
            }
            else if (response.statusCode !== (ranged ? 206 : 200)) {
                response.resume();
                if (response.statusCode === 403)
                    urls.expire(url); // expired or refused: the next attempt asks for a new URL
                throw new TransientDownloadError(`content download answered HTTP ${response.statusCode}`, response.statusCode);
            }
            for await (const raw of response) {
                (0,young_collection/* noteBytesDownloaded */.nB)(raw.length);
                let chunk = raw;
                if (skip > 0) {
                    const drop = Math.min(skip, chunk.length);
                    skip -= drop;
                    chunk = chunk.subarray(drop);
                    if (chunk.length === 0)
                        continue;
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
            if (offset === wanted)
                return;
            throw new TransientDownloadError(`content ended after ${offset} of ${wanted} bytes${source.range ? ` of range ${start}-${end - 1}` : ''}`);
        }
        catch (error) {
            if (source.signal?.aborted)
                throw source.signal.reason ?? error;
            if (!isRetryable(error) || ++failures >= maxAttempts)
                throw error;
            source.onRetry?.(failures, error instanceof Error ? error.message : String(error));
            await sleep(backoffDelay(failures), source.signal);
        }
    }
}
function isRetryable(error) {
    // Errors of the GetDocumentVersion call itself (throttling, 5xx, 424: an HTTP status) were already retried by
    // the client's retry strategy: retrying them here again would multiply the attempts. The file fails; the run goes on.
    return httpStatusOf(error) === undefined && isTransientError(error);
}
function get(url, range, source) {
    const target = new URL(url);
    const isHttps = target.protocol === 'https:';
    const headers = range !== undefined ? { range } : {};
    return new Promise((resolve, reject) => {
        const request = (isHttps ? external_node_https_ : external_node_http_).get(target, {
            headers,
            agent: isHttps ? source.httpsAgent : source.httpAgent,
            signal: source.signal,
            timeout: 60_000,
        }, resolve);
        request.on('timeout', () => request.destroy(Object.assign(new Error('content download timed out'), { code: 'ETIMEDOUT' })));
        request.on('error', reject);
    });
}

;// CONCATENATED MODULE: ./lib/engine/transfer.js











const transfer_MiB = 1024 * 1024;
/** The user metadata of a document's object: what it holds, and (as rclone reads it) the time a restored file gets. */
function objectMetadata(doc) {
    return {
        [VERSION_METADATA]: doc.versionId,
        [DOCUMENT_METADATA]: doc.id,
        ...(doc.contentModifiedAt !== undefined ? { [MTIME_METADATA]: mtimeText(doc.contentModifiedAt) } : {}),
    };
}
async function uploadDocument(doc, key, ctx) {
    await ctx.gate?.mayStart();
    const source = {
        client: ctx.workdocs,
        documentId: doc.id,
        versionId: doc.versionId,
        size: doc.size,
        httpAgent: ctx.httpAgent,
        httpsAgent: ctx.httpsAgent,
        signal: ctx.signal,
        onRetry: ctx.onRetry,
    };
    const common = putCommon(doc, key, ctx);
    if (doc.size <= ctx.partSize) {
        return withBuffer(ctx, doc.size, async (buffer) => {
            const body = await readWhole(contentChunks(source), buffer, doc, ctx.onBytes);
            await ctx.gate?.mayCommit();
            const etag = await putChecked(ctx, { ...common, Body: body.bytes, ContentLength: body.bytes.length }, body.md5, doc.md5 !== undefined);
            return { bytes: body.bytes.length, md5: body.md5, ...etag };
        });
    }
    if (doc.md5 !== undefined && doc.size <= (ctx.multipartThreshold ?? DEFAULT_MULTIPART_THRESHOLD)) {
        // Its last bytes wait at the gate (VerifyingStream); the whole request does when it may not hold a socket there.
        if (ctx.gate?.requestsMayWait === false)
            await ctx.gate.mayCommit();
        return streamingPut(contentChunks(source), { ...doc, md5: doc.md5 }, common, ctx);
    }
    try {
        return await rangedMultipart(source, doc, common, ctx);
    }
    catch (error) {
        if (!(error instanceof RangeNotHonoredError))
            throw error;
        await ctx.gate?.mayCommit();
        return streamedMultipart(contentChunks(source), doc, common, ctx);
    }
}
/**
 * Bodies up to this size get a buffer of their own, not one of the pool's: a pooled buffer stays resident as far as
 * it was ever written, so small files taking part-filled buffers made the whole pool resident (figures:
 * docs/performance-notes.md, "Constants and their figures").
 */
const OWN_BUFFER_MAX_BYTES = transfer_MiB;
/** Runs `work` with a buffer of at least `size` bytes: one of the run's pool, or its own for a small body or without a pool. */
function withBuffer(ctx, size, work) {
    return ctx.buffers && size > OWN_BUFFER_MAX_BYTES && size <= ctx.buffers.capacityBytes ? ctx.buffers.use(size, work) : work(Buffer.allocUnsafe(size));
}
/** A multipart file is sent in about this many parts at most, as far as its parts may grow (multipartShape). */
const PARTS_PER_FILE = 32;
/** Parts in flight that a multipart upload keeps when its parts grow: 2 left the S3 server idle between parts. */
const GROWN_PARTS_IN_FLIGHT = 3;
/**
 * The parts of a ranged multipart upload of `size` bytes. Every part costs a request on both sides, so parts grow
 * from part_size in whole steps towards PARTS_PER_FILE per file, as far as half the run's buffer pool holds
 * GROWN_PARTS_IN_FLIGHT of them (the other half stays for the other workers; memory stays that of the pool). Past
 * that only where S3's 10,000 parts would not hold the file; such parts get buffers of their own. Figures:
 * docs/performance-notes.md, "Constants and their figures".
 */
function multipartShape(size, ctx) {
    const share = ctx.buffers ? Math.floor(ctx.buffers.slots / 2) : 0;
    const wantedSteps = Math.ceil(size / (PARTS_PER_FILE * ctx.partSize));
    const steps = Math.max(1, Math.min(wantedSteps, Math.floor(share / GROWN_PARTS_IN_FLIGHT), Math.floor(S3_MAX_PART_SIZE / ctx.partSize)));
    const smallestAllowed = Math.ceil(size / S3_MAX_PARTS / transfer_MiB) * transfer_MiB;
    return {
        partSize: Math.max(steps * ctx.partSize, smallestAllowed),
        partsInFlight: steps === 1 ? ctx.partsInFlight : Math.min(ctx.partsInFlight, Math.floor(share / steps)),
    };
}
/**
 * Multipart upload whose parts are separate ranged downloads of one presigned URL, `partsInFlight` at a time.
 * Each part is checked for length and signed with its SHA-256; the whole file's MD5 is computed over the parts
 * in order (a part waits, holding its buffer, until the ones before it are hashed) and must equal the
 * version's Signature before the upload is completed. Any failure aborts the upload: no object, no parts left.
 * The first parts download while the write gate is still closed; the upload is created once it opens (the lock's
 * clean-up of incomplete uploads must not find it), so the settle wait is not on the largest file's path.
 */
async function rangedMultipart(source, doc, common, ctx) {
    const whole = (0,external_node_crypto_.createHash)('md5');
    const { partSize, partsInFlight } = multipartShape(doc.size, ctx);
    // Turn n resolves once parts 1..n are hashed, in order; a part that fails rejects its turn and so every later one.
    const turns = Array.from({ length: Math.ceil(doc.size / partSize) }, deferred);
    let url;
    let md5 = '';
    const etag = await multipartUpload(ctx, common, { size: doc.size, partSize, partsInFlight }, (part, uploadId, signal) => withBuffer(ctx, part.end - part.start, async (buffer) => {
        const turn = turns[part.number - 1];
        try {
            signal.throwIfAborted();
            url ??= new ContentUrl({ ...source, signal });
            const body = await readInto(contentChunks({ ...source, signal, url, range: part }), buffer, ctx.onBytes);
            const sent = (async () => {
                await ctx.gate?.mayCommit(); // meanwhile the part is hashed
                return uploadPart({
                    Bucket: common.Bucket, Key: common.Key, UploadId: await uploadId(), PartNumber: part.number,
                    // An in-memory body is signed with its SHA-256, which S3 checks (BadDigest otherwise): no Content-MD5,
                    // which would cost a second MD5 pass over every byte for the same check.
                    Body: body, ContentLength: body.length,
                }, { ...ctx, signal });
            })();
            sent.catch(() => undefined); // awaited below; a failure of the hash turn must not leave it unobserved
            if (part.number > 1)
                await turns[part.number - 2].promise;
            whole.update(body);
            turn.resolve();
            return await sent;
        }
        catch (error) {
            turn.reject(error);
            throw error;
        }
    }), () => {
        md5 = whole.digest('hex');
        checkIntegrity(doc, doc.size, md5);
    });
    return { bytes: doc.size, md5, ...etag };
}
/**
 * The chunks copied into `buffer` (contentChunks never yields more than it was asked for, which the caller
 * sized the buffer to), fed to `hash` on the way; the filled part of the buffer.
 */
async function readInto(chunks, buffer, onBytes, hash) {
    let length = 0;
    for await (const chunk of chunks) {
        hash?.update(chunk);
        length += chunk.copy(buffer, length);
        onBytes?.(chunk.length);
    }
    return buffer.subarray(0, length);
}
function deferred() {
    let resolve;
    let reject;
    const promise = new Promise((ok, fail) => { resolve = ok; reject = fail; });
    promise.catch(() => undefined); // the next part may never wait for it (the last part, or an abort)
    return { promise, resolve, reject };
}
/** lib-storage multipart over one download stream, for content servers that ignore Range. */
async function streamedMultipart(chunks, doc, common, ctx) {
    const verifier = new VerifyingStream(doc, ctx.onBytes);
    const source = external_node_stream_.Readable.from(chunks, { objectMode: false });
    source.on('error', (error) => verifier.destroy(error));
    source.pipe(verifier);
    const upload = new lib_storage_dist_cjs/* Upload */._({
        client: ctx.s3,
        // ContentLength lets lib-storage check the part count; it does not send it on the parts themselves.
        params: { ...common, Body: verifier, ContentLength: doc.size },
        partSize: ctx.partSize,
        queueSize: ctx.partsInFlight,
        leavePartsOnError: false,
        abortController: abortControllerFor(ctx.signal),
    });
    let completed;
    try {
        completed = await upload.done();
    }
    catch (error) {
        source.destroy();
        throw verifier.failure ?? error;
    }
    return { bytes: doc.size, md5: verifier.md5(), ...answered(completed.ETag) };
}
/**
 * Default of multipart_threshold: the largest file sent as one streaming PUT (when WorkDocs gave its MD5). One PUT is
 * faster and lighter than multipart; it gives up the per-part retry (an S3-side failure resends the whole file),
 * which this bounds. Figures: docs/performance-notes.md, "Constants and their figures".
 */
const DEFAULT_MULTIPART_THRESHOLD = 512 * transfer_MiB;
/**
 * One PUT whose body is the download itself: S3 compares it with Content-MD5 (the version's Signature), and
 * the VerifyingStream fails it before its end when the length is wrong. A streamed body cannot be replayed, so
 * the SDK does not retry it; the caller retries the whole file.
 */
async function streamingPut(chunks, doc, common, ctx) {
    const verifier = new VerifyingStream(doc, ctx.onBytes, false, ctx.gate);
    const source = external_node_stream_.Readable.from(chunks, { objectMode: false });
    // A body that fails part-way must end the request too: piped into the socket, it would otherwise leave the
    // server waiting for the rest of Content-Length.
    const stop = runAbortController();
    const signal = anySignal(stop.signal, ctx.signal);
    source.on('error', (error) => verifier.destroy(error));
    verifier.on('error', (error) => stop.abort(error));
    source.pipe(verifier);
    let etag;
    try {
        etag = await putChecked({ ...ctx, signal }, { ...common, Body: verifier, ContentLength: doc.size }, doc.md5, true);
    }
    catch (error) {
        source.destroy();
        verifier.destroy();
        throw verifier.failure ?? error;
    }
    if (verifier.failure)
        throw verifier.failure;
    return { bytes: doc.size, md5: doc.md5, ...etag };
}
/** What every object written for `doc` carries besides its bytes. */
function putCommon(doc, key, ctx) {
    const metadata = { ...objectMetadata(doc), ...(ctx.sourceId !== undefined ? { [SOURCE_METADATA]: ctx.sourceId } : {}) };
    return { Bucket: ctx.bucket, Key: key, ContentType: doc.contentType ?? 'application/octet-stream', Metadata: metadata, ...writeParameters(ctx.objectSettings) };
}
/**
 * The whole content read into `buffer` (at least its size), checked against the version's Size, and the MD5 to
 * send as Content-MD5: the Signature (S3 checks the bytes against it), or the bytes' own without one.
 */
async function readWhole(chunks, buffer, doc, onBytes) {
    const hash = doc.md5 === undefined ? (0,external_node_crypto_.createHash)('md5') : undefined;
    const bytes = await readInto(chunks, buffer, onBytes, hash);
    const md5 = doc.md5 ?? hash.digest('hex');
    checkIntegrity(doc, bytes.length, md5);
    return { bytes, md5 };
}
function checkIntegrity(doc, length, md5) {
    if (length !== doc.size)
        throw new IntegrityError(`read ${length} bytes, WorkDocs announced ${doc.size}`);
    if (doc.md5 !== undefined && md5 !== doc.md5)
        throw new IntegrityError(`content MD5 ${md5} differs from the version's Signature ${doc.md5}`);
}
/**
 * Passes bytes through, counting them and (with `hashing`) hashing them; fails before the end of the stream when
 * the length or MD5 is wrong. Without hashing its md5() is the Signature, which the receiver checks instead.
 * With a `gate`, the chunk that completes the announced length waits for its mayCommit(), and fails the stream if it rejects.
 */
class VerifyingStream extends external_node_stream_.Transform {
    doc;
    onBytes;
    gate;
    hash;
    length = 0;
    digest;
    failure;
    constructor(doc, onBytes, hashing = true, gate) {
        super();
        this.doc = doc;
        this.onBytes = onBytes;
        this.gate = gate;
        this.hash = hashing || doc.md5 === undefined ? (0,external_node_crypto_.createHash)('md5') : undefined;
    }
    _transform(chunk, _encoding, callback) {
        this.hash?.update(chunk);
        this.length += chunk.length;
        this.onBytes?.(chunk.length);
        if (this.gate !== undefined && this.length >= this.doc.size) {
            this.gate.mayCommit().then(() => callback(null, chunk), (error) => callback(error));
            return;
        }
        callback(null, chunk);
    }
    _flush(callback) {
        this.digest = this.hash ? this.hash.digest('hex') : this.doc.md5;
        try {
            checkIntegrity(this.doc, this.length, this.digest);
            callback();
        }
        catch (error) {
            // The error reaches lib-storage before the end of the body, so it aborts instead of completing.
            this.failure = error;
            callback(error);
        }
    }
    _destroy(error, callback) {
        if (error && !this.failure)
            this.failure = error;
        callback(error);
    }
    md5() {
        return this.digest ?? '';
    }
}
function abortControllerFor(signal) {
    if (!signal)
        return undefined;
    const controller = runAbortController();
    forwardAbort(signal, controller);
    return controller;
}

;// CONCATENATED MODULE: ./lib/core/incremental.js
/**
 * Incremental runs, the pure part: which activities of the WorkDocs feed a run still has to apply, what each one
 * touches, when a run must list everything instead (and why), the source snapshot kept beside the manifest, and
 * the inventory plan() gets from the manifest when the bucket is not listed. The adapter (engine/incremental.ts)
 * reads the feed and re-reads what is touched; nothing here does I/O or reads a clock.
 */



const INCREMENTAL_MODES = (/* unused pure expression or super */ null && (['listing', 'activities', 'auto']));
/**
 * How far back a run reads before its watermark: activities that the service shows late (clock skew between its
 * hosts, eventual consistency of the feed) are still read. Those already applied are recognised by their identity.
 */
const ACTIVITY_OVERLAP_MS = 10 * 60_000;
/**
 * The longest a snapshot's feed may go unread. The service does not document how long DescribeActivities keeps an
 * activity; a run whose last read is older assumes some are gone and lists everything. full_listing_every is capped
 * at it too, so a prefix synced on schedule never gets here.
 */
const ACTIVITY_FEED_REACH_MS = 30 * 24 * 3600_000;
const SNAPSHOT_FORMAT = 'workdocs-s3-sync/source-snapshot';
const SNAPSHOT_VERSION = 2;
function snapshotKey(prefix) {
    return `${prefix}${RESERVED_SEGMENT}/source.json.gz`;
}
// ---------------------------------------------------------------------------------------------- durations
/** `7d`, `12h`, `30m`, `45s` or `0` (every run lists in full) → milliseconds; a string says what is wrong. */
function parseDuration(text) {
    const match = /^(\d{1,6})\s*([smhd]?)$/i.exec(text.trim());
    if (match === null)
        return `must be a duration such as 7d, 12h or 30m (or 0), got ${JSON.stringify(text.slice(0, 40))}`;
    const amount = Number(match[1]);
    const unit = (match[2] ?? '').toLowerCase();
    if (unit === '' && amount !== 0)
        return `needs a unit (d, h, m or s), e.g. ${amount}d; got ${JSON.stringify(text)}`;
    const ms = amount * (unit === 'd' ? 86_400_000 : unit === 'h' ? 3_600_000 : unit === 'm' ? 60_000 : 1000);
    if (ms > ACTIVITY_FEED_REACH_MS)
        return `must be at most ${ACTIVITY_FEED_REACH_MS / 86_400_000}d (how far back the activity feed is trusted), got ${JSON.stringify(text)}`;
    return ms;
}
/**
 * An activity has no id on the wire: its fields are its identity. Two activities that agree on every one of them,
 * to the millisecond, are taken for one (their effect is the same re-read anyway).
 */
function activityIdentity(a) {
    const fields = [a.type, a.time, a.resourceId ?? '', a.versionId ?? '', a.commentId ?? '', a.initiatorId ?? '', a.parentId ?? '', a.originalParentId ?? '', a.name ?? '', a.originalName ?? '', a.participants.join(',')];
    // Hashed: a busy site's overlap holds thousands of them, and the snapshot keeps each.
    return (0,external_node_crypto_.createHash)('sha256').update(JSON.stringify(fields)).digest('base64url').slice(0, 22);
}
/** Where the next read starts (StartTime, inclusive). */
function feedStart(watermark) {
    return Math.max(0, watermark.time - ACTIVITY_OVERLAP_MS);
}
/** The activities of a read that the last run did not apply. */
function unseenActivities(read, watermark) {
    const seen = new Set(watermark.seen);
    return read.filter((a) => !seen.has(activityIdentity(a)));
}
/** The watermark after a read from feedStart(previous): the newest time, and every identity inside the overlap. */
function advanceWatermark(previous, read) {
    const time = read.reduce((newest, a) => Math.max(newest, a.time), previous.time);
    const from = time - ACTIVITY_OVERLAP_MS;
    const seen = new Set(time === previous.time ? previous.seen : []);
    for (const a of read)
        if (a.time >= from)
            seen.add(activityIdentity(a));
    return { time, seen: [...seen].sort() };
}
function sameWatermark(a, b) {
    return a.time === b.time && a.seen.length === b.seen.length && a.seen.every((id, i) => id === b.seen[i]);
}
const EFFECTS = new Map([
    ['DOCUMENT_VERSION_UPLOADED', 'document'], ['DOCUMENT_CHECKED_IN', 'document'], ['DOCUMENT_REVERTED', 'document'],
    ['DOCUMENT_VERSION_DELETED', 'document'], ['DOCUMENT_RENAMED', 'document'], ['DOCUMENT_MOVED', 'document'],
    ['DOCUMENT_RECYCLED', 'document'], ['DOCUMENT_RESTORED', 'document'], ['DOCUMENT_SHARE_PERMISSION_CHANGED', 'document'],
    ['DOCUMENT_SHARED', 'metadata'], ['DOCUMENT_UNSHARED', 'metadata'], ['DOCUMENT_SHAREABLE_LINK_CREATED', 'metadata'],
    ['DOCUMENT_SHAREABLE_LINK_REMOVED', 'metadata'], ['DOCUMENT_SHAREABLE_LINK_PERMISSION_CHANGED', 'metadata'],
    ['DOCUMENT_COMMENT_ADDED', 'metadata'], ['DOCUMENT_COMMENT_DELETED', 'metadata'], ['DOCUMENT_ANNOTATION_ADDED', 'metadata'],
    ['DOCUMENT_ANNOTATION_DELETED', 'metadata'],
    ['DOCUMENT_CHECKED_OUT', 'none'], ['DOCUMENT_VERSION_VIEWED', 'none'], ['DOCUMENT_VERSION_DOWNLOADED', 'none'],
    ['FOLDER_CREATED', 'folder'], ['FOLDER_DELETED', 'folder'], ['FOLDER_RENAMED', 'folder'], ['FOLDER_MOVED', 'folder'],
    ['FOLDER_RECYCLED', 'folder'], ['FOLDER_RESTORED', 'folder'], ['FOLDER_SHARE_PERMISSION_CHANGED', 'folder'],
    ['FOLDER_SHARED', 'metadata'], ['FOLDER_UNSHARED', 'metadata'], ['FOLDER_SHAREABLE_LINK_CREATED', 'metadata'],
    ['FOLDER_SHAREABLE_LINK_REMOVED', 'metadata'], ['FOLDER_SHAREABLE_LINK_PERMISSION_CHANGED', 'metadata'],
]);
/**
 * The activity types after which a document's older versions may differ from the ones recorded while its latest
 * version may not: a version deleted (DeleteDocumentVersion, DeletePriorVersions) and a revert. Of the SDK's
 * ActivityType values, no other one removes or changes an older version (an upload or check-in changes the latest,
 * and a changed latest is described again anyway).
 */
const VERSION_CHANGING_TYPES = new Set(['DOCUMENT_VERSION_DELETED', 'DOCUMENT_REVERTED']);
/** The effect of one activity; undefined when this tool does not know its type (the run then lists everything). */
function effectOf(type) {
    return EFFECTS.get(type);
}
/**
 * What `activities` touch, given the folders and documents the tree holds (`known`). An activity is about the
 * mirror when its resource, the parent it names, or the parent it left is in the tree; the others are kept aside
 * (`elsewhere`), because a folder that enters the tree later in the same batch brings them in (the adapter asks again).
 */
function interpretActivities(activities, known) {
    const folders = new Map();
    const documents = new Set();
    const metadata = new Set();
    const versions = new Set();
    const elsewhere = [];
    for (const a of activities) {
        const effect = effectOf(a.type);
        if (effect === undefined)
            return { ok: false, reason: `activity type ${a.type} is not one this tool interprets` };
        if (effect === 'none')
            continue;
        const id = a.resourceId;
        if (id === undefined || id === '')
            return { ok: false, reason: `a ${a.type} activity names no resource` };
        const isFolder = a.type.startsWith('FOLDER_');
        const inTree = (isFolder ? known.hasFolder(id) : known.hasDocument(id))
            || (a.parentId !== undefined && known.hasFolder(a.parentId))
            || (a.originalParentId !== undefined && known.hasFolder(a.originalParentId));
        if (!inTree) {
            elsewhere.push(a);
            continue;
        }
        if (effect === 'metadata')
            metadata.add(id);
        else if (effect === 'folder') {
            const relist = a.type === 'FOLDER_RESTORED' || a.type === 'FOLDER_CREATED' || (folders.get(id)?.relist ?? false);
            folders.set(id, { relist });
        }
        else {
            documents.add(id);
            // A new version or a changed place is news for the document's context too.
            metadata.add(id);
            if (VERSION_CHANGING_TYPES.has(a.type))
                versions.add(id);
        }
    }
    return { ok: true, touched: { folders, documents, metadata, versions, elsewhere } };
}
/**
 * Why this run must list everything instead of reading the feed, or undefined when the snapshot may be used. Each
 * reason is one short sentence for the log.
 */
function fullListingReason(facts) {
    const { snapshot, manifest } = facts;
    if (facts.fullListingEveryMs === 0)
        return 'full_listing_every is 0';
    if (snapshot.state === 'missing')
        return 'no source snapshot yet';
    if (snapshot.state === 'corrupt')
        return `the source snapshot is unreadable (${snapshot.problem})`;
    const s = snapshot.value;
    if (manifest.state !== 'found')
        return `the manifest is ${manifest.state}`;
    if (s.rootId !== facts.rootId)
        return `the snapshot is of another source (${s.rootId})`;
    if (manifest.etag === undefined || normalizeEtag(manifest.etag) !== normalizeEtag(s.manifestEtag))
        return 'the manifest changed since the snapshot was written (another run, or a run without incremental)';
    if (facts.now - s.lastFullListing >= facts.fullListingEveryMs)
        return `the last full listing is older than full_listing_every (${new Date(s.lastFullListing).toISOString()})`;
    if (facts.now - s.readAt > ACTIVITY_FEED_REACH_MS)
        return `the activity feed was last read ${new Date(s.readAt).toISOString()}, longer ago than it is trusted to reach`;
    return undefined;
}
/**
 * Whether a run must list everything because full_listing_every says so (0, or the last full listing is that old):
 * the scheduled drift-healing run, which also describes every document's versions again.
 */
function fullListingScheduled(facts) {
    if (facts.fullListingEveryMs === 0)
        return true;
    return facts.snapshot.state === 'found' && facts.now - facts.snapshot.value.lastFullListing >= facts.fullListingEveryMs;
}
const FOLDER_FIELDS = new Set(['id', 'name', 'parentId', 'createdAt']);
const DOCUMENT_FIELDS = new Set(['id', 'parentId', 'name', 'createdAt', 'modifiedAt', 'contentModifiedAt', 'versionId', 'size', 'md5', 'contentType']);
/** The fields of `item` that its row does not hold, or undefined when there are none. */
function extraOf(item, rowFields) {
    const extra = {};
    let any = false;
    for (const [name, value] of Object.entries(item)) {
        if (rowFields.has(name) || value === undefined)
            continue;
        extra[name] = value;
        any = true;
    }
    return any ? extra : undefined;
}
/**
 * The snapshot as JSON Lines (version 2), written and read one line at a time, so 100,000 documents never exist as
 * one string: a header, one row per folder, document and object (rows, not objects), and last `{"readAt":…}`. A
 * run that changed nothing but when it read the feed writes nothing: the lines before the last are compared.
 */
function* snapshotLines(s) {
    const header = {
        format: SNAPSHOT_FORMAT,
        version: SNAPSHOT_VERSION,
        manifestEtag: s.manifestEtag,
        rootId: s.rootId,
        rootName: s.rootName,
        watermark: { time: s.watermark.time, seen: [...s.watermark.seen] },
        lastFullListing: s.lastFullListing,
        folders: s.tree.folders.length,
        documents: s.tree.documents.length,
        others: s.others.length,
    };
    yield JSON.stringify(header);
    for (const f of s.tree.folders) {
        const extra = extraOf(f, FOLDER_FIELDS);
        yield JSON.stringify(extra ? [f.id, f.name, f.parentId, f.createdAt, extra] : [f.id, f.name, f.parentId, f.createdAt]);
    }
    for (const d of s.tree.documents) {
        const row = [d.id, d.parentId, d.name, d.createdAt, d.modifiedAt, d.contentModifiedAt ?? null, d.versionId, d.size, d.md5 ?? null, d.contentType ?? null];
        const extra = extraOf(d, DOCUMENT_FIELDS);
        if (extra)
            row.push(extra);
        yield JSON.stringify(row);
    }
    for (const o of s.others)
        yield JSON.stringify([o.key, o.size, o.etag]);
    yield JSON.stringify({ readAt: s.readAt });
}
/** The whole snapshot as one text (tests, and small snapshots). */
function encodeSnapshot(s) {
    return [...snapshotLines(s)].join('\n') + '\n';
}
/** The whole snapshot from one text (tests, and small snapshots). */
function decodeSnapshot(text) {
    const reader = new SnapshotReader();
    for (const line of text.split('\n')) {
        if (line === '')
            continue;
        const problem = reader.line(line);
        if (problem !== undefined)
            return { ok: false, problem };
    }
    return reader.finish();
}
/**
 * Reads a snapshot line by line (the adapter feeds it from a gunzip stream): each line is parsed and turned into its
 * item at once, so only the items are held. Version 1 (one JSON object on one line) is read too.
 */
class SnapshotReader {
    header;
    folders = [];
    documents = [];
    others = [];
    readAt;
    v1;
    strings = new HeldStrings();
    problem;
    /** Takes the next line; returns the problem once the file is known to be unusable (later lines are ignored). */
    line(text) {
        if (this.problem !== undefined)
            return this.problem;
        this.problem = this.take(text);
        return this.problem;
    }
    finish() {
        if (this.problem !== undefined)
            return { ok: false, problem: this.problem };
        if (this.v1 !== undefined)
            return this.v1;
        const h = this.header;
        if (h === undefined)
            return { ok: false, problem: 'empty' };
        if (this.readAt === undefined)
            return { ok: false, problem: 'cut short' };
        return {
            ok: true,
            snapshot: {
                manifestEtag: h.manifestEtag,
                rootId: h.rootId,
                rootName: h.rootName,
                watermark: { time: h.watermark.time, seen: h.watermark.seen },
                lastFullListing: h.lastFullListing,
                readAt: this.readAt,
                tree: { rootId: h.rootId, folders: this.folders, documents: this.documents },
                others: this.others,
            },
        };
    }
    take(text) {
        let value;
        try {
            value = JSON.parse(text);
        }
        catch {
            return 'not valid JSON';
        }
        const h = this.header;
        if (h === undefined) {
            if (this.v1 !== undefined)
                return 'more after a version 1 snapshot';
            return this.start(value);
        }
        if (this.readAt !== undefined)
            return 'more after the last line';
        if (this.folders.length < h.folders) {
            if (!isFolderRow(value))
                return 'a malformed folder row';
            this.folders.push(folderOfRow(value, this.strings));
        }
        else if (this.documents.length < h.documents) {
            if (!isDocumentRow(value))
                return 'a malformed document row';
            this.documents.push(documentOfRow(value, this.strings));
        }
        else if (this.others.length < h.others) {
            if (!isOtherRow(value))
                return 'a malformed object row';
            this.others.push({ key: value[0], size: value[1], etag: value[2], lastModified: 0 });
        }
        else {
            const readAt = value?.readAt;
            if (!isFiniteNumber(readAt))
                return 'a field is missing or malformed';
            this.readAt = readAt;
        }
        return undefined;
    }
    start(value) {
        const file = value;
        if (file === null || typeof file !== 'object' || file.format !== SNAPSHOT_FORMAT)
            return 'not a source snapshot';
        if (file.version === 1) {
            const v1 = decodeV1(file);
            if (!v1.ok)
                return v1.problem;
            this.v1 = v1;
            return undefined;
        }
        if (file.version !== SNAPSHOT_VERSION)
            return `unsupported snapshot version ${String(file.version)}`;
        const { watermark } = file;
        if (typeof file.manifestEtag !== 'string' || typeof file.rootId !== 'string' || typeof file.rootName !== 'string' || !isFiniteNumber(file.lastFullListing)
            || watermark === undefined || watermark === null || !isFiniteNumber(watermark.time) || !Array.isArray(watermark.seen) || !watermark.seen.every((x) => typeof x === 'string')
            || ![file.folders, file.documents, file.others].every((n) => Number.isSafeInteger(n) && n >= 0)) {
            return 'a field is missing or malformed';
        }
        this.header = file;
        return undefined;
    }
}
/**
 * Strings many rows repeat (a folder's id in each of its documents, a creator, a content type), held once per
 * snapshot read: decoded apart, each row would hold its own copy.
 */
class HeldStrings {
    held = new Map();
    of(value) {
        if (typeof value !== 'string')
            return value;
        const known = this.held.get(value);
        if (known !== undefined)
            return known;
        this.held.set(value, value);
        return value;
    }
}
/**
 * An item as a fixed-shape literal, its extra fields added after, its repeated strings held once: decoded as an
 * object spread from the row's `extra`, the bench site's 98,000 documents took 110 MB of heap; as a literal 72 MB,
 * and 54 MB with the strings held once.
 */
function folderOfRow(row, strings) {
    const [id, name, parentId, createdAt, extra] = row;
    const folder = { id, name, parentId: strings.of(parentId), createdAt };
    if (extra)
        for (const [field, value] of Object.entries(extra))
            folder[field] = strings.of(value);
    return folder;
}
function documentOfRow(row, strings) {
    const [id, parentId, name, createdAt, modifiedAt, contentModifiedAt, versionId, size, md5, contentType, extra] = row;
    const doc = { id, parentId: strings.of(parentId), name, createdAt, modifiedAt, versionId, size, md5: md5 ?? undefined, contentType: strings.of(contentType ?? undefined) };
    if (contentModifiedAt !== null)
        doc.contentModifiedAt = contentModifiedAt;
    if (extra)
        for (const [field, value] of Object.entries(extra))
            doc[field] = strings.of(value);
    return doc;
}
function isOtherRow(row) {
    return Array.isArray(row) && row.length === 3 && typeof row[0] === 'string' && Number.isSafeInteger(row[1]) && typeof row[2] === 'string';
}
/** A version 1 snapshot (one object), as written before the rows went one per line. */
function decodeV1(file) {
    const { watermark } = file;
    if (typeof file.manifestEtag !== 'string' || typeof file.rootId !== 'string' || typeof file.rootName !== 'string'
        || !isFiniteNumber(file.lastFullListing) || !isFiniteNumber(file.readAt)
        || watermark === undefined || watermark === null || !isFiniteNumber(watermark.time) || !Array.isArray(watermark.seen) || !watermark.seen.every((x) => typeof x === 'string')
        || !Array.isArray(file.folders) || !Array.isArray(file.documents) || !Array.isArray(file.others)) {
        return { ok: false, problem: 'a field is missing or malformed' };
    }
    const strings = new HeldStrings();
    const folders = [];
    for (const row of file.folders) {
        if (!isFolderRow(row))
            return { ok: false, problem: 'a malformed folder row' };
        folders.push(folderOfRow(row, strings));
    }
    const documents = [];
    for (const row of file.documents) {
        if (!isDocumentRow(row))
            return { ok: false, problem: 'a malformed document row' };
        documents.push(documentOfRow(row, strings));
    }
    const others = [];
    for (const row of file.others) {
        if (!isOtherRow(row))
            return { ok: false, problem: 'a malformed object row' };
        others.push({ key: row[0], size: row[1], etag: row[2], lastModified: 0 });
    }
    return {
        ok: true,
        snapshot: {
            manifestEtag: file.manifestEtag, rootId: file.rootId, rootName: file.rootName, watermark: { time: watermark.time, seen: watermark.seen },
            lastFullListing: file.lastFullListing, readAt: file.readAt, tree: { rootId: file.rootId, folders, documents }, others,
        },
    };
}
function isFiniteNumber(x) {
    return typeof x === 'number' && Number.isFinite(x);
}
function isExtra(x) {
    return x === undefined || (typeof x === 'object' && x !== null && !Array.isArray(x));
}
function isFolderRow(row) {
    if (!Array.isArray(row) || (row.length !== 4 && row.length !== 5))
        return false;
    const [id, name, parentId, createdAt, extra] = row;
    return typeof id === 'string' && typeof name === 'string' && (parentId === null || typeof parentId === 'string') && isFiniteNumber(createdAt) && isExtra(extra);
}
function isDocumentRow(row) {
    if (!Array.isArray(row) || (row.length !== 10 && row.length !== 11))
        return false;
    const [id, parentId, name, createdAt, modifiedAt, contentModifiedAt, versionId, size, md5, contentType, extra] = row;
    return typeof id === 'string' && typeof parentId === 'string' && typeof name === 'string' && isFiniteNumber(createdAt) && isFiniteNumber(modifiedAt)
        && (contentModifiedAt === null || isFiniteNumber(contentModifiedAt)) && typeof versionId === 'string' && Number.isSafeInteger(size)
        && (md5 === null || typeof md5 === 'string') && (contentType === null || typeof contentType === 'string') && isExtra(extra);
}
// ---------------------------------------------------------------------------------------------- the tree, edited
/**
 * The snapshot's tree, edited by what a run re-read: folders and documents by id. Nothing here checks that an
 * item is reachable from the root; `tree()` keeps only those that are, so an item whose folder left the tree
 * leaves with it.
 */
class EditableTree {
    rootId;
    folders = new Map();
    documents = new Map();
    constructor(rootId, from) {
        this.rootId = rootId;
        for (const f of from.folders)
            this.folders.set(f.id, f);
        for (const d of from.documents)
            this.documents.set(d.id, d);
    }
    hasFolder(id) {
        return id === this.rootId || this.folders.has(id);
    }
    hasDocument(id) {
        return this.documents.has(id);
    }
    folder(id) {
        return this.folders.get(id);
    }
    document(id) {
        return this.documents.get(id);
    }
    putFolder(folder) {
        this.folders.set(folder.id, folder);
    }
    putDocument(document) {
        this.documents.set(document.id, document);
    }
    removeDocument(id) {
        this.documents.delete(id);
    }
    /** Removes folders (with everything the tree holds below them): gone, or listed again from scratch. */
    removeBelow(ids, includingThemselves) {
        if (ids.size === 0)
            return;
        const children = new Map();
        for (const f of this.folders.values()) {
            if (f.parentId === null)
                continue;
            const siblings = children.get(f.parentId);
            if (siblings)
                siblings.push(f.id);
            else
                children.set(f.parentId, [f.id]);
        }
        const below = new Set();
        const stack = [...ids];
        while (stack.length > 0) {
            const id = stack.pop();
            for (const child of children.get(id) ?? []) {
                if (!below.has(child)) {
                    below.add(child);
                    stack.push(child);
                }
            }
        }
        const emptied = new Set([...below, ...ids]);
        for (const id of below)
            this.folders.delete(id);
        if (includingThemselves)
            for (const id of ids)
                this.folders.delete(id);
        for (const [id, d] of this.documents)
            if (emptied.has(d.parentId))
                this.documents.delete(id);
    }
    /** The items reachable from the root, in a stable order (ids): what plan() gets. */
    tree() {
        const children = new Map();
        for (const f of this.folders.values()) {
            if (f.parentId === null)
                continue;
            const siblings = children.get(f.parentId);
            if (siblings)
                siblings.push(f);
            else
                children.set(f.parentId, [f]);
        }
        const reachable = new Set([this.rootId]);
        const folders = [];
        const stack = [this.rootId];
        while (stack.length > 0) {
            for (const child of children.get(stack.pop()) ?? []) {
                if (reachable.has(child.id))
                    continue;
                reachable.add(child.id);
                folders.push(child);
                stack.push(child.id);
            }
        }
        const documents = [...this.documents.values()].filter((d) => reachable.has(d.parentId));
        return { rootId: this.rootId, folders: folders.sort(incremental_byId), documents: documents.sort(incremental_byId) };
    }
}
function incremental_byId(a, b) {
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
// ---------------------------------------------------------------------------------------------- the bucket, from the manifest
/**
 * The inventory plan() gets when the bucket is not listed: every manifest entry as its object (the size and ETag
 * the run that wrote it recorded), and the other objects the last run knew of. A change behind the tool's back is
 * not seen until the next full listing.
 */
function inventoryFromManifest(manifest, others) {
    const inventory = [];
    for (const [key, entry] of manifest.entries)
        inventory.push({ key, size: entry.size, etag: entry.etag ?? entry.md5, lastModified: 0 });
    for (const other of others)
        if (!manifest.entries.has(other.key))
            inventory.push(other);
    return inventory;
}
/** The MD5 (and so the ETag) of an empty body: a folder marker's. */
const incremental_EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';
/**
 * The objects under the prefix that the manifest does not list once the run is over: those listed (or remembered)
 * before it, less the ones it deleted or archived and those the manifest now lists, plus the markers it wrote.
 */
function othersAfterRun(before, entries, items) {
    const removed = new Set(items.filter((i) => (i.action === 'delete' || i.action === 'archive') && i.outcome === 'done').map((i) => i.key));
    const byKey = new Map();
    for (const object of before)
        if (!removed.has(object.key) && !entries.has(object.key))
            byKey.set(object.key, { key: object.key, size: object.size, etag: object.etag, lastModified: 0 });
    for (const item of items) {
        if (item.action === 'marker' && item.outcome === 'done' && !entries.has(item.key))
            byKey.set(item.key, { key: item.key, size: 0, etag: incremental_EMPTY_MD5, lastModified: 0 });
    }
    return [...byKey.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

;// CONCATENATED MODULE: ./lib/core/user-filter.js
/**
 * Which users of a site a run mirrors: the `users` and `exclude_users` options, comma-separated username globs.
 * `*` stands for any run of characters, `?` for one; matching is case-insensitive, as WorkDocs usernames are.
 * Ten lines of our own rather than a glob library: usernames hold no `/`, so no path semantics are wanted.
 */
/** What WorkDocs allows in a username, plus the two wildcards. */
const GLOB = /^[\w+.@*?-]{1,256}$/;
/** `a*, b?` → ['a*', 'b?'], or the first problem. An empty text is an empty list. */
function parseUserGlobs(text) {
    if (text.trim() === '')
        return [];
    const globs = text.split(',').map((g) => g.trim());
    const bad = globs.find((g) => !GLOB.test(g));
    if (bad !== undefined) {
        return bad === ''
            ? `has an empty entry: give comma-separated username globs such as alice,team-*`
            : `${JSON.stringify(bad.slice(0, 60))} is not a username glob (letters, digits, + . @ - _ and the wildcards * and ?)`;
    }
    return globs;
}
function globRegExp(glob) {
    const body = [...glob].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+]/g, '\\$&'))).join('');
    return new RegExp(`^${body}$`, 'iu');
}
/** A predicate over usernames: included by one of `include` (every user when it is empty) and by none of `exclude`. */
function userFilter(include, exclude) {
    const wanted = include.map(globRegExp);
    const unwanted = exclude.map(globRegExp);
    return (username) => (wanted.length === 0 || wanted.some((r) => r.test(username))) && !unwanted.some((r) => r.test(username));
}

;// CONCATENATED MODULE: ./lib/options.js



/**
 * S3's storage classes for general purpose buckets: the SDK's StorageClass without OUTPOSTS, SNOW and FSX_* (their own
 * hardware or service) and EXPRESS_ONEZONE (directory buckets only, whose `--x-s3` names s3_bucket_name refuses).
 */
const STORAGE_CLASSES = ['STANDARD', 'REDUCED_REDUNDANCY', 'STANDARD_IA', 'ONEZONE_IA', 'INTELLIGENT_TIERING', 'GLACIER', 'DEEP_ARCHIVE', 'GLACIER_IR'];
/** `none`: no encryption header, the bucket's default applies. */
const SSE_MODES = ['none', 'AES256', 'aws:kms', 'aws:kms:dsse'];
const OPTION_SPECS = [
    { name: 'workdocs_folder_id', kind: 'string', scope: 'both',
        description: 'ID of the WorkDocs folder to mirror (its whole tree); or use workdocs_organization_id.' },
    { name: 's3_bucket_name', kind: 'string', required: true, scope: 'both',
        description: 'Name of the S3 bucket to mirror into. It must exist.' },
    { name: 'region_name', kind: 'string', required: true, scope: 'both',
        description: 'AWS region of WorkDocs and the bucket, e.g. us-west-2.' },
    { name: 'max_pool_connections', kind: 'integer', default: '28', min: 1, max: 1024, scope: 'both',
        description: 'HTTP sockets per AWS client (WorkDocs, S3, content downloads).' },
    { name: 'max_workers', kind: 'integer', default: '14', min: 1, max: 512, scope: 'both',
        description: 'Concurrent transfers (and concurrent folder listings).' },
    { name: 's3_prefix', kind: 'string', default: '', scope: 'both',
        description: 'Key prefix of the mirror in the bucket; empty: the bucket root, like the original script.' },
    { name: 'dry_run', kind: 'boolean', default: 'false', scope: 'both',
        description: 'Plan and report every action without writing or deleting anything.' },
    { name: 'delete_stale', kind: 'boolean', default: 'true', scope: 'both',
        description: 'Delete objects under the prefix that no longer exist in WorkDocs.' },
    { name: 'max_delete', kind: 'string', default: '50%', scope: 'both',
        description: 'Most deletes per run that lose content (moves do not count): a count (100), a percentage (10%), or both (100,10%); above it nothing is deleted and the run fails.' },
    { name: 'archive_prefix', kind: 'string', default: '', scope: 'both',
        description: 'Move stale objects under this prefix instead of deleting them (outside a non-empty s3_prefix).' },
    { name: 'delete_foreign', kind: 'boolean', default: 'false', scope: 'both',
        description: 'Also delete or overwrite objects under the prefix this tool did not write (like rclone sync).' },
    { name: 'allow_source_change', kind: 'boolean', default: 'false', scope: 'both',
        description: 'Accept another source than the one the prefix mirrors (its manifest says which).' },
    { name: 'folder_markers', kind: 'enum', default: 'empty', values: ['empty', 'all', 'none', 'true', 'false'], scope: 'both',
        description: 'Zero-byte `folder/` objects: for `empty` folders, `all` (like the original; `true`) or `none` (`false`).' },
    { name: 'log_file', kind: 'string', default: 'script.log', scope: 'both', emptyDisables: true,
        description: 'Detailed log file, one line per action; empty to disable.' },
    { name: 'report_file', kind: 'string', default: '', scope: 'both',
        description: 'Write a JSON report of every item and its outcome to this path.' },
    { name: 'log_level', kind: 'enum', default: 'info', values: ['debug', 'info', 'warning', 'error'], scope: 'both',
        description: 'Console verbosity (the log file records every level).' },
    { name: 's3_endpoint_url', kind: 'string', default: '', scope: 'both',
        description: 'Custom S3 endpoint (S3-compatible servers); AWS_ENDPOINT_URL_S3 works too.' },
    { name: 'workdocs_endpoint_url', kind: 'string', default: '', scope: 'both',
        description: 'Custom WorkDocs endpoint (e.g. the bundled emulator); AWS_ENDPOINT_URL_WORKDOCS works too.' },
    { name: 's3_force_path_style', kind: 'enum', default: 'auto', values: ['auto', 'true', 'false'], scope: 'both',
        description: 'Path-style bucket addressing; auto means on for custom endpoints.' },
    { name: 's3_checksum_mode', kind: 'enum', default: 'auto', values: ['auto', 'when_required', 'when_supported'], scope: 'both',
        description: 'SDK flexible checksums; auto: when_required for custom endpoints.' },
    { name: 's3_delete_content_md5', kind: 'enum', default: 'auto', values: ['auto', 'true', 'false'], scope: 'both',
        description: 'Content-MD5 on DeleteObjects (older S3-compatible servers need it); auto: on for custom endpoints.' },
    { name: 'part_size_mb', kind: 'integer', default: '8', min: 5, max: 5120, scope: 'both',
        description: 'Multipart part size in MiB (large files may use multiples of it).' },
    { name: 'multipart_threshold_mb', kind: 'integer', default: '512', min: 5, max: 5120, scope: 'both',
        description: 'Files up to this size (MiB) go in one PUT that S3 checks against the WorkDocs MD5; larger ones multipart.' },
    { name: 'storage_class', kind: 'enum', default: 'STANDARD', values: STORAGE_CLASSES, scope: 'both',
        description: 'Storage class of the mirrored objects (the tool\'s own files stay STANDARD).' },
    { name: 'sse', kind: 'enum', default: 'none', values: SSE_MODES, scope: 'both',
        description: 'Server-side encryption of every write; `none`: the bucket\'s default.' },
    { name: 'sse_kms_key_id', kind: 'string', default: '', scope: 'both',
        description: 'With sse aws:kms(:dsse): the KMS key id, ARN or alias; empty: aws/s3.' },
    { name: 'expected_bucket_owner', kind: 'string', default: '', scope: 'both',
        description: 'Account id (12 digits) that must own the bucket (S3 answers 403 otherwise).' },
    { name: 'object_tags', kind: 'string', default: '', scope: 'both',
        description: 'Tags of the mirrored objects, e.g. `team=docs,retention=7y` (at most 10).' },
    { name: 'mode', kind: 'enum', default: 'sync', values: ['sync', 'plan', 'shard', 'finalize', 'verify'], scope: 'both',
        description: 'sync: one run. plan / shard / finalize: over a matrix. verify: a read-only audit, exit 0 only when exact.' },
    { name: 'verify_content', kind: 'boolean', default: 'false', scope: 'both',
        description: 'mode verify: also read every object back and check its MD5 against WorkDocs.' },
    { name: 'verify_slice', kind: 'string', default: '', scope: 'both',
        description: 'mode verify over a matrix: audit only slice `i/n` of the keys; empty: every key.' },
    { name: 'verify_merge', kind: 'string', default: '', scope: 'both',
        description: 'mode verify: merge the JSON reports of a verify_slice matrix in this directory into one verdict.' },
    { name: 'shard_count', kind: 'integer', default: '4', min: 1, max: 256, scope: 'both',
        description: 'mode plan: how many shards to split the transfers into (balanced by bytes and count).' },
    { name: 'shard_index', kind: 'integer', default: '0', min: 0, max: 255, scope: 'both',
        description: 'mode shard: which shard this job runs (0-based; from the plan step\'s matrix).' },
    { name: 'run_id', kind: 'string', default: '', scope: 'both',
        description: 'modes plan / shard / finalize: names the scaled-out run; default GITHUB_RUN_ID.' },
    { name: 'role_to_assume', kind: 'string', default: '', scope: 'action',
        description: 'IAM role to assume with the job\'s OIDC token (`id-token: write`); empty: ambient credentials.' },
    { name: 'role_session_name', kind: 'string', default: 'workdocs-s3-sync', scope: 'action',
        description: 'Session name for the assumed role.' },
    { name: 'role_duration_seconds', kind: 'integer', default: '3600', min: 900, max: 43200, scope: 'action',
        description: 'Duration of the assumed role session.' },
    { name: 'audience', kind: 'string', default: 'sts.amazonaws.com', scope: 'action',
        description: 'Audience of the OIDC token.' },
    { name: 'workdocs_role_to_assume', kind: 'string', default: '', scope: 'action',
        description: 'A second role for WorkDocs in another account (same OIDC token).' },
    { name: 'tolerate_failures', kind: 'boolean', default: 'false', scope: 'action',
        description: 'Do not fail the step when only items failed (still reported); anything else still fails it.' },
    // site source (issue 20): every user's folders instead of one folder
    { name: 'workdocs_organization_id', kind: 'string', default: '', scope: 'both',
        description: 'The site\'s directory id (d-…): mirror every user\'s folders, not one folder.' },
    { name: 'users', kind: 'string', default: '*', scope: 'both',
        description: 'Site: usernames to mirror, comma-separated globs (`*`, `?`), case-insensitive.' },
    { name: 'exclude_users', kind: 'string', default: '', scope: 'both',
        description: 'Site: usernames to leave out, comma-separated globs; wins over users.' },
    { name: 'include_recycle_bin', kind: 'boolean', default: 'false', scope: 'both',
        description: 'Site: also mirror each user\'s recycle bin, under `.recycle-bin/<user>/`.' },
    // versions (issue 20): every version
    { name: 'versions', kind: 'enum', default: 'latest', values: ['latest', 'all'], scope: 'both',
        description: '`all` also keeps every older version, under `.history/` in the prefix.' },
    // metadata index (issue 20): comments, permissions, labels, custom metadata
    { name: 'metadata', kind: 'enum', default: 'index', values: ['none', 'index', 'sidecars'], scope: 'both',
        description: 'Comments, permissions, labels: `index` (CSV + JSONL), `sidecars` (also one JSON per file), `none`.' },
    { name: 'metadata_refresh', kind: 'boolean', default: 'false', scope: 'both',
        description: 'Read every item\'s context and version list again, not only changed ones.' },
    // incremental runs (issue 21)
    { name: 'incremental', kind: 'enum', default: 'listing', values: ['listing', 'activities', 'auto'], scope: 'both',
        description: '`activities`: list only what the activity feed touched (site mode); `auto`: when it can.' },
    { name: 'full_listing_every', kind: 'string', default: '7d', scope: 'both',
        description: 'Incremental: list everything when the last full listing is older (30m, 12h, 7d; 0: always).' },
];
/** `true`/`false` were the option's first values (a boolean): they keep meaning every folder / none. */
function folderMarkersOf(value) {
    return value === 'true' ? 'all' : value === 'false' ? 'none' : value;
}
/** S3's limits on object tags (the allowed characters are the AWS tagging API's pattern). */
const MAX_TAGS = 10;
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
/**
 * `team=docs,retention=7y` → tags, or the first rule broken. A tag's value may hold `=` (the key ends at the first
 * one); commas separate tags, and S3 allows none inside one.
 */
function parseObjectTags(text) {
    if (text.trim() === '')
        return [];
    const tags = [];
    for (const item of text.split(',').map((t) => t.trim())) {
        const equals = item.indexOf('=');
        if (equals <= 0)
            return `each tag must be key=value, e.g. team=docs,retention=7y; got ${JSON.stringify(item)}`;
        const key = item.slice(0, equals);
        const value = item.slice(equals + 1);
        // S3 counts Unicode characters, not UTF-16 units.
        if ([...key].length > 128)
            return `tag key ${JSON.stringify(key.slice(0, 20))}… is longer than 128 characters`;
        if ([...value].length > 256)
            return `the value of tag ${JSON.stringify(key)} is longer than 256 characters`;
        if (!TAG_TEXT.test(key) || !TAG_TEXT.test(value))
            return `tag ${JSON.stringify(item)} may hold only letters, digits, spaces and + - = . _ : / @`;
        if (key.toLowerCase().startsWith('aws:'))
            return `tag key ${JSON.stringify(key)} uses the prefix aws:, which AWS reserves`;
        if (tags.some((t) => t.key === key))
            return `tag key ${JSON.stringify(key)} is given twice`;
        tags.push({ key, value });
    }
    if (tags.length > MAX_TAGS)
        return `S3 allows at most ${MAX_TAGS} tags per object, got ${tags.length}`;
    return tags;
}
const KMS_KEY = new RegExp([
    '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$', // key id
    '^mrk-[0-9a-f]{32}$', // multi-Region key id
    '^alias/[\\w/-]{1,250}$',
    '^arn:aws[\\w-]*:kms:[a-z0-9-]+:\\d{12}:(key/(mrk-)?[0-9a-f-]{32,36}|alias/[\\w/-]{1,250})$',
].join('|'));
/** `i/n` → a slice; undefined for '' and for anything malformed (the caller says which). */
function parseSlice(text) {
    const match = /^(\d{1,3})\/(\d{1,3})$/.exec(text);
    if (match === null)
        return undefined;
    const index = Number(match[1]);
    const count = Number(match[2]);
    return count >= 1 && count <= 256 && index < count ? { index, count } : undefined;
}
const FOLDER_ID = /^[\w+\-.@]{1,128}$/; // the WorkDocs model's pattern for resource ids
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const TRUE = new Set(['true', 'yes', '1', 'on']);
const FALSE = new Set(['false', 'no', '0', 'off']);
function specOf(name) {
    const spec = OPTION_SPECS.find((s) => s.name === name);
    if (!spec)
        throw new Error(`unknown option ${name}`);
    return spec;
}
/** Rejects bucket names S3 would refuse, so a typo fails before any request. */
function bucketNameProblem(name) {
    if (name.length < 3 || name.length > 63)
        return 'must be 3 to 63 characters long';
    if (!/^[a-z0-9][a-z0-9.-]*[a-z0-9]$/.test(name))
        return 'may hold only lower-case letters, digits, dots and hyphens, and must start and end with a letter or digit';
    if (name.includes('..'))
        return 'must not contain two dots in a row';
    if (/^\d+\.\d+\.\d+\.\d+$/.test(name))
        return 'must not look like an IP address';
    if (/^(xn--|sthree-|amzn-s3-demo-)/.test(name) || /(-s3alias|--ol-s3|--x-s3|--table-s3)$/.test(name))
        return 'uses a prefix or suffix that S3 reserves';
    return undefined;
}
/** Validates a key prefix with the key mapper's own rules, so every accepted prefix can hold keys. */
function prefixProblem(prefix) {
    // Easy to type by mistake, and never what was meant: a key prefix " a" is not "a", and "\\" is not a folder separator.
    if (prefix !== prefix.trim())
        return `has leading or trailing spaces: ${JSON.stringify(prefix)}`;
    if (prefix.includes('\\'))
        return `contains a backslash (S3 folders are separated by "/"): ${JSON.stringify(prefix)}`;
    const result = parsePrefix(prefix);
    return result.ok ? undefined : result.reason.replace(/^the prefix /, '');
}
function withTrailingSlash(prefix) {
    return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}
function parseMaxDelete(text) {
    let count;
    let percent;
    const parts = text.split(',').map((p) => p.trim());
    if (parts.length > 2 || parts.some((p) => p === ''))
        return 'must be a count, a percentage or both, e.g. 100, 10% or 100,10%';
    for (const part of parts) {
        if (part.endsWith('%')) {
            if (percent !== undefined || !/^\d+(\.\d+)?%$/.test(part))
                return 'must be a count, a percentage or both, e.g. 100, 10% or 100,10%';
            percent = Number(part.slice(0, -1));
            if (percent > 100)
                return 'percentage must be between 0% and 100%';
        }
        else {
            if (count !== undefined || !/^\d+$/.test(part))
                return 'must be a count, a percentage or both, e.g. 100, 10% or 100,10%';
            count = Number(part);
            if (!Number.isSafeInteger(count))
                return 'count is too large';
        }
    }
    return { count, percent };
}
function urlProblem(text) {
    if (text === '')
        return undefined;
    try {
        const url = new URL(text);
        if (url.protocol !== 'http:' && url.protocol !== 'https:')
            return 'must be an http or https URL';
        if (url.username || url.password)
            return 'must not contain credentials';
        return undefined;
    }
    catch {
        return 'must be a URL such as https://s3.example.com';
    }
}
/** Reads and validates raw values for the given scopes; collects every problem, not just the first. */
class Reader {
    raw;
    errors = [];
    constructor(raw) {
        this.raw = raw;
    }
    text(name) {
        const spec = specOf(name);
        const given = this.raw[name];
        const value = given === undefined || (given === '' && !spec.emptyDisables) ? (spec.default ?? '') : given;
        if (spec.required && value.trim() === '')
            this.fail(name, 'is required');
        return value;
    }
    integer(name) {
        const spec = specOf(name);
        const text = this.text(name).trim();
        if (!/^\d+$/.test(text) || Number(text) < (spec.min ?? 0) || Number(text) > (spec.max ?? Number.MAX_SAFE_INTEGER)) {
            this.fail(name, `must be a whole number from ${spec.min} to ${spec.max}, got ${JSON.stringify(text)}`);
            return Number(spec.default ?? spec.min ?? 0);
        }
        return Number(text);
    }
    boolean(name) {
        const text = this.text(name).trim().toLowerCase();
        if (TRUE.has(text))
            return true;
        if (FALSE.has(text))
            return false;
        this.fail(name, `must be true or false, got ${JSON.stringify(text)}`);
        return specOf(name).default === 'true';
    }
    choice(name) {
        const spec = specOf(name);
        const text = this.text(name).trim().toLowerCase();
        // Case-insensitive, answered in the table's spelling (`glacier` → GLACIER, as S3 wants it).
        const value = spec.values?.find((v) => v.toLowerCase() === text);
        if (value === undefined) {
            this.fail(name, `must be one of ${spec.values?.join(', ')}, got ${JSON.stringify(text)}`);
            return spec.default;
        }
        return value;
    }
    check(name, problem) {
        if (problem !== undefined)
            this.fail(name, problem);
    }
    fail(option, problem) {
        if (!this.errors.some((e) => e.option === option))
            this.errors.push({ option, problem });
    }
}
/** Directory ids as AWS Directory Service gives them: `d-` and 10 hex digits. */
const ORGANIZATION_ID = /^d-[0-9a-f]{10}$/;
/**
 * The source options of site mode; exactly one of workdocs_folder_id and workdocs_organization_id is required
 * (the folder id's `is required` names the other too), and the user filters mean something only for a site.
 */
function readSiteSource(r, folderId) {
    const organizationId = r.text('workdocs_organization_id').trim();
    if (folderId === '' && organizationId === '')
        r.fail('workdocs_folder_id', 'is required, or workdocs_organization_id to mirror the whole site: give exactly one of the two');
    if (folderId !== '' && organizationId !== '')
        r.fail('workdocs_organization_id', 'goes without workdocs_folder_id: give exactly one of the two (a folder, or the whole site)');
    if (organizationId !== '' && !ORGANIZATION_ID.test(organizationId))
        r.fail('workdocs_organization_id', `is not a WorkDocs directory id such as d-926726012c: ${JSON.stringify(organizationId.slice(0, 40))}`);
    const usersText = r.text('users').trim();
    const users = parseUserGlobs(usersText === '*' ? '' : usersText);
    if (typeof users === 'string')
        r.fail('users', users);
    const excludeUsers = parseUserGlobs(r.text('exclude_users'));
    if (typeof excludeUsers === 'string')
        r.fail('exclude_users', excludeUsers);
    const includeRecycleBin = r.boolean('include_recycle_bin');
    if (organizationId === '') {
        // Without a site they would filter nothing: say so rather than pass silently.
        if (usersText !== '*')
            r.fail('users', 'applies with workdocs_organization_id only (a whole-site export)');
        if (r.text('exclude_users').trim() !== '')
            r.fail('exclude_users', 'applies with workdocs_organization_id only (a whole-site export)');
        if (includeRecycleBin)
            r.fail('include_recycle_bin', 'applies with workdocs_organization_id only (a whole-site export)');
    }
    return {
        workdocsOrganizationId: organizationId,
        users: typeof users === 'string' ? [] : users,
        excludeUsers: typeof excludeUsers === 'string' ? [] : excludeUsers,
        includeRecycleBin,
    };
}
/** The id a mirror records as its source (manifest, object metadata): the folder's, or the organization's for a site. */
function sourceIdOf(options) {
    return options.workdocsOrganizationId !== '' ? options.workdocsOrganizationId : options.workdocsFolderId;
}
function parseSyncOptions(raw) {
    const r = new Reader(raw);
    const folderId = r.text('workdocs_folder_id').trim();
    if (folderId !== '')
        r.check('workdocs_folder_id', FOLDER_ID.test(folderId) ? undefined : `is not a WorkDocs folder id: ${JSON.stringify(folderId.slice(0, 140))}`);
    const site = readSiteSource(r, folderId);
    const bucket = r.text('s3_bucket_name').trim();
    if (bucket !== '')
        r.check('s3_bucket_name', bucketNameProblem(bucket));
    const region = r.text('region_name').trim();
    if (region !== '')
        r.check('region_name', REGION.test(region) ? undefined : `is not an AWS region name such as us-west-2: ${JSON.stringify(region)}`);
    const prefix = r.text('s3_prefix');
    r.check('s3_prefix', prefixProblem(prefix));
    const archive = r.text('archive_prefix');
    r.check('archive_prefix', prefixProblem(archive));
    const maxDeleteText = r.text('max_delete').trim();
    const maxDelete = parseMaxDelete(maxDeleteText);
    if (typeof maxDelete === 'string')
        r.fail('max_delete', `${maxDelete}, got ${JSON.stringify(maxDeleteText)}`);
    const s3Endpoint = r.text('s3_endpoint_url').trim();
    r.check('s3_endpoint_url', urlProblem(s3Endpoint));
    const workdocsEndpoint = r.text('workdocs_endpoint_url').trim();
    r.check('workdocs_endpoint_url', urlProblem(workdocsEndpoint));
    const objectTags = parseObjectTags(r.text('object_tags'));
    if (typeof objectTags === 'string')
        r.fail('object_tags', objectTags);
    const fullListingEveryText = r.text('full_listing_every').trim();
    const fullListingEvery = parseDuration(fullListingEveryText);
    if (typeof fullListingEvery === 'string')
        r.fail('full_listing_every', fullListingEvery);
    const options = {
        workdocsFolderId: folderId,
        ...site,
        s3BucketName: bucket,
        regionName: region,
        maxPoolConnections: r.integer('max_pool_connections'),
        maxWorkers: r.integer('max_workers'),
        s3Prefix: withTrailingSlash(prefix),
        dryRun: r.boolean('dry_run'),
        incremental: r.choice('incremental'),
        fullListingEveryMs: typeof fullListingEvery === 'number' ? fullListingEvery : 0,
        deleteStale: r.boolean('delete_stale'),
        maxDelete: typeof maxDelete === 'string' ? { count: 0, percent: undefined } : maxDelete,
        archivePrefix: withTrailingSlash(archive),
        deleteForeign: r.boolean('delete_foreign'),
        allowSourceChange: r.boolean('allow_source_change'),
        folderMarkers: folderMarkersOf(r.choice('folder_markers')),
        logFile: r.text('log_file'),
        reportFile: r.text('report_file'),
        logLevel: r.choice('log_level'),
        s3EndpointUrl: s3Endpoint,
        workdocsEndpointUrl: workdocsEndpoint,
        s3ForcePathStyle: r.choice('s3_force_path_style'),
        s3ChecksumMode: r.choice('s3_checksum_mode'),
        s3DeleteContentMd5: r.choice('s3_delete_content_md5'),
        partSizeBytes: r.integer('part_size_mb') * 1024 * 1024,
        multipartThresholdBytes: r.integer('multipart_threshold_mb') * 1024 * 1024,
        mode: r.choice('mode'),
        verifyContent: r.boolean('verify_content'),
        verifySlice: parseSlice(r.text('verify_slice').trim()),
        verifyMerge: r.text('verify_merge').trim(),
        shardCount: r.integer('shard_count'),
        shardIndex: r.integer('shard_index'),
        runId: r.text('run_id').trim(),
        objectSettings: {
            storageClass: r.choice('storage_class'),
            sse: r.choice('sse'),
            sseKmsKeyId: r.text('sse_kms_key_id').trim(),
            tags: typeof objectTags === 'string' ? [] : objectTags,
        },
        expectedBucketOwner: r.text('expected_bucket_owner').trim(),
        metadata: r.choice('metadata'),
        metadataRefresh: r.boolean('metadata_refresh'),
        versions: r.choice('versions'),
    };
    const { sse, sseKmsKeyId } = options.objectSettings;
    if (sseKmsKeyId !== '' && !sse.startsWith('aws:kms'))
        r.fail('sse_kms_key_id', `applies to sse aws:kms or aws:kms:dsse only (sse is ${sse})`);
    else if (sseKmsKeyId !== '' && !KMS_KEY.test(sseKmsKeyId))
        r.fail('sse_kms_key_id', `must be a KMS key id, key ARN, alias/name or alias ARN, got ${JSON.stringify(sseKmsKeyId.slice(0, 140))}`);
    if (options.expectedBucketOwner !== '' && !/^\d{12}$/.test(options.expectedBucketOwner))
        r.fail('expected_bucket_owner', `must be a 12-digit AWS account id, got ${JSON.stringify(options.expectedBucketOwner.slice(0, 40))}`);
    // A sync that was asked to check content would check nothing: say so rather than pass silently.
    if (options.verifyContent && options.mode !== 'verify')
        r.fail('verify_content', `applies to mode verify only (mode is ${options.mode})`);
    const sliceText = r.text('verify_slice').trim();
    if (sliceText !== '' && options.verifySlice === undefined)
        r.fail('verify_slice', `must be i/n with 0 <= i < n <= 256, got ${JSON.stringify(sliceText)}`);
    if (sliceText !== '' && options.mode !== 'verify')
        r.fail('verify_slice', `applies to mode verify only (mode is ${options.mode})`);
    if (options.verifyMerge !== '' && options.mode !== 'verify')
        r.fail('verify_merge', `applies to mode verify only (mode is ${options.mode})`);
    if (options.verifyMerge !== '' && sliceText !== '')
        r.fail('verify_merge', 'merges the slices\' reports: it does not go with verify_slice');
    // DescribeActivities with AWS credentials needs the site's organization id; scale-out and verify list everything.
    if (options.incremental === 'activities' && options.workdocsOrganizationId === '')
        r.fail('incremental', 'activities needs workdocs_organization_id (the activity feed is read per site); use listing or auto');
    else if (options.incremental === 'activities' && options.mode !== 'sync')
        r.fail('incremental', `activities applies to mode sync only (mode is ${options.mode})`);
    if (options.mode !== 'sync' && options.mode !== 'verify' && options.runId === '')
        r.fail('run_id', `is required in mode ${options.mode} (or set GITHUB_RUN_ID)`);
    if (options.runId !== '' && !/^[\w.-]{1,64}$/.test(options.runId))
        r.fail('run_id', 'must be 1 to 64 letters, digits, dots, hyphens or underscores');
    if (options.archivePrefix !== '' && options.archivePrefix === options.s3Prefix) {
        r.fail('archive_prefix', 'must differ from s3_prefix');
    }
    if (options.archivePrefix !== '' && options.s3Prefix !== '' && options.s3Prefix.startsWith(options.archivePrefix)) {
        r.fail('archive_prefix', 'must not contain s3_prefix (the mirror would be archived into itself)');
    }
    // Inside the mirror, archived objects would look like mirrored ones to a run without archive_prefix.
    if (options.archivePrefix !== '' && options.s3Prefix !== '' && options.archivePrefix.startsWith(options.s3Prefix) && options.archivePrefix !== options.s3Prefix) {
        r.fail('archive_prefix', `must lie outside s3_prefix ${JSON.stringify(options.s3Prefix)}: choose a prefix beside it, e.g. ${JSON.stringify(`archive/${options.s3Prefix}`)}`);
    }
    return r.errors.length > 0 ? { ok: false, errors: r.errors } : { ok: true, value: options };
}
function parseActionOptions(raw) {
    const r = new Reader(raw);
    const options = {
        roleToAssume: r.text('role_to_assume').trim(),
        roleSessionName: r.text('role_session_name').trim(),
        roleDurationSeconds: r.integer('role_duration_seconds'),
        audience: r.text('audience').trim(),
        workdocsRoleToAssume: r.text('workdocs_role_to_assume').trim(),
        tolerateFailures: r.boolean('tolerate_failures'),
    };
    const arn = /^arn:aws[\w-]*:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/;
    if (options.roleToAssume !== '' && !arn.test(options.roleToAssume))
        r.fail('role_to_assume', 'must be an IAM role ARN such as arn:aws:iam::123456789012:role/name');
    if (options.workdocsRoleToAssume !== '' && !arn.test(options.workdocsRoleToAssume))
        r.fail('workdocs_role_to_assume', 'must be an IAM role ARN such as arn:aws:iam::123456789012:role/name');
    if (!/^[\w+=,.@-]{2,64}$/.test(options.roleSessionName))
        r.fail('role_session_name', 'must be 2 to 64 characters of letters, digits and +=,.@_-');
    return r.errors.length > 0 ? { ok: false, errors: r.errors } : { ok: true, value: options };
}

;// CONCATENATED MODULE: ./lib/engine/execute.js
/**
 * Carries out a plan: transfers with bounded concurrency, then deletes, and works out the manifest that
 * describes the bucket afterwards. Every failure becomes a report item; none is thrown away.
 */












/**
 * Parts of one multipart upload in flight at once: each its own ranged download, so a large file moves over
 * this many streams. Memory does not grow with it: every part-sized buffer of the run comes from one
 * pool of max_workers buffers (see TransferContext.buffers).
 */
const PARTS_IN_FLIGHT = 4;
/** The executor's context for a run with these options in this environment; `extra` adds or overrides. */
function executeContext(options, env, extra = {}) {
    return {
        workdocs: env.workdocs,
        s3: env.s3,
        bucket: options.s3BucketName,
        partSize: options.partSizeBytes,
        multipartThreshold: options.multipartThresholdBytes,
        partsInFlight: PARTS_IN_FLIGHT,
        buffers: new BufferPool(Math.max(options.maxWorkers, PARTS_IN_FLIGHT), options.partSizeBytes),
        ...(env.httpAgent ? { httpAgent: env.httpAgent } : {}),
        ...(env.httpsAgent ? { httpsAgent: env.httpsAgent } : {}),
        ...(env.signal ? { signal: env.signal } : {}),
        maxWorkers: options.maxWorkers,
        archivePrefix: options.archivePrefix,
        objectSettings: options.objectSettings,
        sourceId: sourceIdOf(options),
        logger: env.logger,
        now: env.now,
        onRetry: (n, reason) => env.logger.log('warning', `download retry ${n}: ${reason}`),
        onResend: (n, reason) => env.logger.log('warning', `resend ${n} after damage on the way: ${reason}`),
        ...extra,
    };
}
/** Lists the plan as a dry run would report it: nothing executed. */
function plannedItems(plan) {
    return plan.actions.map((action) => {
        if (action.kind === 'skip')
            return toItem(action, 'done');
        if (action.kind === 'upload' && action.refused !== undefined)
            return toItem(action, 'blocked', { error: action.refused });
        if (isStaleAction(action) && plan.deletesBlocked)
            return toItem(action, 'blocked', { error: plan.deletesBlocked });
        return toItem(action, 'planned');
    });
}
/**
 * What executePlan reports for a plan of unchanged skips only (a no-op resync), without the executor's
 * per-run maps: the same items, in the same order, with the same debug lines.
 */
function unchangedItems(plan, logger) {
    return sortItems(plan.actions.map((action) => {
        if (action.kind !== 'skip' || action.reason !== 'unchanged')
            throw new Error(`not an unchanged skip: ${action.kind} ${action.key}`);
        logger.log('debug', `skip ${action.reason} ${JSON.stringify(action.key)}`);
        return toItem(action, 'done');
    }));
}
/**
 * `early`: uploads already made while the listing ran (see uploads-while-listing.ts), by key. A planned skip or upload of the
 * same version at that key is reported as that upload instead of being done (or retried) again.
 */
async function executePlan(plan, manifest, inventory, ctx, early = new Map()) {
    const items = [];
    const transfers = plan.actions.filter((a) => !isStaleAction(a));
    // Only an adopted object's listing is read (its ETag): not a map of every listed object, held while everything runs.
    const adopted = new Set(transfers.filter((a) => a.kind === 'skip' && a.reason === 'adopted').map((a) => a.key));
    const listed = new Map(adopted.size === 0 ? [] : inventory.filter((o) => adopted.has(o.key)).map((o) => [o.key, o]));
    const failedKeys = new Set();
    let done = 0;
    // Stage by stage: a write to a key waits for the copies that read it (plan() ordered them; most plans are one stage).
    for (const stage of stagesOf(transfers)) {
        await forEachConcurrently(stage, ctx.maxWorkers, async (action) => {
            const already = early.get(action.key);
            const item = already !== undefined && (action.kind === 'skip' || action.kind === 'upload') && already.versionId === action.doc.versionId
                ? already
                : await runTransfer(action, manifest, listed, ctx);
            if (item.outcome !== 'done')
                failedKeys.add(item.key);
            items.push(item);
            ctx.onItemDone?.(++done, transfers.length);
        });
    }
    // An early upload the plan keyed differently (a listing that repeated an id) still happened: report it.
    if (early.size > 0) {
        const reported = new Set(items);
        for (const item of early.values())
            if (!reported.has(item))
                items.push(item);
    }
    const stale = plan.actions.filter(isStaleAction);
    if (stale.length > 0)
        items.push(...await runStale(stale, plan.deletesBlocked, failedKeys, manifest, ctx));
    return { items: sortItems(items), manifest };
}
/** Carries out one transfer (with its retries); a failure is the returned item's outcome, never thrown. */
async function runTransfer(action, manifest, listed, ctx) {
    switch (action.kind) {
        case 'skip': {
            if (action.reason === 'adopted') {
                const object = listed.get(action.key);
                manifest.set(action.key, entryFor(action.doc, action.doc.md5 ?? (object && (listedMd5(object) ?? object.contentMd5)) ?? '', object?.etag));
            }
            ctx.logger.log('debug', `skip ${action.reason} ${JSON.stringify(action.key)}`);
            return toItem(action, 'done');
        }
        case 'marker':
            return attempt(action, ctx, async () => {
                await putFolderMarker(action.key, action.folderId, ctx);
                return {};
            });
        case 'copy': {
            // What the source holds, read before anything of this run could change it: its entry goes to the copy.
            const md5 = manifest.get(action.fromKey)?.md5 ?? action.doc.md5 ?? '';
            let changed = false;
            const item = await attempt(action, ctx, async () => {
                try {
                    const { etag } = await copyExact({ key: action.fromKey, size: action.doc.size, etag: action.fromEtag, md5 }, action.key, ctx);
                    manifest.set(action.key, entryFor(action.doc, md5, etag));
                }
                catch (error) {
                    if (!(error instanceof SourceChangedError))
                        throw error;
                    changed = true; // the source is no longer the version the plan saw: the upload below sets the key right
                }
                return {};
            });
            if (!changed)
                return item;
            ctx.logger.log('warning', `copy source changed ${describeAction(action)}: uploading from WorkDocs instead`);
            return runTransfer({ kind: 'upload', key: action.key, doc: action.doc, reason: 'renamed' }, manifest, listed, ctx);
        }
        case 'upload':
            if (action.refused !== undefined) {
                ctx.logger.log('warning', `upload refused ${describeAction(action)}: ${action.refused}`);
                return toItem(action, 'blocked', { error: action.refused });
            }
            return attempt(action, ctx, async () => {
                const result = await uploadDocument(action.doc, action.key, ctx);
                manifest.set(action.key, entryFor(action.doc, result.md5, result.etag));
                return { bytes: result.bytes };
            });
        default:
            throw new Error(`not a transfer: ${action.kind}`);
    }
}
/** Runs one transfer, retrying whole-file failures a few times; a final failure is a report item. */
async function attempt(action, ctx, work) {
    const attempts = ctx.fileAttempts ?? 3;
    for (let n = 1;; n++) {
        try {
            const { bytes } = await work();
            ctx.logger.log('info', `${action.kind} done ${describeAction(action)}${bytes !== undefined ? ` bytes=${bytes}` : ''}`);
            return toItem(action, 'done', bytes !== undefined ? { bytes } : {});
        }
        catch (error) {
            const message = describeError(error);
            if (error instanceof WriteRefusedError || ctx.signal?.reason instanceof WriteRefusedError) {
                // Started before the run knew it may write, and stopped before anything landed: not a failure to report.
                ctx.logger.log('debug', `${action.kind} stopped ${describeAction(action)}: ${describeError(ctx.signal?.reason ?? error)}`);
                return toItem(action, 'failed', { error: message });
            }
            // Stopped by the run's signal (a cancel, a lost lock) while the item would otherwise have gone on: not its failure.
            if (ctx.signal?.aborted && (isAbortOf(error, ctx.signal) || (n < attempts && isWorthRetrying(error)))) {
                ctx.logger.log('warning', `${action.kind} cancelled ${describeAction(action)}: ${describeError(ctx.signal.reason)}`);
                return toItem(action, 'cancelled', { error: describeError(ctx.signal.reason) });
            }
            if (ctx.signal?.aborted || n >= attempts || !isWorthRetrying(error)) {
                ctx.logger.log('error', `${action.kind} failed ${describeAction(action)}: ${message}`);
                return toItem(action, 'failed', { error: message });
            }
            ctx.logger.log('warning', `${action.kind} attempt ${n} failed ${describeAction(action)}: ${message}; retrying`);
            await sleep(fileRetryDelay(n), ctx.signal).catch(() => undefined);
        }
    }
}
/** The error is the signal's own abort (its reason, or the AbortError the SDK and fetch raise for it). */
function isAbortOf(error, signal) {
    return error === signal.reason || error?.name === 'AbortError';
}
/** A transient error, or bytes that did not match: a fresh download of the whole file may succeed. */
function isWorthRetrying(error) {
    return error instanceof IntegrityError || isTransientError(error);
}
async function runStale(stale, blocked, failedKeys, manifest, ctx) {
    if (blocked !== undefined) {
        ctx.logger.log('error', `not deleting ${stale.length} stale object(s): ${blocked}`);
        return stale.map((a) => toItem(a, 'blocked', { error: blocked }));
    }
    if (ctx.signal?.aborted)
        return stale.map((a) => toItem(a, 'cancelled', { error: `not run: ${describeError(ctx.signal?.reason ?? 'the run was interrupted')}` }));
    const items = [];
    // A stale object that is the source of a failed copy is the only S3 copy of that version: keep it.
    const runnable = [];
    for (const a of stale) {
        if (a.keptAt === undefined || !failedKeys.has(a.keptAt))
            runnable.push(a);
        else
            items.push(toItem(a, 'blocked', { error: `kept: ${a.keptAt} did not receive its version` }));
    }
    const archives = runnable.filter((a) => a.kind === 'archive');
    const deletes = runnable.filter((a) => a.kind === 'delete');
    if (archives.length > 0)
        await markArchiveArea(ctx);
    const outcomes = [
        ...await deleteKeys(ctx.s3, ctx.bucket, deletes.map((a) => a.key), ctx.signal),
        ...await archiveKeys(ctx, archives, ctx.maxWorkers),
    ];
    const byKey = new Map(runnable.map((a) => [a.key, a]));
    for (const outcome of outcomes) {
        const action = byKey.get(outcome.key);
        if (outcome.error === undefined) {
            manifest.delete(outcome.key);
            ctx.logger.log('info', `${action.kind} done ${describeAction(action)}`);
            items.push(toItem(action, 'done'));
        }
        else {
            ctx.logger.log('error', `${action.kind} failed ${describeAction(action)}: ${outcome.error}`);
            items.push(toItem(action, 'failed', { error: outcome.error }));
        }
    }
    return items;
}
function isStaleAction(action) {
    return action.kind === 'delete' || action.kind === 'archive';
}
/** Transfers grouped by plan stage, in order (see orderCopies). */
function stagesOf(transfers) {
    const stages = [];
    for (const action of transfers) {
        const stage = 'stage' in action && action.stage !== undefined ? action.stage : 0;
        (stages[stage] ??= []).push(action);
    }
    return stages.filter((s) => s !== undefined);
}
/**
 * Marks the archive area (its ARCHIVE_MARK object) before anything is moved there: a later run, even one without
 * archive_prefix or with its manifest lost, sees it in the listing and never takes archived objects for stale.
 */
async function markArchiveArea(ctx) {
    await putJsonObject(ctx.s3, ctx.bucket, `${ctx.archivePrefix ?? ''}${ARCHIVE_MARK}`, JSON.stringify({ format: 'workdocs-s3-sync/archive' }), ctx.signal ? { signal: ctx.signal } : {});
}
/** The entry for a key now holding `doc`; S3's ETag for it is recorded where it is not the MD5 (see ManifestEntry). */
function entryFor(doc, md5, etag) {
    const entry = { documentId: doc.id, versionId: doc.versionId, size: doc.size, md5 };
    return etag === undefined || etag === '' || etag === md5 ? entry : { ...entry, etag };
}
function describeAction(action) {
    const parts = [JSON.stringify(action.key)];
    if (action.kind === 'copy')
        parts.push(`from=${JSON.stringify(action.fromKey)}`);
    if (action.kind === 'archive')
        parts.push(`to=${JSON.stringify(action.toKey)}`);
    if ('reason' in action)
        parts.push(`reason=${action.reason}`);
    if ('doc' in action)
        parts.push(`document=${action.doc.id}`, `version=${action.doc.versionId}`);
    return parts.join(' ');
}
function toItem(action, outcome, extra = {}) {
    const doc = 'doc' in action ? action.doc : undefined;
    return {
        action: action.kind,
        key: action.key,
        outcome,
        reason: 'reason' in action ? action.reason : action.kind === 'marker' ? 'missing' : 'stale',
        ...(doc ? { documentId: doc.id, versionId: doc.versionId } : {}),
        ...(action.kind === 'copy' ? { fromKey: action.fromKey } : {}),
        ...(action.kind === 'archive' ? { toKey: action.toKey } : {}),
        ...(action.kind === 'upload' && outcome !== 'done' ? { bytes: action.doc.size } : {}),
        ...extra,
    };
}
const ORDER = { upload: 0, copy: 1, marker: 2, delete: 3, archive: 4, skip: 5, metadata: 6 };
function sortItems(items) {
    return items.sort((a, b) => ORDER[a.action] - ORDER[b.action] || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

// EXTERNAL MODULE: external "node:fs"
var external_node_fs_ = __webpack_require__(3024);
// EXTERNAL MODULE: external "node:os"
var external_node_os_ = __webpack_require__(8161);
// EXTERNAL MODULE: external "node:path"
var external_node_path_ = __webpack_require__(6760);
// EXTERNAL MODULE: external "node:readline"
var external_node_readline_ = __webpack_require__(481);
// EXTERNAL MODULE: external "node:stream/promises"
var promises_ = __webpack_require__(6466);
// EXTERNAL MODULE: external "node:zlib"
var external_node_zlib_ = __webpack_require__(8522);
;// CONCATENATED MODULE: ./lib/core/context-index.js
/**
 * The context of a mirror (issue 20): what WorkDocs knew about each document and folder besides its bytes —
 * comments, permissions, labels, custom metadata, creator, owner, times — as records, CSV rows and JSON Lines,
 * and the rule that decides which items must be asked about again. Pure: no I/O, no clock.
 *
 * One record per folder and per stored document version (the latest version; see docs/metadata.md). A record's
 * listing fields (path, key, size, times, labels…) come from this run's listing; its fetched fields (comments,
 * permissions, custom metadata, owner) from the requests made for it, or from the previous index when the
 * item did not change.
 */



const CONTEXT_STATE_FORMAT = 'workdocs-s3-sync/context-state';
const CONTEXT_STATE_VERSION = 1;
/** An empty fetched part: an item nobody has asked about yet. */
const NOTHING_FETCHED = { ownerId: '', customMetadata: {}, permissions: [] };
// ---------------------------------------------------------------------------------------------------
// Where it lives
/** `<prefix>.workdocs-s3-sync/index/`: the index files. */
function indexPrefix(prefix) {
    return `${prefix}${RESERVED_SEGMENT}/index/`;
}
const INDEX_FILES = {
    documents: 'documents.csv',
    folders: 'folders.csv',
    comments: 'comments.csv',
    permissions: 'permissions.csv',
    jsonl: 'index.jsonl',
    /** Every record (a header line, then the lines of index.jsonl; gzip): read by a run that writes the index. */
    records: 'records.jsonl.gz',
    /** The next run's one GET: a header line, then one short line per record (StateLine; gzip). */
    state: 'state.jsonl.gz',
};
function contextStateKey(prefix) {
    return indexPrefix(prefix) + INDEX_FILES.state;
}
function contextRecordsKey(prefix) {
    return indexPrefix(prefix) + INDEX_FILES.records;
}
/** 12 hex digits of an MD5: enough to tell two versions of one record apart. */
function shortHash(text) {
    return (0,external_node_crypto_.createHash)('md5').update(text).digest('hex').slice(0, 12);
}
/**
 * The listing fields of a record or an item, hashed: equal exactly when carrying the record over to that item
 * changes none of them (for an older version: its place only, see carriedOver in engine/context.ts).
 */
function fingerprintOf(item) {
    if (item.history === true)
        return shortHash(JSON.stringify([item.path, item.key]));
    return shortHash(JSON.stringify([item.type, item.path, item.key, item.created, item.modified, item.creatorId, item.labels,
        ...(item.type === 'document' ? [item.versionId ?? '', item.versionName ?? '', item.size ?? 0, item.md5 ?? '', item.contentType ?? ''] : [])]));
}
function stateLineOf(record, line) {
    return [identityOf(record), record.type === 'document' ? 'd' : 'f', fingerprintOf(record), record.complete ? 1 : 0, shortHash(record.contextVersionId ?? ''), shortHash(line)];
}
/** A state line, or undefined for one that is not (that item is then read again). */
function parseStateLine(line) {
    try {
        const value = JSON.parse(line);
        if (!Array.isArray(value) || value.length !== 6 || typeof value[0] !== 'string' || (value[1] !== 'd' && value[1] !== 'f'))
            return undefined;
        return value;
    }
    catch {
        return undefined;
    }
}
/**
 * needsFetch for a record known by its state line: the same rule, with the version its context was read for
 * compared by hash.
 */
function needsFetchByState(previous, current, refresh) {
    const type = previous[1] === 'd' ? 'document' : 'folder';
    if (refresh || previous[3] !== 1 || type !== current.type)
        return true;
    return current.type === 'document' && previous[4] !== shortHash(current.versionId ?? '');
}
/** `<prefix>.metadata/`: the sidecars, outside the browsable tree and outside what plan() sees. */
function sidecarAreaPrefix(prefix) {
    return `${prefix}${METADATA_SEGMENT}/`;
}
/** The sidecar of the document stored at `documentKey`: `<prefix>.metadata/<key relative to the prefix>.json`. */
function sidecarKey(prefix, documentKey) {
    return `${sidecarAreaPrefix(prefix)}${documentKey.slice(prefix.length)}.json`;
}
// ---------------------------------------------------------------------------------------------------
// Which items must be asked about
/**
 * Whether the comments, permissions and custom metadata of an item must be read this run: always with
 * `refresh`; else when no earlier record has them complete, or (documents) the stored version changed since
 * they were read — a new version has its own comments. A folder has no version: once read, it is read again
 * only on refresh (docs/metadata.md says so).
 */
function needsFetch(previous, current, refresh) {
    if (refresh || previous === undefined || !previous.complete || previous.type !== current.type)
        return true;
    return current.type === 'document' && previous.contextVersionId !== current.versionId;
}
/** The owner is the principal with the OWNER role (direct on a root or after a transfer, inherited below). */
function context_index_ownerOf(permissions) {
    return permissions.find((p) => p.role === 'OWNER' && !p.inherited)?.principalId ?? permissions.find((p) => p.role === 'OWNER')?.principalId ?? '';
}
/** A record from this run's listing and what was fetched for it (or carried over from the previous record). */
function recordOf(listed, fetched, complete) {
    // One fixed field order: a record that did not change serializes to the same line, run after run.
    const record = {
        type: listed.type,
        id: listed.id,
        path: listed.path,
        key: listed.key,
    };
    if (listed.history === true)
        record['history'] = true;
    if (listed.type === 'document') {
        record['versionId'] = listed.versionId ?? '';
        record['versionName'] = listed.versionName ?? '';
        record['size'] = listed.size ?? 0;
        record['md5'] = listed.md5 ?? '';
        record['contentType'] = listed.contentType ?? '';
    }
    record['created'] = listed.created;
    record['modified'] = listed.modified;
    record['creatorId'] = listed.creatorId;
    record['ownerId'] = fetched.ownerId;
    record['labels'] = [...listed.labels];
    record['customMetadata'] = sortedObject(fetched.customMetadata);
    if (listed.type === 'document') {
        record['contextVersionId'] = fetched.contextVersionId ?? '';
        record['versionCustomMetadata'] = sortedObject(fetched.versionCustomMetadata ?? {});
        record['comments'] = [...(fetched.comments ?? [])];
    }
    record['permissions'] = [...fetched.permissions];
    record['complete'] = complete;
    return record;
}
/**
 * What identifies a record from run to run: the folder's or document's id, and for an older version
 * (`versions: all`) the document id and that version's id.
 */
function identityOf(item) {
    return item.history === true ? `${item.id}@${item.versionId ?? ''}` : item.id;
}
/** The fetched part of a record, to carry it into this run's record of the same item. */
function fetchedPartOf(record) {
    return {
        ...(record.contextVersionId !== undefined ? { contextVersionId: record.contextVersionId } : {}),
        ownerId: record.ownerId ?? '',
        customMetadata: record.customMetadata ?? {},
        ...(record.versionCustomMetadata !== undefined ? { versionCustomMetadata: record.versionCustomMetadata } : {}),
        ...(record.comments !== undefined ? { comments: record.comments } : {}),
        permissions: record.permissions ?? [],
    };
}
function sortedObject(values) {
    return Object.fromEntries(Object.entries(values).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
/** Usernames this record names (comment authors), to name principals in other records. */
function namesIn(record, into) {
    for (const c of record.comments ?? [])
        if (c.authorId !== '' && c.authorName !== '')
            into.set(c.authorId, c.authorName);
    for (const p of record.permissions)
        if (p.principalId !== '' && p.principalName !== '')
            into.set(p.principalId, p.principalName);
}
/** Permissions with the names this run knows filled in where WorkDocs gave none. */
function namedPermissions(permissions, names) {
    return permissions.map((p) => (p.principalName === '' && names.has(p.principalId) ? { ...p, principalName: names.get(p.principalId) } : p));
}
function stateHeaderLine(header) {
    return JSON.stringify({ format: CONTEXT_STATE_FORMAT, version: CONTEXT_STATE_VERSION, ...header });
}
/** The header, or why the state cannot be used (then every item is read again, and the index written afresh). */
function parseStateHeader(line) {
    let value;
    try {
        value = JSON.parse(line);
    }
    catch {
        return 'its first line is not JSON';
    }
    const header = value;
    if (header === null || typeof header !== 'object' || header.format !== CONTEXT_STATE_FORMAT)
        return 'it is not a context state';
    if (header.version !== CONTEXT_STATE_VERSION)
        return `its version ${String(header.version)} is not ${CONTEXT_STATE_VERSION}`;
    if (typeof header.rootFolderId !== 'string' || (header.metadata !== 'index' && header.metadata !== 'sidecars'))
        return 'its header is incomplete';
    return header;
}
/** One record line, or undefined for a line that is not one (skipped: that item is read again). */
function parseRecordLine(line) {
    try {
        const value = JSON.parse(line);
        if (value === null || typeof value !== 'object' || (value.type !== 'document' && value.type !== 'folder') || typeof value.id !== 'string' || typeof value.key !== 'string')
            return undefined;
        if (!Array.isArray(value.permissions) || typeof value.complete !== 'boolean')
            return undefined;
        return value;
    }
    catch {
        return undefined;
    }
}
// ---------------------------------------------------------------------------------------------------
// CSV (RFC 4180, UTF-8)
/** Excel reads a UTF-8 CSV as UTF-8 only with a byte order mark; other readers skip it. */
const CSV_BOM = '\uFEFF';
/**
 * One CSV cell. Text that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab or a
 * carriage return: OWASP's list) gets a leading apostrophe, which spreadsheets show as text. Numbers and booleans are
 * written as they are. A cell with a comma, a double quote, a line break or an edge space is quoted, its quotes doubled.
 */
function csvCell(value) {
    if (value === undefined)
        return '';
    if (typeof value !== 'string')
        return String(value);
    const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
/** One CSV line, CRLF-terminated as RFC 4180 says. */
function csvLine(cells) {
    return cells.map(csvCell).join(',') + '\r\n';
}
const DOCUMENT_COLUMNS = ['path', 'key', 'document_id', 'version_id', 'version_name', 'size', 'md5', 'content_type', 'created', 'modified',
    'creator_id', 'owner_id', 'labels', 'custom_metadata', 'version_custom_metadata', 'comments', 'complete', 'latest'];
const FOLDER_COLUMNS = ['path', 'key', 'folder_id', 'created', 'modified', 'creator_id', 'owner_id', 'labels', 'custom_metadata', 'complete'];
const COMMENT_COLUMNS = ['path', 'key', 'document_id', 'version_id', 'thread_id', 'comment_id', 'parent_id', 'author_id', 'author_name', 'created',
    'visibility', 'status', 'recipient_id', 'text'];
const PERMISSION_COLUMNS = ['resource_type', 'path', 'key', 'resource_id', 'principal_id', 'principal_type', 'principal_name', 'role', 'inherited'];
/** Labels in one cell: `;`-separated (WorkDocs labels hold no `;`). */
function labelsCell(labels) {
    return labels.join(';');
}
function metadataCell(values) {
    return values === undefined || Object.keys(values).length === 0 ? '' : JSON.stringify(values);
}
/** The CSV lines one record contributes to each file (documents.csv or folders.csv, comments.csv, permissions.csv). */
function csvLinesOf(record) {
    const item = record.type === 'document'
        ? csvLine([record.path, record.key, record.id, record.versionId, record.versionName, record.size, record.md5, record.contentType, record.created, record.modified,
            record.creatorId, record.ownerId, labelsCell(record.labels), metadataCell(record.customMetadata), metadataCell(record.versionCustomMetadata),
            record.comments?.length ?? 0, record.complete, record.history !== true])
        : csvLine([record.path, record.key, record.id, record.created, record.modified, record.creatorId, record.ownerId, labelsCell(record.labels),
            metadataCell(record.customMetadata), record.complete]);
    let comments = '';
    for (const c of record.comments ?? []) {
        comments += csvLine([record.path, record.key, record.id, record.contextVersionId, c.threadId, c.commentId, c.parentId, c.authorId, c.authorName, c.created,
            c.visibility, c.status, c.recipientId, c.text]);
    }
    let permissions = '';
    for (const p of record.permissions) {
        permissions += csvLine([record.type, record.path, record.key, record.id, p.principalId, p.principalType, p.principalName, p.role, p.inherited]);
    }
    return { item, comments, permissions };
}
/** ISO 8601 UTC of epoch milliseconds; '' for none. */
function isoTime(ms) {
    return ms === undefined || !Number.isFinite(ms) || ms <= 0 ? '' : new Date(ms).toISOString();
}
/**
 * The listing's side of every record, by item id: each ListedItem is built when asked for (100,000 of them at
 * once would cost tens of MB). Items without a key (unreachable) and the tool's virtual folders have none.
 */
class ContextListing {
    tree;
    folderKeys;
    documentKeys;
    folders;
    documents;
    paths;
    /** Older versions (`versions: all`) by identity, with their history keys. */
    versions;
    /**
     * `sameKey`: the equal key string the run already holds (its listing's, its plan's), so that the history keys
     * computed here are not a second copy of each.
     */
    constructor(tree, folderKeys, documentKeys, prefix, sameKey = (key) => key) {
        this.tree = tree;
        this.folderKeys = folderKeys;
        this.documentKeys = documentKeys;
        this.folders = new Map(tree.folders.map((f) => [f.id, f]));
        this.documents = new Map(tree.documents.map((d) => [d.id, d]));
        this.paths = new Map([[tree.rootId, '']]);
        this.versions = new Map(historyKeys(tree.versions ?? [], documentKeys, prefix).map(([v, key]) => [identityOf({ id: v.id, history: true, versionId: v.versionId }), [v, sameKey(key)]]));
    }
    /** Every id with a record, folders first, each group in key order. */
    ids() {
        const keyed = (ids, keys) => {
            const out = [];
            for (const id of ids) {
                const key = keys.get(id);
                if (key !== undefined)
                    out.push([id, key]);
            }
            return out.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
        };
        const folders = [...this.folders.values()].filter((f) => f.fixedSegment === undefined).map((f) => f.id);
        const versions = [...this.versions].map(([id, [, key]]) => [id, key]);
        return [...keyed(folders, this.folderKeys), ...keyed(this.documents.keys(), this.documentKeys), ...versions].map(([id]) => id);
    }
    /**
     * The listing's own string equal to an identity (identityOf), or undefined when no item has it: a caller that keeps
     * the identities it read (a state of 150,000 lines) then holds no copy of its own.
     */
    heldIdentity(id) {
        this.versionIdentities ??= new Map([...this.versions.keys()].map((identity) => [identity, identity]));
        return this.versionIdentities.get(id) ?? this.documents.get(id)?.id ?? this.folders.get(id)?.id;
    }
    versionIdentities;
    keys;
    /** Whether an item of this listing has `key` (built on first use: most runs never ask). */
    hasKey(key) {
        this.keys ??= new Set([...this.folderKeys.values(), ...this.documentKeys.values(), ...[...this.versions.values()].map(([, k]) => k)]);
        return this.keys.has(key);
    }
    /** The item of an identity (identityOf): a folder, a document's latest version, or an older version. */
    item(id) {
        const older = this.versions.get(id);
        if (older !== undefined) {
            const [v, key] = older;
            const folder = this.pathOf(v.parentId);
            const latest = this.documents.get(v.id);
            const name = latest?.name ?? v.name;
            return {
                type: 'document', id: v.id, path: folder === '' ? name : `${folder}/${name}`, key, history: true, versionId: v.versionId, versionName: v.name, size: v.size,
                md5: v.md5 ?? '', contentType: v.contentType ?? '', created: isoTime(v.createdAt), modified: isoTime(v.modifiedAt), creatorId: latest?.creatorId ?? '', labels: latest?.labels ?? [],
            };
        }
        const d = this.documents.get(id);
        if (d !== undefined) {
            const key = this.documentKeys.get(id);
            if (key === undefined)
                return undefined;
            const folder = this.pathOf(d.parentId);
            return {
                type: 'document', id: d.id, path: folder === '' ? d.name : `${folder}/${d.name}`, key, versionId: d.versionId, versionName: d.name, size: d.size,
                md5: d.md5 ?? '', contentType: d.contentType ?? '', created: isoTime(d.createdAt), modified: isoTime(d.modifiedAt), creatorId: d.creatorId ?? '', labels: d.labels ?? [],
            };
        }
        const f = this.folders.get(id);
        const key = this.folderKeys.get(id);
        if (f === undefined || key === undefined || f.fixedSegment !== undefined)
            return undefined;
        return { type: 'folder', id: f.id, path: this.pathOf(f.id), key, created: isoTime(f.createdAt), modified: isoTime(f.modifiedAt), creatorId: f.creatorId ?? '', labels: f.labels ?? [] };
    }
    pathOf(folderId) {
        const known = this.paths.get(folderId);
        if (known !== undefined)
            return known;
        // Iterative: a deep tree must not exhaust the stack.
        const chain = [];
        let id = folderId;
        while (id !== null && !this.paths.has(id)) {
            chain.push(id);
            id = this.folders.get(id)?.parentId ?? null;
        }
        let path = id === null ? '' : this.paths.get(id);
        for (const f of chain.reverse()) {
            const name = this.folders.get(f)?.name ?? '';
            path = path === '' ? name : `${path}/${name}`;
            this.paths.set(f, path);
        }
        return path;
    }
}

;// CONCATENATED MODULE: ./lib/file-writer.js
/**
 * Appends text to an open file through one fixed 64 KiB buffer, with synchronous writes. Writing many small
 * pieces (report items, log lines) this way allocates nothing per piece beyond the piece itself: no joined
 * batch strings (a string over 128 KiB is a V8 "large object", and tens of MB of those pile up before a GC
 * frees them) and no Buffer per piece queued behind a write stream.
 */

const WRITE_BUFFER_BYTES = 64 * 1024;
class BufferedFileWriter {
    fd;
    buffer = Buffer.allocUnsafe(WRITE_BUFFER_BYTES);
    used = 0;
    constructor(fd) {
        this.fd = fd;
    }
    /** Bytes waiting in the buffer. */
    get pending() {
        return this.used;
    }
    write(text) {
        const bytes = Buffer.byteLength(text, 'utf8');
        if (bytes > this.buffer.length - this.used)
            this.flush();
        if (bytes > this.buffer.length) {
            writeAll(this.fd, Buffer.from(text, 'utf8'));
            return;
        }
        this.used += this.buffer.write(text, this.used, 'utf8');
    }
    /** Writes what the buffer holds. */
    flush() {
        if (this.used === 0)
            return;
        const used = this.used;
        this.used = 0;
        writeAll(this.fd, this.buffer.subarray(0, used));
    }
}
function writeAll(fd, bytes) {
    for (let offset = 0; offset < bytes.length;)
        offset += (0,external_node_fs_.writeSync)(fd, bytes, offset);
}

// EXTERNAL MODULE: external "node:fs/promises"
var external_node_fs_promises_ = __webpack_require__(1455);
;// CONCATENATED MODULE: ./lib/s3/context-store.js
/**
 * The metadata index's S3 calls: the GET of a stored state or records object (streamed to a local file, never
 * whole in memory), the PUT of each index file (from a local file, with Content-MD5: it lands whole or not at
 * all), and the PUT of one sidecar.
 */










/**
 * GETs one object of the index into the local file `file` (created, or truncated), as its body arrives: the body
 * is never collected in memory, the engine decodes the file line by line. A missing object creates no file; a GET
 * or a body that fails (or an abort) removes what was written of it, and throws.
 */
async function readContextState(s3, bucket, key, file, signal) {
    let body;
    try {
        const out = await s3.send(new client_s3_dist_cjs.GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: signal });
        body = out.Body === undefined ? external_node_stream_.Readable.from([]) : out.Body instanceof external_node_stream_.Readable ? out.Body : external_node_stream_.Readable.fromWeb(out.Body.transformToWebStream());
    }
    catch (error) {
        if (isMissingObject(error))
            return { state: 'missing' };
        throw error;
    }
    let target;
    try {
        target = await (0,external_node_fs_promises_.open)(file, 'w');
        // pipeline destroys the body on any failure (or abort): no connection is left half read.
        const writing = target.createWriteStream();
        await (signal ? (0,promises_.pipeline)(body, writing, { signal }) : (0,promises_.pipeline)(body, writing));
        return { state: 'found', file, bytes: (await (0,external_node_fs_promises_.stat)(file)).size };
    }
    catch (error) {
        body.destroy();
        await target?.close();
        await (0,external_node_fs_promises_.rm)(file, { force: true });
        throw error;
    }
    finally {
        await target?.close(); // closed by its stream already, but not on every path
    }
}
/** Sends of one file before it counts as failed (each already retried by the SDK where it can). */
const PUT_ATTEMPTS = 3;
/** PUTs a local file (its MD5 known from writing it) as one object; a body refused as damaged is sent again. */
async function putFile(s3, bucket, key, file, signal) {
    const { size } = await (0,external_node_fs_promises_.stat)(file.path);
    for (let attempt = 1;; attempt++) {
        try {
            await s3.send(new client_s3_dist_cjs.PutObjectCommand({
                Bucket: bucket,
                Key: key,
                Body: (0,external_node_fs_.createReadStream)(file.path),
                ContentLength: size,
                ContentMD5: file.md5.toString('base64'),
                ContentType: file.contentType,
            }), { abortSignal: signal });
            return size;
        }
        catch (error) {
            if (attempt >= PUT_ATTEMPTS || signal?.aborted || !isTransientError(error))
                throw error;
            await sleep(backoffDelay(attempt), signal);
        }
    }
}
/** One sidecar: a small JSON object beside the mirror, stored like the mirrored objects (class, tags). */
async function putSidecar(s3, bucket, key, body, settings, signal) {
    const bytes = Buffer.from(body, 'utf8');
    await s3.send(new client_s3_dist_cjs.PutObjectCommand({
        ...writeParameters(settings),
        Bucket: bucket,
        Key: key,
        Body: bytes,
        ContentLength: bytes.length,
        ContentMD5: contentMd5(bytes),
        ContentType: 'application/json',
    }), { abortSignal: signal });
}
/** MD5 of bytes, for callers that hash while writing. */
function md5Hasher() {
    const hash = createHash('md5');
    return { update: (chunk) => void hash.update(chunk), digest: () => hash.digest() };
}

;// CONCATENATED MODULE: ./lib/workdocs/context.js
/**
 * Reads the context of one document or folder from WorkDocs (metadata index, issue 20): its comments
 * (DescribeComments of the stored version, every page), its permissions (DescribeResourcePermissions, every page)
 * and its custom metadata (GetDocument / GetFolder, and GetDocumentVersion for the version's own, with
 * IncludeCustomMetadata). Each request is retried by the client's strategy; a part that still fails is named in
 * `errors` and the parts that were read are returned all the same.
 */



/** Comments, permissions and custom metadata of a document's stored version. */
async function readDocumentContext(client, documentId, versionId, signal) {
    let requests = 0;
    const errors = [];
    const part = async (name, read, none) => {
        try {
            return await read();
        }
        catch (error) {
            if (signal?.aborted)
                throw error;
            errors.push(`${name}: ${describeError(error)}`);
            return none;
        }
    };
    const [comments, permissions, customMetadata, versionCustomMetadata] = await Promise.all([
        part('comments', async () => {
            const read = await readComments(client, documentId, versionId);
            requests += read.pages;
            return read.comments;
        }, []),
        part('permissions', async () => {
            const read = await readPermissions(client, documentId, signal);
            requests += read.pages;
            return read.permissions;
        }, []),
        part('custom metadata', async () => {
            requests++;
            const out = await client.send(new dist_cjs.GetDocumentCommand({ DocumentId: documentId, IncludeCustomMetadata: true }), { abortSignal: signal });
            return out.CustomMetadata ?? {};
        }, {}),
        part('version custom metadata', async () => {
            requests++;
            const out = await client.send(new dist_cjs.GetDocumentVersionCommand({ DocumentId: documentId, VersionId: versionId, IncludeCustomMetadata: true }), { abortSignal: signal });
            return out.CustomMetadata ?? {};
        }, {}),
    ]);
    return {
        fetched: { contextVersionId: versionId, ownerId: context_index_ownerOf(permissions), customMetadata, versionCustomMetadata, comments, permissions },
        errors,
        requests,
    };
}
/**
 * Comments and custom metadata of an older version (`versions: all`): the document's permissions and custom
 * metadata are its latest version's record's.
 */
async function readVersionContext(client, documentId, versionId, signal) {
    let requests = 0;
    const errors = [];
    const [comments, versionCustomMetadata] = await Promise.all([
        readComments(client, documentId, versionId).then((read) => {
            requests += read.pages;
            return read.comments;
        }, (error) => {
            if (signal?.aborted)
                throw error;
            errors.push(`comments: ${describeError(error)}`);
            return [];
        }),
        (async () => {
            requests++;
            const out = await client.send(new dist_cjs.GetDocumentVersionCommand({ DocumentId: documentId, VersionId: versionId, IncludeCustomMetadata: true }), { abortSignal: signal });
            return out.CustomMetadata ?? {};
        })().catch((error) => {
            if (signal?.aborted)
                throw error;
            errors.push(`version custom metadata: ${describeError(error)}`);
            return {};
        }),
    ]);
    return { fetched: { contextVersionId: versionId, ownerId: '', customMetadata: {}, versionCustomMetadata, comments, permissions: [] }, errors, requests };
}
async function readComments(client, documentId, versionId) {
    const comments = [];
    let pages = 0;
    for await (const page of (0,dist_cjs.paginateDescribeComments)({ client, pageSize: 999 }, { DocumentId: documentId, VersionId: versionId, Limit: 999 })) {
        pages++;
        for (const c of page.Comments ?? [])
            comments.push(commentOf(c));
    }
    return { comments, pages };
}
/** Permissions and custom metadata of a folder. */
async function readFolderContext(client, folderId, signal) {
    let requests = 0;
    const errors = [];
    const [permissions, customMetadata] = await Promise.all([
        readPermissions(client, folderId, signal).then((read) => {
            requests += read.pages;
            return read.permissions;
        }, (error) => {
            if (signal?.aborted)
                throw error;
            errors.push(`permissions: ${describeError(error)}`);
            return [];
        }),
        (async () => {
            requests++;
            const out = await client.send(new dist_cjs.GetFolderCommand({ FolderId: folderId, IncludeCustomMetadata: true }), { abortSignal: signal });
            return out.CustomMetadata ?? {};
        })().catch((error) => {
            if (signal?.aborted)
                throw error;
            errors.push(`custom metadata: ${describeError(error)}`);
            return {};
        }),
    ]);
    return { fetched: { ownerId: context_index_ownerOf(permissions), customMetadata, permissions }, errors, requests };
}
async function readPermissions(client, resourceId, signal) {
    const permissions = [];
    let pages = 0;
    for await (const page of (0,dist_cjs.paginateDescribeResourcePermissions)({ client, pageSize: 999 }, { ResourceId: resourceId, Limit: 999 })) {
        if (signal?.aborted)
            throw signal.reason ?? new Error('aborted');
        pages++;
        for (const p of page.Principals ?? [])
            permissions.push(...permissionsOf(p));
    }
    return { permissions, pages };
}
/** One row per role: a principal that is both CONTRIBUTOR (inherited) and COOWNER (direct) gives two. */
function permissionsOf(p) {
    return (p.Roles ?? []).map((r) => ({
        principalId: p.Id ?? '',
        principalType: p.Type ?? '',
        principalName: '',
        role: r.Role ?? '',
        inherited: r.Type === 'INHERITED',
    }));
}
function commentOf(c) {
    const id = c.CommentId ?? '';
    return {
        commentId: id,
        threadId: c.ThreadId ?? id,
        parentId: c.ParentId ?? '',
        authorId: c.Contributor?.Id ?? '',
        authorName: c.Contributor?.Username ?? '',
        created: isoTime(c.CreatedTimestamp?.getTime()),
        text: c.Text ?? '',
        visibility: c.Visibility ?? '',
        status: c.Status ?? '',
        recipientId: c.RecipientId ?? '',
    };
}

;// CONCATENATED MODULE: ./lib/workdocs/list.js
/**
 * Lists a WorkDocs folder tree: breadth-first, many folders at once (bounded), every page of every folder.
 * Only ACTIVE folders and documents whose latest version is ACTIVE are kept, as the service shows them (in a
 * recycle bin, its RECYCLED items and what is below them).
 */



/** Reads the root folder; a missing or inaccessible id is bad input (exit 2), checked before anything else. */
async function getRootFolder(client, folderId, signal) {
    try {
        const out = await client.send(new dist_cjs.GetFolderCommand({ FolderId: folderId }), { abortSignal: signal });
        if (!out.Metadata?.Id)
            throw new InputError('workdocs_folder_id', `WorkDocs returned no folder for ${folderId}`);
        if (out.Metadata.ResourceState !== undefined && out.Metadata.ResourceState !== 'ACTIVE') {
            throw new InputError('workdocs_folder_id', `folder ${folderId} is ${out.Metadata.ResourceState}, not ACTIVE`);
        }
        return out.Metadata;
    }
    catch (error) {
        const name = errorName(error);
        if (name === 'EntityNotExistsException' || name === 'UnauthorizedResourceAccessException' || name === 'InvalidArgumentException') {
            throw new InputError('workdocs_folder_id', `folder ${folderId} does not exist or is not accessible (${describeError(error)})`, { cause: error });
        }
        throw error;
    }
}
async function listTree(client, root, options) {
    const rootId = root.Id;
    const { folders, documents, errors, pages } = await listFolders(client, [{ id: rootId }], options);
    return { tree: { rootId, folders, documents }, rootName: root.Name ?? '', errors, pages };
}
/** Lists the trees below `starts` breadth-first, with at most `options.concurrency` requests in flight in all. */
async function listFolders(client, starts, options) {
    const folders = [];
    const documents = [];
    const errors = [];
    const limit = (0,p_limit/* default */.A)(Math.max(1, options.concurrency));
    let pages = 0;
    let listed = 0;
    /** Reads every page of one folder; returns its sub-folders (none when the folder failed). */
    const readFolder = async (folderId, shown) => {
        const childFolders = [];
        const childDocuments = [];
        try {
            // Each page request is retried by the client's strategy (throttling, 5xx, 424).
            const pager = (0,dist_cjs.paginateDescribeFolderContents)({ client, pageSize: 999 }, { FolderId: folderId, Limit: 999 });
            for await (const page of pager) {
                if (options.signal?.aborted)
                    throw options.signal.reason ?? new Error('aborted');
                pages++;
                for (const folder of page.Folders ?? []) {
                    const item = toFolder(folder, folderId, shown);
                    if (item) {
                        folders.push(item);
                        childFolders.push(item);
                    }
                }
                for (const document of page.Documents ?? []) {
                    const item = toDocument(document, folderId, shown);
                    if (item) {
                        documents.push(item);
                        childDocuments.push(item);
                    }
                }
            }
        }
        catch (error) {
            errors.push({ folderId, message: describeError(error) });
            return [];
        }
        listed++;
        options.onFolder?.(listed, documents.length);
        options.onFolderListed?.(folderId, childFolders, childDocuments);
        return childFolders.map((f) => f.id);
    };
    // A folder holds a slot only while its own pages are read, never while its children wait for slots: a parent
    // that waited inside the limiter for children queued behind it would deadlock any tree with more branch
    // folders than slots. Children are queued as soon as their parent is read, so the tree is listed
    // breadth-first with at most `concurrency` requests in flight.
    const listFolder = async (folderId, shown = 'ACTIVE') => {
        const children = await limit(() => readFolder(folderId, shown));
        await Promise.all(children.map((id) => listFolder(id)));
    };
    await Promise.all(starts.map((start) => listFolder(start.id, start.childrenState)));
    return { folders, documents, errors, pages };
}
/** `shown`: the state an item of this listing has (RECYCLED directly in a recycle bin, else ACTIVE). */
function toFolder(folder, parentId, shown = 'ACTIVE') {
    if (!folder.Id || (folder.ResourceState !== undefined && folder.ResourceState !== shown))
        return undefined;
    return { id: folder.Id, name: folder.Name ?? '', parentId, createdAt: folder.CreatedTimestamp?.getTime() ?? 0, ...listedContext(folder, folder.ModifiedTimestamp?.getTime()) };
}
function toDocument(document, parentId, shown = 'ACTIVE') {
    const version = document.LatestVersionMetadata;
    if (!document.Id || !version?.Id)
        return undefined;
    if (document.ResourceState !== undefined && document.ResourceState !== shown)
        return undefined;
    if (version.Status !== undefined && version.Status !== 'ACTIVE')
        return undefined;
    const md5 = version.Signature && /^[0-9a-fA-F]{32}$/.test(version.Signature) ? version.Signature.toLowerCase() : undefined;
    const contentModifiedAt = (version.ContentModifiedTimestamp ?? version.CreatedTimestamp)?.getTime();
    return {
        id: document.Id,
        parentId,
        name: version.Name ?? '',
        createdAt: document.CreatedTimestamp?.getTime() ?? 0,
        modifiedAt: document.ModifiedTimestamp?.getTime() ?? version.ModifiedTimestamp?.getTime() ?? 0,
        versionId: version.Id,
        size: version.Size ?? 0,
        md5,
        contentType: version.ContentType ? sharedContentType(version.ContentType) : undefined,
        ...(contentModifiedAt !== undefined && Number.isSafeInteger(contentModifiedAt) ? { contentModifiedAt } : {}),
        ...listedContext(document),
    };
}
/** The metadata index's fields the listing already gives (creator, labels): no request of their own. */
function listedContext(item, modifiedAt) {
    return {
        ...(item.CreatorId ? { creatorId: sharedCreatorId(item.CreatorId) } : {}),
        ...(item.Labels && item.Labels.length > 0 ? { labels: item.Labels } : {}),
        ...(modifiedAt !== undefined ? { modifiedAt } : {}),
    };
}
/** A site has few creators: one string per creator id, not one per document (as for content types below). */
const creatorIds = new Map();
function sharedCreatorId(value) {
    const known = creatorIds.get(value);
    if (known !== undefined)
        return known;
    if (creatorIds.size < 10_000)
        creatorIds.set(value, value);
    return value;
}
/** One string per distinct content type, not one per document (100,000 copies of a few values otherwise). */
const contentTypes = new Map();
function sharedContentType(value) {
    const known = contentTypes.get(value);
    if (known !== undefined)
        return known;
    if (contentTypes.size < 1000)
        contentTypes.set(value, value);
    return value;
}

;// CONCATENATED MODULE: ./lib/workdocs/site.js
/**
 * A whole WorkDocs site as one tree: a virtual root whose id is the organization id, each user's root folder as
 * a child folder named by the username, and with the recycle bins a virtual `.recycle-bin` folder holding each
 * user's bin, again named by the username. plan() and the key rules see an ordinary tree: keys are
 * `<prefix><username>/…` and `<prefix>.recycle-bin/<username>/…`, with the usual encoding.
 */




/** The fixed id of the virtual folder that holds the users' recycle bins (no WorkDocs id contains `#`). */
function recycleBinAreaId(organizationId) {
    return `${organizationId}#recycle-bin`;
}
/**
 * Every user of the organization, of every status, that has a root folder (DescribeUsers with Include=ALL, every
 * page). An organization WorkDocs does not know, or does not let us read, is bad input (exit 2).
 */
async function describeSiteUsers(client, organizationId, signal) {
    const users = [];
    let pages = 0;
    try {
        const pager = (0,dist_cjs.paginateDescribeUsers)({ client, pageSize: 999 }, { OrganizationId: organizationId, Include: 'ALL', Limit: 999 });
        for await (const page of pager) {
            if (signal?.aborted)
                throw signal.reason ?? new Error('aborted');
            pages++;
            for (const user of page.Users ?? []) {
                const found = toSiteUser(user);
                if (found)
                    users.push(found);
            }
        }
    }
    catch (error) {
        const name = errorName(error);
        if (name === 'EntityNotExistsException' || name === 'UnauthorizedResourceAccessException' || name === 'UnauthorizedOperationException' || name === 'InvalidArgumentException') {
            throw new InputError('workdocs_organization_id', `organization ${organizationId} does not exist or its users cannot be listed (${describeError(error)})`, { cause: error });
        }
        throw error;
    }
    return { users, pages };
}
/** A user without a root folder has no content to mirror. */
function toSiteUser(user) {
    if (!user.Id || !user.Username || !user.RootFolderId)
        return undefined;
    return {
        id: user.Id,
        username: user.Username,
        status: user.Status ?? 'ACTIVE',
        rootFolderId: user.RootFolderId,
        recycleBinFolderId: user.RecycleBinFolderId || undefined,
        createdAt: user.CreatedTimestamp?.getTime() ?? 0,
    };
}
/** The virtual levels of the site's tree (the users' roots, the bin area, the users' bins) and the folders to list below them. */
function siteFolders(site) {
    const { organizationId } = site;
    const top = site.users.map((u) => ({ id: u.rootFolderId, name: u.username, parentId: organizationId, createdAt: u.createdAt }));
    const starts = site.users.map((u) => ({ id: u.rootFolderId }));
    const bins = [];
    if (site.includeRecycleBin) {
        const area = recycleBinAreaId(organizationId);
        // The area's key segment is the reserved one itself: a user named `.recycle-bin` is escaped at the top level.
        top.push({ id: area, name: RECYCLE_BIN_SEGMENT, fixedSegment: RECYCLE_BIN_SEGMENT, parentId: organizationId, createdAt: 0 });
        for (const u of site.users) {
            if (u.recycleBinFolderId === undefined)
                continue;
            bins.push({ id: u.recycleBinFolderId, name: u.username, parentId: area, createdAt: u.createdAt });
            starts.push({ id: u.recycleBinFolderId, childrenState: 'RECYCLED' });
        }
    }
    return { top, bins, starts };
}
/**
 * Lists every user's tree (and bin), all under one concurrency limit. A root or bin that cannot be listed is a
 * listing error like any folder's: the run goes on and deletes nothing.
 */
async function listSite(client, site, options) {
    const { top, bins, starts } = siteFolders(site);
    // The virtual levels are "read" first, so uploads that start while listing know their keys.
    options.onFolderListed?.(site.organizationId, top, []);
    if (site.includeRecycleBin)
        options.onFolderListed?.(recycleBinAreaId(site.organizationId), bins, []);
    const listed = await listFolders(client, starts, options);
    return {
        tree: { rootId: site.organizationId, folders: [...top, ...bins, ...listed.folders], documents: listed.documents },
        rootName: '',
        errors: listed.errors,
        pages: listed.pages,
    };
}

;// CONCATENATED MODULE: ./lib/engine/report.js
/** Builds the run's report from its items, and the few lines of text a person reads at the end. */





function totalsOf(items) {
    const totals = { uploaded: 0, copied: 0, skipped: 0, deleted: 0, archived: 0, markers: 0, failed: 0, cancelled: 0, bytes: 0 };
    for (const item of items) {
        if (item.outcome === 'failed') {
            totals.failed++;
            continue;
        }
        if (item.outcome === 'cancelled') {
            totals.cancelled++;
            continue;
        }
        if (item.outcome !== 'done')
            continue;
        switch (item.action) {
            case 'upload':
                totals.uploaded++;
                totals.bytes += item.bytes ?? 0;
                break;
            case 'copy':
                totals.copied++;
                break;
            case 'skip':
                totals.skipped++;
                break;
            case 'delete':
                totals.deleted++;
                break;
            case 'archive':
                totals.archived++;
                break;
            case 'marker':
                totals.markers++;
                break;
        }
    }
    return totals;
}
/**
 * The counts a person (or a later step) wants: what was done, or in a dry run what would be done (the
 * engine's totals count only what was done, which in a dry run is nothing).
 */
function effectiveTotals(report) {
    if (!report.dryRun)
        return report.totals;
    return totalsOf(report.items.map((item) => (item.outcome === 'planned' ? { ...item, outcome: 'done' } : item)));
}
/**
 * The per-user areas, in the order they nest in a key: a sidecar holds a document's or a version's key, a version a
 * document's, and a recycled document's key starts with the bin (`.metadata/.history/.recycle-bin/<user>/…`).
 */
const PER_USER_AREAS = [METADATA_SEGMENT, HISTORY_SEGMENT, RECYCLE_BIN_SEGMENT];
/** The user an item of a site run belongs to: its key's top-level segment decoded (the one after the per-user areas). */
function userOfKey(key, prefix) {
    if (!key.startsWith(prefix))
        return undefined;
    const segments = key.slice(prefix.length).split('/');
    // Each area at most once and in order: a user named `.recycle-bin` keeps that name inside the bin (`.recycle-bin/.recycle-bin/…`).
    let at = 0;
    for (const area of PER_USER_AREAS)
        if (segments[at] === area)
            at++;
    // A file directly under the prefix, or an item relocated there for length, names no user.
    if (segments.length < at + 2 || segments[at] === '' || segments[at].startsWith(RELOCATED_MARK) || segments[0] === RESERVED_SEGMENT)
        return undefined;
    return decodeSegment(segments[at]);
}
/** Per-user counts of a site run's items, sorted by username; a dry run counts what it would do. */
function userCountsOf(items, prefix, dryRun) {
    const byUser = new Map();
    for (const item of items) {
        const user = userOfKey(item.key, prefix);
        if (user === undefined)
            continue;
        let counts = byUser.get(user);
        if (counts === undefined) {
            counts = { user, uploaded: 0, copied: 0, skipped: 0, deleted: 0, failed: 0, bytes: 0 };
            byUser.set(user, counts);
        }
        if (item.outcome === 'failed')
            counts.failed++;
        if (item.outcome !== 'done' && !(dryRun && item.outcome === 'planned'))
            continue;
        switch (item.action) {
            case 'upload':
                counts.uploaded++;
                counts.bytes += item.bytes ?? 0;
                break;
            case 'copy':
                counts.copied++;
                break;
            case 'skip':
                counts.skipped++;
                break;
            case 'delete':
            case 'archive':
                counts.deleted++;
                break;
            case 'marker': break;
        }
    }
    return [...byUser.values()].sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
}
/** Per-user counts with each user's unchanged objects added to what they skipped, sorted by username. */
function withUnchanged(counts, unchanged) {
    if (unchanged.length === 0)
        return counts;
    const byUser = new Map(counts.map((c) => [c.user, c]));
    for (const { user, objects } of unchanged) {
        const c = byUser.get(user);
        if (c)
            c.skipped += objects;
        else
            byUser.set(user, { user, uploaded: 0, copied: 0, skipped: objects, deleted: 0, failed: 0, bytes: 0 });
    }
    return [...byUser.values()].sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
}
/** How many users the log line and the job summary name; the JSON report has them all. */
const USERS_SHOWN = 20;
/** The one log line of a site run's per-user counts (the first USERS_SHOWN users); undefined outside site mode. */
function userCountsLine(report) {
    if (report.users === undefined || report.users.length === 0)
        return undefined;
    const shown = report.users.slice(0, USERS_SHOWN).map((u) => {
        const parts = [`${u.uploaded} uploaded`, u.copied > 0 ? `${u.copied} copied` : '', `${u.skipped} unchanged`, u.deleted > 0 ? `${u.deleted} deleted` : '', u.failed > 0 ? `${u.failed} FAILED` : ''].filter((p) => p !== '');
        return `${JSON.stringify(u.user)} ${parts.join(', ')} (${formatBytes(u.bytes)})`;
    });
    const more = report.users.length - shown.length;
    return `per user${report.dryRun ? ' (dry run: what would be done)' : ''}: ${shown.join('; ')}${more > 0 ? `; … and ${more} more users in the JSON report` : ''}`;
}
/** How many foreign keys the report names; the count covers all of them. */
const FOREIGN_KEYS_SHOWN = 20;
function buildReport(input) {
    const durationMs = Math.max(0, input.env.now() - input.started);
    const totals = totalsOf(input.items);
    if (input.unchanged)
        totals.skipped += input.unchanged.objects;
    const changed = input.items.some((i) => i.action !== 'skip' && (i.outcome === 'done' || i.outcome === 'planned'));
    return {
        exitCode: input.exitCode,
        dryRun: input.options.dryRun,
        bucket: input.options.s3BucketName,
        prefix: input.options.s3Prefix,
        rootFolderId: input.rootFolderId,
        ...(input.rootFolderName !== undefined ? { rootFolderName: input.rootFolderName } : {}),
        manifestKey: input.manifestKey,
        startedAt: new Date(input.started).toISOString(),
        durationMs,
        totals,
        bytesPerSecond: durationMs > 0 ? Math.round((totals.bytes * 1000) / durationMs) : 0,
        items: input.items,
        changed,
        ...(input.deletesBlocked !== undefined ? { deletesBlocked: input.deletesBlocked } : {}),
        ...(input.foreign !== undefined && input.foreign.size > 0 ? { foreign: { count: input.foreign.size, keys: [...input.foreign.keys()].sort().slice(0, FOREIGN_KEYS_SHOWN) } } : {}),
        ...(input.fatal !== undefined ? { fatal: input.fatal } : {}),
        // Truthy rather than !== '': hand-made options in tests may not have the field at all.
        ...(input.options.workdocsOrganizationId ? { users: withUnchanged(userCountsOf(input.items, input.options.s3Prefix, input.options.dryRun), input.unchanged?.users ?? []) } : {}),
        ...(input.unchanged ? { upToDate: true } : {}),
    };
}
/** The report of a run that stopped before the engine ran (bad input, no credentials): the inputs as given, nothing done. */
function stoppedReport(input) {
    return {
        exitCode: input.exitCode,
        dryRun: input.dryRun,
        bucket: input.bucket,
        prefix: input.prefix,
        rootFolderId: input.rootFolderId,
        manifestKey: '',
        startedAt: new Date(input.started).toISOString(),
        durationMs: Math.max(0, input.now - input.started),
        totals: totalsOf([]),
        bytesPerSecond: 0,
        items: [],
        changed: false,
        fatal: input.fatal,
    };
}
function formatBytes(bytes) {
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let value = bytes;
    let unit = 0;
    while (value >= 1024 && unit < units.length - 1) {
        value /= 1024;
        unit++;
    }
    return unit === 0 ? `${Math.round(bytes)} B` : `${value.toFixed(1)} ${units[unit]}`;
}
function formatDuration(ms) {
    if (ms < 1000)
        return `${ms} ms`;
    const seconds = ms / 1000;
    if (seconds < 60)
        return `${seconds.toFixed(1)} s`;
    return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** True when the run stopped before it had anything to count (bad input, a failure before the plan). */
function stoppedBeforePlan(report) {
    return report.exitCode >= 2 && report.items.length === 0;
}
/** The reason of a failure up to its first detail: "the manifest could not be written (AccessDenied…)…" → "the manifest could not be written". */
function firstClause(text) {
    const cut = text.search(/ \(|; |: /);
    return cut > 0 ? text.slice(0, cut) : text;
}
/** `1 object`, `2 objects`. */
function plural(n, word) {
    return `${n} ${word}${n === 1 ? '' : 's'}`;
}
/** The one-line title of an outcome (plain text; the summary escapes it). */
function outcomeTitle(report, outcome) {
    const totals = effectiveTotals(report);
    switch (outcome) {
        case 'done': return 'Done';
        case 'up-to-date': return 'Up to date';
        case 'dry-run': return report.changed ? 'Dry run — changes planned, nothing was written' : 'Dry run — up to date, nothing to do';
        case 'items-failed': return `${plural(totals.failed, 'item')} failed`;
        case 'deletes-refused': return 'Deletes refused';
        case 'run-failed': return `Failed — ${firstClause(report.fatal ?? 'the run failed')}`;
        case 'bad-input': return 'Bad input — nothing was touched';
        case 'stopped': return 'Stopped — nothing was deleted';
        case 'cancelled': return `Cancelled — nothing was deleted${totals.cancelled > 0 ? `, ${plural(totals.cancelled, 'item')} not finished` : ''}`;
    }
}
/** The console summary: a headline that names the outcome, the totals, then what failed and why. */
function summaryLines(report, interrupted = false) {
    const outcome = runOutcome(report, interrupted);
    const where = `s3://${report.bucket}/${report.prefix}`;
    const headline = {
        'done': `Synced into ${where}`,
        'up-to-date': `Up to date: ${where}`,
        'dry-run': 'Dry run: nothing was written or deleted.',
        'items-failed': `Synced into ${where} except ${plural(report.totals.failed, 'item')}, which failed`,
        'deletes-refused': `Deletes refused: nothing was deleted from ${where}`,
        'run-failed': `Failed: ${firstClause(report.fatal ?? 'the run failed')}`,
        'bad-input': 'Bad input: nothing was touched',
        'stopped': 'Stopped: nothing was deleted',
        'cancelled': 'Cancelled: nothing was deleted',
    };
    const lines = [headline[outcome]];
    if (!stoppedBeforePlan(report)) {
        const t = effectiveTotals(report);
        const cancelled = t.cancelled > 0 ? `, cancelled ${t.cancelled}` : '';
        lines.push(report.dryRun
            ? `  would upload ${t.uploaded}, copy ${t.copied}, create ${t.markers} folder markers, delete ${t.deleted}, archive ${t.archived}; unchanged ${t.skipped}`
            : `  uploaded ${t.uploaded}, copied ${t.copied}, skipped ${t.skipped}, deleted ${t.deleted}, archived ${t.archived}, folder markers ${t.markers}, failed ${t.failed}${cancelled}`, report.dryRun
            ? `  ${formatBytes(t.bytes)} to upload; planned in ${formatDuration(report.durationMs)}`
            : `  ${formatBytes(t.bytes)} in ${formatDuration(report.durationMs)} (${formatBytes(report.bytesPerSecond)}/s)`);
    }
    if (report.deletesBlocked)
        lines.push(`  deletes refused: ${report.deletesBlocked}`);
    if (report.foreign)
        lines.push(`  left alone: ${plural(report.foreign.count, 'object')} this tool did not write (first: ${report.foreign.keys.slice(0, 3).map((k) => JSON.stringify(k)).join(', ')})`);
    const failures = report.items.filter((i) => i.outcome === 'failed');
    for (const item of failures.slice(0, 20))
        lines.push(`  FAILED ${item.action} ${JSON.stringify(item.key)}: ${item.error ?? ''}`);
    if (failures.length > 20)
        lines.push(`  … and ${failures.length - 20} more failures in the log and the JSON report`);
    const scale = report.scale;
    if (scale) {
        lines.push(`  ${scale.mode} of run ${scale.runId}${scale.shardIndex !== undefined ? `, shard ${scale.shardIndex} of ${scale.shardCount}` : `, ${scale.shardCount} shards`}`);
        if (scale.matrix)
            lines.push(`  matrix: ${JSON.stringify(scale.matrix)}`);
    }
    if (report.fatal)
        lines.push(`  ${report.exitCode === 2 ? 'bad input' : report.exitCode === 3 ? 'fatal' : 'failed'}: ${report.fatal}`);
    lines.push(`  exit code ${report.exitCode}`);
    return lines;
}
/**
 * Writes the JSON report (every item and its outcome), creating its folder. Throws when it cannot.
 * Items are written one per line through a small buffer, so a 100,000-item report is never one giant string,
 * nor a pile of large batch strings.
 */
function writeReportFile(file, report) {
    (0,external_node_fs_.mkdirSync)(external_node_path_.dirname(file), { recursive: true });
    const { items, ...head } = report;
    const fd = (0,external_node_fs_.openSync)(file, 'w');
    try {
        const out = new BufferedFileWriter(fd);
        const headJson = JSON.stringify(head, null, 2);
        out.write(`${headJson.slice(0, headJson.lastIndexOf('}')).trimEnd()}${Object.keys(head).length > 0 ? ',' : ''}\n  "items": [`);
        items.forEach((item, i) => out.write(`${i === 0 ? '' : ','}\n    ${JSON.stringify(item)}`));
        out.write(`${items.length > 0 ? '\n  ' : ''}]\n}\n`);
        out.flush();
    }
    finally {
        (0,external_node_fs_.closeSync)(fd);
    }
}

;// CONCATENATED MODULE: ./lib/engine/context.js
/**
 * The metadata index of a run (option `metadata`, docs/metadata.md): after the transfers, the comments,
 * permissions and custom metadata of the items that are new or changed since the last run are read from
 * WorkDocs, and the index (CSV, JSON Lines, and the state the next run reads) is written again when anything in
 * it changed; with `sidecars`, each changed document's JSON object too.
 *
 * Request cost: one GET of the previous state (index/state.jsonl.gz) per run. It tells which items are
 * unchanged: their context is carried over from it, never asked about again (unless `metadata_refresh`). Memory:
 * no stored object is ever held in memory, whole or compressed: the previous state (and, in a run that writes the
 * index, the records) is streamed from its GET into a file of the run's temporary directory and decoded from there
 * line by line, each time it is needed; the new files are written to that directory and uploaded from there. The
 * directory is removed when the run's metadata step ends, whatever happened (success, failure, abort).
 */

















/** The input of recordContext from what sync's run prepared and what it did. */
function contextInput(prepared, items, lock) {
    return {
        foreign: prepared.plan.foreign,
        ...(prepared.incremental ? { touched: prepared.incremental.metadataTouched } : {}),
        tree: prepared.listing.tree,
        listingComplete: prepared.listing.errors.length === 0,
        rootFolderId: prepared.rootFolderId,
        inventory: prepared.inventory,
        items,
        ...(lock ? { lock: async () => void await lock() } : {}),
    };
}
/**
 * The input of recordContext in a scaled-out run's finalize: the documents (older versions too) of the plan's
 * actions, the folders the plan step listed, and the keys the plan found stale as what the bucket held (a record of a
 * document whose delete was refused stays, like its object).
 */
function plannedContextInput(plan, items) {
    const documents = [];
    const versions = [];
    const inventory = [];
    for (const action of plan.actions) {
        if ('doc' in action)
            (action.doc.history === true ? versions : documents).push(action.doc);
        else if (action.kind === 'delete' || action.kind === 'archive')
            inventory.push({ key: action.key, size: action.size, etag: '', lastModified: 0 });
    }
    return {
        tree: { rootId: plan.rootFolderId, folders: plan.folders, documents, ...(versions.length > 0 ? { versions } : {}) },
        listingComplete: plan.listingComplete,
        rootFolderId: plan.rootFolderId,
        inventory,
        items,
    };
}
/**
 * Reads what changed and writes the index (and sidecars); returns the report items of what it did or failed to
 * do. Never throws for WorkDocs or S3 failures: a context that could not be read is an item failure, and the index
 * still holds what was read plus the previous records of the items that failed (the next run reads them again).
 */
async function recordContext(options, env, input) {
    if (options.metadata === 'none' || env.signal?.aborted)
        return [];
    const stateKey = contextStateKey(options.s3Prefix);
    let dir;
    try {
        dir = (0,external_node_fs_.mkdtempSync)(external_node_path_.join((0,external_node_os_.tmpdir)(), 'workdocs-s3-sync-index-'));
    }
    catch (error) {
        const message = `the previous metadata index could not be read: no temporary directory (${describeError(error)}); it is left as it is and read again next run`;
        env.logger.log('error', message);
        return [{ action: 'metadata', key: stateKey, outcome: 'failed', reason: 'state', error: message }];
    }
    try {
        return await recordContextIn(dir, options, env, input, stateKey);
    }
    finally {
        // Every file of the step (the previous state and records as read, the new index files) goes, whatever happened.
        try {
            (0,external_node_fs_.rmSync)(dir, { recursive: true, force: true });
        }
        catch (error) {
            env.logger.log('warning', `metadata: the temporary directory ${dir} could not be removed (${describeError(error)})`);
        }
    }
}
/** recordContext with its temporary directory, `dir`. */
async function recordContextIn(dir, options, env, input, stateKey) {
    let previous;
    try {
        previous = await loadPrevious(options, env, stateKey, input, dir);
    }
    catch (error) {
        // Without the previous state every item would be read again and its records rebuilt: not on a failed GET.
        const message = `the previous metadata index could not be read (${describeError(error)}); it is left as it is and read again next run`;
        env.logger.log('error', message);
        return [{ action: 'metadata', key: stateKey, outcome: 'failed', reason: 'state', error: message }];
    }
    const { toFetch } = previous;
    if (options.dryRun)
        return dryRunItems(options, env, previous);
    if (toFetch.length === 0 && !previous.changed)
        return [];
    return env.logger.group('Metadata index', async () => {
        const work = new ContextWork(options, env, input, previous, dir);
        try {
            const fetched = await work.fetch();
            if (!previous.changed && fetched.changed === 0 && fetched.failed.size === 0 && !namesChanged(previous)) {
                env.logger.log('info', `metadata: ${toFetch.length} item(s) read again, nothing changed`);
                return fetched.items;
            }
            if (input.lock)
                await input.lock();
            return [...fetched.items, ...await work.write(fetched)];
        }
        catch (error) {
            const message = `the metadata index was not written: ${describeError(error)}`;
            env.logger.log('error', message);
            return [{ action: 'metadata', key: indexPrefix(options.s3Prefix), outcome: env.signal?.aborted ? 'cancelled' : 'failed', reason: 'index', error: message }];
        }
    });
}
/** What a dry run says it would do: it reads the previous state only, and asks WorkDocs nothing. */
function dryRunItems(o, e, p) {
    const fetchCount = p.toFetch.length;
    const writes = p.changed || fetchCount > 0;
    if (fetchCount > 0)
        e.logger.log('info', `dry run: would read the context of ${fetchCount} item(s) (${p.toFetch.filter((id) => p.listing.item(id)?.type === 'folder').length} folders)`);
    if (!writes)
        return [];
    e.logger.log('info', `dry run: would write the metadata index under ${JSON.stringify(indexPrefix(o.s3Prefix))}${o.metadata === 'sidecars' ? ' and the sidecars of new or changed documents' : ''}`);
    return Object.values(INDEX_FILES).map((file) => ({ action: 'metadata', key: indexPrefix(o.s3Prefix) + file, outcome: 'planned', reason: 'index' }));
}
/** Files of the temporary directory the previous state and records are read into (the new ones have INDEX_FILES' names). */
const PREVIOUS_STATE_FILE = 'previous-state.jsonl.gz';
const PREVIOUS_RECORDS_FILE = 'previous-records.jsonl.gz';
async function loadPrevious(options, env, stateKey, input, dir) {
    const { folderKeys, documentKeys } = assignKeys(input.tree, options.s3Prefix);
    const sameKey = keyHeldBy(input);
    for (const keys of [folderKeys, documentKeys])
        for (const [id, key] of keys)
            keys.set(id, sameKey(key));
    const listing = new ContextListing(input.tree, folderKeys, documentKeys, options.s3Prefix, sameKey);
    const stored = await readContextState(env.s3, options.s3BucketName, stateKey, external_node_path_.join(dir, PREVIOUS_STATE_FILE), env.signal);
    const objectGone = goneAfterRun(input);
    const names = new Map();
    const toFetch = [];
    const previousLineHash = new Map();
    const seen = new Set();
    let changed = false;
    /** Records whose item the listing does not show: whether they stay is decided from their keys, in the records. */
    let unlisted = 0;
    let header;
    let usable = stored.state === 'found';
    if (stored.state === 'found') {
        try {
            header = await readStateLines(stored.file, (state) => {
                // The listing's equal string where it has one: `seen` then keeps no copy of 150,000 identities read.
                const identity = listing.heldIdentity(state[0]) ?? state[0];
                if (seen.has(identity)) {
                    changed = true; // a repeated record is dropped
                    return;
                }
                seen.add(identity);
                const current = listing.item(identity);
                if (current === undefined) {
                    unlisted++;
                    return;
                }
                if (needsFetchByState(state, current, options.metadataRefresh || (current.history !== true && input.touched?.has(current.id) === true))) {
                    toFetch.push(identity);
                    previousLineHash.set(identity, state[5]);
                    return;
                }
                if (state[2] !== fingerprintOf(current))
                    changed = true;
            });
            for (const [id, name] of Object.entries(header.names ?? {}))
                names.set(id, name);
            if (header.rootFolderId !== input.rootFolderId || header.metadata !== options.metadata)
                changed = true;
        }
        catch (error) {
            env.logger.log('warning', `the previous metadata index is unreadable (${describeError(error)}): every item's context is read again`);
            usable = false;
        }
        (0,external_node_fs_.rmSync)(stored.file, { force: true }); // read once: its disk space is not held while the context is read
    }
    let records;
    // The records themselves (a second GET) only when the index is written: a no-op run reads the short state alone.
    if (usable && !options.dryRun && (changed || toFetch.length > 0 || unlisted > 0 || listing.ids().some((id) => !seen.has(id)))) {
        try {
            const storedRecords = await readContextState(env.s3, options.s3BucketName, contextRecordsKey(options.s3Prefix), external_node_path_.join(dir, PREVIOUS_RECORDS_FILE), env.signal);
            if (storedRecords.state !== 'found')
                throw new Error('its records are missing');
            records = storedRecords.file;
            await readRecords(records, (record) => {
                if (listing.item(identityOf(record)) === undefined && recordLeaves(record, listing, input, objectGone))
                    changed = true;
            });
        }
        catch (error) {
            env.logger.log('warning', `the previous metadata index is unreadable (${describeError(error)}): every item's context is read again`);
            usable = false;
            if (records !== undefined)
                (0,external_node_fs_.rmSync)(records, { force: true });
            records = undefined;
        }
    }
    else if (usable && unlisted > 0) {
        changed = true; // a dry run does not read the records: an item gone may leave the index
    }
    if (!usable) {
        header = undefined;
        toFetch.length = 0;
        previousLineHash.clear();
        seen.clear();
        changed = true;
    }
    for (const id of listing.ids()) {
        if (!seen.has(id)) {
            toFetch.push(id);
            changed = true;
        }
    }
    if (toFetch.length > 0 || changed) {
        env.logger.log('info', `metadata: ${usable ? 'index read' : 'no index yet'}; the context of ${toFetch.length} item(s) is read${options.metadataRefresh ? ' (metadata_refresh)' : ''}`);
    }
    return { listing, records, header, toFetch, previousLineHash, names, changed, objectGone };
}
/**
 * The equal key string the run already holds (the bucket listing's, a report item's), else the key itself: the keys
 * computed again here would otherwise be a second copy of each (on a site of 100,000 documents some 15 MB held
 * while the context is read).
 */
function keyHeldBy(input) {
    const held = new Map();
    for (const object of input.inventory)
        held.set(object.key, object.key);
    for (const item of input.items)
        if (!held.has(item.key))
            held.set(item.key, item.key);
    return (key) => held.get(key) ?? key;
}
/**
 * The lines of a local gzip file (a stored state or records object as read), decoded as they are read: a damaged
 * file (not gzip, cut short) throws. A reader that stops early leaves nothing open or decompressing behind.
 */
async function* gzipLines(file) {
    const source = (0,external_node_fs_.createReadStream)(file);
    const gunzip = (0,external_node_zlib_.createGunzip)();
    source.on('error', (error) => gunzip.destroy(error));
    const lines = (0,external_node_readline_.createInterface)({ input: source.pipe(gunzip), crlfDelay: Infinity });
    try {
        yield* lines;
    }
    finally {
        lines.close();
        gunzip.destroy();
        source.destroy();
    }
}
/** Calls `each` for every line of a stored state (its local file); returns its header. */
async function readStateLines(file, each) {
    let header;
    for await (const line of gzipLines(file)) {
        if (header === undefined) {
            const parsed = parseStateHeader(line);
            if (typeof parsed === 'string')
                throw new Error(parsed);
            header = parsed;
            continue;
        }
        const state = line === '' ? undefined : parseStateLine(line);
        if (state !== undefined)
            each(state);
    }
    if (header === undefined)
        throw new Error('it is empty');
    return header;
}
/**
 * Whether the record of an item the listing no longer shows leaves the index: when another item of this run holds its
 * key now, or (the listing complete) its object is gone. It stays while its object stays (a refused delete).
 */
function recordLeaves(record, listing, input, objectGone) {
    return listing.hasKey(record.key) || (input.listingComplete && objectGone(record.key));
}
/** Whether this run knows other usernames than the index was written with (a new comment author, a new user). */
function namesChanged(previous) {
    const written = previous.header?.names ?? {};
    return previous.names.size !== Object.keys(written).length || [...previous.names].some(([id, name]) => written[id] !== name);
}
/** A previous record that is not read again, with this run's listing fields (a rename changes its path and key). */
function carriedOver(current, record, names) {
    // An older version never changes: only its place does (a rename or move of its document). Its listing fields
    // are the recorded ones, since a run that does not describe the document rebuilds the version from the manifest.
    if (current.history === true)
        return { ...record, path: current.path, key: current.key };
    const fetched = fetchedPartOf(record);
    return recordOf(current, { ...fetched, permissions: namedPermissions(fetched.permissions, names) }, record.complete);
}
/**
 * The keys whose object is gone once this run is over: its delete or archive move was done (or, in a dry run,
 * is planned), nothing was there and nothing was written there, or what is there is not this tool's (foreign). A record whose object stays (a refused
 * delete, a listing that failed) stays in the index.
 */
function goneAfterRun(input) {
    let removed;
    let present;
    return (key) => {
        removed ??= new Set(input.items.filter((i) => (i.action === 'delete' || i.action === 'archive') && (i.outcome === 'done' || i.outcome === 'planned')).map((i) => i.key));
        present ??= new Set([...input.inventory.map((o) => o.key), ...input.items.filter((i) => (i.action === 'upload' || i.action === 'copy') && i.outcome === 'done').map((i) => i.key)]);
        return removed.has(key) || !present.has(key) || input.foreign?.has(key) === true;
    };
}
/** The lines of stored records (their local file): the header first, then each record with its line. Throws when it is not one. */
async function* stateRecords(file) {
    let header;
    for await (const line of gzipLines(file)) {
        if (header === undefined) {
            const parsed = parseStateHeader(line);
            if (typeof parsed === 'string')
                throw new Error(parsed);
            header = parsed;
            yield { header };
            continue;
        }
        if (line === '')
            continue;
        const record = parseRecordLine(line);
        if (record !== undefined)
            yield { record, line };
    }
    if (header === undefined)
        throw new Error('it is empty');
}
/** Calls `each` for every record of stored records (their local file); returns its header. */
async function readRecords(file, each) {
    let header;
    for await (const entry of stateRecords(file)) {
        if ('header' in entry)
            header = entry.header;
        else
            each(entry.record, entry.line);
    }
    return header;
}
function serialize(record) {
    return JSON.stringify(record);
}
/** The reads and writes of a run that may write the index, in `dir` (recordContext's temporary directory, removed by it). */
class ContextWork {
    options;
    env;
    input;
    previous;
    dir;
    constructor(options, env, input, previous, dir) {
        this.options = options;
        this.env = env;
        this.input = input;
        this.previous = previous;
        this.dir = dir;
    }
    /** Reads every item of toFetch (bounded), spooling the records to a local file as they come. */
    async fetch() {
        const { listing, toFetch, previousLineHash, names } = this.previous;
        if (this.options.workdocsOrganizationId !== '' && toFetch.length > 0)
            await this.nameUsers(names);
        const spool = new LineFile(external_node_path_.join(this.dir, 'fetched.jsonl'));
        const result = { items: [], failed: new Map(), changed: 0, done: new Set(), requests: 0 };
        let requests = 0;
        let next = 0;
        const worker = async () => {
            while (next < toFetch.length) {
                const id = toFetch[next++];
                const item = listing.item(id);
                let read;
                try {
                    read = item.type === 'folder' ? await readFolderContext(this.env.workdocs, item.id, this.env.signal)
                        : item.history === true ? await readVersionContext(this.env.workdocs, item.id, item.versionId, this.env.signal)
                            : await readDocumentContext(this.env.workdocs, item.id, item.versionId, this.env.signal);
                }
                catch (error) {
                    if (this.env.signal?.aborted)
                        throw error;
                    read = { fetched: NOTHING_FETCHED, errors: [describeError(error)], requests: 0 };
                }
                requests += read.requests;
                if (read.errors.length > 0) {
                    result.failed.set(id, read.fetched);
                    const error = `its ${item.type === 'document' ? 'comments, permissions or custom metadata' : 'permissions or custom metadata'} could not be read (${read.errors.join('; ')}); the index keeps what it had, and the next run reads it again`;
                    this.env.logger.log('error', `metadata of ${JSON.stringify(item.key)}: ${error}`);
                    result.items.push({ action: 'metadata', key: item.key, outcome: 'failed', reason: 'context', ...(item.type === 'document' ? { documentId: item.id, versionId: item.versionId } : {}), error });
                    continue;
                }
                namesIn({ comments: read.fetched.comments ?? [], permissions: [] }, names);
                const record = recordOf(item, { ...read.fetched, permissions: namedPermissions(read.fetched.permissions, names) }, true);
                const line = serialize(record);
                if (previousLineHash.get(id) !== shortHash(line))
                    result.changed++;
                spool.write(line + '\n');
                result.done.add(id);
            }
        };
        try {
            await Promise.all(Array.from({ length: Math.max(1, Math.min(this.options.maxWorkers, toFetch.length)) }, worker));
        }
        finally {
            spool.close();
        }
        this.env.logger.log('info', `metadata: the context of ${result.done.size} item(s) read (${requests} WorkDocs requests)${result.failed.size > 0 ? `, ${result.failed.size} failed` : ''}`);
        return { ...result, requests };
    }
    /** A site's usernames (DescribeUsers, one page per 999 users): permissions name their principals by id only. */
    async nameUsers(names) {
        try {
            const { users } = await describeSiteUsers(this.env.workdocs, this.options.workdocsOrganizationId, this.env.signal);
            for (const user of users)
                names.set(user.id, user.username);
        }
        catch (error) {
            this.env.logger.log('warning', `metadata: the site's users could not be listed (${describeError(error)}): permissions name users by id only`);
        }
    }
    /**
     * Writes the index files (and sidecars) from the previous records, the ones just read and the items read for
     * the first time that failed, in that order: the previous order is kept, new items come last.
     */
    async write(fetched) {
        const { options, env, previous } = this;
        const { listing, names, objectGone } = previous;
        const prefix = options.s3Prefix;
        const files = {
            documents: new CsvFile(external_node_path_.join(this.dir, INDEX_FILES.documents), DOCUMENT_COLUMNS),
            folders: new CsvFile(external_node_path_.join(this.dir, INDEX_FILES.folders), FOLDER_COLUMNS),
            comments: new CsvFile(external_node_path_.join(this.dir, INDEX_FILES.comments), COMMENT_COLUMNS),
            permissions: new CsvFile(external_node_path_.join(this.dir, INDEX_FILES.permissions), PERMISSION_COLUMNS),
            jsonl: new LineFile(external_node_path_.join(this.dir, INDEX_FILES.jsonl)),
        };
        const stateLines = new LineFile(external_node_path_.join(this.dir, 'state-lines.jsonl'));
        const sidecars = options.metadata === 'sidecars' ? new SidecarWriter(options, env) : undefined;
        const sidecarsWereWritten = previous.header?.metadata === 'sidecars';
        const staleSidecars = [];
        const emitted = new Set();
        let documents = 0;
        let folders = 0;
        /** `changed`: the record differs from the previous index's (its sidecar is written again). */
        const emit = async (record, changed) => {
            const line = serialize(record);
            files.jsonl.write(line + '\n');
            stateLines.write(JSON.stringify(stateLineOf(record, line)) + '\n');
            const csv = csvLinesOf(record);
            (record.type === 'document' ? files.documents : files.folders).write(csv.item);
            files.comments.write(csv.comments);
            files.permissions.write(csv.permissions);
            if (record.type === 'document')
                documents++;
            else
                folders++;
            if (sidecars && record.type === 'document' && (!sidecarsWereWritten || changed)) {
                await sidecars.put(sidecarKey(prefix, record.key), line, identityOf(record));
            }
        };
        if (previous.records !== undefined) {
            const removingAll = sidecarsWereWritten && options.metadata !== 'sidecars';
            for await (const entry of stateRecords(previous.records)) {
                if ('header' in entry)
                    continue;
                const { record, line } = entry;
                const identity = identityOf(record);
                if (emitted.has(identity))
                    continue;
                emitted.add(identity);
                const current = listing.item(identity);
                const leaves = current === undefined && recordLeaves(record, listing, this.input, objectGone);
                // A sidecar goes with its record, or when its document moved away from the key; never while another item of this
                // run holds that key (its own sidecar is written there).
                const sidecarGone = record.type === 'document' && sidecarsWereWritten
                    && (removingAll || (!listing.hasKey(record.key) && (leaves || (current !== undefined && record.key !== current.key && objectGone(record.key)))));
                if (sidecarGone)
                    staleSidecars.push(sidecarKey(prefix, record.key));
                if (current === undefined) {
                    if (!leaves)
                        await emit(record, false);
                    continue;
                }
                if (fetched.done.has(identity))
                    continue; // written from the spool below
                // Read this run but failed: the previous rows, marked incomplete so that the next run reads it again.
                const carried = carriedOver(current, record, names);
                const next = fetched.failed.has(identity) ? { ...carried, complete: false } : carried;
                await emit(next, serialize(next) !== line);
            }
        }
        if (fetched.done.size > 0) {
            const lines = (0,external_node_readline_.createInterface)({ input: (0,external_node_fs_.createReadStream)(external_node_path_.join(this.dir, 'fetched.jsonl')), crlfDelay: Infinity });
            for await (const line of lines) {
                const record = parseRecordLine(line);
                if (record === undefined)
                    continue;
                emitted.add(identityOf(record));
                const named = { ...record, permissions: namedPermissions(record.permissions, names) };
                await emit(named, shortHash(serialize(named)) !== previous.previousLineHash.get(identityOf(record)));
            }
        }
        // Items read for the first time whose context failed: what the listing says, and what was read.
        for (const id of listing.ids()) {
            if (emitted.has(id))
                continue;
            const item = listing.item(id);
            await emit(recordOf(item, fetched.failed.get(id) ?? NOTHING_FETCHED, false), true);
        }
        const items = [];
        if (sidecars)
            items.push(...await sidecars.finish());
        if (staleSidecars.length > 0) {
            for (const outcome of await deleteKeys(env.s3, options.s3BucketName, staleSidecars, env.signal)) {
                items.push(outcome.error === undefined
                    ? { action: 'metadata', key: outcome.key, outcome: 'done', reason: 'sidecar-removed' }
                    : { action: 'metadata', key: outcome.key, outcome: 'failed', reason: 'sidecar-removed', error: outcome.error });
            }
        }
        // The index files, then the state: a state is written only after every file and sidecar it describes.
        const written = [];
        for (const [name, file] of Object.entries(files))
            written.push([file.close(), INDEX_FILES[name], name === 'jsonl' ? 'application/x-ndjson; charset=utf-8' : 'text/csv; charset=utf-8']);
        let bytes = 0;
        const failures = [];
        await Promise.all(written.map(async ([file, name, contentType]) => {
            const key = indexPrefix(prefix) + name;
            try {
                const size = await putFile(env.s3, options.s3BucketName, key, { path: file, md5: await fileMd5(file), contentType }, env.signal);
                bytes += size;
                items.push({ action: 'metadata', key, outcome: 'done', reason: 'index', bytes: size });
            }
            catch (error) {
                failures.push(name);
                items.push({ action: 'metadata', key, outcome: 'failed', reason: 'index', error: describeError(error) });
            }
        }));
        const stateKey = contextStateKey(prefix);
        // A failed sidecar does not hold the state back (it records which sidecars exist, so that a switch to `index`
        // removes them): its record is marked incomplete there, and the next run reads it and writes its sidecar again.
        if (failures.length > 0 || items.some((i) => i.outcome === 'failed' && i.reason !== 'sidecar')) {
            env.logger.log('error', `metadata: the index state was not written (${failures.length > 0 ? `${failures.join(', ')} failed` : 'a sidecar could not be removed'}): the next run writes the index again`);
            return items;
        }
        if (sidecars && sidecars.failed.size > 0)
            await markIncomplete(stateLines.close(), sidecars.failed);
        // The records first, the short state last: a state always describes records that are stored.
        const headerLine = this.headerLine(documents, folders);
        for (const [key, file, reason] of [
            [contextRecordsKey(prefix), await gzipWithHeader(headerLine, files.jsonl.path, external_node_path_.join(this.dir, INDEX_FILES.records)), 'index'],
            [stateKey, await gzipWithHeader(headerLine, stateLines.close(), external_node_path_.join(this.dir, INDEX_FILES.state)), 'state'],
        ]) {
            try {
                const size = await putFile(env.s3, options.s3BucketName, key, { path: file, md5: await fileMd5(file), contentType: 'application/gzip' }, env.signal);
                bytes += size;
                items.push({ action: 'metadata', key, outcome: 'done', reason, bytes: size });
            }
            catch (error) {
                items.push({ action: 'metadata', key, outcome: 'failed', reason, error: describeError(error) });
                break;
            }
        }
        env.logger.log('info', `metadata index written: ${documents} documents, ${folders} folders (${formatBytes(bytes)})${sidecars ? `, ${sidecars.written} sidecar(s)` : ''}${staleSidecars.length > 0 ? `, ${staleSidecars.length} sidecar(s) removed` : ''}`);
        return items;
    }
    /** The header line of the records and the state this run writes. */
    headerLine(documents, folders) {
        return stateHeaderLine({
            rootFolderId: this.input.rootFolderId, metadata: this.options.metadata, documents, folders, writtenAt: new Date(this.env.now()).toISOString(),
            names: Object.fromEntries([...this.previous.names].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
        });
    }
}
/** A local file written through one buffer (BufferedFileWriter); close() returns its path. */
class LineFile {
    path;
    fd;
    writer;
    closed = false;
    constructor(path) {
        this.path = path;
        this.fd = (0,external_node_fs_.openSync)(path, 'w');
        this.writer = new BufferedFileWriter(this.fd);
    }
    write(text) {
        if (text !== '')
            this.writer.write(text);
    }
    close() {
        if (!this.closed) {
            this.writer.flush();
            (0,external_node_fs_.closeSync)(this.fd);
            this.closed = true;
        }
        return this.path;
    }
}
/** A CSV file: the byte order mark and the header line, then rows. */
class CsvFile extends LineFile {
    constructor(file, columns) {
        super(file);
        this.write(CSV_BOM + csvLine(columns));
    }
}
/** Sidecar PUTs, at most max_workers at once; the writer waits for a slot, so pending bodies stay few. */
class SidecarWriter {
    options;
    env;
    inFlight = new Set();
    items = [];
    written = 0;
    constructor(options, env) {
        this.options = options;
        this.env = env;
    }
    /** Identities whose sidecar could not be written: the state marks them incomplete, so the next run writes it. */
    failed = new Set();
    async put(key, body, identity) {
        while (this.inFlight.size >= Math.max(1, this.options.maxWorkers))
            await Promise.race(this.inFlight);
        const { storageClass, tags } = this.options.objectSettings;
        const sending = putSidecar(this.env.s3, this.options.s3BucketName, key, body, { storageClass, tags }, this.env.signal).then(() => {
            this.written++;
            this.items.push({ action: 'metadata', key, outcome: 'done', reason: 'sidecar' });
        }, (error) => {
            this.failed.add(identity);
            this.items.push({ action: 'metadata', key, outcome: 'failed', reason: 'sidecar', error: describeError(error) });
        }).finally(() => this.inFlight.delete(sending));
        this.inFlight.add(sending);
    }
    async finish() {
        await Promise.all(this.inFlight);
        return this.items;
    }
}
/** Rewrites a file of state lines with the given identities marked incomplete. */
async function markIncomplete(file, identities) {
    const marked = new LineFile(`${file}.marked`);
    for await (const line of (0,external_node_readline_.createInterface)({ input: (0,external_node_fs_.createReadStream)(file), crlfDelay: Infinity })) {
        const state = parseStateLine(line);
        // No line hash either: what the next run reads for it counts as changed, and its sidecar is written.
        marked.write(state !== undefined && identities.has(state[0]) ? JSON.stringify([state[0], state[1], state[2], 0, state[4], '']) + '\n' : `${line}\n`);
    }
    marked.close();
    (0,external_node_fs_.renameSync)(`${file}.marked`, file);
}
/** A header line, then a local file's lines, gzip-compressed into `target`. */
async function gzipWithHeader(header, source, target) {
    async function* body() {
        yield header + '\n';
        for await (const chunk of (0,external_node_fs_.createReadStream)(source))
            yield chunk;
    }
    await (0,promises_.pipeline)(external_node_stream_.Readable.from(body()), (0,external_node_zlib_.createGzip)(), (0,external_node_fs_.createWriteStream)(target));
    return target;
}
async function fileMd5(file) {
    const hash = (0,external_node_crypto_.createHash)('md5');
    for await (const chunk of (0,external_node_fs_.createReadStream)(file))
        hash.update(chunk);
    return hash.digest();
}

;// CONCATENATED MODULE: ./lib/core/shared-ids.js
/** Points `manifest`'s document and latest version ids at the listing's equal strings (only equal strings are swapped). */
function shareTreeIds(manifest, tree) {
    if (manifest.entries.size === 0 || tree.documents.length === 0)
        return;
    const byId = new Map(tree.documents.map((doc) => [doc.id, doc]));
    for (const entry of manifest.entries.values()) {
        const doc = byId.get(entry.documentId);
        if (doc === undefined)
            continue;
        // An equal string in place of another: every holder of the entry reads the same value as before.
        const shared = entry;
        shared.documentId = doc.id;
        if (entry.versionId === doc.versionId)
            shared.versionId = doc.versionId;
    }
    if (manifest.histories === undefined)
        return;
    // Set again in the same order under the listing's key strings: the same map, as it was.
    const histories = manifest.histories;
    const records = [...histories];
    histories.clear();
    for (const [documentId, versionIds] of records) {
        const doc = byId.get(documentId);
        if (doc !== undefined && versionIds[0] === doc.versionId)
            versionIds[0] = doc.versionId;
        histories.set(doc?.id ?? documentId, versionIds);
    }
}

;// CONCATENATED MODULE: ./lib/s3/lock.js
/**
 * One run per prefix at a time: a lock object at `<prefix>.workdocs-s3-sync/lock.json` holding the owner's id,
 * host, pid and an expiry that the run renews while it works.
 *
 * Acquiring: read the lock; a live lock of another run means refusal. Otherwise write ours with a
 * conditional PUT (`If-None-Match: *` when there was none, `If-Match: <etag>` over a stale one), which
 * AWS S3 and most S3-compatible servers make atomic. A server that does not implement conditional writes
 * (OpenStack Swift answers 501 NotImplemented) gets a plain PUT, a short wait, and a re-read: whoever's
 * record is there afterwards owns the lock, and the loser refuses. The manifest write and the delete phase
 * check that the lock is still ours first.
 *
 * A lock is stale when its expiry has passed, or when it was taken on this host by a process that no longer
 * exists (a run killed with SIGKILL): then it is taken over.
 */








const LOCK_FORMAT = 'workdocs-s3-sync/lock';
function lockKey(prefix) {
    return `${toolAreaPrefix(prefix)}lock.json`;
}
const DEFAULT_LOCK_SETTINGS = { ttlMs: 5 * 60_000, renewEveryMs: 60_000, settleMinMs: 250, settleMaxMs: 3_000 };
function describeHolder(record, now) {
    const left = Math.max(0, Math.round((record.expiresAt - now) / 1000));
    return `run ${record.owner.slice(0, 8)} on host ${JSON.stringify(record.host)} (pid ${record.pid}), started ${record.startedAt}, lock expires in ${left}s unless renewed`;
}
class HeldLock {
    deps;
    key;
    record;
    conditional;
    timer;
    /** ETag of our last write. */
    etag;
    lostReason;
    lostController = runAbortController();
    constructor(deps, key, record, etag, conditional) {
        this.deps = deps;
        this.key = key;
        this.record = record;
        this.conditional = conditional;
        this.etag = etag;
    }
    /** Set when the lock was found taken by someone else. */
    get lost() {
        return this.lostReason;
    }
    /** Aborts when the lock is found lost (by a renewal or a check). */
    get lostSignal() {
        return this.lostController.signal;
    }
    markLost(reason) {
        if (this.lostReason !== undefined)
            return;
        this.lostReason = reason;
        this.deps.log?.('warning', `lost the lock on the prefix: ${reason}`);
        this.lostController.abort(new Error(reason));
    }
    /** Starts renewing the expiry in the background (the timer does not keep the process alive). */
    startRenewing() {
        this.timer = setInterval(() => {
            this.renew().catch((error) => this.deps.log?.('warning', `could not renew the lock: ${describeError(error)}`));
        }, this.deps.settings.renewEveryMs);
        this.timer.unref();
    }
    async renew(signal) {
        if (this.lost)
            return;
        const found = await readLock({ ...this.deps, signal: signal ?? this.deps.signal }, this.key);
        if (found.record?.owner !== this.record.owner) {
            this.markLost(found.record ? `the lock was taken over by ${describeHolder(found.record, this.deps.now())}` : 'the lock object disappeared');
            return;
        }
        const renewed = { ...this.record, expiresAt: this.deps.now() + this.deps.settings.ttlMs };
        this.etag = await putLock({ ...this.deps, signal: signal ?? this.deps.signal }, this.key, renewed, this.conditional && found.etag ? { IfMatch: quoteEtag(found.etag) } : {});
        this.record = renewed;
    }
    /** Re-reads the lock: undefined while it is ours, else why not. */
    async check(signal) {
        if (this.lost)
            return this.lost;
        const found = await readLock({ ...this.deps, signal: signal ?? this.deps.signal }, this.key);
        if (found.record?.owner !== this.record.owner) {
            this.markLost(found.record ? `the lock was taken over by ${describeHolder(found.record, this.deps.now())}` : 'the lock object disappeared');
            return this.lost;
        }
        if (found.record.expiresAt < this.deps.now()) {
            // Ours but expired (renewals failed): another run may take it any moment; renew before going on.
            await this.renew(signal);
            return this.lost;
        }
        return undefined;
    }
    /** Stops renewing and deletes the lock object if it is still ours. Never throws. */
    async release() {
        if (this.timer)
            clearInterval(this.timer);
        this.timer = undefined;
        if (this.lost)
            return;
        try {
            // No abort signal: an interrupted run still releases its lock. No re-read either: nobody takes over a
            // lock that is renewed and whose process is alive, and the manifest write already checked it.
            await this.deps.s3.send(new client_s3_dist_cjs.DeleteObjectCommand({ Bucket: this.deps.bucket, Key: this.key }), { abortSignal: AbortSignal.timeout(15_000) });
        }
        catch (error) {
            this.deps.log?.('warning', `could not release the lock ${JSON.stringify(this.key)}: ${describeError(error)}; it expires by itself`);
        }
    }
}
async function acquireLock(deps) {
    const settings = { ...DEFAULT_LOCK_SETTINGS, ...deps.settings };
    const full = { ...deps, settings };
    const key = lockKey(deps.prefix);
    const record = {
        format: LOCK_FORMAT,
        owner: (0,external_node_crypto_.randomUUID)(),
        host: deps.host ?? (0,external_node_os_.hostname)(),
        pid: deps.pid ?? process.pid,
        startedAt: new Date(deps.now()).toISOString(),
        expiresAt: deps.now() + settings.ttlMs,
    };
    const existing = await readLock(full, key);
    let tookOver;
    if (existing.record && !isExpired(existing.record, full)) {
        return { ok: false, holder: existing.record, message: `another run holds the lock on this prefix: ${describeHolder(existing.record, deps.now())}` };
    }
    if (existing.record)
        tookOver = existing.record;
    deps.onWriting?.();
    // Atomic where the server supports conditional writes.
    const condition = existing.etag === undefined ? { IfNoneMatch: '*' } : { IfMatch: quoteEtag(existing.etag) };
    try {
        const etag = await putLock(full, key, record, condition);
        return { ok: true, lock: new HeldLock(full, key, record, etag, true), ...(tookOver ? { tookOver } : {}) };
    }
    catch (error) {
        if (lock_isPreconditionFailed(error)) {
            const now = await readLock(full, key);
            const holder = now.record ?? existing.record ?? record;
            return { ok: false, holder, message: `another run took the lock on this prefix first: ${describeHolder(holder, deps.now())}` };
        }
        if (!isNotImplemented(error)) {
            await removeIfOurs(full, key, record.owner);
            throw error;
        }
    }
    // No conditional writes: write, wait, and see whose record stands.
    try {
        const started = deps.now();
        const etag = await putLock(full, key, record, {});
        const roundTrip = deps.now() - started;
        await sleep(Math.min(settings.settleMaxMs, Math.max(settings.settleMinMs, 3 * roundTrip)), deps.signal);
        const after = await readLock(full, key);
        if (after.record?.owner !== record.owner) {
            const holder = after.record ?? record;
            return { ok: false, holder, message: `another run took the lock on this prefix at the same time: ${describeHolder(holder, deps.now())}` };
        }
        return { ok: true, lock: new HeldLock(full, key, record, after.etag ?? etag, false), ...(tookOver ? { tookOver } : {}) };
    }
    catch (error) {
        await removeIfOurs(full, key, record.owner);
        throw error;
    }
}
/**
 * After taking the lock failed half-way (interrupted during the settle wait, a request that failed after the
 * write may have landed): removes our record if it stands, so that it does not block the next run until it
 * expires. A write whose answer was not awaited (aborted mid-request) can still land after that, so this first
 * waits as long as the plain-PUT lock trusts a write to need. Never throws; not bound to the run's signal, which
 * may be the reason we are here.
 */
async function removeIfOurs(deps, key, owner) {
    try {
        await sleep(deps.settings.settleMinMs);
        const now = await readLock({ ...deps, signal: AbortSignal.timeout(15_000) }, key);
        if (now.record?.owner !== owner)
            return;
        await deps.s3.send(new client_s3_dist_cjs.DeleteObjectCommand({ Bucket: deps.bucket, Key: key }), { abortSignal: AbortSignal.timeout(15_000) });
    }
    catch (error) {
        deps.log?.('warning', `could not remove the lock ${JSON.stringify(key)} this run began to take: ${describeError(error)}; it expires by itself`);
    }
}
function isExpired(record, deps) {
    if (record.expiresAt < deps.now())
        return true;
    const host = deps.host ?? (0,external_node_os_.hostname)();
    const pid = deps.pid ?? process.pid;
    // Same host, another process that is gone: killed without a chance to release.
    if (record.host === host && record.pid !== pid)
        return !(deps.isProcessAlive ?? processAlive)(record.pid);
    return false;
}
function processAlive(pid) {
    try {
        process.kill(pid, 0);
        return true;
    }
    catch (error) {
        return error.code === 'EPERM';
    }
}
async function readLock(deps, key) {
    try {
        const out = await deps.s3.send(new client_s3_dist_cjs.GetObjectCommand({ Bucket: deps.bucket, Key: key }), { abortSignal: deps.signal });
        const text = (await out.Body?.transformToString('utf8')) ?? '';
        const etag = out.ETag;
        try {
            const parsed = JSON.parse(text);
            if (parsed.format === LOCK_FORMAT && typeof parsed.owner === 'string' && typeof parsed.expiresAt === 'number') {
                return { record: { host: '', pid: 0, startedAt: '', ...parsed }, etag, unreadable: false };
            }
        }
        catch {
            // fall through
        }
        return { record: undefined, etag, unreadable: true };
    }
    catch (error) {
        if (isMissingObject(error))
            return { record: undefined, etag: undefined, unreadable: false };
        throw error;
    }
}
async function putLock(deps, key, record, condition) {
    const { etag } = await putJsonObject(deps.s3, deps.bucket, key, `${JSON.stringify(record)}\n`, { condition, ...(deps.signal ? { signal: deps.signal } : {}) });
    return etag;
}
function quoteEtag(etag) {
    return etag.startsWith('"') || etag.startsWith('W/') ? etag : `"${etag}"`;
}
function lock_isPreconditionFailed(error) {
    const name = error.name;
    return httpStatusOf(error) === 412 || name === 'PreconditionFailed' || httpStatusOf(error) === 409 || name === 'ConditionalRequestConflict';
}
function isNotImplemented(error) {
    const name = error.name;
    return httpStatusOf(error) === 501 || name === 'NotImplemented';
}

;// CONCATENATED MODULE: ./lib/workdocs/source.js




async function openSource(options, env) {
    if (options.workdocsOrganizationId === '') {
        const root = await getRootFolder(env.workdocs, options.workdocsFolderId, env.signal);
        return { kind: 'folder', rootId: root.Id, rootName: root.Name, list: (listOptions) => listTree(env.workdocs, root, listOptions) };
    }
    const site = await openSite(options, env);
    return { kind: 'site', rootId: site.organizationId, rootName: `${site.users.length} user${site.users.length === 1 ? '' : 's'}`, site, list: (listOptions) => listSite(env.workdocs, site, listOptions) };
}
/** The site's users, filtered; a filter that leaves nobody is bad input (a typo would otherwise empty the mirror). */
async function openSite(options, env) {
    const organizationId = options.workdocsOrganizationId;
    const { users, pages } = await describeSiteUsers(env.workdocs, organizationId, env.signal);
    const wanted = userFilter(options.users, options.excludeUsers);
    const chosen = users.filter((u) => wanted(u.username));
    if (chosen.length === 0) {
        if (users.length === 0)
            throw new InputError('workdocs_organization_id', `organization ${organizationId} has no user with a root folder`);
        const option = options.users.length > 0 && !users.some((u) => userFilter(options.users, [])(u.username)) ? 'users' : 'exclude_users';
        throw new InputError(option, `leaves none of the ${users.length} users of organization ${organizationId} (users ${JSON.stringify(options.users.join(',') || '*')}, exclude_users ${JSON.stringify(options.excludeUsers.join(','))})`);
    }
    const left = users.length - chosen.length;
    env.logger.log('info', `WorkDocs site ${organizationId}: ${chosen.length} of ${users.length} users${left > 0 ? ` (${left} left out by users / exclude_users)` : ''}${options.includeRecycleBin ? ', with their recycle bins' : ''} (${pages} DescribeUsers pages)`);
    return { organizationId, users: chosen, includeRecycleBin: options.includeRecycleBin };
}

;// CONCATENATED MODULE: ./lib/workdocs/versions.js
/**
 * Lists documents' versions (`versions: all`): DescribeDocumentVersions, every page, for the documents whose
 * history the manifest does not already know (core/history.ts decides which), many documents at once (bounded).
 * Only ACTIVE versions are kept: an INITIALIZED one is an upload that never finished, and has no content to read.
 */




/** The most versions one DescribeDocumentVersions page may hold (the service's limit). */
const VERSIONS_PAGE_SIZE = 999;
/**
 * Reads every page of each document's versions, `concurrency` documents at once; a failure is that document's,
 * never the run's. `pageSize`: versions per page (tests page through with a small one).
 */
async function describeVersions(client, documents, concurrency, signal, pageSize = VERSIONS_PAGE_SIZE) {
    const limit = (0,p_limit/* default */.A)(Math.max(1, concurrency));
    const described = new Map();
    const failures = new Map();
    let pages = 0;
    /** One copy of each content type: a site's 40,000 older versions share a handful. */
    const contentTypes = new Map();
    await Promise.all(documents.map((doc) => limit(async () => {
        const versions = [];
        try {
            // The SDK's paginator follows Marker; each page request is retried by the client's strategy.
            for await (const page of (0,dist_cjs.paginateDescribeDocumentVersions)({ client, pageSize }, { DocumentId: doc.id, Limit: pageSize })) {
                if (signal?.aborted)
                    throw signal.reason ?? new Error('aborted');
                pages++;
                for (const version of page.DocumentVersions ?? []) {
                    if (version.Id === doc.versionId)
                        continue;
                    const item = toVersion(version, doc, contentTypes);
                    if (item)
                        versions.push(item);
                }
            }
            // Most documents have no older version: they share one empty list.
            described.set(doc.id, versions.length > 0 ? versions : NO_VERSIONS);
        }
        catch (error) {
            if (signal?.aborted)
                throw error;
            failures.set(doc.id, describeError(error));
        }
    })));
    return { described, failures, pages };
}
/**
 * The tree with its histories (SourceTree.versions, histories, historyFailures): the versions the manifest knows are
 * rebuilt from it, the others (and those `redescribe` names) are asked of WorkDocs. `manifest` is the trusted view of
 * the manifest as read.
 */
async function listHistories(client, tree, manifest, options) {
    const needs = historyNeeds(tree.documents, manifest, options.prefix, options.redescribe);
    const listed = needs.describe.length === 0
        ? { described: new Map(), failures: new Map(), pages: 0 }
        : await describeVersions(client, needs.describe, options.concurrency, options.signal);
    for (const [documentId, message] of listed.failures)
        options.log('error', `listing the versions of document ${documentId} failed: ${message}`);
    const withVersions = history_withHistories(tree, needs, listed.described, listed.failures);
    options.log('info', `WorkDocs versions: ${needs.describe.length} document(s) described (${listed.pages} pages), ${tree.documents.length - needs.describe.length} known from the manifest; ${withVersions.versions?.length ?? 0} older version(s)`);
    return withVersions;
}
const NO_VERSIONS = Object.freeze([]);
function toVersion(version, doc, contentTypes) {
    if (!version.Id || (version.Status !== undefined && version.Status !== 'ACTIVE'))
        return undefined;
    const md5 = version.Signature && /^[0-9a-fA-F]{32}$/.test(version.Signature) ? version.Signature.toLowerCase() : undefined;
    const createdAt = version.CreatedTimestamp?.getTime() ?? 0;
    const contentModifiedAt = (version.ContentModifiedTimestamp ?? version.CreatedTimestamp)?.getTime();
    return {
        id: doc.id,
        parentId: doc.parentId,
        // The document's own string where the version has its name: one copy instead of two.
        name: version.Name === undefined || version.Name === doc.name ? doc.name : version.Name,
        // The version's own creation time: it names the version's object in the history area.
        createdAt,
        modifiedAt: version.ModifiedTimestamp?.getTime() ?? createdAt,
        versionId: version.Id,
        size: version.Size ?? 0,
        md5,
        contentType: version.ContentType === undefined ? undefined : shared(contentTypes, version.ContentType),
        ...(contentModifiedAt !== undefined && Number.isSafeInteger(contentModifiedAt) ? { contentModifiedAt } : {}),
        history: true,
    };
}
function shared(pool, value) {
    const known = pool.get(value);
    if (known !== undefined)
        return known;
    pool.set(value, value);
    return value;
}

;// CONCATENATED MODULE: ./lib/s3/cleanup.js
/**
 * Incomplete multipart uploads under the prefix are what a run killed mid-transfer leaves behind (S3 keeps,
 * and bills, their parts until they are aborted). A run that holds the prefix's lock owns every upload
 * under it that existed before its own transfers began, so it aborts them all before starting its own.
 * Keys outside the managed area (the archive prefix) are left alone. Failures are logged, never fatal.
 */



async function abortOrphanedUploads(s3, bucket, prefix, archivePrefix, log, signal) {
    const uploads = [];
    let keyMarker;
    let uploadIdMarker;
    for (let page = 0; page < 1000; page++) {
        const out = await s3.send(new client_s3_dist_cjs.ListMultipartUploadsCommand({
            Bucket: bucket,
            ...(prefix !== '' ? { Prefix: prefix } : {}),
            ...(keyMarker !== undefined ? { KeyMarker: keyMarker } : {}),
            ...(uploadIdMarker !== undefined ? { UploadIdMarker: uploadIdMarker } : {}),
        }), { abortSignal: signal });
        for (const upload of out.Uploads ?? []) {
            if (upload.Key === undefined || upload.UploadId === undefined)
                continue;
            // Only what this tool could have started: never the tool area's own objects nor the archive.
            if (!isManagedKey(upload.Key, prefix, archivePrefix || undefined))
                continue;
            uploads.push({ key: upload.Key, uploadId: upload.UploadId, ...(upload.Initiated ? { initiated: upload.Initiated } : {}) });
        }
        if (!out.IsTruncated || (out.NextKeyMarker === undefined && out.NextUploadIdMarker === undefined))
            break;
        keyMarker = out.NextKeyMarker;
        uploadIdMarker = out.NextUploadIdMarker;
    }
    let aborted = 0;
    let failed = 0;
    for (const upload of uploads) {
        try {
            await s3.send(new client_s3_dist_cjs.AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.key, UploadId: upload.uploadId }), { abortSignal: signal });
            aborted++;
            log('info', `aborted an incomplete multipart upload left by an interrupted run: ${JSON.stringify(upload.key)}${upload.initiated ? ` (started ${upload.initiated.toISOString()})` : ''}`);
        }
        catch (error) {
            const name = error.name;
            if (name === 'NoSuchUpload') {
                aborted++;
                continue;
            }
            failed++;
            log('warning', `could not abort the incomplete multipart upload of ${JSON.stringify(upload.key)}: ${describeError(error)}`);
        }
    }
    return { found: uploads.length, aborted, failed };
}

;// CONCATENATED MODULE: ./lib/engine/uploads-while-listing.js
/**
 * Uploads that start while WorkDocs is still being listed. A document whose key is already known (its folder
 * and every folder above it are read to the end) and that the whole plan could only upload — no object at its
 * key, its version held nowhere in the manifest, so neither skip, adoption nor copy — is sent at once instead of
 * after the last folder. On a first sync that is nearly everything, so listing and transfers overlap.
 *
 * plan() still decides everything: what landed early is handed to it as objects already in the bucket with
 * manifest entries, so it skips them, or (if a key turned out different, e.g. a listing that repeated an id)
 * treats them like any other object, copying or deleting within the usual rules.
 * The first uploads start while the prefix's lock is still being taken (on a server without conditional writes
 * that takes a settle wait): once the lock was found free they download and send, but nothing of theirs can
 * appear in the bucket before the lock is held and the listing found current (WriteGate); otherwise they stop
 * short and are not reported. A run with nothing to upload takes no lock here.
 */





/** The upload early.ts needs, done by the executor like any planned upload (same retries, logging, checks). */
async function uploadWith(ctx, doc, key) {
    const scratch = new Map();
    const item = await runTransfer({ kind: 'upload', key, doc, reason: 'new' }, scratch, new Map(), ctx);
    const entry = scratch.get(key);
    return entry !== undefined ? { item, entry } : { item };
}
class EarlyUploads {
    rootId;
    takeLock;
    upload;
    /** Folder id → its key, for folders whose children's keys can be known early. */
    folderKeys = new Map();
    waiting = [];
    destination;
    seenDocuments = new Set();
    /** The uploads, at most max_workers at once. */
    uploads;
    items = new Map();
    entries = new Map();
    lock;
    /** Settles once the lock was found free and our record is being written, or the lock step ended short of that. */
    lockWriting;
    stopped = false;
    /** Why uploads may not go on, once they may not. */
    refusal;
    failure;
    gate;
    constructor(rootId, prefix, maxWorkers, 
    /**
     * Takes the prefix's lock and tells whether the listing so far can still be trusted; calls `onWriting` when
     * it found the lock free and writes its record.
     */
    takeLock, 
    /** Uploads one document through `gate`; failures come back as the item's outcome. */
    upload, 
    /** WriteGate.requestsMayWait: false unless the S3 socket pool is larger than the number of uploads at once. */
    requestsMayWait = false) {
        this.rootId = rootId;
        this.takeLock = takeLock;
        this.upload = upload;
        this.folderKeys.set(rootId, prefix);
        this.uploads = new ConcurrentQueue(maxWorkers, ({ doc, key }) => this.uploadEarly(doc, key));
        this.gate = {
            requestsMayWait,
            mayStart: async () => {
                await this.lockWriting;
                if (this.stopped)
                    throw this.refused();
            },
            mayCommit: async () => {
                if (!(await this.lockHeld()))
                    throw this.refused();
            },
        };
    }
    /** The bucket side is known: from now on documents can be judged. */
    destinationReady(inventory, loaded) {
        // A bucket the manifest does not account for (a lost manifest) may hold any version under any key: wait for the plan.
        const versions = versionsHeld(inventory, loaded.manifest);
        this.destination = { keys: new Set(inventory.map((o) => o.key)), versions, loaded };
        for (const [folderId, folders, documents] of this.waiting.splice(0))
            this.folderListed(folderId, folders, documents);
    }
    /** A folder was read to the end: key its children and start the uploads that cannot be anything else. */
    folderListed(folderId, folders, documents) {
        if (this.stopped)
            return;
        if (this.destination === undefined) {
            this.waiting.push([folderId, folders, documents]);
            return;
        }
        const parentKey = this.folderKeys.get(folderId);
        if (parentKey === undefined)
            return; // a folder above was relocated for length: left to the plan
        const keys = keysOfChildren(parentKey, folderId === this.rootId, folders, documents);
        if (keys === undefined)
            return;
        for (const [id, key] of keys.folderKeys)
            this.folderKeys.set(id, key);
        for (const doc of documents) {
            const key = keys.documentKeys.get(doc.id);
            // A repeated id is left to the plan, which settles repeats canonically (keys of distinct ids never collide).
            if (key === undefined || this.seenDocuments.has(doc.id))
                continue;
            this.seenDocuments.add(doc.id);
            if (this.destination.versions === undefined || this.destination.keys.has(key) || this.destination.versions.has(doc.versionId))
                continue;
            this.start(doc, key);
        }
    }
    start(doc, key) {
        if (this.lock === undefined) {
            let writing;
            const written = new Promise((resolve) => { writing = resolve; });
            this.lock = this.takeLock(this.destination.loaded, writing);
            const settled = this.lock.then((outcome) => {
                if (outcome === 'stale')
                    this.stop('the bucket changed since it was listed');
            }, (error) => {
                this.failure ??= error;
                this.stop(`the prefix's lock was not taken: ${describeError(error)}`);
            });
            this.lockWriting = Promise.race([written, settled]);
        }
        // After the lock step began: an upload starts at once and its gate waits on that step.
        this.uploads.push({ doc, key });
    }
    async uploadEarly(doc, key) {
        const { item, entry } = await this.upload(doc, key, this.gate);
        // Whatever ended before the lock was settled counts only if the lock turned out ours and the listing current
        // (when it is not, stop() has already stopped the queue).
        if (!(await this.lockHeld()))
            return;
        this.items.set(key, item);
        if (item.outcome === 'done' && entry !== undefined)
            this.entries.set(key, entry);
    }
    async lockHeld() {
        const outcome = await this.lock.catch(() => 'failed');
        return outcome === 'ok' && this.refusal === undefined;
    }
    stop(why) {
        this.stopped = true;
        this.refusal ??= why;
        this.uploads.stop();
    }
    /** Drops what judging folders needed: on 100,000 documents sets and maps of some 13 MB, else held to the run's end. */
    release() {
        this.destination = undefined;
        this.folderKeys.clear();
        this.seenDocuments.clear();
        this.waiting.length = 0;
    }
    refused() {
        return new WriteRefusedError(this.refusal ?? 'the run is ending');
    }
    /** Waits for every early upload to end, whatever the outcome (before a failed run releases its lock). */
    async settle() {
        this.stop('the run is ending');
        await this.uploads.drained().catch(() => undefined); // the run is failing already: its own error is the one to show
        this.release();
    }
    /** Waits for every early upload; throws what taking the lock threw (another run holds it, say). */
    async finish() {
        await this.uploads.drained();
        // The listing is over: no folder comes any more (the run keeps this object for its buffers till its end).
        this.stopped = true;
        this.release();
        if (this.failure !== undefined)
            throw this.failure;
        const lock = this.lock ? await this.lock : undefined;
        // What landed, as a listing would show it: the ETag S3 answered (plan() compares it with the entry's).
        const objects = [...this.entries].map(([key, entry]) => ({ key, size: entry.size, etag: entry.etag ?? entry.md5, lastModified: 0 }));
        return { items: this.items, objects, entries: this.entries, lock };
    }
}

// EXTERNAL MODULE: external "node:string_decoder"
var external_node_string_decoder_ = __webpack_require__(6193);
;// CONCATENATED MODULE: ./lib/workdocs/activities.js
/**
 * The WorkDocs side of incremental runs: the activity feed (DescribeActivities, newest first, paged by Marker) and
 * the re-reads of what it touched (GetFolder, GetDocument). A resource that is gone, or no longer ACTIVE, is said
 * so; any other failure is thrown (the run then lists everything).
 */




/** The largest page DescribeActivities serves. */
const PAGE_LIMIT = 999;
/** Every direct activity of the organization from `start` (epoch ms, inclusive) on, every page. */
async function readFeed(client, organizationId, start, signal) {
    const activities = [];
    let pages = 0;
    let marker;
    do {
        const out = await client.send(new dist_cjs.DescribeActivitiesCommand({ OrganizationId: organizationId, StartTime: new Date(start), Limit: PAGE_LIMIT, ...(marker ? { Marker: marker } : {}) }), { abortSignal: signal });
        pages++;
        for (const a of out.UserActivities ?? [])
            activities.push(toFeedActivity(a));
        marker = out.Marker || undefined;
    } while (marker !== undefined);
    return { activities, pages };
}
/**
 * The newest activities, as far back as the overlap from the newest one: where a full listing that starts now leaves
 * the feed (what they did, the listing shows). Usually one page.
 */
async function readFeedHead(client, organizationId, signal) {
    const activities = [];
    let pages = 0;
    let marker;
    let newest;
    do {
        const out = await client.send(new dist_cjs.DescribeActivitiesCommand({ OrganizationId: organizationId, Limit: PAGE_LIMIT, ...(marker ? { Marker: marker } : {}) }), { abortSignal: signal });
        pages++;
        let past = false;
        for (const wire of out.UserActivities ?? []) {
            const a = toFeedActivity(wire);
            newest ??= a.time;
            if (a.time < newest - ACTIVITY_OVERLAP_MS) {
                past = true;
                break;
            }
            activities.push(a);
        }
        marker = past ? undefined : out.Marker || undefined;
    } while (marker !== undefined);
    return { activities, pages };
}
function toFeedActivity(a) {
    const participants = [...(a.Participants?.Users ?? []).map((u) => u.Id ?? ''), ...(a.Participants?.Groups ?? []).map((g) => g.Id ?? '')];
    return {
        type: a.Type ?? '',
        time: a.TimeStamp?.getTime() ?? 0,
        resourceType: a.ResourceMetadata?.Type,
        resourceId: a.ResourceMetadata?.Id || undefined,
        parentId: a.ResourceMetadata?.ParentId || undefined,
        originalParentId: a.OriginalParent?.Id || undefined,
        versionId: a.ResourceMetadata?.VersionId || undefined,
        name: a.ResourceMetadata?.Name,
        originalName: a.ResourceMetadata?.OriginalName,
        initiatorId: a.Initiator?.Id,
        ownerId: a.ResourceMetadata?.Owner?.Id,
        commentId: a.CommentMetadata?.CommentId,
        participants,
    };
}
function isGone(error) {
    const name = errorName(error);
    return name === 'EntityNotExistsException' || name === 'ProhibitedStateException';
}
async function reReadFolder(client, id, signal) {
    try {
        const out = await client.send(new dist_cjs.GetFolderCommand({ FolderId: id }), { abortSignal: signal });
        const parentId = out.Metadata?.ParentFolderId || undefined;
        const folder = out.Metadata ? toFolder(out.Metadata, parentId ?? '') : undefined;
        return folder === undefined ? { state: 'gone' } : { state: 'active', item: folder, parentId };
    }
    catch (error) {
        if (isGone(error))
            return { state: 'gone' };
        throw error;
    }
}
async function reReadDocument(client, id, signal) {
    try {
        const out = await client.send(new dist_cjs.GetDocumentCommand({ DocumentId: id }), { abortSignal: signal });
        const parentId = out.Metadata?.ParentFolderId || undefined;
        const document = out.Metadata && parentId ? toDocument(out.Metadata, parentId) : undefined;
        return document === undefined ? { state: 'gone' } : { state: 'active', item: document, parentId };
    }
    catch (error) {
        if (isGone(error))
            return { state: 'gone' };
        throw error;
    }
}

;// CONCATENATED MODULE: ./lib/engine/incremental.js
/**
 * Incremental runs (option `incremental`): instead of listing the whole source and the whole bucket, a run reads
 * the manifest and the source snapshot kept beside it, reads the activity feed since the snapshot's watermark,
 * re-reads only what the activities touched, and hands plan() the edited tree with the inventory the manifest
 * describes. Whenever it cannot be sure (no snapshot, another manifest, an activity it does not know, a failed
 * read, full_listing_every reached) the run lists everything instead, and says why in one line.
 */
















/**
 * How this run starts when `incremental` is `activities` or `auto` (mode sync): undefined when it lists everything as
 * always (`listing`, another mode, or `auto` without a site's organization id, which the feed needs).
 */
async function openIncremental(options, env, source, started, feedRead) {
    if (options.incremental === 'listing' || options.mode !== 'sync')
        return undefined;
    if (options.workdocsOrganizationId === '') {
        env.logger.log('info', 'incremental auto: the activity feed needs workdocs_organization_id; this run lists everything');
        return undefined;
    }
    return startIncremental(options, env, incrementalSourceOf(source, options), started, feedRead);
}
/** The source as an incremental run reads it: a site's virtual levels come from the users openSource just read. */
function incrementalSourceOf(source, options) {
    const site = source.site;
    return {
        rootId: source.rootId,
        rootName: source.rootName ?? '',
        organizationId: options.workdocsOrganizationId,
        ...(site ? {
            site: () => {
                const { top, bins, starts } = siteFolders(site);
                const binOf = new Map();
                if (site.includeRecycleBin)
                    for (const u of site.users)
                        if (u.recycleBinFolderId !== undefined)
                            binOf.set(u.id, u.recycleBinFolderId);
                return Promise.resolve({ virtual: [...top, ...bins], starts, binOf, binAreaId: recycleBinAreaId(site.organizationId), requests: 0 });
            },
        } : {}),
    };
}
/**
 * Starts a run in mode `activities` or `auto`: from the snapshot and the feed when it can, else says why the run
 * lists everything (and where the feed stands before that listing, for the snapshot it will write).
 */
async function startIncremental(options, env, source, started, feedRead) {
    const key = snapshotKey(options.s3Prefix);
    const full = async (reason, previous, scheduled = options.fullListingEveryMs === 0) => {
        env.logger.log('info', `full listing: ${reason}`);
        try {
            const head = await readFeedHead(env.workdocs, source.organizationId, env.signal);
            const watermark = advanceWatermark({ time: 0, seen: [] }, head.activities);
            return { kind: 'full', reason, scheduled, carry: { key, watermark, lastFullListing: started, full: true, previous, metadataTouched: new Set(), versionsTouched: new Set() } };
        }
        catch (error) {
            env.logger.log('warning', `the activity feed could not be read (${describeError(error)}): this run writes no source snapshot`);
            return { kind: 'full', reason, scheduled, carry: undefined };
        }
    };
    let loaded;
    let read;
    try {
        [loaded, read] = await Promise.all([
            readManifest(env.s3, options.s3BucketName, manifestKey(options.s3Prefix), env.signal),
            readSnapshot(env, options.s3BucketName, key),
        ]);
    }
    catch (error) {
        // The full listing meets the same bucket and says what is wrong with it.
        return full(`the manifest or the source snapshot could not be read (${describeError(error)})`);
    }
    const facts = {
        snapshot: read.state === 'found' ? { state: 'found', value: read.snapshot } : read,
        manifest: { state: loaded.state, etag: loaded.etag },
        rootId: source.rootId,
        now: started,
        fullListingEveryMs: options.fullListingEveryMs,
    };
    // Only its hash is kept for the run's end: the snapshot itself is garbage once the tree is edited.
    const previous = read.state === 'found' ? { hash: read.hash } : undefined;
    const reason = fullListingReason(facts);
    if (reason !== undefined || read.state !== 'found' || loaded.state !== 'found')
        return full(reason ?? 'no usable snapshot', previous, fullListingScheduled(facts));
    const snapshot = read.snapshot;
    let feed;
    try {
        const start = feedStart(snapshot.watermark);
        feed = feedRead?.start === start ? feedRead.read : await readFeed(env.workdocs, source.organizationId, start, env.signal);
    }
    catch (error) {
        return full(`a page of the activity feed failed (${describeError(error)})`, previous);
    }
    const unseen = unseenActivities(feed.activities, snapshot.watermark);
    const tree = new EditableTree(source.rootId, snapshot.tree);
    let applied;
    try {
        applied = await applyActivities(env, options, source, tree, unseen);
    }
    catch (error) {
        return full(error instanceof Uninterpretable ? error.message : `re-reading what the activities touched failed (${describeError(error)})`, previous);
    }
    const edited = tree.tree();
    env.logger.log('info', `incremental: ${unseen.length} new activities since ${new Date(feedStart(snapshot.watermark)).toISOString()} (${feed.pages} feed pages); `
        + `re-read ${applied.folders} folders and ${applied.documents} documents, listed ${applied.listed} folders (${applied.pages} pages); the bucket is not listed`);
    return {
        kind: 'activities',
        listing: { tree: edited, rootName: snapshot.rootName, errors: [], pages: applied.pages },
        inventory: inventoryFromManifest(loaded.manifest, snapshot.others),
        loaded,
        carry: { key, watermark: advanceWatermark(snapshot.watermark, feed.activities), lastFullListing: snapshot.lastFullListing, full: false, previous, metadataTouched: applied.metadata, versionsTouched: applied.versions },
    };
}
/** An activity this tool cannot apply: the run lists everything. */
class Uninterpretable extends Error {
}
/**
 * Edits `tree` with what the activities touched, re-reading each touched item once: folders first (a folder that
 * enters the tree is listed whole, bringing in what was created in it meanwhile), then documents, then the
 * recycle bins that changed. Activities about items outside the tree are asked about again once it has grown.
 */
async function applyActivities(env, options, source, tree, activities) {
    const client = env.workdocs;
    const limit = (0,p_limit/* default */.A)(Math.max(1, options.maxWorkers));
    const applied = { folders: 0, documents: 0, listed: 0, pages: 0, metadata: new Set(), versions: new Set() };
    /** Read (or listed) during this run, after the feed: later than every activity read, never read twice. */
    const fresh = new Set();
    const binsToList = new Set();
    /** Folders whose whole tree was listed this run. */
    const listedWhole = new Set();
    let binOf = new Map();
    const listBelow = async (starts) => {
        if (starts.length === 0)
            return;
        tree.removeBelow(new Set(starts.map((s) => s.id)), false);
        const listed = await listFolders(client, starts, { concurrency: options.maxWorkers, ...(env.signal ? { signal: env.signal } : {}) });
        if (listed.errors.length > 0)
            throw new Error(`listing folder ${listed.errors[0].folderId} failed: ${listed.errors[0].message}`);
        for (const start of starts)
            listedWhole.add(start.id);
        applied.listed += starts.length + listed.folders.length;
        applied.pages += listed.pages;
        for (const f of listed.folders) {
            tree.putFolder(f);
            fresh.add(f.id);
        }
        for (const d of listed.documents) {
            tree.putDocument(d);
            fresh.add(d.id);
        }
    };
    if (source.site) {
        // Users come and go without an activity: the top of the tree is read every run (one DescribeUsers page per 999 users).
        const levels = await source.site();
        binOf = levels.binOf;
        const now = new Map(levels.virtual.map((f) => [f.id, f]));
        const gone = new Set();
        for (const f of tree.tree().folders) {
            if ((f.parentId === source.rootId || f.parentId === levels.binAreaId) && !now.has(f.id))
                gone.add(f.id);
        }
        tree.removeBelow(gone, true);
        const added = [];
        for (const f of levels.virtual) {
            if (!tree.hasFolder(f.id)) {
                const start = levels.starts.find((s) => s.id === f.id);
                if (start)
                    added.push(start);
            }
            tree.putFolder(f);
        }
        await listBelow(added);
    }
    let pending = activities;
    for (let round = 0; pending.length > 0; round++) {
        const interpreted = interpretActivities(pending, tree);
        if (!interpreted.ok)
            throw new Uninterpretable(interpreted.reason);
        const { touched } = interpreted;
        for (const id of touched.metadata)
            applied.metadata.add(id);
        for (const id of touched.versions)
            applied.versions.add(id);
        const inTree = pending.filter((a) => !touched.elsewhere.includes(a));
        for (const a of inTree) {
            if (!/_(RECYCLED|RESTORED|DELETED|SHARE_PERMISSION_CHANGED)$/.test(a.type))
                continue;
            // A recycle, restore or owner change moves the item into, out of or between recycle bins.
            for (const user of [a.ownerId, a.initiatorId, ...a.participants]) {
                const bin = user === undefined ? undefined : binOf.get(user);
                if (bin !== undefined)
                    binsToList.add(bin);
            }
        }
        // Folders: re-read each; one that enters the tree (or is restored, or created) is listed whole.
        const relist = [];
        await Promise.all([...touched.folders].filter(([id]) => !fresh.has(id)).map(([id, how]) => limit(async () => {
            const known = tree.folder(id);
            const found = await reReadFolder(client, id, env.signal);
            applied.folders++;
            fresh.add(id);
            if (known?.parentId === source.rootId && source.site)
                return; // a user's root: the users decide its place and name
            if (found.state === 'gone' || found.parentId === undefined) {
                tree.removeBelow(new Set([id]), true);
                return;
            }
            tree.putFolder(found.item);
            if (known === undefined || how.relist)
                relist.push({ id });
        })));
        await listBelow(relist);
        // Documents: re-read each that no listing above already brought.
        await Promise.all([...touched.documents].filter((id) => !fresh.has(id)).map((id) => limit(async () => {
            const found = await reReadDocument(client, id, env.signal);
            applied.documents++;
            fresh.add(id);
            if (found.state === 'gone')
                tree.removeDocument(id);
            else
                tree.putDocument(found.item);
        })));
        // Activities about items outside the tree may be about the mirror now that it has grown; the others never are.
        const next = touched.elsewhere.filter((a) => a.parentId !== undefined && tree.hasFolder(a.parentId)
            || (a.originalParentId !== undefined && tree.hasFolder(a.originalParentId))
            || (a.resourceId !== undefined && (tree.hasFolder(a.resourceId) || tree.hasDocument(a.resourceId))));
        pending = next;
        if (round > 10_000)
            throw new Uninterpretable('the activities do not settle');
    }
    await listBelow([...binsToList].filter((id) => !listedWhole.has(id)).map((id) => ({ id, childrenState: 'RECYCLED' })));
    return applied;
}
async function readSnapshot(env, bucket, key) {
    let body;
    try {
        const out = await env.s3.send(new client_s3_dist_cjs.GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: env.signal });
        body = out.Body instanceof external_node_stream_.Readable ? out.Body : external_node_stream_.Readable.from([]);
    }
    catch (error) {
        if (isMissingObject(error))
            return { state: 'missing' };
        throw error;
    }
    // Line by line from the gunzip stream: the snapshot's items are held, never its text (100,000 documents: tens of MB).
    const reader = new SnapshotReader();
    const hash = new LinesHash();
    try {
        for await (const line of gunzipLines(body)) {
            hash.line(line);
            if (reader.line(line) !== undefined)
                break;
        }
    }
    catch (error) {
        if (error.code?.startsWith('Z_'))
            return { state: 'corrupt', problem: 'not gzip' };
        throw error;
    }
    finally {
        body.destroy();
    }
    const decoded = reader.finish();
    return decoded.ok ? { state: 'found', snapshot: decoded.snapshot, hash: hash.digest() } : { state: 'corrupt', problem: decoded.problem };
}
/** The lines of a gzipped body, as they come (UTF-8, split at \n). */
async function* gunzipLines(body) {
    const gunzip = (0,external_node_zlib_.createGunzip)();
    (0,external_node_stream_.pipeline)(body, gunzip, () => undefined); // an error of either side ends the loop below with it
    const text = new external_node_string_decoder_.StringDecoder('utf8');
    let rest = '';
    for await (const chunk of gunzip) {
        rest += text.write(chunk);
        let at = rest.indexOf('\n');
        let from = 0;
        while (at >= 0) {
            yield rest.slice(from, at);
            from = at + 1;
            at = rest.indexOf('\n', from);
        }
        rest = rest.slice(from);
    }
    rest += text.end();
    if (rest !== '')
        yield rest;
}
/**
 * SHA-256 of a snapshot's lines but the last (`{"readAt":…}`): the same for two snapshots that differ only in when
 * the feed was read, which are not written again for that.
 */
class LinesHash {
    hash = (0,external_node_crypto_.createHash)('sha256');
    pending;
    line(text) {
        if (this.pending !== undefined)
            this.hash.update(`${this.pending}\n`);
        this.pending = text;
    }
    digest() {
        return this.hash.digest('hex');
    }
}
/** The snapshot gzipped line by line (its text never exists whole), and the hash of its lines but the last. */
async function gzipSnapshot(snapshot) {
    const gzip = (0,external_node_zlib_.createGzip)();
    const chunks = [];
    gzip.on('data', (chunk) => chunks.push(chunk));
    const done = (0,promises_.finished)(gzip);
    for (const line of snapshotLines(snapshot)) {
        if (!gzip.write(`${line}\n`))
            await (0,external_node_events_.once)(gzip, 'drain');
    }
    gzip.end();
    await done;
    return Buffer.concat(chunks);
}
function hashOfLines(snapshot) {
    const hash = new LinesHash();
    for (const line of snapshotLines(snapshot))
        hash.line(line);
    return hash.digest();
}
/**
 * Writes the source snapshot a run leaves for the next one, when it says something new. Not written when the
 * listing was incomplete (the previous snapshot, if it still matches the manifest, is still right: its activities
 * are read again), nor when the manifest's ETag is unknown.
 */
async function recordSnapshot(options, env, carry, end) {
    if (end.manifestEtag === undefined)
        return;
    const snapshot = {
        manifestEtag: normalizeEtag(end.manifestEtag),
        rootId: end.tree.rootId,
        rootName: end.rootName,
        watermark: carry.watermark,
        lastFullListing: carry.lastFullListing,
        readAt: end.started,
        tree: carry.full ? new EditableTree(end.tree.rootId, end.tree).tree() : end.tree,
        others: othersAfterRun(end.inventory, end.entries, end.items),
    };
    // Unchanged but for when it was read (the last line): not written again.
    if (carry.previous !== undefined && hashOfLines(snapshot) === carry.previous.hash)
        return;
    const body = await gzipSnapshot(snapshot);
    try {
        await env.s3.send(new client_s3_dist_cjs.PutObjectCommand({
            Bucket: options.s3BucketName,
            Key: carry.key,
            Body: body,
            ContentLength: body.length,
            ContentMD5: contentMd5(body),
            ContentType: 'application/gzip',
        }), { abortSignal: AbortSignal.timeout(60_000) });
        env.logger.log('info', `source snapshot written: ${JSON.stringify(carry.key)} (${snapshot.tree.documents.length} documents, ${body.length} bytes)`);
    }
    catch (error) {
        // The next run finds the older snapshot, tied to another manifest, and lists everything: nothing is lost.
        env.logger.log('warning', `the source snapshot could not be written (${describeError(error)}); the next run lists everything`);
    }
}
/**
 * A manifest write failed after this run changed the bucket: the snapshot must not describe the old manifest as
 * current (its ETag would still match), so it is removed and the next run lists everything.
 */
async function dropSnapshot(options, env, carry) {
    try {
        await env.s3.send(new client_s3_dist_cjs.DeleteObjectCommand({ Bucket: options.s3BucketName, Key: carry.key }), { abortSignal: AbortSignal.timeout(30_000) });
    }
    catch (error) {
        env.logger.log('warning', `the source snapshot could not be removed (${describeError(error)})`);
    }
}
/** Ends a run in an incremental mode: leaves the snapshot the next run starts from (see recordSnapshot). */
async function finishIncremental(options, env, carry, listing, inventory, outcome, started) {
    if (carry === undefined || options.dryRun || outcome.stopped)
        return;
    if (outcome.manifestFailed) {
        await dropSnapshot(options, env, carry);
        return;
    }
    // An incomplete listing describes no tree: the previous snapshot stays (its activities are read again).
    if (listing.errors.length > 0)
        return;
    await recordSnapshot(options, env, carry, {
        tree: listing.tree,
        rootName: listing.rootName,
        inventory,
        entries: outcome.entries,
        manifestEtag: outcome.manifestEtag,
        items: outcome.items,
        started,
    });
}

;// CONCATENATED MODULE: ./lib/core/up-to-date.js
/**
 * The incremental no-op, decided from a few hundred bytes: a clean run in an incremental mode leaves a small record
 * (the "source head") beside the source snapshot, saying which manifest it ended with, where the activity feed stood,
 * which users and options it ran with, and what the mirror holds. The next run reads it first; when the feed shows
 * nothing new, the manifest is still that one, and the users and options are the same, the mirror is up to date and
 * the run ends without reading the manifest or the snapshot (which grow with the site). Anything else: the usual
 * incremental path. Nothing here does I/O or reads a clock.
 */



const HEAD_FORMAT = 'workdocs-s3-sync/source-head';
const HEAD_VERSION = 1;
function sourceHeadKey(prefix) {
    return `${prefix}${RESERVED_SEGMENT}/source-head.json`;
}
/**
 * The options that decide what the mirror holds. A run whose fingerprint differs may have work the feed does not
 * show (another prefix or filter, deletes switched on, every version wanted, ...), so it takes the usual path. Left
 * out: how the run goes (concurrency, part sizes, endpoints, logs, dry run) and the incremental settings themselves
 * (full_listing_every is checked apart). Any option added later is in, until someone says it may be left out.
 */
const NOT_ABOUT_THE_MIRROR = new Set([
    'regionName', 'maxPoolConnections', 'maxWorkers', 'dryRun', 'incremental', 'fullListingEveryMs', 'logFile', 'reportFile',
    'logLevel', 's3EndpointUrl', 'workdocsEndpointUrl', 's3ForcePathStyle', 's3ChecksumMode', 's3DeleteContentMd5',
    'partSizeBytes', 'multipartThresholdBytes', 'mode', 'verifyContent', 'verifySlice', 'verifyMerge', 'shardCount',
    'shardIndex', 'runId', 'metadataRefresh',
]);
/** A hash of the options that decide the mirror, and of the tool's version (another version may map keys otherwise). */
function optionsFingerprint(options, toolVersion) {
    const kept = Object.entries(options)
        .filter(([name]) => !NOT_ABOUT_THE_MIRROR.has(name))
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return hash(JSON.stringify([toolVersion, kept]));
}
/** A hash of a site's top levels (each user's root and bin, with the names their folders get), order aside. */
function sourceTopFingerprint(folders) {
    if (folders.length === 0)
        return '';
    return hash(folders.map((f) => JSON.stringify(Object.entries(f).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))).sort().join('\n'));
}
function hash(text) {
    return (0,external_node_crypto_.createHash)('sha256').update(text).digest('base64url');
}
/**
 * Why the head cannot say the mirror is up to date without the feed and the manifest, or undefined when it may.
 * Each reason is one short phrase for the debug log: the usual path then decides (and says in its own words).
 */
function headMismatch(facts) {
    const { head } = facts;
    if (head.rootId !== facts.rootId)
        return 'another source';
    if (head.options !== facts.options)
        return 'other options or another version of this tool';
    if (head.top !== facts.top)
        return 'the site\'s users changed';
    if (facts.fullListingEveryMs === 0 || facts.now - head.lastFullListing >= facts.fullListingEveryMs)
        return 'a full listing is due';
    if (facts.now - head.readAt > ACTIVITY_FEED_REACH_MS)
        return 'the feed was read too long ago';
    return undefined;
}
function encodeHead(head) {
    const file = {
        format: HEAD_FORMAT,
        version: HEAD_VERSION,
        manifestEtag: head.manifestEtag,
        rootId: head.rootId,
        rootName: head.rootName,
        watermark: { time: head.watermark.time, seen: [...head.watermark.seen] },
        lastFullListing: head.lastFullListing,
        readAt: head.readAt,
        options: head.options,
        top: head.top,
        objects: head.objects,
        users: head.users.map((u) => [u.user, u.objects]),
    };
    return JSON.stringify(file);
}
/** The head as parsed JSON, or undefined when it is not one this version writes (the usual path runs: nothing is lost). */
function decodeHead(value) {
    const file = value;
    if (file === null || typeof file !== 'object' || file.format !== HEAD_FORMAT || file.version !== HEAD_VERSION)
        return undefined;
    const { watermark, users } = file;
    const strings = [file.manifestEtag, file.rootId, file.rootName, file.options, file.top];
    const numbers = [file.lastFullListing, file.readAt, watermark?.time];
    if (!strings.every((s) => typeof s === 'string') || !numbers.every((n) => typeof n === 'number' && Number.isFinite(n))
        || !Number.isSafeInteger(file.objects) || (file.objects ?? -1) < 0
        || !Array.isArray(watermark?.seen) || !watermark.seen.every((s) => typeof s === 'string')
        || !Array.isArray(users) || !users.every((u) => Array.isArray(u) && u.length === 2 && typeof u[0] === 'string' && Number.isSafeInteger(u[1]))) {
        return undefined;
    }
    return {
        manifestEtag: file.manifestEtag,
        rootId: file.rootId,
        rootName: file.rootName,
        watermark: { time: watermark.time, seen: watermark.seen },
        lastFullListing: file.lastFullListing,
        readAt: file.readAt,
        options: file.options,
        top: file.top,
        objects: file.objects,
        users: users.map(([user, objects]) => ({ user, objects })),
    };
}
/** Per-user object counts of the manifest's keys (userOf: report.ts's userOfKey), sorted by username. */
function heldByUser(keys, userOf) {
    const counts = new Map();
    for (const key of keys) {
        const user = userOf(key);
        if (user !== undefined)
            counts.set(user, (counts.get(user) ?? 0) + 1);
    }
    return [...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([user, objects]) => ({ user, objects }));
}

;// CONCATENATED MODULE: ./lib/version.js
/** The package version, kept in step with package.json by a test. */
const VERSION = '0.1.0';

;// CONCATENATED MODULE: ./lib/engine/up-to-date.js
/**
 * The incremental no-op's fast path (core/up-to-date.ts decides): read the source head, then the feed and the
 * manifest's ETag, and end the run when nothing is new. A clean run in an incremental mode leaves the head; a run
 * that is not clean removes it, so the next run takes the usual path and finds what is left to do.
 */










/** Whether this run keeps a head: an incremental mode of a site's sync (the feed needs the organization id). */
function keepsHead(options) {
    return options.incremental !== 'listing' && options.mode === 'sync' && options.workdocsOrganizationId !== '';
}
/** The fingerprint of the site's top levels as openSource read them ('' for one folder). */
function topOf(source) {
    if (source.site === undefined)
        return '';
    const { top, bins, starts } = siteFolders(source.site);
    return sourceTopFingerprint([...top, ...bins, ...starts]);
}
/**
 * Reads the head, and when it still describes this source and these options, the feed since its watermark and the
 * manifest's ETag (HeadObject). Undefined when the fast path does not apply; any failure is left to the usual path,
 * which reads the same things again and says what is wrong.
 */
async function checkSourceHead(options, env, source, now) {
    if (!keepsHead(options))
        return undefined;
    // metadata_refresh re-reads every item's context: never a no-op, but it leaves (or removes) the head all the same.
    if (options.metadataRefresh)
        return { found: 'unread' };
    const bucket = options.s3BucketName;
    let value;
    try {
        value = await getJsonObject(env.s3, bucket, sourceHeadKey(options.s3Prefix), env.signal);
    }
    catch {
        // The usual path meets the same bucket and says what is wrong; the head is treated as present.
        return { found: 'unread' };
    }
    if (value === undefined)
        return { found: 'none' };
    const head = decodeHead(value);
    if (head === undefined)
        return { found: 'present' };
    const present = { found: 'present', previous: head };
    const mismatch = headMismatch({ head, rootId: source.rootId, options: optionsFingerprint(options, VERSION), top: topOf(source), now, fullListingEveryMs: options.fullListingEveryMs });
    if (mismatch !== undefined) {
        env.logger.log('debug', `source head not used: ${mismatch}`);
        return present;
    }
    const start = feedStart(head.watermark);
    let feed;
    let etag;
    try {
        [feed, etag] = await Promise.all([
            readFeed(env.workdocs, options.workdocsOrganizationId, start, env.signal),
            env.s3.send(new client_s3_dist_cjs.HeadObjectCommand({ Bucket: bucket, Key: manifestKey(options.s3Prefix) }), { abortSignal: env.signal }).then((out) => out.ETag),
        ]);
    }
    catch (error) {
        env.logger.log('debug', `source head not used: ${describeError(error)}`);
        return present;
    }
    if (etag === undefined || normalizeEtag(etag) !== head.manifestEtag)
        return { ...present, feed: { start, read: feed } };
    if (unseenActivities(feed.activities, head.watermark).length > 0)
        return { ...present, feed: { start, read: feed } };
    env.logger.log('info', `up to date: no new activity since ${new Date(start).toISOString()} (${feed.pages} feed page${feed.pages === 1 ? '' : 's'}), `
        + `and the manifest is the one the last run left (${plural(head.objects, 'object')}); nothing else was read`);
    return { ...present, upToDate: { head, feedPages: feed.pages } };
}
/**
 * Leaves the head for the next run: written after a clean run (unless it would say the same), removed after one that
 * is not (the next run takes the usual path). A failure to write or remove it is a warning: the next run compares
 * the manifest's ETag and the feed anyway, and a head it cannot trust is not used.
 */
async function leaveSourceHead(options, env, check, end) {
    if (check === undefined || options.dryRun)
        return;
    const key = sourceHeadKey(options.s3Prefix);
    const bucket = options.s3BucketName;
    if (!end.clean || end.carry === undefined || end.manifestEtag === undefined) {
        if (check.found === 'none')
            return; // none to remove
        try {
            await env.s3.send(new client_s3_dist_cjs.DeleteObjectCommand({ Bucket: bucket, Key: key }), { abortSignal: AbortSignal.timeout(30_000) });
        }
        catch (error) {
            env.logger.log('warning', `the source head could not be removed (${describeError(error)})`);
        }
        return;
    }
    const head = {
        manifestEtag: normalizeEtag(end.manifestEtag),
        rootId: end.rootId,
        rootName: end.rootName,
        watermark: end.carry.watermark,
        lastFullListing: end.carry.lastFullListing,
        readAt: end.started,
        options: optionsFingerprint(options, VERSION),
        top: topOf(end.source),
        objects: end.objects,
        users: end.users,
    };
    const text = encodeHead(head);
    if (check.previous !== undefined && encodeHead({ ...check.previous, readAt: head.readAt }) === text)
        return; // says the same but for when the feed was read
    try {
        await putJsonObject(env.s3, bucket, key, text, { signal: AbortSignal.timeout(30_000) });
    }
    catch (error) {
        env.logger.log('warning', `the source head could not be written (${describeError(error)}); the next run reads the manifest and the snapshot`);
    }
}

;// CONCATENATED MODULE: ./lib/engine/sync.js
/**
 * sync(): one run, start to end, shared by the CLI and the Action. It lists both sides, asks plan() what to
 * do, carries it out, and writes the manifest. It never throws for a failed item: the report says what
 * happened, with an exit code. Bad input comes back as exit 2 and a fatal listing problem as exit 3.
 */























/** How often progress lines are logged during long phases. */
const PROGRESS_INTERVAL_MS = 10_000;
async function sync(options, env, extras = {}) {
    const started = env.now();
    const base = { options, started, env, extras, manifestKey: manifestKey(options.s3Prefix), lock: undefined };
    try {
        const report = await run(options, env, base);
        const perUser = userCountsLine(report);
        if (perUser !== undefined)
            env.logger.log('info', perUser);
        return report;
    }
    catch (error) {
        const exitCode = exitCodeOf({ badInput: error instanceof InputError, fatal: true });
        // Our own errors say what happened in their message; the class name would only be noise.
        const message = error instanceof InputError ? `${error.option}: ${error.message}` : error instanceof FatalError ? error.message : describeError(error);
        env.logger.log('error', exitCode === 2 ? `bad input: ${message}` : `fatal: ${message}; nothing was deleted`);
        // Nothing was planned: the folder is shown as given, and no manifest is named (none was read or written).
        return buildReport({ ...base, rootFolderId: sourceIdOf(options), manifestKey: '', items: [], exitCode, fatal: message });
    }
    finally {
        await base.lock?.release();
    }
}
/**
 * Takes the prefix's lock (non-dry runs only), then aborts multipart uploads that killed runs left behind, and
 * returns the lock (renewing; the caller releases it) and whether it was taken over from a run that died.
 * Another live run on the prefix is a fatal refusal (exit 3); a bucket that does not exist is bad input.
 */
async function lockPrefix(options, env, extras, onWriting) {
    let acquired;
    try {
        acquired = await acquireLock({
            s3: env.s3,
            bucket: options.s3BucketName,
            prefix: options.s3Prefix,
            now: env.now,
            ...(env.signal ? { signal: env.signal } : {}),
            settings: extras.lock ?? {},
            ...(extras.lock?.host !== undefined ? { host: extras.lock.host } : {}),
            ...(extras.lock?.pid !== undefined ? { pid: extras.lock.pid } : {}),
            log: (level, message) => env.logger.log(level, message),
            ...(onWriting ? { onWriting } : {}),
        });
    }
    catch (error) {
        if (error.name === 'NoSuchBucket')
            throw new InputError('s3_bucket_name', `bucket ${options.s3BucketName} does not exist`, { cause: error });
        throw new FatalError(`could not take the lock on the prefix: ${describeError(error)}`, { cause: error });
    }
    if (!acquired.ok)
        throw new FatalError(`${acquired.message}; this run did nothing (wait for it to finish, or remove ${JSON.stringify(lockKey(options.s3Prefix))} if that run is gone)`);
    acquired.lock.startRenewing();
    if (acquired.tookOver)
        env.logger.log('warning', `took over a stale lock of an earlier run that did not finish (run ${acquired.tookOver.owner.slice(0, 8)} on ${JSON.stringify(acquired.tookOver.host)}, pid ${acquired.tookOver.pid}, started ${acquired.tookOver.startedAt})`);
    try {
        const cleaned = await abortOrphanedUploads(env.s3, options.s3BucketName, options.s3Prefix, options.archivePrefix, (level, message) => env.logger.log(level, message), env.signal);
        if (cleaned.found > 0)
            env.logger.log('info', `incomplete multipart uploads under the prefix: ${cleaned.found} found, ${cleaned.aborted} aborted`);
    }
    catch (error) {
        env.logger.log('warning', `could not list incomplete multipart uploads: ${describeError(error)}`);
    }
    return { lock: acquired.lock, tookOver: acquired.tookOver !== undefined };
}
/** Takes the prefix's lock for this run: sync() releases it whatever happens. */
async function lockRun(options, env, base, onWriting) {
    const { lock, tookOver } = await lockPrefix(options, env, base.extras, onWriting);
    base.lock = lock;
    return tookOver;
}
/**
 * True when the run would change anything in the bucket: transfers, deletes, markers, or the manifest. The
 * manifest is the loaded one only when no entry was contradicted (trustedEntries: every entry's object is listed,
 * with its size), so it would be written back unchanged.
 */
function hasWork(prepared) {
    const { plan: decided, loaded, manifest } = prepared;
    if (loaded.state !== 'found' || manifest !== loaded.manifest || !sameForeign(loaded.manifest.foreign, decided.foreign) || !sameHistories(loaded.manifest.histories, decided.histories))
        return true;
    return decided.actions.some((a) => a.kind !== 'skip' || a.reason !== 'unchanged');
}
/** Whether the foreign objects the manifest remembers are the ones this run found (else the manifest is written again). */
function sameForeign(remembered, found) {
    if ((remembered?.size ?? 0) !== found.size)
        return false;
    for (const [key, etag] of found)
        if (remembered?.get(key) !== etag)
            return false;
    return true;
}
/**
 * Lists both sides and plans. With `earlyFor`, uploads that cannot be anything else start while the listing
 * runs (uploads-while-listing.ts); what landed is part of the inventory and the manifest that plan() sees.
 */
async function prepare(options, env, started, earlyFor, opened) {
    const { logger } = env;
    // WorkDocs first: a wrong folder or organization id is bad input and must fail before any request to S3.
    const source = opened?.source ?? await openSource(options, env);
    const rootFolderId = source.rootId;
    // incremental: from the snapshot and the activity feed, without listing either side, when it can.
    const incremental = await openIncremental(options, env, source, started, opened?.feed);
    const early = incremental?.kind === 'activities' ? undefined : earlyFor?.(rootFolderId);
    const { listing: listed, inventory, loaded, earlyResult } = await logger.group('List WorkDocs and S3', async () => {
        if (incremental?.kind === 'activities')
            return { ...incremental, earlyResult: undefined };
        // A bucket that cannot be listed ends the run: the WorkDocs listing stops too instead of running on.
        const stop = runAbortController();
        try {
            const [listing, destination] = await Promise.all([
                listSource(options, env, source, early, anySignal(stop.signal, env.signal)),
                listDestination(options, env, manifestKey(options.s3Prefix), rootFolderId).then((found) => {
                    early?.destinationReady(found.inventory, found.loaded);
                    return found;
                }, (error) => {
                    stop.abort(error);
                    throw error;
                }),
            ]);
            const earlyResult = await early?.finish();
            if (earlyResult && earlyResult.items.size > 0) {
                logger.log('info', `${earlyResult.items.size} upload(s) started while listing: ${earlyResult.objects.length} done`);
            }
            return { listing, ...destination, earlyResult };
        }
        catch (error) {
            await early?.settle(); // nothing may still be writing once the run ends and releases its lock
            throw error;
        }
    });
    if (earlyResult)
        inventory.push(...earlyResult.objects);
    // Read while WorkDocs was listed, the manifest has its own copy of every id the listing holds: one is kept.
    if (incremental?.kind !== 'activities')
        shareTreeIds(loaded.manifest, listed.tree);
    const listedManifest = earlyResult && earlyResult.entries.size > 0
        // The recorded histories and foreign objects stay: without them every document's versions would be described again.
        ? { ...loaded.manifest, entries: new Map([...loaded.manifest.entries, ...earlyResult.entries]) }
        : loaded.manifest;
    // versions: all — the older versions, asked of WorkDocs only for documents the manifest does not know (core/history.ts),
    // and for every document on metadata_refresh or the scheduled full listing: an older version deleted in WorkDocs
    // leaves the latest as it was, so nothing else finds it.
    const redescribe = options.metadataRefresh || (incremental?.kind === 'full' && incremental.scheduled) ? 'all'
        : incremental?.kind === 'activities' ? incremental.carry.versionsTouched : undefined;
    const listing = options.versions !== 'all' ? listed : { ...listed, tree: await listHistories(env.workdocs, listed.tree, trustedManifest(listedManifest, inventory), {
            prefix: options.s3Prefix, concurrency: options.maxWorkers, ...(env.signal ? { signal: env.signal } : {}), log: (level, message) => logger.log(level, message),
            ...(redescribe !== undefined ? { redescribe } : {})
        }) };
    const view = await probeUnknownObjects(listing, inventory, listedManifest, loaded.state === 'found', options, env);
    const decided = plan(listing.tree, inventory, view, {
        prefix: options.s3Prefix,
        archivePrefix: options.archivePrefix,
        archiveRunFolder: new Date(started).toISOString().replace(/[:.]/g, '-'),
        deleteStale: options.deleteStale,
        maxDelete: options.maxDelete,
        folderMarkers: options.folderMarkers,
        listingComplete: listing.errors.length === 0,
        deleteForeign: options.deleteForeign,
        unlistedFolders: new Set(listing.errors.map((e) => e.folderId)),
        // Shards run the transfers apart: their copies cannot wait for one another.
        orderedCopies: options.mode === 'sync',
    });
    logPlan(decided, env, earlyResult?.items.size ?? 0);
    return { rootFolderId, rootFolderName: source.rootName, listing, inventory, loaded, manifest: view.trusted, recorded: view.recorded, plan: decided, ...(earlyResult ? { early: earlyResult } : {}), ...(incremental?.carry ? { incremental: incremental.carry } : {}) };
}
/** Why the run must end with exit 3 although it went on: a WorkDocs folder could not be listed. */
function listingFailure(listing) {
    return listing.errors.length > 0
        ? `the WorkDocs listing failed for ${listing.errors.length} folder(s), first: ${listing.errors[0].folderId}: ${listing.errors[0].message}`
        : undefined;
}
async function run(options, env, base) {
    // WorkDocs first: a wrong folder or organization id is bad input and must fail before any request to S3.
    const source = await openSource(options, env);
    // An incremental no-op ends here when the source head says nothing changed (engine/up-to-date.ts).
    const head = await checkSourceHead(options, env, source, base.started);
    if (head?.upToDate)
        return upToDateReport(base, source, head.upToDate.head);
    const early = options.dryRun ? undefined : earlyUploadsFor(options, env, base);
    // What was prepared is never a local here: once act() returns, the manifests and the plan's actions can go before the
    // metadata index reads (on a site of 100,000 documents some 45 MB of the live heap).
    const acted = await act(options, env, base, await prepareUnderLock(options, env, base, await prepare(options, env, base.started, early?.start, { source, feed: head?.feed })), early);
    // After the manifest: a run stopped while reading comments has recorded its transfers all the same.
    const items = acted.context === undefined ? acted.items : [...acted.items, ...await recordContext(options, env, acted.context)];
    // Interrupted while the metadata index was read or written: the run did not finish.
    const interrupted = !options.dryRun && env.signal?.aborted === true;
    const exitCode = exitCodeOf({ ...acted.exit, fatal: acted.exit.fatal === true || interrupted, itemsFailed: hasFailedItems(items) });
    if (acted.head !== undefined) {
        await leaveSourceHead(options, env, head, { ...acted.head, clean: exitCode === 0 && acted.head.clean, source, started: base.started });
    }
    const fatal = acted.fatal ?? (interrupted ? 'the run was interrupted' : undefined);
    return buildReport({ ...base, ...acted.named, items, exitCode, deletesBlocked: acted.deletesBlocked, foreign: acted.foreign, fatal });
}
/** Acts on the plan: a dry run's report, a no-op's unchanged items, or the transfers, deletes and the manifest. */
async function act(options, env, base, { prepared, idle }, early) {
    const { logger, signal } = env;
    const { rootFolderId, rootFolderName, listing, inventory, manifest, plan: decided } = prepared;
    const listingFailed = listingFailure(listing);
    const named = { rootFolderId, rootFolderName };
    const held = (entries) => ({ objects: entries.size, users: heldByUser(entries.keys(), (k) => userOfKey(k, options.s3Prefix)) });
    const headEnd = (clean, manifestEtag, entries) => ({ clean, manifestEtag, ...held(entries), carry: prepared.incremental, rootId: rootFolderId, rootName: listing.rootName });
    if (options.dryRun) {
        const planned = plannedItems(decided);
        for (const item of planned)
            if (item.outcome !== 'done')
                logger.log('info', `dry run: ${dryRunLine(item, listingFailed !== undefined)}`);
        return { named, items: planned, context: contextInput(prepared, planned), exit: { fatal: listingFailed !== undefined, deletesRefused: decided.deletesBlocked !== undefined }, fatal: listingFailed, deletesBlocked: decided.deletesBlocked, foreign: decided.foreign };
    }
    if (idle) {
        // Nothing to write (a no-op resync): every action is an unchanged skip, reported without the executor.
        const aborted = signal?.aborted === true;
        // Only unchanged skips: the snapshot's objects stay as they were; it is written if the feed moved on.
        await finishIncremental(options, env, prepared.incremental, prepared.listing, inventory, { items: [], entries: manifest.entries, manifestEtag: prepared.loaded.etag, manifestFailed: false, stopped: aborted }, base.started);
        const unchanged = unchangedItems(decided, logger);
        // The metadata index may still have work (new comments are not in the plan): it takes the lock if it writes.
        return {
            named, items: unchanged, context: aborted ? undefined : contextInput(prepared, unchanged, () => lockRun(options, env, base)),
            exit: { fatal: listingFailed !== undefined || aborted }, fatal: listingFailed ?? (aborted ? 'the run was interrupted' : undefined), foreign: decided.foreign,
            ...(keepsHead(options) ? { head: headEnd(!aborted, prepared.loaded.etag, manifest.entries) } : {}),
        };
    }
    // A lock lost while transferring (another run took the prefix over) stops this run before its deletes.
    const transferSignal = base.lock ? anySignal(base.lock.lostSignal, signal) : signal;
    const earlyBuffers = early?.context()?.buffers;
    const execution = await logger.group('Transfer and clean up', () => executePlan(decided, new Map(manifest.entries), inventory, executeContext(options, env, {
        ...(transferSignal ? { signal: transferSignal } : {}),
        onBytes: progressMeter(env, decided),
        // The buffers the early uploads filled serve the rest: one pool per run, not two.
        ...(earlyBuffers ? { buffers: earlyBuffers } : {}),
    }), prepared.early?.items));
    const recorded = await recordManifest(options, env, base, prepared, execution.manifest);
    const lockLost = recorded.lockLost ?? base.lock?.lost;
    const stopped = lockLost !== undefined || signal?.aborted === true;
    await finishIncremental(options, env, prepared.incremental, prepared.listing, inventory, {
        items: execution.items, entries: execution.manifest, manifestEtag: recorded.etag ?? prepared.loaded.etag,
        manifestFailed: recorded.failed !== undefined, stopped,
    }, base.started);
    return {
        named,
        items: execution.items,
        context: stopped ? undefined : contextInput(prepared, execution.items),
        exit: { fatal: listingFailed !== undefined || stopped, deletesRefused: decided.deletesBlocked !== undefined, outputFailed: recorded.failed !== undefined },
        fatal: listingFailed ?? (lockLost !== undefined ? `${lockLost}; the manifest was not written` : signal?.aborted ? 'the run was interrupted' : recorded.failed),
        deletesBlocked: decided.deletesBlocked,
        foreign: decided.foreign,
        // Counted (a pass over every key) only where a head is kept.
        ...(keepsHead(options) ? { head: headEnd(!stopped, recorded.etag ?? prepared.loaded.etag, execution.manifest) } : {}),
    };
}
/** The report of a run that ended at the source head: every object the manifest lists is unchanged. */
function upToDateReport(base, source, head) {
    return buildReport({ ...base, rootFolderId: source.rootId, rootFolderName: source.rootName, items: [], exitCode: 0, unchanged: { objects: head.objects, users: head.users } });
}
/**
 * The uploads that start while the listing runs (uploads-while-listing.ts): `start` hands prepare() their scheduler. They begin before
 * the lock is held; a stop signal ends them when the lock is refused or the listing turns out outdated (they
 * download meanwhile; nothing of theirs lands), and when it is lost later.
 */
function earlyUploadsFor(options, env, base) {
    const earlyBytes = byteMeter(env);
    const earlyStop = runAbortController();
    let context;
    const start = (rootId) => new EarlyUploads(rootId, options.s3Prefix, options.maxWorkers, async (loaded, onWriting) => {
        try {
            const outcome = await lockAndCheck(options, env, base, loaded, onWriting);
            if (outcome === 'stale')
                earlyStop.abort(new WriteRefusedError('the bucket changed since it was listed'));
            else if (base.lock)
                forwardAbort(base.lock.lostSignal, earlyStop);
            return outcome;
        }
        catch (error) {
            earlyStop.abort(new WriteRefusedError(`the prefix's lock was not taken: ${describeError(error)}`, { cause: error }));
            throw error;
        }
    }, (doc, key, gate) => {
        context ??= executeContext(options, env, { signal: anySignal(earlyStop.signal, env.signal), onBytes: earlyBytes, gate });
        return uploadWith(context, doc, key);
    }, 
    // The lock's requests need one socket beside the uploads that may wait at the gate holding theirs.
    options.maxWorkers < options.maxPoolConnections);
    return { start, context: () => context };
}
/**
 * Makes what was prepared safe to act on: a run that will write holds the prefix's lock, and what it listed before
 * the lock is listed again when it may predate another run's writes (the manifest changed meanwhile, or the lock
 * was taken over from a run that died). A run with nothing to write (`idle`) takes no lock: a no-op resync stays
 * one LIST and one GET. Dry runs never lock.
 */
async function prepareUnderLock(options, env, base, prepared) {
    if (prepared.early?.lock === 'stale') {
        // The lock was taken to upload early, but the bucket changed since it was listed: nothing was uploaded early.
        env.logger.log('info', 'listing again: an interrupted or concurrent run may have changed the bucket');
        return { prepared: await prepare(options, env, base.started), idle: false };
    }
    if (options.dryRun || base.lock !== undefined)
        return { prepared, idle: false };
    if (!hasWork(prepared))
        return { prepared, idle: true };
    const tookOver = await lockRun(options, env, base);
    const current = await readManifest(env.s3, options.s3BucketName, base.manifestKey, env.signal);
    if (!tookOver && current.state === prepared.loaded.state && current.etag === prepared.loaded.etag)
        return { prepared, idle: false };
    env.logger.log('info', tookOver ? 'listing again: an interrupted run may have changed the bucket' : 'listing again: another run changed the manifest meanwhile');
    // A run that died may have written objects its manifest does not name: only a listing of the bucket shows them.
    return { prepared: await prepare(tookOver ? { ...options, incremental: 'listing' } : options, env, base.started), idle: false };
}
/**
 * Writes the manifest when the bucket's content or what it remembers changed. Written even when the run was
 * interrupted (no abort signal, a bounded time instead): what was done is recorded. Not written once the lock
 * was lost: the other run writes its own.
 */
async function recordManifest(options, env, base, prepared, entries) {
    const { loaded, manifest, plan: decided, rootFolderId } = prepared;
    const unchanged = loaded.state === 'found' && sameEntries(manifest.entries, entries) && manifest === loaded.manifest && sameForeign(loaded.manifest.foreign, decided.foreign)
        && sameHistories(loaded.manifest.histories, decided.histories);
    if (unchanged)
        return {};
    return env.logger.group('Write manifest', async () => {
        const lockLost = await base.lock?.check(AbortSignal.timeout(30_000));
        if (lockLost !== undefined) {
            env.logger.log('error', `${lockLost}: the manifest was not written (the other run writes its own)`);
            return { lockLost };
        }
        try {
            const { bytes, etag } = await writeManifestTagged(env.s3, options.s3BucketName, base.manifestKey, { entries, foreign: decided.foreign, ...(decided.histories ? { histories: decided.histories } : {}) }, {
                rootFolderId,
                prefix: options.s3Prefix,
                updatedAt: new Date(env.now()).toISOString(),
            }, AbortSignal.timeout(60_000));
            env.logger.log('info', `manifest written: ${JSON.stringify(base.manifestKey)} (${entries.size} entries, ${formatBytes(bytes)})`);
            return etag !== undefined ? { etag } : {};
        }
        catch (error) {
            // The transfers and deletes above did happen: report them as they are. The next run finds the
            // objects without (or with outdated) entries and re-checks them by their metadata.
            const failed = `the manifest could not be written (${describeError(error)}); the next run re-checks the objects by their metadata`;
            env.logger.log('error', failed);
            return { failed };
        }
    });
}
/** Takes the lock for uploads that start while listing, and tells whether what was listed is still current. */
async function lockAndCheck(options, env, base, loaded, onWriting) {
    // The manifest is read again while the lock record settles: once the lock was found free, no other run can write
    // the manifest unless it wins the lock from us, and then this run writes nothing anyway.
    let reading;
    const tookOver = await lockRun(options, env, base, () => {
        reading = readManifest(env.s3, options.s3BucketName, base.manifestKey, env.signal);
        reading.catch(() => undefined); // awaited below unless taking the lock failed first
        onWriting();
    });
    const current = await (reading ?? readManifest(env.s3, options.s3BucketName, base.manifestKey, env.signal));
    return tookOver || current.state !== loaded.state || current.etag !== loaded.etag ? 'stale' : 'ok';
}
/** Progress of the uploads made while listing (their total is not known yet). */
function byteMeter(env) {
    let bytes = 0;
    let last = env.now();
    return (n) => {
        bytes += n;
        if (env.now() - last < PROGRESS_INTERVAL_MS)
            return;
        last = env.now();
        env.logger.log('info', `progress: ${formatBytes(bytes)} transferred while listing`);
    };
}
async function listSource(options, env, source, early, signal = env.signal) {
    let last = env.now();
    const listing = await source.list({
        concurrency: options.maxWorkers,
        signal,
        ...(early ? { onFolderListed: (folderId, folders, documents) => early.folderListed(folderId, folders, documents) } : {}),
        onFolder: (folders, documents) => {
            if (env.now() - last < PROGRESS_INTERVAL_MS)
                return;
            last = env.now();
            env.logger.log('info', `listing: ${folders} folders read, ${documents} documents found`);
            env.onProgress?.({ phase: 'list', done: folders, total: 0, bytes: 0 });
        },
    });
    // Stopped because the run already failed (a missing bucket): the folders cut short are not the news.
    if (signal?.aborted)
        return listing;
    for (const error of listing.errors)
        env.logger.log('error', `listing folder ${error.folderId} failed: ${error.message}`);
    env.logger.log('info', `WorkDocs: ${listing.tree.documents.length} documents in ${listing.tree.folders.length + 1} folders (${listing.pages} pages)`);
    return listing;
}
async function listDestination(options, env, key, rootFolderId) {
    let found;
    try {
        // The listing first, then the manifest decoded against it: its entries hold the listed keys, MD5s and ETags, not
        // copies of their own (some 30 MB at 100,000 documents). The WorkDocs listing, alongside, takes longer anyway.
        const { objects, pages } = await listInventory(env.s3, options.s3BucketName, options.s3Prefix, env.signal);
        const loaded = await readManifest(env.s3, options.s3BucketName, key, env.signal, new Map(objects.map((o) => [o.key, o])));
        env.logger.log('info', `S3: ${plural(objects.length, 'object')} under ${JSON.stringify(options.s3Prefix || '(bucket root)')} (${pages} pages)`);
        if (loaded.state === 'corrupt')
            env.logger.log('warning', `manifest ${JSON.stringify(key)} is unreadable (${loaded.problem}); it will be rebuilt`);
        if (loaded.state === 'missing')
            env.logger.log('info', 'no manifest yet: existing objects are checked once by their metadata');
        // The tool's own area and the metadata sidecars are not mirrored objects: plan() never sees them.
        found = { inventory: objects.filter((o) => !o.key.startsWith(toolAreaPrefix(options.s3Prefix)) && !o.key.startsWith(sidecarAreaPrefix(options.s3Prefix))), loaded };
    }
    catch (error) {
        const name = error.name;
        if (name === 'NoSuchBucket')
            throw new InputError('s3_bucket_name', `bucket ${options.s3BucketName} does not exist`, { cause: error });
        throw new FatalError(`the S3 bucket could not be listed: ${describeError(error)}`, { cause: error });
    }
    const refusal = sourceChangeRefusal(found.loaded, rootFolderId, options);
    if (refusal !== undefined)
        throw new InputError(sourceOption(options), refusal);
    return found;
}
/**
 * One prefix, one source: a prefix whose manifest names another WorkDocs folder is another mirror, and syncing this
 * folder into it would copy documents into its places and delete its own. Refused before anything is written,
 * unless allow_source_change says the mirror is deliberately moved or widened.
 */
function sourceChangeRefusal(loaded, rootFolderId, options) {
    if (loaded.state !== 'found' || loaded.rootFolderId === '' || loaded.rootFolderId === rootFolderId || options.allowSourceChange)
        return undefined;
    return `s3://${options.s3BucketName}/${options.s3Prefix} already mirrors WorkDocs ${sourceNamed(loaded.rootFolderId)}, not ${sourceNamed(rootFolderId)}: `
        + 'choose another s3_prefix, or set allow_source_change to make this source the prefix\'s source (objects of the other one then count as stale)';
}
/** `folder <id>`, or `site <id>` for an organization (directory) id. */
function sourceNamed(id) {
    return /^d-[0-9a-f]{10}$/.test(id) ? `site ${id}` : `folder ${id}`;
}
/** The option that names the run's source, for a refusal that concerns it. */
function sourceOption(options) {
    return options.workdocsOrganizationId !== '' ? 'workdocs_organization_id' : 'workdocs_folder_id';
}
/**
 * Reads the metadata of `keys` (HeadObject, bounded) into their inventory entries. A failed probe is logged and
 * leaves its object unprobed: the planner then does not take it for this tool's, nor verify for anything.
 */
async function probeObjects(keys, inventory, options, env) {
    const byKey = new Map(inventory.map((o, i) => [o.key, i]));
    await forEachConcurrently(keys, options.maxWorkers, async (key) => {
        const head = await readMetadata(env.s3, options.s3BucketName, key, env.signal).catch((error) => {
            env.logger.log('warning', `could not read metadata of ${JSON.stringify(key)}: ${describeError(error)}`);
            return undefined;
        });
        const index = byKey.get(key);
        if (index !== undefined && head !== undefined)
            inventory[index] = { ...inventory[index], ...head };
    });
}
/**
 * Objects with no trusted manifest entry are checked once by their metadata (HeadObject): those that may already
 * hold the wanted version (a bucket the original script wrote, a lost manifest, a run killed before its manifest
 * write), and those nobody has said whose they are (a foreign object is remembered, and not asked about again).
 */
async function probeUnknownObjects(listing, inventory, recorded, manifestFound, options, env) {
    const view = { trusted: trustedManifest(recorded, inventory), recorded };
    const probes = keysToProbe(listing.tree, inventory, view, { prefix: options.s3Prefix, archivePrefix: options.archivePrefix, deleteForeign: options.deleteForeign, manifestLost: !manifestFound });
    if (probes.length === 0)
        return view;
    env.logger.log('info', `reading metadata of ${probes.length} object(s) not in the manifest`);
    await probeObjects(probes, inventory, options, env);
    // With the manifest lost, the objects still say which folder they mirror: one prefix, one source all the same.
    const other = manifestFound ? undefined : otherSourceIn(inventory, listing.tree.rootId);
    if (other !== undefined && !options.allowSourceChange) {
        throw new InputError(sourceOption(options), `s3://${options.s3BucketName}/${options.s3Prefix} holds objects mirrored from WorkDocs ${sourceNamed(other)}, not ${sourceNamed(listing.tree.rootId)} (its manifest is gone, their metadata says so): `
            + 'choose another s3_prefix, or set allow_source_change to make this source the prefix\'s source');
    }
    // Metadata that names the wanted version is not proof of the bytes where the ETag shows no MD5: they are read back.
    const readBack = keysToReadBack(listing.tree, inventory, options.s3Prefix, recorded);
    if (readBack.length > 0)
        env.logger.log('info', `reading back ${readBack.length} object(s) whose ETag shows no MD5, to check them before adopting them`);
    const byKey = new Map(inventory.map((o, i) => [o.key, i]));
    await forEachConcurrently(readBack, options.maxWorkers, async (key) => {
        const contentMd5 = await readContentMd5(env.s3, options.s3BucketName, key, env.signal).catch((error) => {
            env.logger.log('warning', `could not read back ${JSON.stringify(key)}: ${describeError(error)}`);
            return undefined;
        });
        const index = byKey.get(key);
        if (index !== undefined && contentMd5 !== undefined)
            inventory[index] = { ...inventory[index], contentMd5 };
    });
    return view;
}
/** A failed item, or a document kept from its key by a foreign object (not mirrored: the run is not a success). */
function hasFailedItems(items) {
    return items.some((i) => i.outcome === 'failed' || (i.outcome === 'blocked' && i.action === 'upload'));
}
/** How a dry run says what it would do with one item. */
function dryRunLine(item, listingIncomplete) {
    const key = JSON.stringify(item.key);
    if (item.outcome === 'blocked') {
        if ((item.action === 'delete' || item.action === 'archive') && listingIncomplete)
            return `kept: listing incomplete ${key}`;
        return `would ${item.action} ${key}, but refused: ${item.error ?? ''}`;
    }
    switch (item.action) {
        case 'marker': return `would create folder marker ${key}`;
        case 'copy': return `would copy ${JSON.stringify(item.fromKey ?? '')} to ${key} (${item.reason})`;
        case 'archive': return `would archive ${key} to ${JSON.stringify(item.toKey ?? '')} (${item.reason})`;
        default: return `would ${item.action} ${key} (${item.reason})`;
    }
}
function logPlan(decided, env, uploadedEarly) {
    const counts = new Map();
    for (const action of decided.actions)
        counts.set(action.kind, (counts.get(action.kind) ?? 0) + 1);
    const text = ['upload', 'copy', 'marker', 'delete', 'archive', 'skip'].map((k) => `${k} ${counts.get(k) ?? 0}`).join(', ');
    env.logger.log('info', `plan: ${text}${uploadedEarly > 0 ? ` (the skips include ${uploadedEarly} uploaded while listing)` : ''}`);
    if (decided.foreign.size > 0) {
        const first = [...decided.foreign.keys()].sort().slice(0, 5).map((k) => JSON.stringify(k)).join(', ');
        env.logger.log('info', `left alone: ${plural(decided.foreign.size, 'object')} this tool did not write (${first}${decided.foreign.size > 5 ? ', …' : ''}); delete_foreign removes them`);
    }
    const stale = decided.actions.filter((a) => a.kind === 'delete' || a.kind === 'archive');
    if (stale.length > 0) {
        const moved = stale.filter((a) => a.reason === 'moved').length;
        const markers = stale.length - moved - decided.removals;
        env.logger.log('info', `deletes: ${moved} moved away, ${decided.removals} removed${markers > 0 ? `, ${markers} empty folder markers` : ''}`);
    }
    for (const group of decided.duplicates) {
        env.logger.log('info', `${group.ids.length} ${group.kind}s named ${JSON.stringify(group.name)} in folder ${group.parentId}: kept apart as ${group.segments.map((s) => JSON.stringify(s)).join(', ')}`);
    }
    if (decided.unreachable.length > 0)
        env.logger.log('warning', `${decided.unreachable.length} item(s) are not reachable from the root folder and are not copied`);
    if (decided.deletesBlocked)
        env.logger.log('error', `deletes refused: ${decided.deletesBlocked}`);
}
function progressMeter(env, decided) {
    const total = decided.actions.reduce((sum, a) => sum + (a.kind === 'upload' ? a.doc.size : 0), 0);
    let bytes = 0;
    let last = env.now();
    return (n) => {
        bytes += n;
        const now = env.now();
        if (now - last < PROGRESS_INTERVAL_MS)
            return;
        last = now;
        env.logger.log('info', `progress: ${formatBytes(bytes)} of ${formatBytes(total)} transferred`);
        env.onProgress?.({ phase: 'transfer', done: bytes, total, bytes });
    };
}
function sameEntries(a, b) {
    if (a.size !== b.size)
        return false;
    for (const [key, x] of a) {
        const y = b.get(key);
        if (!y || x.documentId !== y.documentId || x.versionId !== y.versionId || x.size !== y.size || x.md5 !== y.md5 || x.etag !== y.etag)
            return false;
    }
    return true;
}

;// CONCATENATED MODULE: ./lib/engine/scale.js
/**
 * Scale-out over a GitHub Actions matrix, with GitHub as the distributed engine:
 * - plan: list both sides once, decide everything, split the transfers into balanced shards, and store the
 *   plan under `<prefix>.workdocs-s3-sync/runs/<run_id>/`; the report carries the matrix for `fromJSON`;
 * - shard: run one slice of the plan's transfers (re-runnable alone: work already done is not redone);
 * - finalize: merge the shard results into the manifest and delete stale objects only if every shard
 *   succeeded and nobody changed the manifest since the plan.
 */











const PLAN_FORMAT = 'workdocs-s3-sync/plan';
const RESULT_FORMAT = 'workdocs-s3-sync/shard-result';
function runFolder(prefix, runId) {
    return `${toolAreaPrefix(prefix)}runs/${runId}/`;
}
const planKey = (o) => `${runFolder(o.s3Prefix, o.runId)}plan.json`;
const resultKey = (o, shard) => `${runFolder(o.s3Prefix, o.runId)}shard-${shard}.json`;
/** Written by a finalize that could not complete, so that its own manifest write does not make the plan look stale to the next finalize. */
const finalizeKey = (o) => `${runFolder(o.s3Prefix, o.runId)}finalize.json`;
/** Entry point for the three modes; like sync(), it reports instead of throwing. */
async function runScaled(options, env) {
    const started = env.now();
    const scale = { mode: options.mode, runId: options.runId, shardCount: options.shardCount };
    const base = { options, env, started, manifestKey: manifestKey(options.s3Prefix) };
    try {
        const report = await runMode(options, env, base, scale);
        const perUser = userCountsLine(report);
        if (perUser !== undefined)
            env.logger.log('info', perUser);
        return report;
    }
    catch (error) {
        const exitCode = exitCodeOf({ badInput: error instanceof InputError, fatal: true });
        const message = error instanceof InputError ? `${error.option}: ${error.message}` : describeError(error);
        env.logger.log('error', `${exitCode === 2 ? 'bad input' : 'fatal'}: ${message}; nothing was deleted`);
        return { ...buildReport({ ...base, rootFolderId: '', items: [], exitCode, fatal: message }), scale };
    }
}
async function runMode(options, env, base, scale) {
    switch (options.mode) {
        case 'plan': return planRun(options, env, base, scale);
        case 'shard': return shardRun(options, env, base, scale);
        case 'finalize': return finalizeRun(options, env, base, scale);
        default: throw new InputError('mode', `runScaled does not run mode ${options.mode}`);
    }
}
async function planRun(options, env, base, scale) {
    const prepared = await prepare(options, env, base.started);
    const decided = prepared.plan;
    const shardOf = assignShards(decided.actions, options.shardCount);
    const failure = listingFailure(prepared.listing);
    const carried = prepared.manifest.entries;
    const file = {
        format: PLAN_FORMAT,
        version: 1,
        runId: options.runId,
        createdAt: new Date(env.now()).toISOString(),
        bucket: options.s3BucketName,
        prefix: options.s3Prefix,
        rootFolderId: prepared.rootFolderId,
        shardCount: options.shardCount,
        manifestEtag: await manifestEtag(env.s3, options),
        listingFailure: failure ?? null,
        deletesBlocked: decided.deletesBlocked ?? null,
        managedCount: decided.managedCount,
        removals: decided.removals,
        foreign: [...decided.foreign],
        actions: [...decided.actions],
        shardOf,
        manifest: toRows(carried),
        ...(decided.histories ? { histories: [...decided.histories].map(([id, versions]) => [id, ...versions]) } : {}),
        ...(options.metadata !== 'none' ? { folders: [...prepared.listing.tree.folders] } : {}),
    };
    const matrix = shardMatrix(options.shardCount);
    if (!options.dryRun) {
        await putJson(env.s3, options.s3BucketName, planKey(options), file, env.signal);
        env.logger.log('info', `plan written: ${JSON.stringify(planKey(options))}`);
    }
    for (let s = 0; s < options.shardCount; s++) {
        const mine = decided.actions.filter((_, i) => shardOf[i] === s);
        const bytes = mine.reduce((sum, a) => sum + (a.kind === 'upload' ? a.doc.size : 0), 0);
        env.logger.log('info', `shard ${s}: ${mine.length} transfers, ${bytes} bytes`);
    }
    env.logger.log('info', `matrix: ${JSON.stringify(matrix)}`);
    const report = buildReport({ ...base, rootFolderId: prepared.rootFolderId, items: plannedItems(decided), exitCode: exitCodeOf({ fatal: failure !== undefined }), deletesBlocked: decided.deletesBlocked, fatal: failure });
    return { ...report, scale: { ...scale, matrix } };
}
async function shardRun(options, env, base, scale) {
    const file = await readPlan(options, env);
    if (options.shardIndex >= file.shardCount) {
        throw new InputError('shard_index', `is ${options.shardIndex}, but the plan has ${file.shardCount} shards (0 to ${file.shardCount - 1})`);
    }
    const stored = await getJsonObject(env.s3, options.s3BucketName, resultKey(options, options.shardIndex), env.signal);
    const previous = stored?.planCreatedAt === file.createdAt ? stored : undefined;
    // A re-run of a shard (e.g. a failed matrix job re-run alone) keeps what it already finished.
    const alreadyDone = new Map((previous?.items ?? []).filter((i) => i.outcome === 'done').map((i) => [`${i.action} ${i.key}`, i]));
    const mine = file.actions.filter((a, i) => file.shardOf[i] === options.shardIndex);
    const todo = mine.filter((a) => !alreadyDone.has(`${a.kind} ${a.key}`));
    env.logger.log('info', `shard ${options.shardIndex} of ${file.shardCount}: ${mine.length} transfers, ${mine.length - todo.length} already done by an earlier attempt`);
    const entries = new Map(fromRows(previous?.entries ?? []));
    const slice = { actions: todo, deletesBlocked: undefined, duplicates: [], unreachable: [], managedCount: file.managedCount, foreign: new Map(), removals: 0 };
    if (options.dryRun) {
        // A dry run reads the plan and says what this shard would do: no transfer, no result file.
        const items = [...alreadyDone.values(), ...plannedItems(slice)];
        const exitCode = exitCodeOf({ itemsFailed: hasFailedItems(items) });
        return { ...buildReport({ ...base, rootFolderId: file.rootFolderId, items, exitCode }), scale: { ...scale, shardCount: file.shardCount, shardIndex: options.shardIndex } };
    }
    const execution = await env.logger.group(`Shard ${options.shardIndex}: transfer`, () => executePlan(slice, entries, [], executeContext(options, env)));
    const items = [...alreadyDone.values(), ...execution.items];
    // Cancelled or refused items are not done either: finalize must not delete on their account.
    const ok = items.every((i) => i.outcome === 'done');
    const result = {
        format: RESULT_FORMAT,
        runId: options.runId,
        shardIndex: options.shardIndex,
        planCreatedAt: file.createdAt,
        finishedAt: new Date(env.now()).toISOString(),
        ok,
        items,
        entries: toRows(execution.manifest),
    };
    await putJson(env.s3, options.s3BucketName, resultKey(options, options.shardIndex), result, env.signal);
    const report = buildReport({ ...base, rootFolderId: file.rootFolderId, items, exitCode: exitCodeOf({ itemsFailed: !ok }) });
    return { ...report, scale: { ...scale, shardCount: file.shardCount, shardIndex: options.shardIndex } };
}
async function finalizeRun(options, env, base, scale) {
    const file = await readPlan(options, env);
    if (options.dryRun)
        return finalizePreview(options, env, base, scale, file);
    // The same lock as a single-job run: finalize deletes and writes the manifest. It also aborts multipart
    // uploads that killed shards left behind (every shard job has ended before finalize starts).
    const { lock } = await lockPrefix(options, env, {});
    try {
        return await finalizeLocked(options, env, base, scale, file);
    }
    finally {
        await lock.release();
    }
}
async function finalizeLocked(options, env, base, scale, file) {
    const { results, missing, failed, items } = await readShardResults(options, env, file);
    const merged = new Map(fromRows(file.manifest));
    for (const result of results)
        for (const [key, entry] of fromRows(result?.entries ?? []))
            merged.set(key, entry);
    const current = await manifestEtag(env.s3, options);
    const earlier = await getJsonObject(env.s3, options.s3BucketName, finalizeKey(options), env.signal);
    if (current !== file.manifestEtag && (earlier === undefined || current !== earlier.manifestEtag)) {
        // Another run wrote the manifest since this plan: our view of the bucket is out of date.
        const message = 'the manifest changed since the plan was made (another run?): nothing was deleted and the manifest was left as it is; run again';
        env.logger.log('error', message);
        return { ...buildReport({ ...base, rootFolderId: file.rootFolderId, items, exitCode: exitCodeOf({ fatal: true }), fatal: message }), scale: { ...scale, shardCount: file.shardCount } };
    }
    const refusal = finalizeRefusal({ listingFailure: file.listingFailure, missing, failed, deletesBlocked: file.deletesBlocked });
    const stale = file.actions.filter((a) => a.kind === 'delete' || a.kind === 'archive');
    const stalePlan = { actions: stale, deletesBlocked: refusal, duplicates: [], unreachable: [], managedCount: file.managedCount, foreign: new Map(file.foreign ?? []), removals: file.removals ?? 0 };
    const execution = await env.logger.group('Finalize: clean up', () => executePlan(stalePlan, merged, [], executeContext(options, env)));
    items.push(...execution.items);
    await writeManifest(env.s3, options.s3BucketName, base.manifestKey, {
        entries: execution.manifest,
        foreign: stalePlan.foreign,
        // A version a shard failed to store has no entry: the next run finds the record incomplete and describes it again.
        ...(file.histories ? { histories: new Map(file.histories.map(([id, ...versions]) => [id, versions])) } : {}),
    }, {
        rootFolderId: file.rootFolderId,
        prefix: options.s3Prefix,
        updatedAt: new Date(env.now()).toISOString(),
    }, env.signal);
    env.logger.log('info', `manifest written: ${JSON.stringify(base.manifestKey)} (${execution.manifest.size} entries)`);
    // The metadata index of the whole scaled-out run, from the plan's documents and folders and what the jobs did.
    items.push(...await recordContext(options, env, plannedContextInput({ ...file, folders: file.folders ?? [], listingComplete: file.listingFailure === null }, items)));
    const complete = missing.length === 0 && failed.length === 0;
    if (complete && !file.listingFailure)
        await removeRunFolder(env.s3, options, file.shardCount, env.signal);
    else
        await putJson(env.s3, options.s3BucketName, finalizeKey(options), { manifestEtag: await manifestEtag(env.s3, options) }, env.signal);
    const exitCode = exitCodeOf({ fatal: file.listingFailure !== null, itemsFailed: items.some((i) => i.outcome === 'failed'), deletesRefused: refusal !== undefined });
    const report = buildReport({ ...base, rootFolderId: file.rootFolderId, items, exitCode, deletesBlocked: refusal, fatal: file.listingFailure ?? undefined });
    return { ...report, scale: { ...scale, shardCount: file.shardCount } };
}
async function readPlan(options, env) {
    const file = await getJsonObject(env.s3, options.s3BucketName, planKey(options), env.signal);
    if (!file)
        throw new InputError('run_id', `no plan for run ${options.runId} at s3://${options.s3BucketName}/${planKey(options)}: run mode plan first`);
    if (file.format !== PLAN_FORMAT || file.version !== 1)
        throw new FatalError(`the plan at ${planKey(options)} is not a plan this version understands`);
    if (file.prefix !== options.s3Prefix || file.bucket !== options.s3BucketName)
        throw new InputError('s3_prefix', 'differs from the plan\'s bucket or prefix');
    return file;
}
async function manifestEtag(s3, options) {
    try {
        const head = await s3.send(new client_s3_dist_cjs.HeadObjectCommand({ Bucket: options.s3BucketName, Key: manifestKey(options.s3Prefix) }));
        return head.ETag ?? null;
    }
    catch (error) {
        if (isMissingObject(error))
            return null;
        throw error;
    }
}
async function putJson(s3, bucket, key, value, signal) {
    await putJsonObject(s3, bucket, key, JSON.stringify(value), signal ? { signal } : {});
}
async function removeRunFolder(s3, options, shardCount, signal) {
    const keys = [planKey(options), finalizeKey(options), ...Array.from({ length: shardCount }, (_, s) => resultKey(options, s))];
    await s3.send(new client_s3_dist_cjs.DeleteObjectsCommand({ Bucket: options.s3BucketName, Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true } }), { abortSignal: signal });
}
/**
 * Finalize as a dry run: what the shards reported and which deletes would run or be refused, from the stored
 * files alone. No lock, no delete, no manifest write.
 */
async function finalizePreview(options, env, base, scale, file) {
    const { missing, failed, items } = await readShardResults(options, env, file);
    const refusal = finalizeRefusal({ listingFailure: file.listingFailure, missing, failed, deletesBlocked: file.deletesBlocked });
    const stale = file.actions.filter((a) => a.kind === 'delete' || a.kind === 'archive');
    items.push(...plannedItems({ actions: stale, deletesBlocked: refusal, duplicates: [], unreachable: [], managedCount: file.managedCount, foreign: new Map(), removals: 0 }));
    const exitCode = exitCodeOf({ fatal: file.listingFailure !== null, deletesRefused: refusal !== undefined });
    const report = buildReport({ ...base, rootFolderId: file.rootFolderId, items, exitCode, deletesBlocked: refusal, fatal: file.listingFailure ?? undefined });
    return { ...report, scale: { ...scale, shardCount: file.shardCount } };
}
/** The shard results of this plan (a result of an older plan of the same run id counts as missing), and their items. */
async function readShardResults(options, env, file) {
    const stored = await Promise.all(Array.from({ length: file.shardCount }, (_, s) => getJsonObject(env.s3, options.s3BucketName, resultKey(options, s), env.signal)));
    const results = stored.map((r) => (r?.planCreatedAt === file.createdAt ? r : undefined));
    return {
        results,
        missing: results.flatMap((r, s) => (r ? [] : [s])),
        failed: results.flatMap((r, s) => (r && !r.ok ? [s] : [])),
        items: results.flatMap((r) => r?.items ?? []),
    };
}

;// CONCATENATED MODULE: ./lib/core/verify.js
/**
 * verify(): the read-only audit of mode `verify`. It asks plan() what a sync would do over the same listings and
 * turns every action into a discrepancy ("verify is a plan that must be empty"), so an exact verdict here means a
 * sync would change nothing. checkContent() then compares bytes read back with the WorkDocs Signature
 * (`verify_content`, rclone check --download). Pure: the engine does the listing and the reading.
 */




/** The kinds that the `extra` count sums: an object that no WorkDocs item (document or version) maps to. */
const EXTRA_KINDS = ['extra', 'orphaned-version'];
/** The kinds that the `mismatched` count sums: an object is at the key, but not the version's bytes. */
const MISMATCH_KINDS = ['stale', 'wrong-size', 'modified', 'content-mismatch'];
/** The slice a key belongs to: a stable hash, so that jobs agree without sharing a plan (which would be a write). */
function sliceOfKey(key, count) {
    return (0,external_node_crypto_.createHash)('sha256').update(key).digest().readUInt32BE(0) % count;
}
/** Compares one WorkDocs tree with the bucket's listing and the manifest, from the listings alone. */
function verify(source, inventory, manifest, options) {
    const view = 'trusted' in manifest ? manifest : viewOf(manifest, inventory);
    // Foreign objects are planned as foreign whatever delete_foreign says, so that their owner is reported truly.
    const decided = plan(source, inventory, view, {
        prefix: options.prefix,
        archivePrefix: options.archivePrefix,
        archiveRunFolder: 'verify',
        deleteStale: true,
        maxDelete: { count: undefined, percent: undefined },
        folderMarkers: options.folderMarkers,
        listingComplete: true,
        deleteForeign: false,
    });
    const byKey = new Map(inventory.map((o) => [o.key, o]));
    const { slice } = options;
    const inSlice = (key) => slice === undefined || sliceOfKey(key, slice.count) === slice.index;
    // Set only with `versions: all`: then an own object in the history area that nothing wants is an orphaned version.
    const history = source.versions !== undefined ? { area: historyAreaOf(options.prefix), documents: new Set(source.documents.map((d) => d.id)) } : undefined;
    const discrepancies = [];
    const matched = [];
    let documents = 0;
    let versions = 0;
    for (const action of decided.actions) {
        if (!inSlice(action.key))
            continue;
        if (action.kind === 'upload' || action.kind === 'copy' || action.kind === 'skip') {
            if (action.doc.history === true)
                versions++;
            else
                documents++;
        }
        if (action.kind === 'skip') {
            const recorded = view.recorded.entries.get(action.key);
            matched.push({
                key: action.key, documentId: action.doc.id, versionId: action.doc.versionId, size: action.doc.size, referenceMd5: verify_referenceMd5(action.doc, recorded),
                ...(action.doc.history === true ? { history: true } : {}),
            });
            const wrongRecord = recordedMd5Mismatch(action.doc, view.trusted.entries.get(action.key));
            if (wrongRecord !== undefined)
                discrepancies.push(wrongRecord(action.key));
            continue;
        }
        const found = discrepancyOf(action, byKey.get(action.key), view, options.deleteStale !== false);
        discrepancies.push(history !== undefined ? asOrphanedVersion(found, action, history) : found);
    }
    // The sidecars of `metadata: sidecars` are the tool's context files, described by its index: not mirrored objects.
    const sidecars = `${options.prefix}${METADATA_SEGMENT}/`;
    for (const [key] of decided.foreign) {
        if (!inSlice(key) || key.startsWith(sidecars))
            continue;
        const object = byKey.get(key);
        discrepancies.push({
            kind: 'extra', key, owner: 'foreign', foundSize: object.size, fails: options.deleteForeign,
            detail: options.deleteForeign
                ? 'an object this tool did not write; delete_foreign is set, so a sync would remove it'
                : 'an object this tool did not write (a sync leaves it alone unless delete_foreign is set)',
        });
    }
    discrepancies.sort((a, b) => verify_compare(a.key, b.key) || verify_compare(a.kind, b.kind));
    matched.sort((a, b) => verify_compare(a.key, b.key));
    return { discrepancies, matched, documents, versions, duplicates: decided.duplicates, unreachable: decided.unreachable };
}
/** How a version deleted in WorkDocs leaves the mirror: only a run that describes every document's versions again. */
const HEAL_DELETED_VERSION = '; a sync with metadata_refresh, or the next full listing by full_listing_every, removes it';
/**
 * An extra object of this tool's in the history area, not a rename's old key (that one's version is kept
 * elsewhere): an older version whose document, or that version of it, WorkDocs no longer has.
 */
function asOrphanedVersion(found, action, history) {
    if (found.kind !== 'extra' || found.owner !== 'own' || !found.key.startsWith(history.area))
        return found;
    if ((action.kind === 'delete' || action.kind === 'archive') && action.keptAt !== undefined)
        return found;
    const { owner: _owner, ...rest } = found;
    const documentGone = found.documentId === undefined || !history.documents.has(found.documentId);
    const kept = found.fails ? '' : '; kept, as delete_stale is off';
    return {
        ...rest,
        kind: 'orphaned-version',
        detail: documentGone
            ? `a stored version whose document ${found.documentId ?? '(not named)'} no longer exists in WorkDocs${kept}`
            // The document's latest version is unchanged, so a plain sync does not ask about its older versions again.
            : `a stored version ${found.foundVersionId ?? '(not named)'} that document ${found.documentId} no longer has in WorkDocs (the version was deleted)${kept || HEAL_DELETED_VERSION}`,
    };
}
/** What one planned action says is wrong with the mirror. */
function discrepancyOf(action, object, view, deleteStale) {
    switch (action.kind) {
        case 'marker':
            return { kind: 'missing', key: action.key, folderId: action.folderId, expectedSize: 0, fails: true, detail: 'the folder marker of an empty WorkDocs folder is missing' };
        case 'delete':
        case 'archive': {
            const held = heldVersion(object, view.recorded.entries.get(action.key));
            return {
                kind: 'extra', key: action.key, owner: 'own', foundSize: action.size, fails: deleteStale,
                ...(held?.documentId !== undefined ? { documentId: held.documentId } : {}),
                ...(held ? { foundVersionId: held.versionId } : {}),
                detail: action.keptAt !== undefined
                    ? `holds a version WorkDocs now places at ${JSON.stringify(action.keptAt)} (a rename or move not yet synced)`
                    : object !== undefined && object.size === 0 && object.key.endsWith('/')
                        ? 'a folder marker of a folder no longer in WorkDocs'
                        : deleteStale
                            ? 'written by this tool, but no WorkDocs document maps to it any more (deleted or moved in WorkDocs, not yet synced)'
                            : 'written by this tool for a document no longer in WorkDocs; kept, as delete_stale is off',
            };
        }
        case 'copy':
            return { ...expected(action.doc), kind: 'missing', key: action.key, fails: true, detail: `not at its key; its version is stored at ${JSON.stringify(action.fromKey)} (a rename or move not yet synced)` };
        case 'upload':
            return uploadDiscrepancy(action, object, view);
    }
}
function uploadDiscrepancy(action, object, view) {
    const base = { ...expected(action.doc), key: action.key, fails: true };
    if (object === undefined) {
        return { ...base, kind: 'missing', detail: action.reason === 'missing' ? 'the manifest records an object here, but it is gone (deleted behind the tool\'s back)' : 'no object holds this document (not yet synced)' };
    }
    const found = { foundSize: object.size };
    if (action.refused !== undefined)
        return { ...base, ...found, kind: 'missing', detail: 'an object this tool did not write holds the key, so the document is not mirrored' };
    const held = heldVersion(object, view.trusted.entries.get(action.key));
    const foundVersion = held ? { foundVersionId: held.versionId } : {};
    if (held?.documentId !== undefined && held.documentId !== action.doc.id) {
        return { ...base, ...found, ...foundVersion, kind: 'missing', detail: `the key holds document ${held.documentId}'s version instead (a rename not yet synced)` };
    }
    if (held !== undefined && held.versionId !== action.doc.versionId) {
        return { ...base, ...found, ...foundVersion, kind: 'stale', detail: 'holds an older version of the document (a new version not yet synced)' };
    }
    if (object.size !== action.doc.size)
        return { ...base, ...found, ...foundVersion, kind: 'wrong-size', detail: `${object.size} bytes, the version has ${action.doc.size}` };
    const recorded = view.recorded.entries.get(action.key);
    return {
        ...base, ...found, ...foundVersion, kind: 'modified',
        detail: recorded !== undefined && !view.trusted.entries.has(action.key)
            ? 'its ETag is not the one this tool recorded: overwritten behind the tool\'s back'
            : held !== undefined
                ? 'its metadata names the version, but its bytes do not hash to the Signature'
                : 'nothing shows it holds this version (no manifest entry, no metadata naming it)',
    };
}
/** A trusted entry that records, for the version WorkDocs has, an MD5 other than its Signature: the bytes were never it. */
function recordedMd5Mismatch(doc, entry) {
    if (entry === undefined || entry.md5 === '' || doc.md5 === undefined || entry.md5 === doc.md5)
        return undefined;
    return (key) => ({
        ...expected(doc), kind: 'content-mismatch', key, foundMd5: entry.md5, foundSize: entry.size, fails: true,
        detail: 'the manifest records bytes whose MD5 is not the version\'s Signature',
    });
}
function checkContent(matched, readBack) {
    const discrepancies = [];
    const unverifiable = [];
    let verified = 0;
    for (const doc of matched) {
        // A key not read back is a bug of the caller, never a silent pass.
        if (!readBack.has(doc.key))
            throw new Error(`checkContent: ${doc.key} was not read back`);
        const md5 = readBack.get(doc.key);
        const base = { key: doc.key, documentId: doc.documentId, expectedVersionId: doc.versionId, expectedSize: doc.size, fails: true };
        if (md5 === undefined) {
            discrepancies.push({ ...base, kind: 'missing', detail: 'gone when its bytes were read back (deleted during the audit)' });
        }
        else if (doc.referenceMd5 === undefined) {
            unverifiable.push(doc.key);
        }
        else if (md5 !== doc.referenceMd5) {
            discrepancies.push({ ...base, kind: 'content-mismatch', expectedMd5: doc.referenceMd5, foundMd5: md5, detail: `its bytes, read back, do not hash to ${doc.history === true ? 'that older version\'s own' : 'the version\'s'} Signature` });
        }
        else {
            verified++;
        }
    }
    return { discrepancies, verified, unverifiable };
}
function countDiscrepancies(discrepancies, verified, unverifiable) {
    const count = (test) => discrepancies.filter(test).length;
    return {
        verified,
        missing: count((d) => d.kind === 'missing'),
        mismatched: count((d) => MISMATCH_KINDS.includes(d.kind)),
        extra: count((d) => EXTRA_KINDS.includes(d.kind)),
        extraForeign: count((d) => d.kind === 'extra' && d.owner === 'foreign'),
        orphanedVersions: count((d) => d.kind === 'orphaned-version'),
        unverifiable,
    };
}
/** The mirror is exact when no discrepancy fails it. */
function isExact(discrepancies) {
    return !discrepancies.some((d) => d.fails);
}
const CSV_COLUMNS = ['kind', 'key', 'owner', 'fails', 'document_id', 'folder_id', 'expected_version_id', 'found_version_id', 'expected_size', 'found_size', 'expected_md5', 'found_md5', 'detail'];
/** The discrepancies as RFC 4180 CSV (CRLF line ends, a header row), one row each, in the given order. */
function discrepancyCsv(discrepancies) {
    const rows = discrepancies.map((d) => [
        d.kind, d.key, d.owner ?? '', d.fails ? 'true' : 'false', d.documentId ?? '', d.folderId ?? '', d.expectedVersionId ?? '', d.foundVersionId ?? '',
        d.expectedSize?.toString() ?? '', d.foundSize?.toString() ?? '', d.expectedMd5 ?? '', d.foundMd5 ?? '', d.detail,
    ]);
    return [[...CSV_COLUMNS], ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}
function csvField(value) {
    // Keys may hold commas, quotes and newlines; a leading = + - @ would run as a formula in a spreadsheet.
    const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
function expected(doc) {
    return { documentId: doc.id, expectedVersionId: doc.versionId, expectedSize: doc.size, ...(doc.md5 !== undefined ? { expectedMd5: doc.md5 } : {}) };
}
/** The document version an object holds, as a manifest entry or its own metadata says. */
function heldVersion(object, entry) {
    if (entry !== undefined)
        return { documentId: entry.documentId, versionId: entry.versionId };
    const versionId = object?.metadata?.[VERSION_METADATA];
    // The original folder_sync.py wrote the version id only: the document is then not named.
    return versionId === undefined ? undefined : { documentId: object?.metadata?.[DOCUMENT_METADATA], versionId };
}
function verify_referenceMd5(doc, recorded) {
    if (doc.md5 !== undefined)
        return doc.md5;
    return recorded !== undefined && recorded.versionId === doc.versionId && recorded.md5 !== '' ? recorded.md5 : undefined;
}
function verify_compare(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
/**
 * Combines the reports of a matrix of verify jobs: every slice of one count exactly once, all of one mirror. A
 * slice without a verdict leaves the whole without one (`noVerdict`); anything else amiss is `problem` (bad input).
 */
function mergeSlices(reports) {
    // A slice that stopped early (exit 3) has no summary to say which it was: it counts as a slice without a verdict.
    const sliced = reports.filter((r) => r.verify?.slice !== undefined || (r.exitCode === 3 && r.verify?.merged === undefined));
    if (sliced.length === 0)
        return { problem: 'no report of a verify_slice job was found' };
    const first = sliced[0];
    const other = sliced.find((r) => r.bucket !== first.bucket || r.prefix !== first.prefix || r.rootFolderId !== first.rootFolderId);
    if (other !== undefined)
        return { problem: `${other.source} audits s3://${other.bucket}/${other.prefix} (folder ${other.rootFolderId}), ${first.source} s3://${first.bucket}/${first.prefix} (folder ${first.rootFolderId})` };
    const withSlice = sliced.filter((r) => r.verify?.slice !== undefined);
    const count = withSlice[0]?.verify?.slice?.count;
    if (count === undefined)
        return { problem: `no slice has a verdict: ${first.source}: ${first.fatal ?? 'no verdict'}` };
    const seen = new Map();
    for (const r of withSlice) {
        const slice = r.verify.slice;
        if (slice.count !== count)
            return { problem: `${r.source} is slice ${slice.index}/${slice.count}, others are of ${count}` };
        const twice = seen.get(slice.index);
        if (twice !== undefined)
            return { problem: `slice ${slice.index}/${count} is reported twice (${twice}, ${r.source})` };
        seen.set(slice.index, r.source);
    }
    const failed = sliced.filter((r) => r.exitCode === 3);
    const absent = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
    // A report that stopped before it knew its slice stands for one absent slice; more absent ones were never run.
    const unnamed = failed.filter((r) => r.verify?.slice === undefined).length;
    if (absent.length > unnamed)
        return { problem: `slice(s) ${absent.join(', ')} of ${count} have no report` };
    const summaries = withSlice.map((r) => r.verify);
    const discrepancies = summaries.flatMap((v) => v.discrepancies).sort((a, b) => verify_compare(a.key, b.key) || verify_compare(a.kind, b.kind));
    const sum = (pick) => summaries.reduce((total, v) => total + pick(v.counts), 0);
    const noVerdict = failed.length > 0
        ? `${failed.length} of ${count} slice(s) have no verdict${failed[0] ? `, first: ${failed[0].source}: ${failed[0].fatal ?? `exit ${failed[0].exitCode}`}` : ''}`
        : undefined;
    return {
        noVerdict,
        summary: {
            exact: noVerdict === undefined && summaries.every((v) => v.exact),
            contentChecked: summaries.every((v) => v.contentChecked),
            documents: summaries.reduce((total, v) => total + v.documents, 0),
            versions: summaries.reduce((total, v) => total + (v.versions ?? 0), 0),
            counts: {
                verified: sum((c) => c.verified), missing: sum((c) => c.missing), mismatched: sum((c) => c.mismatched),
                extra: sum((c) => c.extra), extraForeign: sum((c) => c.extraForeign), orphanedVersions: sum((c) => c.orphanedVersions ?? 0),
                unverifiable: sum((c) => c.unverifiable),
            },
            discrepancies,
            unverifiable: summaries.flatMap((v) => v.unverifiable).sort(verify_compare),
            merged: withSlice.length,
        },
    };
}

;// CONCATENATED MODULE: ./lib/engine/verify.js
/**
 * verifyMirror(): mode `verify`, the read-only audit (rclone check; with verify_content, rclone check --download).
 * It lists WorkDocs, the bucket and the manifest with sync's own prepare(), lets core/verify decide what differs,
 * and with verify_content reads every object in place back (GetObject, streamed) to hash it. It writes nothing to
 * S3 and takes no lock: prepare() without early uploads only lists, reads the manifest, and reads metadata or bytes.
 */













const verify_PROGRESS_INTERVAL_MS = 10_000;
/** How many discrepancies the closing summary names; the JSON report and the CSV hold all of them. */
const SHOWN = 20;
async function verifyMirror(options, env) {
    const started = env.now();
    const base = { options, env, started, manifestKey: manifestKey(options.s3Prefix) };
    try {
        if (options.mode !== 'verify')
            throw new InputError('mode', `verifyMirror does not run mode ${options.mode}`);
        if (options.verifyMerge !== '')
            return mergeReports(options, env, started);
        const audit = await auditRoot(options, env, started);
        return reportOf(options, env, started, audit);
    }
    catch (error) {
        const exitCode = error instanceof InputError ? 2 : 3;
        const message = error instanceof InputError ? `${error.option}: ${error.message}` : describeError(error);
        env.logger.log('error', exitCode === 2 ? `bad input: ${message}` : `fatal: ${message}; no verdict`);
        return buildReport({ ...base, rootFolderId: sourceIdOf(options), manifestKey: '', items: [], exitCode, fatal: message });
    }
}
async function auditRoot(options, env, started) {
    const { logger } = env;
    // prepare()'s own plan is not used: deletes off keeps it from logging refusals that concern a sync, and every
    // object of unknown owner is probed, so that foreign and own extras are told apart whatever delete_foreign says.
    // Its versions are not used either: a sync trusts the manifest's record of each document's versions, an audit
    // asks WorkDocs for every one (listEveryVersion).
    const prepared = await prepare({ ...options, deleteStale: false, deleteForeign: false, versions: 'latest' }, env, started);
    const { inventory, rootFolderId } = prepared;
    const listingFailed = listingFailure(prepared.listing);
    if (listingFailed !== undefined) {
        // Folders not listed would show their documents' objects as extra: no verdict from half a tree.
        return { rootFolderId, discrepancies: [], verified: 0, documents: 0, versions: 0, unverifiable: [], failure: `${listingFailed}; no verdict` };
    }
    const view = { trusted: prepared.manifest, recorded: prepared.recorded };
    const listing = options.versions === 'all' ? { ...prepared.listing, tree: await listEveryVersion(prepared.listing.tree, inventory, view, options, env) } : prepared.listing;
    const unlistedVersions = listing.tree.historyFailures?.size ?? 0;
    if (unlistedVersions > 0) {
        // Which stored versions are orphaned is unknown for such a document: no verdict rather than a guess.
        const [documentId, message] = [...listing.tree.historyFailures][0];
        return { rootFolderId, discrepancies: [], verified: 0, documents: 0, versions: 0, unverifiable: [], failure: `the versions of ${unlistedVersions} document(s) could not be listed, first: ${documentId}: ${message}; no verdict` };
    }
    // prepare() read the metadata of every object that needed it; one still without is one whose HeadObject failed
    // (logged there): whose it is, and what it holds, is unknown, so the audit cannot give a verdict on it.
    const slice = options.verifySlice;
    const unprobed = keysToProbe(listing.tree, inventory, view, { prefix: options.s3Prefix, archivePrefix: options.archivePrefix, deleteForeign: false })
        .filter((key) => slice === undefined || sliceOfKey(key, slice.count) === slice.index);
    const compared = verify(listing.tree, inventory, view, {
        prefix: options.s3Prefix,
        archivePrefix: options.archivePrefix,
        folderMarkers: options.folderMarkers,
        deleteForeign: options.deleteForeign,
        deleteStale: options.deleteStale,
        ...(options.verifySlice ? { slice: options.verifySlice } : {}),
    });
    // A sync does not copy these either, so they are no discrepancy; but an audit must not be silent about them.
    if (compared.unreachable.length > 0)
        logger.log('warning', `${compared.unreachable.length} WorkDocs item(s) are not reachable from the root folder and were not compared`);
    if (options.verifySlice)
        logger.log('info', `slice ${options.verifySlice.index}/${options.verifySlice.count}: only its keys are reported and read back`);
    logger.log('info', `compared ${compared.documents} documents: ${compared.matched.length} in place by the listing, ${compared.discrepancies.length} discrepanc${compared.discrepancies.length === 1 ? 'y' : 'ies'}`);
    const unchecked = unprobed.length > 0 ? `${unprobed.length} object(s) could not be checked by their metadata, first: ${JSON.stringify(unprobed[0])}; no verdict on them` : undefined;
    const counted = { documents: compared.documents, versions: compared.versions };
    if (!options.verifyContent) {
        return { rootFolderId, discrepancies: compared.discrepancies, verified: compared.matched.length, ...counted, unverifiable: [], failure: unchecked };
    }
    const read = await logger.group('Read back and hash', () => readBack(compared.matched, options, env));
    const content = checkContent(compared.matched.filter((m) => read.md5s.has(m.key)), read.md5s);
    const discrepancies = [...compared.discrepancies, ...content.discrepancies].sort((a, b) => engine_verify_compare(a.key, b.key) || engine_verify_compare(a.kind, b.kind));
    if (content.unverifiable.length > 0)
        logger.log('warning', `${content.unverifiable.length} document(s) have no Signature and no recorded MD5: their bytes could not be checked`);
    return { rootFolderId, discrepancies, verified: content.verified, ...counted, unverifiable: content.unverifiable, failure: unchecked ?? read.failure };
}
/**
 * `versions: all`: every document's ACTIVE versions, asked of WorkDocs (DescribeDocumentVersions, every page, for
 * every document), whatever the manifest records: a version deleted in WorkDocs is found only this way. Then the
 * history objects the tree now wants, if their owner or version is unknown, are probed (HeadObject) as prepare()
 * probes the documents' objects.
 */
async function listEveryVersion(tree, inventory, view, options, env) {
    const listed = await describeVersions(env.workdocs, tree.documents, options.maxWorkers, env.signal);
    for (const [documentId, message] of listed.failures)
        env.logger.log('error', `listing the versions of document ${documentId} failed: ${message}`);
    const withVersions = history_withHistories(tree, { describe: tree.documents, known: [], carried: new Map() }, listed.described, listed.failures);
    env.logger.log('info', `WorkDocs versions: ${tree.documents.length} document(s) described (${listed.pages} pages); ${withVersions.versions?.length ?? 0} older version(s) to compare`);
    const probes = keysToProbe(withVersions, inventory, view, { prefix: options.s3Prefix, archivePrefix: options.archivePrefix, deleteForeign: false });
    if (probes.length > 0)
        env.logger.log('info', `reading metadata of ${probes.length} object(s) of the history area not in the manifest`);
    // A failed probe leaves the object unprobed: auditRoot then gives no verdict on it.
    await probeObjects(probes, inventory, options, env);
    return withVersions;
}
/** Reads every object in place back and hashes it; counts the failed reads and keeps the first (no verdict then). */
async function readBack(matched, options, env) {
    const total = matched.reduce((sum, m) => sum + m.size, 0);
    env.logger.log('info', `reading back ${matched.length} object(s), ${formatBytes(total)}`);
    const md5s = new Map();
    const failures = [];
    let bytes = 0;
    let last = env.now();
    await forEachConcurrently(matched, options.maxWorkers, async (doc) => {
        try {
            md5s.set(doc.key, await readContentMd5(env.s3, options.s3BucketName, doc.key, env.signal));
            bytes += doc.size;
        }
        catch (error) {
            failures.push(`${JSON.stringify(doc.key)}: ${describeError(error)}`);
            return;
        }
        if (env.now() - last < verify_PROGRESS_INTERVAL_MS)
            return;
        last = env.now();
        env.logger.log('info', `read back ${formatBytes(bytes)} of ${formatBytes(total)}`);
    });
    for (const failure of failures.slice(0, SHOWN))
        env.logger.log('error', `could not read back ${failure}`);
    const failure = failures.length > 0 ? `${failures.length} object(s) could not be read back, first: ${failures[0]}; no verdict on them` : undefined;
    return { md5s, failure };
}
function reportOf(options, env, started, audit, merge) {
    const counts = countDiscrepancies(audit.discrepancies, audit.verified, audit.unverifiable.length);
    const exact = audit.failure === undefined && isExact(audit.discrepancies);
    const exitCode = audit.failure !== undefined ? 3 : exact ? 0 : 1;
    const verifySummary = {
        exact,
        contentChecked: merge?.contentChecked ?? options.verifyContent,
        documents: audit.documents,
        ...(audit.versions > 0 ? { versions: audit.versions } : {}),
        counts,
        discrepancies: audit.discrepancies,
        unverifiable: audit.unverifiable,
        ...(options.verifySlice ? { slice: options.verifySlice } : {}),
        ...(merge ? { merged: merge.merged } : {}),
    };
    for (const d of audit.discrepancies.slice(0, SHOWN))
        env.logger.log(d.fails ? 'error' : 'info', discrepancyLine(d));
    if (audit.discrepancies.length > SHOWN)
        env.logger.log('info', `… and ${audit.discrepancies.length - SHOWN} more in the JSON report and the CSV`);
    const report = buildReport({ options, env, started, manifestKey: manifestKey(options.s3Prefix), rootFolderId: audit.rootFolderId, items: [], exitCode, fatal: audit.failure });
    return { ...report, verify: verifySummary };
}
/**
 * verify_merge: the verdict of a matrix of verify_slice jobs from their JSON reports (the workflow carries them as
 * artifacts), with no request to WorkDocs or S3: the merged summary needs no place in the bucket.
 */
function mergeReports(options, env, started) {
    const dir = external_node_path_.resolve(options.verifyMerge);
    const files = jsonFilesUnder(dir);
    const reports = [];
    for (const file of files) {
        let parsed;
        try {
            parsed = JSON.parse((0,external_node_fs_.readFileSync)(file, 'utf8'));
        }
        catch (error) {
            throw new InputError('verify_merge', `${file} is not a JSON report: ${describeError(error)}`);
        }
        if (typeof parsed.exitCode !== 'number' || typeof parsed.bucket !== 'string')
            continue; // not a report of this tool
        reports.push({ source: external_node_path_.relative(dir, file), bucket: parsed.bucket, prefix: parsed.prefix ?? '', rootFolderId: parsed.rootFolderId ?? '', exitCode: parsed.exitCode, fatal: parsed.fatal, verify: parsed.verify });
    }
    const merged = mergeSlices(reports);
    if ('problem' in merged)
        throw new InputError('verify_merge', `${merged.problem} (in ${dir}, ${files.length} JSON file(s))`);
    const first = reports.find((r) => r.verify?.slice !== undefined);
    if (first.bucket !== options.s3BucketName || first.prefix !== options.s3Prefix || first.rootFolderId !== sourceIdOf(options)) {
        throw new InputError('verify_merge', `the reports audit source ${first.rootFolderId} in s3://${first.bucket}/${first.prefix}, not ${sourceIdOf(options)} in s3://${options.s3BucketName}/${options.s3Prefix}`);
    }
    env.logger.log('info', `merged ${merged.summary.merged ?? 0} slice report(s) from ${dir}`);
    return reportOf(options, env, started, {
        rootFolderId: first.rootFolderId,
        discrepancies: merged.summary.discrepancies,
        verified: merged.summary.counts.verified,
        documents: merged.summary.documents,
        versions: merged.summary.versions ?? 0,
        unverifiable: merged.summary.unverifiable,
        failure: merged.noVerdict,
    }, { merged: merged.summary.merged ?? 0, contentChecked: merged.summary.contentChecked });
}
/** Every `.json` file below `dir` (download-artifact puts each artifact in a folder of its own), sorted. */
function jsonFilesUnder(dir) {
    let entries;
    try {
        entries = (0,external_node_fs_.readdirSync)(dir, { withFileTypes: true });
    }
    catch (error) {
        throw new InputError('verify_merge', `cannot read the directory ${dir}: ${describeError(error)}`);
    }
    const files = [];
    for (const entry of entries) {
        const full = external_node_path_.join(dir, entry.name);
        if (entry.isDirectory())
            files.push(...jsonFilesUnder(full));
        else if (entry.isFile() && entry.name.endsWith('.json'))
            files.push(full);
    }
    return files.sort();
}
function discrepancyLine(d) {
    const owner = d.owner !== undefined ? ` (${d.owner})` : '';
    return `${d.kind}${owner} ${JSON.stringify(d.key)}: ${d.detail}`;
}
/** The CSV of discrepancies sits next to the JSON report: `report.json` → `report.discrepancies.csv`. */
function discrepancyCsvPath(reportFile) {
    return `${reportFile.replace(/\.json$/i, '')}.discrepancies.csv`;
}
/** Writes the CSV of a verify run's discrepancies next to its JSON report (header only when there are none). */
function writeDiscrepancyCsv(reportFile, report) {
    if (report.verify === undefined)
        return undefined;
    const file = discrepancyCsvPath(reportFile);
    (0,external_node_fs_.writeFileSync)(file, discrepancyCsv(report.verify.discrepancies));
    return file;
}
/** The closing summary of a verify run: the verdict, the counts, the first discrepancies. */
function verifySummaryLines(report) {
    const where = `s3://${report.bucket}/${report.prefix}`;
    const v = report.verify;
    if (v === undefined) {
        return [report.exitCode === 2 ? 'Bad input: nothing was touched' : `Verify failed: ${report.fatal ?? 'no verdict'}`,
            ...(report.fatal !== undefined ? [`  ${report.exitCode === 2 ? 'bad input' : 'fatal'}: ${report.fatal}`] : []), `  exit code ${report.exitCode}`];
    }
    const c = v.counts;
    const part = v.slice ? ` (slice ${v.slice.index}/${v.slice.count} of the keys)` : v.merged !== undefined ? ` (${v.merged} slices merged)` : '';
    const headline = `${report.exitCode === 3 ? `No verdict on ${where}` : v.exact ? `Exact mirror: ${where}` : `Not an exact mirror: ${where}`}${part}`;
    const lines = [
        headline,
        `  ${c.verified} of ${comparedObjects(v)} verified${v.contentChecked ? ' by their bytes' : ' by the listing (size, version, recorded ETag)'}; missing ${c.missing}, mismatched ${c.mismatched}, extra ${c.extra}${extraParts(c)}${v.contentChecked ? `, unverifiable ${c.unverifiable}` : ''}`,
        v.merged !== undefined ? '  merged from the slices\' reports: no request was made' : `  read-only: nothing was written, no lock was taken; ${formatDuration(report.durationMs)}`,
    ];
    for (const d of v.discrepancies.slice(0, SHOWN))
        lines.push(`  ${d.fails ? '' : '(not failing) '}${discrepancyLine(d)}`);
    if (v.discrepancies.length > SHOWN)
        lines.push(`  … and ${v.discrepancies.length - SHOWN} more in the JSON report and the CSV`);
    if (report.fatal !== undefined)
        lines.push(`  fatal: ${report.fatal}`);
    lines.push(`  exit code ${report.exitCode}`);
    return lines;
}
/** `12 documents`, or with older versions `15 objects (12 documents, 3 older versions)`. */
function comparedObjects(v) {
    const versions = v.versions ?? 0;
    return versions === 0 ? `${v.documents} documents` : `${v.documents + versions} objects (${v.documents} documents, ${versions} older versions)`;
}
/** What the extra count holds besides the tool's own stale objects: ` (1 not written by this tool, 2 orphaned versions)`. */
function extraParts(c) {
    const parts = [
        ...(c.extraForeign > 0 ? [`${c.extraForeign} not written by this tool`] : []),
        ...((c.orphanedVersions ?? 0) > 0 ? [`${c.orphanedVersions} orphaned version${c.orphanedVersions === 1 ? '' : 's'}`] : []),
    ];
    return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}
function engine_verify_compare(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}

// EXTERNAL MODULE: ./node_modules/@aws-sdk/credential-providers/dist-cjs/index.js
var credential_providers_dist_cjs = __webpack_require__(9719);
;// CONCATENATED MODULE: ./lib/action/credentials.js
/**
 * AWS credentials for the Action: with `role_to_assume`, the job's OIDC token is exchanged for the role's
 * temporary credentials in-process (STS AssumeRoleWithWebIdentity through the SDK's web-identity provider,
 * whose STS client honours AWS_ENDPOINT_URL_STS); without it, the engine uses the SDK's default chain.
 */


/** Credentials are renewed this long before they expire (the SDK refreshes 5 minutes ahead too). */
const REFRESH_MARGIN_MS = 10 * 60 * 1000;
class CredentialError extends Error {
    name = 'CredentialError';
}
/**
 * A provider for one role: each (re)assumption requests a fresh OIDC token (GitHub's expire within minutes,
 * long before a role session does), masks the token and the credentials, and is shared by concurrent callers.
 */
function assumeRoleProvider(roleArn, options, region, deps) {
    const now = deps.now ?? Date.now;
    const webToken = deps.fromWebToken ?? credential_providers_dist_cjs.fromWebToken;
    let current;
    let pending;
    const assume = async () => {
        let token;
        try {
            token = await deps.getIDToken(options.audience);
        }
        catch (error) {
            throw new CredentialError(`Could not get the job's OIDC token for audience '${options.audience}' (does the job have 'permissions: id-token: write'?): ${describeError(error)}`);
        }
        deps.setSecret(token);
        let credentials;
        try {
            credentials = await webToken({
                roleArn,
                webIdentityToken: token,
                roleSessionName: options.roleSessionName,
                durationSeconds: options.roleDurationSeconds,
                clientConfig: { region },
            })();
        }
        catch (error) {
            throw new CredentialError(`Could not assume role ${roleArn} with the OIDC token: ${describeError(error)}`);
        }
        for (const secret of [credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken]) {
            if (secret)
                deps.setSecret(secret);
        }
        const until = credentials.expiration ? ` until ${credentials.expiration.toISOString()}` : '';
        deps.info(`Assumed role ${roleArn} (session ${options.roleSessionName})${until}.`);
        return credentials;
    };
    return async () => {
        if (current && (current.expiration === undefined || current.expiration.getTime() - now() > REFRESH_MARGIN_MS))
            return current;
        pending ??= assume().then((credentials) => {
            current = credentials;
            pending = undefined;
            return credentials;
        }, (error) => {
            pending = undefined;
            throw error;
        });
        return pending;
    };
}
/**
 * Resolves the credentials for a run. Each role is assumed once, eagerly, so a bad role or a missing
 * `id-token: write` permission fails the step before any sync request, with the reason.
 */
async function resolveCredentials(action, region, deps) {
    if (action.roleToAssume === '' && action.workdocsRoleToAssume === '') {
        deps.info('No role_to_assume: using the ambient AWS credentials (environment, profile, instance or container role).');
        return { s3: undefined, workdocs: undefined };
    }
    const s3 = action.roleToAssume === '' ? undefined : assumeRoleProvider(action.roleToAssume, action, region, deps);
    const workdocs = action.workdocsRoleToAssume === '' ? s3 : assumeRoleProvider(action.workdocsRoleToAssume, action, region, deps);
    await s3?.();
    if (workdocs !== s3)
        await workdocs?.();
    return { s3, workdocs };
}

;// CONCATENATED MODULE: ./lib/edit-distance.js
/** Levenshtein distance: how many single-character edits turn `a` into `b` (the did-you-mean of the CLI and the Action). */
function editDistance(a, b) {
    const row = Array.from({ length: b.length + 1 }, (_, j) => j);
    for (let i = 1; i <= a.length; i++) {
        let previous = row[0];
        row[0] = i;
        for (let j = 1; j <= b.length; j++) {
            const current = row[j];
            row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
            previous = current;
        }
    }
    return row[b.length];
}

;// CONCATENATED MODULE: ./lib/action/inputs.js
/**
 * Action inputs → validated options. The runner hands each `with:` entry to the process as `INPUT_<NAME>` (the
 * name upper-cased, spaces turned into `_`); every input of OPTION_SPECS is read from there, in its snake_case or
 * kebab-case spelling, then parsed by the same functions as the CLI flags, before any request is made. Other
 * `INPUT_` variables are never silently dropped: a near miss of an input gets a warning naming it, and one of a
 * safety input stops the run, since a preview that becomes a real sync cannot be undone.
 */


/** The inputs that decide what may be written or deleted; one the Action cannot read must not be ignored. */
const SAFETY_INPUTS = ['dry_run', 'max_delete', 'delete_stale', 'delete_foreign', 'archive_prefix', 'allow_source_change'];
/** The runner's variable name for an input as written in `with:`. */
function inputVariable(name) {
    return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}
/** One spelling of every input: upper case, `-` read as `_` (so `dry-run` and `dry_run` are the same input). */
function canonical(variableSuffix) {
    return variableSuffix.replace(/-/g, '_');
}
/** Compares names as a person would misspell them: case, separators and spaces do not count. */
function loose(name) {
    return name.toLowerCase().replace(/[-_\s]/g, '');
}
/** The input a written name most likely meant, when it is close enough to be a misspelling of it. */
function closestInput(written, names) {
    const target = loose(written);
    let best;
    for (const name of names) {
        const d = editDistance(target, loose(name));
        if (best === undefined || d < best.d)
            best = { name, d };
    }
    // Two edits for short names, three for long ones: `max_deletes`, `dryrun`, `delete-stail` are near misses.
    return best !== undefined && best.d <= (loose(best.name).length >= 10 ? 3 : 2) ? best.name : undefined;
}
/**
 * Reads every input of OPTION_SPECS (both scopes) from the runner's `INPUT_` variables. A kebab-case spelling is
 * read like the snake_case one; when both are given (the runner always passes action.yml's default under the
 * snake_case name), the one that differs from the default wins, and two different non-default values are an error.
 */
function readRawInputs(env) {
    const bySpelling = new Map(OPTION_SPECS.map((spec) => [spec.name.toUpperCase(), spec]));
    const given = new Map();
    const warnings = [];
    const errors = [];
    const knownNames = [...new Set([...OPTION_SPECS.map((s) => s.name), ...SAFETY_INPUTS])];
    for (const [variable, value] of Object.entries(env)) {
        if (!variable.startsWith('INPUT_') || value === undefined)
            continue;
        const written = variable.slice('INPUT_'.length);
        const spec = bySpelling.get(canonical(written));
        if (spec !== undefined) {
            given.set(spec, [...(given.get(spec) ?? []), { variable, value: value.trim() }]);
            continue;
        }
        const shown = written.toLowerCase();
        const meant = closestInput(written, knownNames);
        if (meant !== undefined && SAFETY_INPUTS.includes(meant)) {
            const supported = OPTION_SPECS.some((s) => s.name === meant);
            errors.push({
                option: meant,
                problem: supported
                    ? `was given as '${shown}', which this Action cannot read; write it as '${meant}' (or '${meant.replace(/_/g, '-')}'). Nothing was done, since ignoring it could write or delete what it protects`
                    : `is not an input of this version of the Action; remove it, or use a version that has it. Nothing was done, since ignoring it could delete what it protects`,
            });
        }
        else {
            warnings.push(meant !== undefined
                ? `Input '${shown}' is not an input of this Action and is ignored; did you mean '${meant}'?`
                : `Input '${shown}' is not an input of this Action and is ignored.`);
        }
    }
    const raw = {};
    for (const spec of OPTION_SPECS) {
        const values = given.get(spec) ?? [];
        const snake = values.find((v) => v.variable === inputVariable(spec.name));
        const others = values.filter((v) => v !== snake);
        const chosen = new Set(others.map((v) => v.value));
        // The snake_case value counts only when it is not action.yml's default, which the runner always sets.
        if (snake !== undefined && (others.length === 0 || (snake.value !== '' && snake.value !== (spec.default ?? ''))))
            chosen.add(snake.value);
        if (chosen.size > 1) {
            errors.push({ option: spec.name, problem: `is given in more than one spelling with different values (${values.map((v) => `${v.variable.slice('INPUT_'.length).toLowerCase()}: ${JSON.stringify(v.value)}`).join(', ')}); keep one` });
        }
        raw[spec.name] = [...chosen][0] ?? '';
    }
    return { raw, warnings, errors };
}
/** Parses the raw inputs into the sync and the Action options, collecting every problem of both. */
function parseInputs(raw) {
    const sync = parseSyncOptions(raw);
    const action = parseActionOptions(raw);
    if (sync.ok && action.ok)
        return { ok: true, value: { sync: sync.value, action: action.value } };
    return { ok: false, errors: [...(sync.ok ? [] : sync.errors), ...(action.ok ? [] : action.errors)] };
}
/** `Input 'max_workers': must be …`, one line per problem, in OPTION_SPECS order (other names last). */
function formatInputErrors(errors) {
    const order = (e) => {
        const index = OPTION_SPECS.findIndex((s) => s.name === e.option);
        return index < 0 ? OPTION_SPECS.length : index;
    };
    return [...errors].sort((a, b) => order(a) - order(b)).map((e) => `Input '${e.option}': ${e.problem}`).join('\n');
}

;// CONCATENATED MODULE: ./lib/log-file.js
/**
 * The detailed log file (script.log, as the original wrote it): appended, one line per message, opened on the
 * first line (so a run that fails on bad input leaves no file), in the same format whichever shell writes it.
 * Each run starts with a separator line (time and version), so runs appended to one file stay apart.
 *
 * Lines go through a 64 KiB buffer, written synchronously when it is full and at the end of the current turn of
 * the event loop. A burst of lines (a 100,000-item dry run logs one per item in a single turn) therefore never
 * piles up in memory, as it did behind a write stream (every line and a Buffer per line, until the burst ended).
 */




/** The first line a run appends: where one run's lines end and the next one's begin. */
function runSeparator(startedAt) {
    return `----- ${new Date(startedAt).toISOString()} workdocs-s3-sync ${VERSION}: a new run -----`;
}
/** '' gives a log file that writes nothing. `onError` hears once if the file cannot be written. */
function openLogFile(file, options) {
    let fd;
    let writer;
    let failed = false;
    let scheduled;
    const fail = (error) => {
        failed = true;
        writer = undefined;
        closeQuietly();
        options.onError(`cannot write the log file ${file}: ${error.message}`);
    };
    const closeQuietly = () => {
        if (fd === undefined)
            return;
        try {
            (0,external_node_fs_.closeSync)(fd);
        }
        catch {
            // nothing left to write
        }
        fd = undefined;
    };
    const flush = () => {
        if (scheduled)
            clearImmediate(scheduled);
        scheduled = undefined;
        try {
            writer?.flush();
        }
        catch (error) {
            fail(error);
        }
    };
    return {
        write(level, message) {
            if (file === '' || failed)
                return;
            try {
                if (!writer) {
                    try {
                        (0,external_node_fs_.mkdirSync)(external_node_path_.dirname(file), { recursive: true });
                    }
                    catch {
                        // opening the file reports it
                    }
                    fd = (0,external_node_fs_.openSync)(file, 'a');
                    writer = new BufferedFileWriter(fd);
                    writer.write(`${runSeparator(options.now())}\n`);
                }
                writer.write(`${new Date(options.now()).toISOString()} ${level.toUpperCase()} ${message}\n`);
            }
            catch (error) {
                fail(error);
                return;
            }
            if (writer.pending > 0)
                scheduled ??= setImmediate(flush);
        },
        close() {
            flush();
            writer = undefined;
            closeQuietly();
            return Promise.resolve();
        },
    };
}

;// CONCATENATED MODULE: ./lib/action/logger.js
/**
 * The engine's Logger inside GitHub Actions: phases become collapsible log groups, messages go through the
 * runner's commands (so masking applies; anything that looks like a key, token or signed URL is redacted
 * first), and every line, debug included, is also appended to `log_file` (script.log, as the original wrote).
 */



const RANK = { debug: 0, info: 1, warning: 2, error: 3 };
/**
 * Warnings and errors are plain lines, not annotations: most are transient (a retried download) or repeat
 * what the report says, and the annotations come from the report instead (run-action.ts: one per failed
 * item, refused deletes, the step failure), so the run's page shows each problem once.
 */
function createActionLogger(sink, options) {
    const now = options.now ?? Date.now;
    const threshold = RANK[options.level];
    let depth = 0;
    // The same line format as the CLI's script.log, so the file reads the same whichever shell wrote it.
    const file = openLogFile(options.logFile, { now, onError: (message) => sink.warning(`Cannot write the log file: ${message}`) });
    const toFile = (level, message) => file.write(level, message);
    const logger = {
        log(level, raw) {
            const message = redact(raw);
            toFile(level, message);
            if (level === 'debug') {
                if (threshold === RANK.debug)
                    sink.info(message);
                else
                    sink.debug(message);
                return;
            }
            if (RANK[level] < threshold)
                return;
            sink.info(level === 'info' ? message : `${level === 'warning' ? 'Warning' : 'Error'}: ${message}`);
        },
        async group(name, fn) {
            toFile('info', `== ${name}`);
            // The runner does not nest groups: an inner phase is a header line inside the outer group.
            if (depth > 0) {
                sink.info(`== ${name}`);
                return fn();
            }
            depth += 1;
            sink.startGroup(name);
            try {
                return await fn();
            }
            finally {
                sink.endGroup();
                depth -= 1;
            }
        },
        close: () => file.close(),
    };
    return logger;
}
const PHASE = { list: 'Listing', transfer: 'Transferring', delete: 'Deleting' };
/**
 * Progress lines for long phases: the first report of a phase, then at most one line per `intervalMs`,
 * and the phase's last one (done = total).
 */
function createProgressPrinter(print, options = {}) {
    const now = options.now ?? Date.now;
    const intervalMs = options.intervalMs ?? 10_000;
    let phase;
    let last = 0;
    let finished = false;
    return (progress) => {
        const t = now();
        const complete = progress.total > 0 && progress.done >= progress.total;
        const newPhase = progress.phase !== phase;
        if (newPhase)
            finished = false;
        if (!newPhase && (finished || (!complete && t - last < intervalMs)))
            return;
        phase = progress.phase;
        last = t;
        finished = complete;
        const percent = progress.total > 0 ? ` (${Math.floor((progress.done / progress.total) * 100)}%)` : '';
        const bytes = progress.bytes > 0 ? `, ${formatBytes(progress.bytes)}` : '';
        print(`${PHASE[progress.phase]}: ${progress.done}/${progress.total}${percent}${bytes}`);
    };
}

;// CONCATENATED MODULE: ./lib/action/summary.js
/**
 * The job summary of a run, as one Markdown/HTML string: a status line naming the outcome, the totals, and tables
 * of failed, uploaded/copied, deleted/archived and (collapsed) skipped keys. Pure, so it is tested without a runner.
 * Every text from outside (keys, names, ids, error messages) is escaped for HTML and Markdown alike: GitHub renders
 * the summary as Markdown, so an error message must not become a link or an image.
 * Its size is bounded whatever the tree size: each table stops at `maxRows`, the whole stays under
 * `maxBytes` (GitHub refuses step summaries over 1 MiB), and a capped table says how many more rows the
 * JSON report holds.
 */

const SUMMARY_LIMIT_BYTES = 1024 * 1024;
const DEFAULT_MAX_BYTES = 512 * 1024;
const DEFAULT_MAX_ROWS = 250;
/** Room kept for each table's closing tags and its "… more" line, and for the closing lines. */
const TABLE_TAIL_RESERVE = 400;
const NOTICE_MAX_CHARS = 2000;
/** Escapes text for HTML content and attribute values; control characters become visible escapes. */
/** Foreign keys the summary names; the report has the first 20, and the count covers all. */
const FOREIGN_KEYS_LISTED = 5;
function escapeHtml(text) {
    return text
        .replace(/[&<>"'`]/g, (c) => `&#${c.charCodeAt(0)};`)
        .replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
/**
 * Escapes outside text for wherever it lands in the summary, HTML or Markdown: besides escapeHtml, every character
 * Markdown gives a meaning to becomes a character reference, which Markdown shows as the character and never reads
 * as syntax (no link, image, emphasis or autolink: `:`, `@` and the dot of `www.` too).
 */
function escapeText(text) {
    return text
        .replace(/[&<>"'`[\]()!*_~\\|#:@{}+$^]/g, (c) => `&#${c.charCodeAt(0)};`)
        .replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
        .replace(/(www)\./gi, '$1&#46;');
}
function summary_bytesOf(text) {
    return Buffer.byteLength(text, 'utf8');
}
function count(n) {
    return n.toLocaleString('en-US');
}
function clip(text, max) {
    return text.length > max ? `${text.slice(0, max)}…` : text;
}
const ICON = {
    'done': '✅', 'up-to-date': '✅', 'dry-run': '✅', 'items-failed': '❌', 'deletes-refused': '❌', 'run-failed': '❌',
    'bad-input': '❌', 'stopped': '❌', 'cancelled': '⏹️',
};
/** The status line's text: icon and outcome, escaped. */
function statusLine(report, options = {}) {
    const outcome = runOutcome(report, options.interrupted === true);
    const tolerated = outcome === 'items-failed' && options.toleratedFailures === true;
    return `${tolerated ? '⚠️' : ICON[outcome]} ${escapeText(outcomeTitle(report, outcome))}${tolerated ? ' (tolerated)' : ''}`;
}
/** The totals row's columns; a new count is one more entry. */
const TOTAL_COLUMNS = [
    ['Uploaded', 'uploaded'], ['Copied', 'copied'], ['Skipped', 'skipped'], ['Deleted', 'deleted'], ['Archived', 'archived'],
    ['Folder markers', 'markers'], ['Failed', 'failed'], ['Cancelled', 'cancelled'],
];
/**
 * A notice block (GitHub alert); each line of the text is escaped, and the text is clipped. The text starts a line
 * of Markdown, so a leading `-`, `=` or digit is escaped too: it cannot start a list or a heading.
 */
function notice(kind, text) {
    const lines = clip(text, NOTICE_MAX_CHARS).split('\n').map((line) => escapeText(line).replace(/^[-=\d]/, (c) => `&#${c.charCodeAt(0)};`));
    return [`> [!${kind}]`, `> ${lines.join('<br>')}`, ''];
}
function verb(item) {
    const label = item.action === 'marker' ? 'folder marker' : item.action;
    return item.outcome === 'done' || item.outcome === 'failed' ? label : `${label} (${item.outcome})`;
}
function scaleLine(report) {
    const scale = report.scale;
    if (!scale)
        return '';
    const which = scale.shardIndex !== undefined ? `shard ${scale.shardIndex} of ${scale.shardCount}` : `${scale.shardCount} shards`;
    const matrix = scale.matrix ? ` · matrix <code>${escapeText(JSON.stringify(scale.matrix))}</code>` : '';
    return `Scale-out mode <b>${escapeText(scale.mode)}</b> of run <code>${escapeText(scale.runId)}</code>, ${which}${matrix}`;
}
/** A site run (workdocs_organization_id): its report has per-user counts, its source id is a directory id. */
function isSite(report) {
    return report.users !== undefined || /^d-[0-9a-f]{10}$/.test(report.rootFolderId);
}
/** Per-user counts of a site run: the first USERS_SHOWN users (by name), then how many more the JSON report has. */
function usersTable(report, budget) {
    const users = report.users ?? [];
    if (users.length === 0)
        return '';
    const cells = ['User', 'Uploaded', 'Copied', 'Unchanged', 'Deleted', 'Failed', 'Bytes'];
    const rows = users.slice(0, USERS_SHOWN).map((u) => {
        const numbers = [u.uploaded, u.copied, u.skipped, u.deleted, u.failed].map((n) => `<td align="right">${count(n)}</td>`).join('');
        return `<tr><td><code>${escapeText(clip(u.user, 100))}</code></td>${numbers}<td align="right">${formatBytes(u.bytes)}</td></tr>\n`;
    });
    const more = users.length - rows.length;
    const text = [
        `### Per user (${count(users.length)})${report.dryRun ? ' — what would be done' : ''}\n\n`,
        `<table>\n<thead><tr>${cells.map((c, i) => `<th${i > 0 ? ' align="right"' : ''}>${c}</th>`).join('')}</tr></thead>\n<tbody>\n`,
        ...rows,
        '</tbody>\n</table>\n',
        more > 0 ? `\n… and ${count(more)} more users in the JSON report.\n` : '',
        '\n',
    ].join('');
    // Bounded (USERS_SHOWN rows of clipped names), but never at the cost of the failures' table below it.
    return budget.fits(text, 5 * TABLE_TAIL_RESERVE) ? budget.take(text) : '';
}
/** A running byte budget shared by all sections. */
class Budget {
    max;
    used = 0;
    constructor(max) {
        this.max = max;
    }
    fits(text, reserve) {
        return this.used + summary_bytesOf(text) + reserve <= this.max;
    }
    take(text) {
        this.used += summary_bytesOf(text);
        return text;
    }
}
function table(title, items, columns, budget, options) {
    if (items.length === 0)
        return '';
    const heading = options.collapsed
        ? `<details><summary><b>${title} (${count(items.length)})</b></summary>\n\n`
        : `### ${title} (${count(items.length)})\n\n`;
    const head = `<table>\n<thead><tr>${columns.map((c) => `<th${c.align ? ` align="${c.align}"` : ''}>${c.header}</th>`).join('')}</tr></thead>\n<tbody>\n`;
    const open = heading + head;
    if (!budget.fits(open, options.reserve + TABLE_TAIL_RESERVE))
        return '';
    const parts = [budget.take(open)];
    let shown = 0;
    for (const item of items) {
        if (shown >= options.maxRows)
            break;
        const row = `<tr>${columns.map((c) => `<td${c.align ? ` align="${c.align}"` : ''}>${c.cell(item)}</td>`).join('')}</tr>\n`;
        if (!budget.fits(row, options.reserve + TABLE_TAIL_RESERVE))
            break;
        parts.push(budget.take(row));
        shown += 1;
    }
    let tail = '</tbody>\n</table>\n';
    const more = items.length - shown;
    if (more > 0) {
        const where = options.reportPath ? ` (<code>${escapeText(clip(options.reportPath, 150))}</code>)` : '';
        tail += `\n… and ${count(more)} more in the JSON report${where}.\n`;
    }
    tail += options.collapsed ? '\n</details>\n\n' : '\n';
    parts.push(budget.take(tail));
    return parts.join('');
}
/** Renders the job summary of one run. The result is always at most `maxBytes` UTF-8 bytes. */
function renderSummary(report, options = {}) {
    const maxBytes = Math.min(options.maxBytes ?? DEFAULT_MAX_BYTES, SUMMARY_LIMIT_BYTES);
    const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
    const budget = new Budget(maxBytes);
    const totals = effectiveTotals(report);
    const keyCell = (item) => {
        const code = `<code>${escapeText(item.key)}</code>`;
        const url = item.outcome === 'done' ? options.objectUrl?.(item.key) : undefined;
        return url ? `<a href="${escapeHtml(url)}">${code}</a>` : code;
    };
    const plainKey = (item) => `<code>${escapeText(item.key)}</code>`;
    const action = { header: 'Action', cell: (i) => escapeText(verb(i)) };
    const reason = { header: 'Reason', cell: (i) => escapeText(i.reason) };
    const size = { header: 'Size', align: 'right', cell: (i) => (i.bytes === undefined ? '' : formatBytes(i.bytes)) };
    const where = `<code>s3://${escapeText(report.bucket)}/${escapeText(report.prefix)}</code>`;
    const folderName = report.rootFolderName !== undefined ? ` (${escapeText(report.rootFolderName)})` : '';
    const run = report.workflowRun;
    const lines = [
        `## WorkDocs → S3 sync: ${statusLine(report, options)}`,
        '',
        `WorkDocs ${isSite(report) ? 'site' : 'folder'} <code>${escapeText(report.rootFolderId)}</code>${folderName} → ${where}${report.dryRun ? ' — **dry run: nothing was written or deleted; the counts are what would be done**' : ''}`,
        '',
        ...(run ? [`Workflow run <a href="${escapeHtml(run.url)}">${escapeText(run.repository)} #${escapeText(run.runId)}</a>${run.runAttempt !== undefined && run.runAttempt > 1 ? `, attempt ${run.runAttempt}` : ''}`, ''] : []),
        ...(report.scale ? [scaleLine(report), ''] : []),
    ];
    // A run that stopped before its plan did nothing to count: no table of zeros.
    if (!stoppedBeforePlan(report)) {
        lines.push(`| ${TOTAL_COLUMNS.map(([header]) => header).join(' | ')} | Bytes | Duration | Throughput |`, `|${'---:|'.repeat(TOTAL_COLUMNS.length + 3)}`, `| ${TOTAL_COLUMNS.map(([, field]) => count(totals[field])).join(' | ')} | ${formatBytes(totals.bytes)} | ${formatDuration(report.durationMs)} | ${report.dryRun ? '—' : `${formatBytes(report.bytesPerSecond)}/s`} |`, '');
    }
    if (report.upToDate)
        lines.push(`Up to date: WorkDocs' activity feed shows nothing new since the last run, and the manifest is the one it left; the ${count(totals.skipped)} objects it lists are unchanged (counted, not listed one by one).`, '');
    if (report.fatal)
        lines.push(...notice('CAUTION', report.fatal));
    if (report.deletesBlocked)
        lines.push(...notice('WARNING', `Deletes were not run: ${report.deletesBlocked}`));
    if (report.foreign) {
        const first = report.foreign.keys.slice(0, FOREIGN_KEYS_LISTED).map((key) => `<code>${escapeText(clip(key, 200))}</code>`).join(', ');
        const more = report.foreign.count > FOREIGN_KEYS_LISTED ? ', …' : '';
        lines.push(`Left alone: ${count(report.foreign.count)} objects this tool did not write (${first}${more}); \`delete_foreign\` removes them.`, '');
    }
    const header = budget.take(`${lines.join('\n')}\n`) + usersTable(report, budget);
    const footer = options.reportPath
        ? `Every item and its outcome: <code>${escapeText(clip(options.reportPath, 300))}</code>${report.manifestKey ? ` · manifest <code>${escapeText(clip(report.manifestKey, 300))}</code>` : ''}\n`
        : '';
    const sections = [
        {
            title: 'Failed',
            items: report.items.filter((i) => i.outcome === 'failed'),
            columns: [action, { header: 'Key', cell: plainKey }, { header: 'Error', cell: (i) => escapeText(clip(i.error ?? i.reason, 500)) }],
            collapsed: false,
        },
        {
            title: 'Cancelled',
            items: report.items.filter((i) => i.outcome === 'cancelled'),
            columns: [action, { header: 'Key', cell: plainKey }, { header: 'Why', cell: (i) => escapeText(clip(i.error ?? i.reason, 300)) }],
            collapsed: true,
        },
        {
            title: 'Uploaded and copied',
            items: report.items.filter((i) => (i.action === 'upload' || i.action === 'copy') && i.outcome !== 'failed' && i.outcome !== 'cancelled'),
            columns: [action, { header: 'Key', cell: keyCell }, size, { header: 'Reason', cell: (i) => escapeText(i.fromKey ? `${i.reason} (from ${i.fromKey})` : i.reason) }],
            collapsed: false,
        },
        {
            title: 'Deleted and archived',
            items: report.items.filter((i) => (i.action === 'delete' || i.action === 'archive') && i.outcome !== 'failed' && i.outcome !== 'cancelled'),
            columns: [action, { header: 'Key', cell: plainKey }, { header: 'Archived to', cell: (i) => (i.toKey ? `<code>${escapeText(i.toKey)}</code>` : '') }, reason],
            collapsed: false,
        },
        {
            title: 'Skipped',
            items: report.items.filter((i) => i.action === 'skip' && i.outcome !== 'failed' && i.outcome !== 'cancelled'),
            columns: [{ header: 'Key', cell: plainKey }, reason],
            collapsed: true,
        },
    ];
    const body = sections.map((section, index) => table(section.title, section.items, section.columns, budget, {
        maxRows,
        // keep room for the footer and for at least the heading of every later section
        reserve: summary_bytesOf(footer) + (sections.length - index - 1) * TABLE_TAIL_RESERVE,
        reportPath: options.reportPath,
        collapsed: section.collapsed,
    }));
    return header + body.join('') + budget.take(footer);
}

;// CONCATENATED MODULE: ./lib/action/verify.js



/** Error annotations for discrepancies: GitHub shows 10 per step, the step's failure is one of them. */
const ANNOTATIONS = 8;
/** Rows of the summary's table; the JSON report and the CSV have all. */
const SUMMARY_ROWS = 250;
const SUMMARY_TABLE_BYTES = 512 * 1024;
/** The outputs a verify run adds: its counts, as strings ('0' for any other run). */
function verifyOutputs(report) {
    const c = report.verify?.counts;
    return { verified: String(c?.verified ?? 0), missing: String(c?.missing ?? 0), mismatched: String(c?.mismatched ?? 0), extra: String(c?.extra ?? 0) };
}
/** Ends a verify run: CSV, summary, annotations, console lines, status. `reportPath`: '' when no JSON report was written. */
async function finishVerify(core, report, reportPath) {
    let csvPath = '';
    if (reportPath !== '') {
        try {
            csvPath = writeDiscrepancyCsv(reportPath, report) ?? '';
        }
        catch (error) {
            core.warning(`Could not write the CSV of discrepancies beside ${reportPath}: ${describeError(error)}`);
        }
    }
    try {
        await core.writeSummary(renderVerifySummary(report, reportPath, csvPath));
    }
    catch (error) {
        core.warning(`Could not write the job summary: ${describeError(error)}`);
    }
    const failing = report.verify?.discrepancies.filter((d) => d.fails) ?? [];
    for (const d of failing.slice(0, ANNOTATIONS))
        core.error(`${d.key}: ${d.detail}`, { title: `${d.kind}: ${d.key}`.slice(0, 200) });
    for (const line of verifySummaryLines(report))
        core.info(line);
    if (reportPath !== '')
        core.info(`JSON report: ${reportPath}${csvPath !== '' ? `; discrepancies as CSV: ${csvPath}` : ''}`);
    if (report.exitCode === 1 && report.verify !== undefined) {
        const c = report.verify.counts;
        core.setFailed(`Not an exact mirror: ${c.missing} missing, ${c.mismatched} mismatched, ${c.extra} extra; see the job summary${reportPath !== '' ? ` and ${reportPath}` : ''}.`);
    }
    else if (report.exitCode !== 0) {
        core.setFailed(report.fatal ?? `The verify run stopped with exit code ${report.exitCode}.`);
    }
    return report.exitCode;
}
/** The job summary of a verify run: verdict, counts, and a table of discrepancies (escaped: keys are outside text). */
function renderVerifySummary(report, reportPath = '', csvPath = '') {
    const v = report.verify;
    const where = `<code>${escapeText(`s3://${report.bucket}/${report.prefix}`)}</code>`;
    const status = v === undefined
        ? `❌ ${report.exitCode === 2 ? 'Bad input' : 'No verdict'}`
        : report.exitCode === 3 ? '❌ No verdict' : v.exact ? '✅ Exact mirror' : '❌ Not an exact mirror';
    const lines = [`## WorkDocs → S3 verify: ${status}`, '', `Bucket ${where}, WorkDocs ${isSite(report) ? 'site' : 'folder'} <code>${escapeText(report.rootFolderId)}</code>. Read-only: nothing was written, no lock was taken.`, ''];
    if (report.fatal !== undefined)
        lines.push(`> [!CAUTION]`, `> ${escapeText(report.fatal)}`, '');
    if (v !== undefined) {
        const c = v.counts;
        lines.push('| Documents | Verified | Missing | Mismatched | Extra | Unverifiable |', '|---:|---:|---:|---:|---:|---:|', `| ${v.documents}${(v.versions ?? 0) > 0 ? ` + ${v.versions} older versions` : ''} | ${c.verified} | ${c.missing} | ${c.mismatched} | ${c.extra}${extraNote(c)} | ${v.contentChecked ? c.unverifiable : 'not checked'} |`, '', v.contentChecked ? 'Every object in place was read back and its MD5 compared with the WorkDocs Signature.' : 'Checked from the listing (size, version, recorded ETag); set `verify_content: true` to read every object back.', '');
        if (v.discrepancies.length > 0) {
            lines.push('<table>', '<thead><tr><th>Kind</th><th>Key</th><th>Detail</th></tr></thead>', '<tbody>');
            let shown = 0;
            let bytes = 0;
            for (const d of v.discrepancies.slice(0, SUMMARY_ROWS)) {
                const text = row(d);
                bytes += Buffer.byteLength(text);
                // GitHub takes at most 1 MiB of summary per step; long escaped keys could pass that in fewer rows.
                if (bytes > SUMMARY_TABLE_BYTES)
                    break;
                lines.push(text);
                shown++;
            }
            lines.push('</tbody>', '</table>', '');
            if (v.discrepancies.length > shown)
                lines.push(`… and ${v.discrepancies.length - shown} more in the JSON report and the CSV.`, '');
        }
    }
    if (reportPath !== '')
        lines.push(`JSON report: <code>${escapeText(reportPath)}</code>${csvPath !== '' ? `; CSV of discrepancies: <code>${escapeText(csvPath)}</code>` : ''}`, '');
    return lines.join('\n');
}
function extraNote(c) {
    const parts = [...(c.extraForeign > 0 ? [`${c.extraForeign} foreign`] : []), ...((c.orphanedVersions ?? 0) > 0 ? [`${c.orphanedVersions} orphaned version${c.orphanedVersions === 1 ? '' : 's'}`] : [])];
    return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}
function row(d) {
    const kind = `${d.kind}${d.owner !== undefined ? ` (${d.owner})` : ''}${d.fails ? '' : ', not failing'}`;
    return `<tr><td>${escapeText(kind)}</td><td><code>${escapeText(d.key)}</code></td><td>${escapeText(d.detail)}</td></tr>`;
}

;// CONCATENATED MODULE: ./lib/action/outputs.js
/**
 * What a run hands to later steps and to the run's page: step outputs (strings, as GITHUB_OUTPUT holds them)
 * and error annotations for failed items. Pure functions of the report.
 */


/** Every output the Action sets, with the description action.yml gives it (checked by a test). */
const OUTPUT_SPECS = [
    { name: 'uploaded', description: 'Files uploaded (new or changed documents). In a dry run, every count is what would be done.' },
    { name: 'copied', description: 'Files copied inside S3 (renamed or moved documents).' },
    { name: 'skipped', description: 'Files already up to date.' },
    { name: 'deleted', description: 'Stale objects deleted.' },
    { name: 'archived', description: 'Stale objects moved under archive_prefix.' },
    { name: 'markers', description: 'Folder marker objects created.' },
    { name: 'failed', description: 'Items that failed.' },
    { name: 'cancelled', description: 'Items stopped by a cancel or a lost lock before they finished; not counted as failed.' },
    { name: 'foreign', description: 'Objects under the prefix that this tool did not write, left alone (see delete_foreign).' },
    { name: 'bytes', description: 'Bytes uploaded.' },
    { name: 'report_path', description: 'Path of the JSON report with every item and its outcome.' },
    { name: 'manifest_key', description: "S3 key of the manifest the run read or wrote; '' when it stopped before a plan." },
    { name: 'changed', description: "'true' when anything in the bucket changed (or would, in a dry run), else 'false'." },
    { name: 'exit_code', description: 'The exit code (see Exit codes).' },
    { name: 'matrix', description: "mode plan: the shard matrix as JSON, for `fromJSON` in `strategy.matrix`; '' otherwise." },
    { name: 'verified', description: 'mode verify: documents shown in place; 0 in the other modes.' },
    { name: 'missing', description: 'mode verify: documents with no object at their key.' },
    { name: 'mismatched', description: 'mode verify: objects that do not hold their version (stale, wrong size, modified, other bytes).' },
    { name: 'extra', description: 'mode verify: objects no WorkDocs item maps to, foreign ones included.' },
];
/** The counts of a report as outputs; in a dry run, what would be done. */
function countOutputs(totals) {
    return Object.fromEntries(COUNT_OUTPUTS.map((name) => [name, String(totals[name])]));
}
/** The outputs that are counts of the report's totals (a new count is one more entry here and in OUTPUT_SPECS). */
const COUNT_OUTPUTS = ['uploaded', 'copied', 'skipped', 'deleted', 'archived', 'markers', 'failed', 'cancelled', 'bytes'];
/** The step outputs of a finished run. `reportPath` is '' when no report file could be written. */
function reportOutputs(report, reportPath) {
    return {
        ...countOutputs(effectiveTotals(report)),
        report_path: reportPath,
        manifest_key: report.manifestKey,
        changed: String(report.changed),
        exit_code: String(report.exitCode),
        matrix: report.scale?.matrix ? JSON.stringify(report.scale.matrix) : '',
        foreign: String(report.foreign?.count ?? 0),
        ...verifyOutputs(report),
    };
}
/** The outputs of a run that stopped before the engine ran (bad input, no credentials): defined, and all zero. */
function stoppedOutputs(exitCode, reportPath = '') {
    const zero = Object.fromEntries(COUNT_OUTPUTS.map((name) => [name, '0']));
    return { ...zero, report_path: reportPath, manifest_key: '', changed: 'false', exit_code: String(exitCode), matrix: '', foreign: '0', verified: '0', missing: '0', mismatched: '0', extra: '0' };
}
/** Error annotations for failed items before the one that says how many more there are (see the README). */
const ITEM_ANNOTATIONS = 8;
/**
 * One error annotation per failed item, at most `max`; past the cap, one more says how many are left out. With
 * the step's failure that is at most 10, the number of error annotations GitHub shows per step.
 */
function failedItemAnnotations(items, max = ITEM_ANNOTATIONS) {
    const failed = items.filter((i) => i.outcome === 'failed');
    const shown = failed.slice(0, max).map((item) => ({
        title: `${item.action} failed: ${item.key}`.slice(0, 200),
        message: `${item.action} ${item.key}: ${item.error ?? item.reason}`,
    }));
    if (failed.length > shown.length) {
        const more = failed.length - shown.length;
        shown.push({ title: `${more} more failed item${more === 1 ? '' : 's'}`, message: `${more} more item${more === 1 ? '' : 's'} failed; the job summary and the JSON report list them all.` });
    }
    return shown;
}

;// CONCATENATED MODULE: ./lib/action/run-action.js
/**
 * One Action run with its surroundings injected: inputs → credentials → sync → report file → outputs → job
 * summary → annotations → step status. main.ts passes @actions/core and the real engine; tests pass fakes.
 * Whatever the outcome (bad input and failed authentication included), the run sets every output and writes a
 * job summary whose status line names that outcome.
 */











const DEFAULT_REPORT_NAME = 'workdocs-s3-sync-report.json';
/** The S3 console page of an object, only for AWS itself (not for custom endpoints). */
function s3ConsoleUrl(options, env) {
    if (options.s3EndpointUrl !== '' || env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL)
        return undefined;
    const bucket = encodeURIComponent(options.s3BucketName);
    const region = encodeURIComponent(options.regionName);
    return (key) => `https://${region}.console.aws.amazon.com/s3/object/${bucket}?region=${region}&bucketType=general&prefix=${encodeURIComponent(key)}`;
}
function setOutputs(core, outputs) {
    for (const [name, value] of Object.entries(outputs))
        core.setOutput(name, value);
}
/** Writes the job summary; a runner that cannot take it gets a warning, not a failed step. */
async function writeSummary(core, text) {
    try {
        await core.writeSummary(text);
    }
    catch (error) {
        core.warning(`Could not write the job summary: ${describeError(error)}`);
    }
}
/** Ends a run that stopped before the engine ran: every output defined, a summary, the step failed. */
async function stopEarly(deps, started, exitCode, fatal, given, reportPath = '') {
    const { core } = deps;
    const now = (deps.now ?? Date.now)();
    const report = { ...stoppedReport({ exitCode, fatal, ...given, rootFolderId: given.folderId, started, now }), ...workflowRunOf(deps) };
    let written = reportPath;
    if (written !== '')
        written = writeReport(core, written, report);
    setOutputs(core, stoppedOutputs(exitCode, written));
    await writeSummary(core, renderSummary(report, { reportPath: written || undefined }));
    core.setFailed(fatal);
    return exitCode;
}
function workflowRunOf(deps) {
    return deps.workflowRun ? { workflowRun: deps.workflowRun } : {};
}
/** Writes the JSON report; returns its path, or '' (with a warning) when it could not be written. */
function writeReport(core, path, report) {
    try {
        writeReportFile(path, report);
        return path;
    }
    catch (error) {
        core.warning(`Could not write the JSON report to ${path}: ${describeError(error)}`);
        return '';
    }
}
/** Runs the Action once and returns its exit code; the step's status is set through `core`. */
async function runAction(deps) {
    const started = (deps.now ?? Date.now)();
    const given = {
        bucket: deps.env.INPUT_S3_BUCKET_NAME ?? '',
        prefix: deps.env.INPUT_S3_PREFIX ?? '',
        // The source as given: a folder, or a whole site (the summary says which by the id's form).
        folderId: deps.env.INPUT_WORKDOCS_FOLDER_ID || deps.env.INPUT_WORKDOCS_ORGANIZATION_ID || '',
        dryRun: false,
    };
    try {
        return await runUnchecked(deps, started, given);
    }
    catch (error) {
        // One redacted line: a stack or an error object's fields could carry request details.
        return stopEarly(deps, started, 3, `workdocs-s3-sync failed unexpectedly: ${describeError(error)}`, given);
    }
}
async function runUnchecked(deps, started, given) {
    const { core } = deps;
    const read = readRawInputs(deps.env);
    for (const warning of read.warnings)
        core.warning(warning, { title: 'Unknown input' });
    const raw = { ...read.raw };
    // The jobs of one workflow run (plan, its shards, finalize) agree on the run id without being told.
    const runId = deps.workflowRun?.runId ?? deps.env.GITHUB_RUN_ID;
    if (!raw.run_id && runId)
        raw.run_id = runId;
    const parsed = parseInputs(raw);
    const asGiven = { bucket: raw.s3_bucket_name ?? '', prefix: raw.s3_prefix ?? '', folderId: raw.workdocs_folder_id || raw.workdocs_organization_id || '', dryRun: given.dryRun };
    if (!parsed.ok || read.errors.length > 0) {
        const errors = [...read.errors, ...(parsed.ok ? [] : parsed.errors)];
        return stopEarly(deps, started, 2, formatInputErrors(errors), asGiven);
    }
    const { sync: options, action } = parsed.value;
    const logger = createActionLogger(core, { level: options.logLevel, logFile: options.logFile, now: deps.now });
    try {
        return await runWithLogger(deps, started, options, action, logger);
    }
    finally {
        await logger.close();
    }
}
function reportPathOf(options, env) {
    return (0,external_node_path_.resolve)(options.reportFile !== '' ? options.reportFile : (0,external_node_path_.join)(env.RUNNER_TEMP || (0,external_node_os_.tmpdir)(), DEFAULT_REPORT_NAME));
}
async function runWithLogger(deps, started, options, action, logger) {
    const { core } = deps;
    const reportPath = reportPathOf(options, deps.env);
    let credentials;
    try {
        credentials = await logger.group('Authenticate', () => resolveCredentials(action, options.regionName, {
            getIDToken: (audience) => core.getIDToken(audience),
            setSecret: (secret) => core.setSecret(secret),
            info: (line) => core.info(line),
            fromWebToken: deps.fromWebToken,
            now: deps.now,
        }));
    }
    catch (error) {
        if (!(error instanceof CredentialError))
            throw error;
        const given = { bucket: options.s3BucketName, prefix: options.s3Prefix, folderId: sourceIdOf(options), dryRun: options.dryRun };
        return stopEarly(deps, started, 3, error.message, given, reportPath);
    }
    const env = deps.createSyncEnv(options, {
        logger,
        s3Credentials: credentials.s3,
        workdocsCredentials: credentials.workdocs,
        signal: deps.signal,
        onProgress: createProgressPrinter((line) => core.info(line), { now: deps.now }),
    });
    let engineReport;
    try {
        engineReport = await deps.sync(options, env);
    }
    finally {
        env.destroy();
    }
    const report = { ...engineReport, ...workflowRunOf(deps) };
    const interrupted = deps.signal?.aborted === true;
    const outcome = runOutcome(report, interrupted);
    const writtenPath = writeReport(core, reportPath, report);
    setOutputs(core, reportOutputs(report, writtenPath));
    // An audit has its own verdict, summary and CSV; tolerate_failures (failed transfers) does not apply to it.
    if (options.mode === 'verify')
        return finishVerify(core, report, writtenPath);
    // tolerate_failures covers failed items only: refused deletes and run-level failures always fail the step.
    const tolerated = outcome === 'items-failed' && action.tolerateFailures;
    await writeSummary(core, renderSummary(report, { reportPath: writtenPath || undefined, objectUrl: s3ConsoleUrl(options, deps.env), toleratedFailures: tolerated, interrupted }));
    for (const annotation of failedItemAnnotations(report.items))
        core.error(annotation.message, { title: annotation.title });
    for (const line of summaryLines(report, interrupted))
        core.info(line);
    if (writtenPath)
        core.info(`JSON report: ${writtenPath}`);
    const totals = effectiveTotals(report);
    const where = `see the annotations, the job summary${writtenPath ? ` and ${writtenPath}` : ''}`;
    const alsoFailed = totals.failed > 0 ? `; also ${totals.failed} item(s) failed, ${where}` : '';
    switch (outcome) {
        case 'done':
        case 'up-to-date':
        case 'dry-run':
            if (report.deletesBlocked)
                core.warning(`Deletes were not run: ${report.deletesBlocked}`, { title: 'Deletes refused' });
            break;
        case 'items-failed':
            if (tolerated)
                core.warning(`${totals.failed} item(s) failed; tolerated because tolerate_failures is true.`);
            else
                core.setFailed(`${totals.failed} item(s) failed; ${where}. Set tolerate_failures: true to let the step pass anyway.`);
            break;
        case 'deletes-refused':
            core.setFailed(`Deletes were refused: ${report.deletesBlocked}${alsoFailed}.`);
            break;
        case 'run-failed': {
            const notTolerated = action.tolerateFailures ? ' tolerate_failures covers failed items only, not this.' : '';
            core.setFailed(`${report.fatal}${alsoFailed}.${notTolerated}`);
            break;
        }
        case 'cancelled':
            core.setFailed(`Cancelled: ${report.fatal ?? 'the job was cancelled'}; ${totals.cancelled} item(s) not finished, nothing was deleted.`);
            break;
        default:
            core.setFailed(report.fatal ?? `The sync stopped with exit code ${report.exitCode}.`);
    }
    return report.exitCode;
}

;// CONCATENATED MODULE: ./lib/action/main.js
/**
 * The Action's entry: wires @actions/core and the sync engine into runAction. The engine itself never
 * touches @actions/core; everything runner-specific lives under src/action/.
 */









/** @actions/core as the run sees it. */
const actionsCore = {
    setOutput: (name, value) => core/* setOutput */.uH(name, value),
    setFailed: (message) => core/* setFailed */.C1(message),
    setSecret: (secret) => core/* setSecret */.Pq(secret),
    getIDToken: (audience) => core/* getIDToken */.V9(audience),
    debug: (message) => core/* debug */.Yz(message),
    info: (message) => core/* info */.pq(message),
    warning: (message, properties) => core/* warning */.$e(message, properties),
    error: (message, properties) => core/* error */.z3(message, properties),
    startGroup: (name) => core/* startGroup */.Oh(name),
    endGroup: () => core/* endGroup */.N4(),
    writeSummary: async (text) => {
        await core/* summary */.z.addRaw(text, true).write();
    },
};
/** The workflow run this step belongs to, for the summary's link and the JSON report; undefined outside a runner. */
function workflowRun() {
    if (!process.env.GITHUB_REPOSITORY || !Number.isSafeInteger(github/* context */._.runId))
        return undefined;
    const { owner, repo } = github/* context */._.repo;
    const repository = `${owner}/${repo}`;
    const attempt = Number.isSafeInteger(github/* context */._.runAttempt) && github/* context */._.runAttempt > 0 ? github/* context */._.runAttempt : undefined;
    const url = `${github/* context */._.serverUrl}/${repository}/actions/runs/${github/* context */._.runId}${attempt !== undefined && attempt > 1 ? `/attempts/${attempt}` : ''}`;
    return { repository, runId: String(github/* context */._.runId), ...(attempt !== undefined ? { runAttempt: attempt } : {}), url };
}
/** mode sync runs the whole job; plan / shard / finalize are the scale-out steps; verify is the read-only audit. */
const runEngine = (options, env) => (options.mode === 'sync' ? sync(options, env) : options.mode === 'verify' ? verifyMirror(options, env) : runScaled(options, env));
/** Runs the Action in this process; cancelling the job (SIGINT/SIGTERM) aborts the sync before any delete. */
async function main_run() {
    // Every in-flight request listens to this one signal.
    const controller = runAbortController();
    const stopListening = (0,engine_thread/* onInterrupt */.nA)((signal) => {
        core/* warning */.$e(`Received ${signal}: stopping; nothing more is deleted.`);
        controller.abort(new Error(`cancelled by ${signal}`));
    });
    try {
        // setFailed sets the process exit status the runner reads (1); a tolerated failure leaves it 0.
        const run = workflowRun();
        await runAction({ core: actionsCore, sync: runEngine, createSyncEnv: createSyncEnv, env: process.env, signal: controller.signal, ...(run ? { workflowRun: run } : {}) });
    }
    finally {
        stopListening();
    }
}


/***/ })

};
