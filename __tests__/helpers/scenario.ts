// Whole-run scenarios: the WorkDocs emulator over HTTP, the real S3 server, and the CLI's main() in-process
// (the real clients, with a request counter on S3), plus checks of what ended up in the bucket.
import { HeadObjectCommand, ListMultipartUploadsCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inject } from 'vitest';
import { main } from '../../src/cli/main.js';
import { createSyncEnv } from '../../src/engine/env.js';
import type { SyncReport } from '../../src/engine/types.js';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../src/emulator/server.js';
import { countRequests } from '../../test-support/counting.js';
import { createTestBucket, getObjectBytes, listAllKeys, md5Hex, type TestBucket } from './s3.js';

export interface RunResult {
  readonly code: number;
  readonly report: SyncReport;
  readonly stdout: string;
  readonly stderr: string;
  readonly log: string;
  /** S3 requests per command, every HTTP attempt counted. */
  readonly s3: Record<string, number>;
  /** WorkDocs requests per operation (`Content` for downloads), from the emulator's counters. */
  readonly workdocs: Record<string, number>;
}

export interface Scenario {
  readonly emulator: Emulator;
  readonly bucket: TestBucket;
  readonly dir: string;
  /** Runs the CLI with the three required flags and endpoints set, plus `args`. */
  run(args?: readonly string[]): Promise<RunResult>;
  close(): Promise<void>;
}

export async function startScenario(emulatorOptions: EmulatorOptions, name = 'scn'): Promise<Scenario> {
  const emulator = await startEmulator({ port: 0, ...emulatorOptions });
  const bucket = await createTestBucket(name);
  const dir = mkdtempSync(path.join(tmpdir(), 'wds-scenario-'));
  const s3 = inject('s3');
  let runs = 0;
  return {
    emulator,
    bucket,
    dir,
    async run(args = []) {
      runs++;
      const logFile = path.join(dir, `run${runs}.log`);
      const reportFile = path.join(dir, `run${runs}.json`);
      let stdout = '';
      let stderr = '';
      let counter: ReturnType<typeof countRequests> | undefined;
      let report: SyncReport | undefined;
      emulator.control.resetCounters();
      const defaults: [string, string][] = [
        ['--workdocs_folder_id', emulator.rootFolderId],
        ['--s3_bucket_name', bucket.bucket],
        ['--region_name', 'us-east-1'],
        ['--workdocs_endpoint_url', emulator.endpoint],
        ['--s3_endpoint_url', s3.endpoint],
        ['--log_file', logFile],
        ['--report_file', reportFile],
        // Scenarios are about the mirror; the metadata index (on by default) has its own (scenarios/metadata.test.ts).
        ['--metadata', 'none'],
      ];
      const code = await main([...defaults.filter(([flag]) => !args.includes(flag)).flat(), ...args], {
        stdout: (t) => { stdout += t; },
        stderr: (t) => { stderr += t; },
        cwd: dir,
        createEnv: (options, deps) => {
          const env = createSyncEnv(options, {
            ...deps,
            s3Credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
            workdocsCredentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'emulator-secret' },
          });
          counter = countRequests(env.s3);
          return env;
        },
        onReport: (r) => { report = r; },
      });
      const fromFile = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as SyncReport) : undefined;
      return {
        code,
        report: (report ?? fromFile)!,
        stdout,
        stderr,
        log: existsSync(logFile) ? readFileSync(logFile, 'utf8') : '',
        s3: counter?.counts() ?? {},
        workdocs: { ...emulator.control.counters().operations },
      };
    },
    async close() {
      await bucket.cleanup();
      await emulator.close();
    },
  };
}

export interface MirrorObject {
  readonly key: string;
  readonly documentId: string;
  readonly versionId: string;
  readonly md5: string;
  readonly contentType: string | undefined;
}

