// readContextState (src/s3/context-store.ts): a stored state or records object is streamed from its GET into a local
// file, never collected in memory; a missing object writes no file, and a GET, a body or an abort that fails leaves
// no file behind. A client that answers in-process (no S3 server).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { S3Client } from '@aws-sdk/client-s3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readContextState } from '../../src/s3/context-store.js';

/** A client whose every send answers `answer()` (or throws what it throws). */
function clientAnswering(answer: () => unknown): S3Client {
  return { send: async () => answer() } as unknown as S3Client;
}

function namedError(name: string): Error {
  return Object.assign(new Error(name), { name });
}

describe('readContextState', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'wds-context-store-'));
    file = path.join(dir, 'previous.gz');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes the body to the file, chunk by chunk, and says how many bytes', async () => {
    const chunks = Array.from({ length: 64 }, (_, i) => Buffer.alloc(64 * 1024, i));
    const stored = await readContextState(clientAnswering(() => ({ Body: Readable.from(chunks) })), 'b', 'k', file);
    expect(stored).toEqual({ state: 'found', file, bytes: 64 * 64 * 1024 });
    expect(readFileSync(file).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('a body that is not a Node stream (a web stream) is written too; no body is an empty file', async () => {
    const web = { transformToWebStream: () => Readable.toWeb(Readable.from([Buffer.from('abc'), Buffer.from('def')])) };
    expect(await readContextState(clientAnswering(() => ({ Body: web })), 'b', 'k', file)).toMatchObject({ state: 'found', bytes: 6 });
    expect(readFileSync(file, 'utf8')).toBe('abcdef');
    expect(await readContextState(clientAnswering(() => ({})), 'b', 'k', file)).toMatchObject({ state: 'found', bytes: 0 });
  });

  it('a missing object: missing, and no file', async () => {
    expect(await readContextState(clientAnswering(() => { throw namedError('NoSuchKey'); }), 'b', 'k', file)).toEqual({ state: 'missing' });
    expect(existsSync(file)).toBe(false);
  });

  it('a GET that fails throws, and writes no file', async () => {
    await expect(readContextState(clientAnswering(() => { throw namedError('InternalError'); }), 'b', 'k', file)).rejects.toThrow('InternalError');
    expect(existsSync(file)).toBe(false);
  });

  it('a body that breaks off throws, and the part written is removed', async () => {
    async function* broken(): AsyncGenerator<Buffer> {
      yield Buffer.alloc(256 * 1024, 1);
      throw new Error('socket hang up');
    }
    await expect(readContextState(clientAnswering(() => ({ Body: Readable.from(broken()) })), 'b', 'k', file)).rejects.toThrow('socket hang up');
    expect(existsSync(file)).toBe(false);
  });

  it('an abort while the body comes throws, destroys the body, and removes the part written', async () => {
    const controller = new AbortController();
    const body = new Readable({ read() {} });
    body.push(Buffer.alloc(128 * 1024, 2));
    const reading = readContextState(clientAnswering(() => ({ Body: body })), 'b', 'k', file, controller.signal);
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    await expect(reading).rejects.toThrow(/abort/i);
    expect(body.destroyed).toBe(true);
    expect(existsSync(file)).toBe(false);
  });
});
