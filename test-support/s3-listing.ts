// Listing a test bucket: shared by the test helpers and the simulator (which runs outside vitest too).
import { ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';

/** Every key in the bucket (under prefix), in listing order, following continuation tokens. */
export async function listAllKeys(client: S3Client, bucket: string, prefix?: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) keys.push(o.Key!);
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return keys;
}
