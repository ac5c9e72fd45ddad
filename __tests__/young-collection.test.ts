// src/young-collection.ts: content bytes are counted, and a minor collection is asked for every YOUNG_COLLECTION_EVERY_BYTES,
// only once something (the engine thread) armed it. A pure unit test: the collector is a counting fake.
import { afterEach, describe, expect, it } from 'vitest';
import { armYoungCollections, noteBytesDownloaded, YOUNG_COLLECTION_EVERY_BYTES as EVERY } from '../src/young-collection.js';

afterEach(() => armYoungCollections(undefined));

describe('prompt collection of downloaded bytes', () => {
  it.each<[string, number[], number]>([
    ['nothing arrived', [], 0],
    ['just short of the threshold', [EVERY - 1], 0],
    ['exactly the threshold', [EVERY], 1],
    ['the threshold in 64 KiB chunks', Array.from({ length: EVERY / 65536 }, () => 65536), 1],
    ['two and a half thresholds in big chunks', [EVERY * 1.5, EVERY], 2],
    ['one huge chunk counts once', [EVERY * 10], 1],
  ])('%s: %i collection(s)', (_name, chunks, expected) => {
    let collections = 0;
    armYoungCollections(() => { collections++; });
    for (const bytes of chunks) noteBytesDownloaded(bytes);
    expect(collections).toBe(expected);
  });

  it('does nothing, and keeps no count, while disarmed (tests, library callers)', () => {
    noteBytesDownloaded(EVERY * 3);
    let collections = 0;
    armYoungCollections(() => { collections++; });
    noteBytesDownloaded(EVERY - 1);
    expect(collections).toBe(0);
  });
});
