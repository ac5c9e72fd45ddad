// One benchmark phase's work (bench/phase.ts starts it): reads a PhaseConfig (JSON file path in argv[2]), runs
// either the raw pipe or the real CLI, and writes its result as `result-<kind>.json` in the phase's work
// directory and as one `BENCH_RESULT {json}` line on stdout.
//
// raw:  the simplest possible copy: for each document, GetDocumentVersion → GET the presigned URL → PutObject
//       with the response stream as the body. Same clients (built by createSyncEnv from the same options), same
//       concurrency (p-limit max_workers), same Node. No listing, no manifest, no hashing, no retries of its own.
// raw-md5: the same loop, with the bytes of every file above `hashAboveBytes` passed through an MD5 hash on their
//       way and checked against the Signature (see PhaseKind).
// sync: `workdocs-s3-sync` main() with the three required flags plus endpoints, log file and report file.
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import v8 from 'node:v8';
import pLimit from 'p-limit';
import { main } from '../../src/cli/main.js';
import { createSyncEnv } from '../../src/engine/env.js';
import { unsignedPayloadPlugin } from '../../src/s3/client.js';
import type { SyncReport } from '../../src/engine/types.js';
import { parseSyncOptions } from '../../src/options.js';
import { countRequests, type RequestCounter } from '../../test-support/counting.js';
import { contentUrl } from '../../src/workdocs/content.js';
import { hashedBy } from './hash.js';
import { RESULT_PREFIX, type PhaseConfig, type PhaseResult, type RawDoc } from './types.js';

const config = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as PhaseConfig;
const MB = 1024 * 1024;

function cliArgs(c: PhaseConfig): string[] {
  return [
    ...(c.organizationId !== undefined ? ['--workdocs_organization_id', c.organizationId] : ['--workdocs_folder_id', c.rootFolderId]),
    '--s3_bucket_name', c.bucket,
    '--region_name', 'us-east-1',
    '--workdocs_endpoint_url', c.workdocsEndpoint,
    '--s3_endpoint_url', c.s3Endpoint,
    '--s3_prefix', c.prefix,
    '--max_workers', String(c.maxWorkers),
    '--max_pool_connections', String(c.maxPoolConnections),
    '--part_size_mb', String(c.partSizeMb),
    '--multipart_threshold_mb', String(c.multipartThresholdMb),
    '--log_file', path.join(c.workDir, 'script.log'),
    '--report_file', path.join(c.workDir, 'report.json'),
    '--log_level', 'warning',
    // The folder trees time the copy the raw pipe makes: the metadata index (its own requests per document) is
    // measured by the site tree, which passes its own arguments.
    ...(c.syncArgs ?? ['--metadata', 'none']),
  ];
}

/** The lines that say how a run listed: whether an incremental run read the feed or listed everything, and why. */
const LISTING_NOTE = /^(full listing|incremental|up to date|(the )?source snapshot|the activity feed)\b/;


const credentials = {
  s3Credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
  workdocsCredentials: { accessKeyId: 'AKIDBENCH', secretAccessKey: 'bench' },
};

async function runSync(): Promise<Omit<PhaseResult, 'wallMs' | 'cpuUserMs' | 'cpuSystemMs' | 'maxRssMb' | 'baselineRssMb' | 'kind'>> {
  let counter: RequestCounter | undefined;
  let report: SyncReport | undefined;
  let stderr = '';
  const notes: string[] = [];
  const exitCode = await main(cliArgs(config), {
    stdout: () => undefined,
    stderr: (t) => { stderr += t; },
    cwd: config.workDir,
    createEnv: (options, deps) => {
      // The log level filters inside the logger, so the info lines that say how the run listed are seen here.
      const logger = {
        log: (level: Parameters<typeof deps.logger.log>[0], message: string): void => {
          if (LISTING_NOTE.test(message)) notes.push(message);
          deps.logger.log(level, message);
        },
        group: deps.logger.group.bind(deps.logger),
      };
      const env = createSyncEnv(options, { ...deps, logger, ...credentials });
      // --unsigned-parts: UploadPart as UNSIGNED-PAYLOAD, as the engine sends it over HTTPS (a TLS front here would be the bottleneck).
      if (config.unsignedParts) env.s3.middlewareStack.use(unsignedPayloadPlugin({ partsOverHttp: true }));
      counter = countRequests(env.s3);
      return env;
    },
    onReport: (r) => { report = r; },
  });
  const failures = (report?.items ?? []).filter((i) => i.outcome === 'failed').slice(0, 5).map((i) => `${i.key}: ${i.error ?? ''}`);
  if (report?.fatal) failures.unshift(`fatal: ${report.fatal}`);
  if (exitCode !== 0 && failures.length === 0) failures.push(stderr.slice(0, 2000));
  return {
    exitCode,
    files: report?.totals.uploaded ?? 0,
    bytes: report?.totals.bytes ?? 0,
    s3: counter?.counts() ?? {},
    totals: { ...(report?.totals ?? {}) },
    changed: report?.changed ?? false,
    notes,
    failures,
  };
}

