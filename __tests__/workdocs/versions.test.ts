// The version listing over HTTP with the unmodified SDK against the emulator: every page (Marker followed), only
// ACTIVE versions, each with its own Signature, size, name and creation time; a document that cannot be read fails alone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceDocument } from '../../src/core/types.js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { describeVersions } from '../../src/workdocs/versions.js';
import { md5Hex } from '../helpers/s3.js';
import { client } from '../emulator/helpers.js';

let emu: Emulator;
beforeAll(async () => {
  emu = await startEmulator({
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    fixture: {
      root: {
        name: 'r',
        children: [
          { name: 'five.txt', versions: [
            ...[1, 2, 3, 4].map((n) => ({ id: `v${n}`, content: `edition ${n}`, name: n === 1 ? 'five.md' : undefined, created: `2024-0${n}-01T00:00:00Z` })),
            { id: 'v5', content: 'unfinished', status: 'INITIALIZED' as const, created: '2024-05-01T00:00:00Z' },
            { id: 'v6', content: 'edition 6', noSignature: true, created: '2024-06-01T00:00:00Z' },
          ] },
          { name: 'other.txt', content: 'other' },
        ],
      },
    },
  });
});
afterAll(async () => emu?.close());

function documentAt(name: string): SourceDocument {
  return { id: emu.control.lookup([name])!, parentId: emu.rootFolderId, name, createdAt: 0, modifiedAt: 0, versionId: 'latest', size: 0, md5: undefined, contentType: undefined };
}

describe('describeVersions', () => {
  it('follows Marker through every page and keeps only ACTIVE versions, each as the version itself', async () => {
    emu.control.resetCounters();
    const listed = await describeVersions(client(emu.endpoint), [documentAt('five.txt')], 2, undefined, 2);
    expect(listed.failures.size).toBe(0);
    // 5 ACTIVE of 6 versions, 2 per page: 3 pages (the INITIALIZED one is not even listed).
    expect(listed.pages).toBe(3);
    expect(emu.control.counters().operations.DescribeDocumentVersions).toBe(3);
    const versions = [...listed.described.values()][0]!;
    expect(versions.map((v) => v.versionId).sort()).toEqual(['v1', 'v2', 'v3', 'v4', 'v6']);
    const v1 = versions.find((v) => v.versionId === 'v1')!;
    expect(v1).toMatchObject({ name: 'five.md', size: 'edition 1'.length, md5: md5Hex(Buffer.from('edition 1')), createdAt: Date.UTC(2024, 0, 1), history: true });
    expect(versions.find((v) => v.versionId === 'v6')!.md5).toBeUndefined();
  });

  it('leaves out the version the tree already holds as the latest (only older versions are kept until the plan)', async () => {
    const listed = await describeVersions(client(emu.endpoint), [{ ...documentAt('five.txt'), versionId: 'v6' }], 2);
    expect([...listed.described.values()][0]!.map((v) => v.versionId).sort()).toEqual(['v1', 'v2', 'v3', 'v4']);
  });

  it('a document whose versions cannot be read is a failure of its own; the others are listed', async () => {
    const denied = documentAt('other.txt');
    emu.control.addFault({ op: 'DescribeDocumentVersions', documentId: denied.id, kind: 'error', status: 403, errorType: 'UnauthorizedResourceAccessException' });
    const listed = await describeVersions(client(emu.endpoint), [documentAt('five.txt'), denied], 2);
    emu.control.clearFaults();
    expect([...listed.failures.keys()]).toEqual([denied.id]);
    expect(listed.failures.get(denied.id)).toMatch(/UnauthorizedResourceAccess/);
    expect(listed.described.get(documentAt('five.txt').id)).toHaveLength(5);
  });
});
