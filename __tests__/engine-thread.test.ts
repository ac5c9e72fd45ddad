// The engine thread (src/engine-thread.ts) as the CLI and the Action use it: a real process whose main thread
// starts a worker on its own entry file. Its exit code, argv, pid, young generation, interrupts and crashes.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ENGINE_YOUNG_GENERATION_MB, onInterrupt } from '../src/engine-thread.js';

const root = path.resolve(import.meta.dirname, '..');
const entry = path.join(root, '__tests__/fixtures/engine-thread-entry.ts');

interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the fixture entry (TypeScript through tsx); `whenReady` is called once its stdout says `ready`. */
function runEntry(args: string[], whenReady?: (pid: number) => void): Promise<Finished> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (whenReady && stdout.includes('ready\n')) {
      const ready = whenReady;
      whenReady = undefined;
      ready(child.pid!);
    }
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk; });
  return new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
}

describe('the engine thread', () => {
  it('gets the arguments, runs in the same process with the bounded young generation, and its exit code is the process\'s', async () => {
    const run = await runEntry(['report', '--s3_bucket_name', 'b']);
    expect(run.code).toBe(7);
    const seen = JSON.parse(run.stdout) as { argv: string[]; youngMb: number; pid: number };
    expect(seen.argv).toEqual(['report', '--s3_bucket_name', 'b']);
    expect(seen.youngMb).toBe(ENGINE_YOUNG_GENERATION_MB);
    expect(run.stderr).toBe('');
  });

  it.each(['SIGTERM', 'SIGINT'] as const)('receives %s, sent to the process, as an interrupt and ends as it chooses', async (signal) => {
    const run = await runEntry(['wait-for-interrupt'], (pid) => process.kill(pid, signal));
    expect(run.stdout).toBe(`ready\ngot ${signal}\n`);
    expect(run.signal).toBeNull();
    expect(run.code).toBe(3);
  });

  it('an exception nothing caught ends the process with exit code 1 and its stack on stderr', async () => {
    const run = await runEntry(['throw']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Error: boom on the engine thread\n\s+at /);
  });

  it('collects the young generation every YOUNG_COLLECTION_EVERY_BYTES of downloaded content (src/young-collection.ts), not before', async () => {
    const run = await runEntry(['young']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({ before: 0, after: 1 });
  });

  it('bounds the heap\'s growth once the heap is large, and not before', async () => {
    const large = await runEntry(['heap', '100']);
    expect(large.code).toBe(0);
    expect(JSON.parse(large.stdout)).toEqual({ bounded: true, records: 400_000 });
    const small = await runEntry(['heap', '1']);
    expect(small.code).toBe(0);
    expect(JSON.parse(small.stdout)).toEqual({ bounded: false, records: 4_000 });
  });
});

describe('onInterrupt on the main thread (a process without an engine thread)', () => {
  let stop: (() => void) | undefined;
  afterEach(() => stop?.());

  it('calls the handler once per signal kind, and not after it stopped listening', () => {
    const seen: string[] = [];
    stop = onInterrupt((signal) => seen.push(signal));
    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGTERM', 'SIGTERM');
    process.emit('SIGINT', 'SIGINT');
    expect(seen).toEqual(['SIGTERM', 'SIGINT']);
    stop();
    stop = undefined;
    expect(process.listenerCount('SIGTERM')).toBe(0);
    expect(process.listenerCount('SIGINT')).toBe(0);
  });
});