async function runRaw(): Promise<Omit<PhaseResult, 'wallMs' | 'cpuUserMs' | 'cpuSystemMs' | 'maxRssMb' | 'baselineRssMb' | 'kind'>> {
  const docs = JSON.parse(readFileSync(config.docsFile!, 'utf8')) as RawDoc[];
  const parsed = parseSyncOptions(Object.fromEntries(chunk2(cliArgs(config)).map(([k, v]) => [k.slice(2), v])));
  if (!parsed.ok) throw new Error(`bad options: ${JSON.stringify(parsed.errors)}`);
  const noop = { log: () => undefined, group: <T>(_: string, fn: () => Promise<T>) => fn() };
  const env = createSyncEnv(parsed.value, { logger: noop, ...credentials });
  const counter = countRequests(env.s3);
  const limit = pLimit(config.maxWorkers);
  let files = 0;
  let bytes = 0;
  const failures: string[] = [];
  try {
    await Promise.all(docs.map((doc) => limit(async () => {
      try {
        const url = await contentUrl({ client: env.workdocs, documentId: doc.id, versionId: doc.versionId });
        const response = await get(url, env.httpAgent, env.httpsAgent);
        if (response.statusCode !== 200) throw new Error(`GET answered ${response.statusCode}`);
        const md5 = config.kind === 'raw-md5' && doc.size > (config.hashAboveBytes ?? Infinity) ? createHash('md5') : undefined;
        await env.s3.send(new PutObjectCommand({
          Bucket: config.bucket,
          Key: `${config.prefix}${doc.id}`,
          Body: md5 ? response.pipe(hashedBy(md5)) : response,
          ContentLength: doc.size,
          ContentType: doc.contentType,
        }));
        if (md5 && md5.digest('hex') !== doc.md5) throw new Error('MD5 differs from the Signature');
        files++;
        bytes += doc.size;
      } catch (error) {
        failures.push(`${doc.id}: ${(error as Error).message}`);
      }
    })));
  } finally {
    env.destroy();
  }
  return { exitCode: failures.length > 0 ? 1 : 0, files, bytes, s3: counter.counts(), failures: failures.slice(0, 5) };
}

function inMb(bytes: number): number {
  return Math.round((bytes / MB) * 10) / 10;
}

function chunk2(args: string[]): [string, string][] {
  const out: [string, string][] = [];
  for (let i = 0; i < args.length; i += 2) out.push([args[i]!, args[i + 1]!]);
  return out;
}

function get(url: string, httpAgent?: http.Agent, httpsAgent?: https.Agent): Promise<http.IncomingMessage> {
  const target = new URL(url);
  const isHttps = target.protocol === 'https:';
  return new Promise((resolve, reject) => {
    const request = (isHttps ? https : http).get(target, { agent: isHttps ? httpsAgent : httpAgent }, resolve);
    request.on('error', reject);
  });
}

const baselineRss = process.memoryUsage().rss;
let atPeak = process.memoryUsage();
// memoryUsage() walks the heap's spaces (~0.25 ms on the engine thread, 20 times a second); rss() alone is cheap.
const sampler = setInterval(() => {
  if (process.memoryUsage.rss() > atPeak.rss) atPeak = process.memoryUsage();
}, 50);
const before = process.resourceUsage();
const started = performance.now();
const body = config.kind === 'sync' ? await runSync() : await runRaw();
const wallMs = performance.now() - started;
clearInterval(sampler);
const after = process.resourceUsage();
if (config.heapSnapshotDir) v8.writeHeapSnapshot(path.join(config.heapSnapshotDir, `${config.kind}-${Date.now()}.heapsnapshot`));
const result: PhaseResult = {
  kind: config.kind,
  ...body,
  wallMs: Math.round(wallMs),
  cpuUserMs: Math.round((after.userCPUTime - before.userCPUTime) / 1000),
  cpuSystemMs: Math.round((after.systemCPUTime - before.systemCPUTime) / 1000),
  // ru_maxrss is in KiB on Linux.
  maxRssMb: Math.round((after.maxRSS / 1024) * 10) / 10,
  baselineRssMb: inMb(baselineRss),
  atPeakMb: {
    rss: inMb(atPeak.rss),
    heapTotal: inMb(atPeak.heapTotal),
    heapUsed: inMb(atPeak.heapUsed),
    external: inMb(atPeak.external),
    arrayBuffers: inMb(atPeak.arrayBuffers),
  },
};
writeFileSync(path.join(config.workDir, `result-${config.kind}.json`), JSON.stringify(result, null, 2));
process.stdout.write(`${RESULT_PREFIX}${JSON.stringify(result)}\n`);
process.exit(0);