/** Reads every document object under the prefix (not markers, not the tool's area) with its metadata and the MD5 of its bytes. */
export async function readMirror(client: S3Client, bucket: string, prefix = ''): Promise<MirrorObject[]> {
  // Neither the tool's area nor the metadata sidecars (`.metadata/`) are mirrored documents.
  const keys = (await listAllKeys(client, bucket, prefix)).filter((k) => !k.endsWith('/') && !k.startsWith(`${prefix}.workdocs-s3-sync/`) && !k.startsWith(`${prefix}.metadata/`));
  const objects: MirrorObject[] = [];
  for (const key of keys) {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const bytes = await getObjectBytes(client, bucket, key);
    objects.push({
      key,
      documentId: head.Metadata?.['workdocs-document-id'] ?? '',
      versionId: head.Metadata?.['workdocs-version-id'] ?? '',
      md5: md5Hex(bytes),
      contentType: head.ContentType,
    });
  }
  return objects;
}

/** The bucket holds exactly the emulator's documents: each once, with the latest version's exact bytes (`besides`: other objects' keys, not judged). */
export async function expectExactMirror(scenario: Scenario, prefix = '', besides: readonly string[] = []): Promise<MirrorObject[]> {
  const foreign = new Set(besides);
  const mirror = (await readMirror(scenario.bucket.client, scenario.bucket.bucket, prefix)).filter((o) => !foreign.has(o.key));
  const expected = scenario.emulator.control.manifest();
  const problems: string[] = [];
  const byDocument = new Map<string, MirrorObject[]>();
  for (const object of mirror) byDocument.set(object.documentId, [...(byDocument.get(object.documentId) ?? []), object]);
  for (const item of expected) {
    const found = byDocument.get(item.documentId) ?? [];
    if (found.length !== 1) problems.push(`${item.path.join('/')}: ${found.length} objects`);
    else if (found[0]!.md5 !== item.md5) problems.push(`${found[0]!.key}: MD5 ${found[0]!.md5}, expected ${item.md5}`);
    else if (found[0]!.versionId !== item.versionId) problems.push(`${found[0]!.key}: version ${found[0]!.versionId}, expected ${item.versionId}`);
    byDocument.delete(item.documentId);
  }
  for (const [documentId, objects] of byDocument) problems.push(`extra objects for ${documentId || '(no document id)'}: ${objects.map((o) => o.key).join(', ')}`);
  if (problems.length > 0) throw new Error(`the bucket is not an exact mirror:\n${problems.join('\n')}`);
  return mirror;
}

export async function multipartUploadsLeft(client: S3Client, bucket: string): Promise<number> {
  const out = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  return out.Uploads?.length ?? 0;
}

/** Sums request counts, ignoring zero entries, for readable equality assertions. */
export function nonZero(counts: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0));
}

/** The S3 commands that change a bucket. */
export const S3_WRITE_COMMANDS = [
  'PutObject', 'CopyObject', 'DeleteObject', 'DeleteObjects', 'CreateMultipartUpload', 'UploadPart', 'UploadPartCopy', 'CompleteMultipartUpload',
] as const;

/** The writes among a run's S3 request counts ({} when it wrote nothing). */
export function s3Writes(counts: Record<string, number>): Record<string, number> {
  return nonZero(Object.fromEntries(S3_WRITE_COMMANDS.map((command) => [command, counts[command] ?? 0])));
}

/** Every object of the bucket as `key etag`: equal before and after means nothing was written. */
export async function bucketState(client: S3Client, bucket: string): Promise<string[]> {
  const state: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    for (const o of page.Contents ?? []) state.push(`${o.Key!} ${o.ETag ?? ''} ${o.Size ?? 0}`);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return state;
}

/**
 * expectExactMirror for a bucket that also holds objects this tool did not write: `foreignKeys` are left out
 * of the comparison (the caller checks that they are intact).
 */
export async function expectExactMirrorBeside(scenario: Scenario, foreignKeys: readonly string[], prefix = ''): Promise<MirrorObject[]> {
  return expectExactMirror(scenario, prefix, foreignKeys);
}
