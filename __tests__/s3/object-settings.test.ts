// storage_class and object_tags as request parameters: what PutObject / CreateMultipartUpload and CopyObject get.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { copyParameters, taggingHeader, writeParameters, type MirroredObjectSettings } from '../../src/s3/object-settings.js';

const TAGS = [{ key: 'team', value: 'docs' }, { key: 'retention', value: '7y' }];

describe('writeParameters and copyParameters', () => {
  it.each<[string, MirroredObjectSettings | undefined, object, object]>([
    ['no settings: nothing', undefined, {}, {}],
    ['the defaults send nothing (S3-compatible servers without classes or tags accept the requests as before)', { storageClass: 'STANDARD', tags: [] }, {}, {}],
    ['a class: on writes and copies (S3 would store a copy as STANDARD)', { storageClass: 'DEEP_ARCHIVE', tags: [] },
      { StorageClass: 'DEEP_ARCHIVE' }, { StorageClass: 'DEEP_ARCHIVE' }],
    ['tags: a copy replaces its source\'s with them', { storageClass: 'STANDARD', tags: TAGS },
      { Tagging: 'team=docs&retention=7y' }, { Tagging: 'team=docs&retention=7y', TaggingDirective: 'REPLACE' }],
    ['both', { storageClass: 'GLACIER_IR', tags: TAGS.slice(0, 1) },
      { StorageClass: 'GLACIER_IR', Tagging: 'team=docs' }, { StorageClass: 'GLACIER_IR', Tagging: 'team=docs', TaggingDirective: 'REPLACE' }],
  ])('%s', (_title, settings, write, copy) => {
    expect(writeParameters(settings)).toEqual(write);
    expect(copyParameters(settings)).toEqual(copy);
  });
});

describe('taggingHeader: the tags as the query string x-amz-tagging is', () => {
  it.each<[string, { key: string; value: string }[], string]>([
    ['spaces, slashes, "=", "+", ":" and "@" are percent-encoded', [{ key: 'a b', value: 'x/y=z+1:2@3' }], 'a%20b=x%2Fy%3Dz%2B1%3A2%403'],
    ['non-ASCII as UTF-8', [{ key: 'Ort', value: 'Zürich' }], 'Ort=Z%C3%BCrich'],
    ['an empty value', [{ key: 'hold', value: '' }], 'hold='],
  ])('%s', (_title, tags, header) => {
    expect(taggingHeader(tags)).toBe(header);
  });

  it('decodes, as S3 reads a query string, to exactly the tags given', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 20 });
    fc.assert(fc.property(fc.uniqueArray(fc.record({ key: text.filter((k) => k !== ''), value: text }), { selector: (t) => t.key, maxLength: 10 }), (tags) => {
      const parsed = [...new URLSearchParams(taggingHeader(tags))].map(([key, value]) => ({ key, value }));
      expect(parsed).toEqual(tags);
    }));
  });
});
