/**
 * How the objects that mirror WorkDocs content are stored (storage_class, object_tags), as the request parameters
 * of each write: PutObject and CreateMultipartUpload take them as they are; CopyObject must be told, or S3 stores
 * the copy as STANDARD and keeps the source's tags. Encryption and the bucket owner are not here: the client adds
 * them to every request (client.ts, destinationPlugin), the tool's own files included.
 */
import type { CopyObjectCommandInput, PutObjectCommandInput } from '@aws-sdk/client-s3';
import type { ObjectSettings, ObjectTag } from '../options.js';

/** The part of the settings that applies to mirrored objects only (the manifest and lock stay STANDARD and untagged). */
export type MirroredObjectSettings = Pick<ObjectSettings, 'storageClass' | 'tags'>;

/** `x-amz-tagging`: the tags as a URL query string (`team=docs&retention=7y`), each part percent-encoded. */
export function taggingHeader(tags: readonly ObjectTag[]): string {
  return tags.map((t) => `${encodeRfc3986(t.key)}=${encodeRfc3986(t.value)}`).join('&');
}

/**
 * Parameters for PutObject and CreateMultipartUpload. STANDARD is S3's default and is not sent, so a run with the
 * default settings sends exactly what it sent before (S3-compatible servers without storage classes accept it).
 */
export function writeParameters(settings: MirroredObjectSettings | undefined): Pick<PutObjectCommandInput, 'StorageClass' | 'Tagging'> {
  if (settings === undefined) return {};
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
export function copyParameters(settings: MirroredObjectSettings | undefined): Pick<CopyObjectCommandInput, 'StorageClass' | 'Tagging' | 'TaggingDirective'> {
  if (settings === undefined) return {};
  const { StorageClass, Tagging } = writeParameters(settings);
  return {
    ...(StorageClass !== undefined ? { StorageClass } : {}),
    ...(Tagging !== undefined ? { Tagging, TaggingDirective: 'REPLACE' as const } : {}),
  };
}

function encodeRfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}
