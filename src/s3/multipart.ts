/**
 * The multipart upload skeleton every large write shares (a ranged upload of WorkDocs content, a ranged copy of an
 * object): create, parts in a window, the first failure stops the rest, complete or abort. S3's part limits.
 */
import { AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, UploadPartCommand, type CreateMultipartUploadCommandInput, type S3Client, type UploadPartCommandInput } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { describeError, isDamagedInTransit } from '../errors.js';
import { anySignal, runAbortController } from '../abort-signals.js';
import { answered } from './put.js';

const MiB = 1024 * 1024;

/** An S3 call's client and the signal that stops it. */
export interface S3Call {
  readonly s3: S3Client;
  readonly signal?: AbortSignal;
}

/** S3's limits on the parts of one multipart upload: how many, and how large each. */
export const S3_MAX_PARTS = 10_000;
export const S3_MAX_PART_SIZE = 5 * 1024 * MiB;

/** One part of a multipart upload: its number and the bytes of the whole it holds, `start` to `end` exclusive. */
export interface PartRange {
  readonly number: number;
  readonly start: number;
  readonly end: number;
}

export function partRanges(size: number, partSize: number): PartRange[] {
  const parts: PartRange[] = [];
  for (let start = 0, number = 1; start < size; start += partSize, number++) parts.push({ number, start, end: Math.min(size, start + partSize) });
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
export async function multipartUpload(
  ctx: S3Call,
  create: CreateMultipartUploadCommandInput & { Bucket: string; Key: string },
  shape: { readonly size: number; readonly partSize: number; readonly partsInFlight: number },
  sendPart: (part: PartRange, uploadId: () => Promise<string>, signal: AbortSignal) => Promise<string>,
  beforeComplete: () => void = () => undefined,
): Promise<{ etag?: string }> {
  let created: Promise<string> | undefined;
  const uploadId = (): Promise<string> =>
    (created ??= ctx.s3.send(new CreateMultipartUploadCommand(create), { abortSignal: ctx.signal }).then((out) => out.UploadId!));
  const stop = runAbortController();
  const signal = anySignal(stop.signal, ctx.signal);
  const window = pLimit(shape.partsInFlight);
  let firstFailure: { error: unknown } | undefined;
  const parts = partRanges(shape.size, shape.partSize).map((part) => window(async () => ({ PartNumber: part.number, ETag: await sendPart(part, uploadId, signal) }))
    .catch((error: unknown) => {
      firstFailure ??= { error }; // the others then fail as aborted
      stop.abort(error);
      throw error;
    }));
  const settled = await Promise.allSettled(parts);
  try {
    if (firstFailure) throw firstFailure.error;
    beforeComplete();
    const completed = await ctx.s3.send(new CompleteMultipartUploadCommand({
      Bucket: create.Bucket, Key: create.Key, UploadId: await uploadId(),
      MultipartUpload: { Parts: settled.map((r) => (r as PromiseFulfilledResult<{ PartNumber: number; ETag: string }>).value) },
    }), { abortSignal: ctx.signal });
    return answered(completed.ETag);
  } catch (error) {
    // Every part has settled, so no creation can start any more; one that was asked for is aborted once it answers.
    const id = await created?.catch(() => undefined);
    // No abort signal: an interrupted run still removes its parts (the next run would abort them anyway).
    if (id !== undefined) {
      await ctx.s3.send(new AbortMultipartUploadCommand({ Bucket: create.Bucket, Key: create.Key, UploadId: id }), { abortSignal: AbortSignal.timeout(15_000) })
        .catch(() => undefined);
    }
    throw error;
  }
}

/** Sends of one part that S3 refused as damaged on the way, before the part (and so its file) fails. */
export const PART_SEND_ATTEMPTS = 3;

/**
 * UploadPart; sent again from the same buffer when S3 refuses the bytes as damaged on the way (the file's MD5 is
 * taken from that buffer, so what S3 finally accepts is what was hashed). Its ETag.
 */
export async function uploadPart(input: UploadPartCommandInput & { Body: Buffer }, ctx: S3Call & { readonly onResend?: (attempt: number, reason: string) => void }): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    try {
      return (await ctx.s3.send(new UploadPartCommand(input), { abortSignal: ctx.signal })).ETag!;
    } catch (error) {
      if (attempt >= PART_SEND_ATTEMPTS || !isDamagedInTransit(error) || ctx.signal?.aborted) throw error;
      ctx.onResend?.(attempt, `part ${input.PartNumber} of ${JSON.stringify(input.Key)}: ${describeError(error)}`);
    }
  }
}

