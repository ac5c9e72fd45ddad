/**
 * Bucket changes behind the tool's back, made straight on the S3 server (not through the fault proxy, so they
 * never count as the tool's requests). Foreign objects the simulator puts are remembered with their MD5: the
 * tool must leave them alone (invariant 2) unless a run had delete_foreign.
 */
import { createHash } from 'node:crypto';
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { METADATA_SEGMENT } from '../../src/core/keys.js';
import { manifestKey, toolAreaPrefix } from '../../src/core/manifest.js';
import type { Random } from './random.js';
import { listAllKeys } from '../s3-listing.js';

export type BucketChange =
  | 'foreignAtRoot' | 'foreignInUnknownFolder' | 'foreignBesideDocuments' | 'overwriteSingle' | 'overwriteMultipart'
  | 'deleteMirrored' | 'deleteManifest' | 'corruptManifest';

export const BUCKET_WEIGHTS: Readonly<Record<BucketChange, number>> = {
  foreignAtRoot: 2, foreignInUnknownFolder: 2, foreignBesideDocuments: 3, overwriteSingle: 3, overwriteMultipart: 3,
  deleteMirrored: 2, deleteManifest: 1, corruptManifest: 1,
};

export function md5Hex(data: Uint8Array | string): string {
  return createHash('md5').update(data).digest('hex');
}

export async function listKeys(client: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  return (await listAllKeys(client, bucket, prefix)).sort();
}

export async function readBytes(client: S3Client, bucket: string, key: string): Promise<Buffer | undefined> {
  try {
    const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return Buffer.from(await res.Body!.transformToByteArray());
  } catch (e) {
    if ((e as Error).name === 'NoSuchKey' || (e as Error).name === 'NotFound') return undefined;
    throw e;
  }
}

export class BucketTamperer {
  /** Foreign objects the simulator put: key → MD5 of their bytes. */
  readonly foreign = new Map<string, string>();
  private seq = 0;
  /** The mirrored key the last overwrite or delete changed. */
  private changedKey: string | undefined;

  constructor(
    private readonly client: S3Client,
    readonly bucket: string,
    private readonly prefix: string,
    private readonly random: Random,
  ) {}

  /** Applies one random change; `folderPath` is an existing WorkDocs folder, `excluded` says which keys are not the mirror's (archives, foreign). */
  async change(folderPath: readonly string[], excluded: (key: string) => boolean): Promise<{ kind: BucketChange; description: string; key: string | undefined }> {
    for (let attempt = 0; attempt < 10; attempt++) {
      const kind = this.random.weighted(BUCKET_WEIGHTS);
      this.changedKey = undefined;
      const description = await this.apply(kind, folderPath, excluded);
      if (description !== undefined) return { kind, description, key: this.changedKey };
    }
    return { kind: 'foreignAtRoot', description: (await this.apply('foreignAtRoot', folderPath, excluded))!, key: undefined };
  }

  private async apply(kind: BucketChange, folderPath: readonly string[], excluded: (key: string) => boolean): Promise<string | undefined> {
    const r = this.random;
    const n = ++this.seq;
    switch (kind) {
      case 'foreignAtRoot':
        // With a prefix, also beside it (outside the mirror entirely).
        return this.putForeign(r.chance(0.5) || this.prefix === '' ? `${this.prefix}foreign-root-${n}.txt` : `foreign-outside-${n}.txt`);
      case 'foreignInUnknownFolder':
        return this.putForeign(`${this.prefix}other-app/data/foreign-${n}.bin`);
      case 'foreignBesideDocuments':
        return this.putForeign(`${this.prefix}${[...folderPath, `foreign-${n}.dat`].join('/')}`);
      case 'overwriteSingle':
      case 'overwriteMultipart': {
        const mirrored = await this.mirroredKeys(excluded);
        if (mirrored.length === 0) return undefined;
        const key = r.pick(mirrored);
        this.changedKey = key;
        const head = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
        const sameSize = r.chance(0.7);
        const size = sameSize ? (head.ContentLength ?? 0) : r.int(1, 500);
        // Some careless copies keep the metadata (a copy tool that carries it over): they must still be found.
        const keepMetadata = r.chance(0.5);
        const body = this.bytes(size);
        const metadata = keepMetadata ? head.Metadata : undefined;
        if (kind === 'overwriteSingle') await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body, Metadata: metadata }));
        else await this.putMultipart(key, body, metadata);
        return `overwrite ${key} (${kind === 'overwriteSingle' ? 'single PUT' : 'multipart'}, ${sameSize ? 'same size' : 'other size'}${keepMetadata ? ', metadata kept' : ''})`;
      }
      case 'deleteMirrored': {
        const mirrored = await this.mirroredKeys(excluded);
        if (mirrored.length === 0) return undefined;
        const key = r.pick(mirrored);
        this.changedKey = key;
        await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
        return `delete ${key}`;
      }
      case 'deleteManifest': {
        await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: manifestKey(this.prefix) }));
        return 'delete the manifest';
      }
      case 'corruptManifest': {
        const bytes = await readBytes(this.client, this.bucket, manifestKey(this.prefix));
        if (bytes === undefined || bytes.length < 10) return undefined;
        const damaged = r.chance(0.5) ? bytes.subarray(0, Math.floor(bytes.length / 2)) : Buffer.concat([bytes.subarray(0, bytes.length - 5), Buffer.from('x]}\n')]);
        await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: manifestKey(this.prefix), Body: damaged }));
        return 'corrupt the manifest';
      }
    }
  }

  private async putForeign(key: string): Promise<string> {
    const body = this.bytes(this.random.int(0, 200));
    await this.client.send(new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: body }));
    this.foreign.set(key, md5Hex(body));
    return `foreign object ${key}`;
  }

  /** A one-part multipart upload: its ETag is `"<md5 of the part's MD5>-1"`, never the MD5 of the bytes. */
  private async putMultipart(key: string, body: Buffer, metadata: Record<string, string> | undefined): Promise<void> {
    const { UploadId } = await this.client.send(new CreateMultipartUploadCommand({ Bucket: this.bucket, Key: key, Metadata: metadata }));
    const part = await this.client.send(new UploadPartCommand({ Bucket: this.bucket, Key: key, UploadId, PartNumber: 1, Body: body }));
    await this.client.send(new CompleteMultipartUploadCommand({ Bucket: this.bucket, Key: key, UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
  }

  /**
   * Document objects under the prefix (older versions under .history/ too): not markers, not the tool's area, not
   * foreign, not archived, not sidecars (the tool never reads those back: a changed one stays changed).
   */
  private async mirroredKeys(excluded: (key: string) => boolean): Promise<string[]> {
    return (await listKeys(this.client, this.bucket, this.prefix)).filter(
      (k) => !k.endsWith('/') && !k.startsWith(toolAreaPrefix(this.prefix)) && !k.startsWith(`${this.prefix}${METADATA_SEGMENT}/`) && !this.foreign.has(k) && !excluded(k),
    );
  }

  private bytes(size: number): Buffer {
    // Seeded, so a replay writes the same bytes.
    const out = Buffer.alloc(size);
    for (let i = 0; i < size; i++) out[i] = this.random.int(0, 255);
    return out;
  }
}
