/**
 * The simulator's view of the bucket for the checks: one listing per check, and each object's MD5 and metadata
 * read once per version of it (its ETag, last-modified time and size), so checks after every run stay cheap
 * as archives and big documents pile up.
 */
import { GetObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import { md5Hex } from './bucket.js';

export interface ObjectFacts {
  readonly md5: string;
  readonly metadata: Readonly<Record<string, string>>;
}

export class BucketReader {
  /** key → what tells this version of the object from another. */
  private listing = new Map<string, string>();
  private readonly facts = new Map<string, ObjectFacts>();

  constructor(private readonly client: S3Client, private readonly bucket: string) {}

  /** Lists the whole bucket again (call after anything may have changed it). */
  async refresh(): Promise<void> {
    const listing = new Map<string, string>();
    let token: string | undefined;
    do {
      const page = await this.client.send(new ListObjectsV2Command({ Bucket: this.bucket, ContinuationToken: token }));
      for (const o of page.Contents ?? []) listing.set(o.Key!, `${o.ETag}|${o.LastModified?.getTime()}|${o.Size}`);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    this.listing = listing;
  }

  /** Listed keys under the prefix, sorted. */
  keys(prefix = ''): string[] {
    return [...this.listing.keys()].filter((k) => k.startsWith(prefix)).sort();
  }

  /** What tells the listed version of the object from another (ETag, time, size), or undefined when it is not listed. */
  version(key: string): string | undefined {
    return this.listing.get(key);
  }

  /** The object's MD5 and metadata, or undefined when the last listing did not have it. */
  async read(key: string): Promise<ObjectFacts | undefined> {
    const version = this.listing.get(key);
    if (version === undefined) return undefined;
    const cacheKey = `${key}\u0000${version}`;
    const known = this.facts.get(cacheKey);
    if (known !== undefined) return known;
    const res = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
    const facts = { md5: md5Hex(await res.Body!.transformToByteArray()), metadata: res.Metadata ?? {} };
    this.facts.set(cacheKey, facts);
    return facts;
  }
}
