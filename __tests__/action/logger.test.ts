import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createActionLogger, createProgressPrinter, type LogSink } from '../../src/action/logger.js';
import { runSeparator } from '../../src/log-file.js';

function sink(): LogSink & { out: string[] } {
  const out: string[] = [];
  return {
    out,
    debug: (m) => out.push(`::debug::${m}`),
    info: (m) => out.push(m),
    warning: (m) => out.push(`::warning::${m}`),
    startGroup: (n) => out.push(`::group::${n}`),
    endGroup: () => out.push('::endgroup::'),
  };
}

const dirs: string[] = [];
afterEach(() => { for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true }); });

describe('createActionLogger', () => {
  it('maps levels to log lines (annotations come from the report) and honours log_level', () => {
    const s = sink();
    const logger = createActionLogger(s, { level: 'info', logFile: '' });
    logger.log('debug', 'd');
    logger.log('info', 'i');
    logger.log('warning', 'w');
    logger.log('error', 'e');
    expect(s.out).toEqual(['::debug::d', 'i', 'Warning: w', 'Error: e']);
    const quiet = sink();
    const q = createActionLogger(quiet, { level: 'warning', logFile: '' });
    q.log('info', 'i');
    q.log('debug', 'd');
    q.log('warning', 'w');
    expect(quiet.out).toEqual(['::debug::d', 'Warning: w']);
    const loud = sink();
    createActionLogger(loud, { level: 'debug', logFile: '' }).log('debug', 'd');
    expect(loud.out).toEqual(['d']);
  });

  it('runs phases as groups; an inner phase is a header inside the outer group', async () => {
    const s = sink();
    const logger = createActionLogger(s, { level: 'info', logFile: '' });
    const value = await logger.group('List', async () => {
      logger.log('info', 'a');
      return logger.group('Inner', async () => 42);
    });
    expect(value).toBe(42);
    expect(s.out).toEqual(['::group::List', 'a', '== Inner', '::endgroup::']);
    await expect(logger.group('Boom', async () => { throw new Error('x'); })).rejects.toThrow('x');
    expect(s.out.slice(-2)).toEqual(['::group::Boom', '::endgroup::']);
  });

  it('appends every level to the log file with timestamps, whatever the console level, redacted', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'action-log-'));
    dirs.push(dir);
    const file = join(dir, 'sub', 'script.log');
    const logger = createActionLogger(sink(), { level: 'error', logFile: file, now: () => Date.UTC(2025, 0, 1) });
    logger.log('debug', 'decided to skip c.txt');
    logger.log('info', 'uploaded a.txt');
    logger.log('error', 'failed b.txt: GET https://wd.example/x?X-Amz-Signature=abc failed');
    await logger.close();
    expect(readFileSync(file, 'utf8')).toBe(`${runSeparator(Date.UTC(2025, 0, 1))}\n` + '2025-01-01T00:00:00.000Z DEBUG decided to skip c.txt\n2025-01-01T00:00:00.000Z INFO uploaded a.txt\n2025-01-01T00:00:00.000Z ERROR failed b.txt: GET https://wd.example/x?[redacted] failed\n');
  });

  it('warns once when the log file cannot be written, and carries on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'action-log-'));
    dirs.push(dir);
    const file = join(dir, 'a-file');
    writeFileSync(file, '');
    const s = sink();
    const logger = createActionLogger(s, { level: 'info', logFile: join(file, 'under-a-file', 'script.log') });
    logger.log('info', 'a');
    await new Promise((r) => setTimeout(r, 50));
    logger.log('info', 'b');
    await logger.close();
    expect(s.out.filter((l) => l.startsWith('::warning::Cannot write the log file'))).toHaveLength(1);
    expect(s.out).toContain('b');
  });
});

describe('createProgressPrinter', () => {
  it('prints the first and last line of a phase and at most one per interval between', () => {
    const lines: string[] = [];
    let t = 0;
    const print = createProgressPrinter((l) => lines.push(l), { intervalMs: 1000, now: () => t });
    print({ phase: 'list', done: 10, total: 0, bytes: 0 });
    print({ phase: 'transfer', done: 0, total: 200, bytes: 0 });
    for (let i = 1; i <= 200; i += 1) {
      t += 20;
      print({ phase: 'transfer', done: i, total: 200, bytes: i * 1024 * 1024 });
    }
    print({ phase: 'transfer', done: 200, total: 200, bytes: 200 * 1024 * 1024 });
    expect(lines).toEqual([
      'Listing: 10/0',
      'Transferring: 0/200 (0%)',
      'Transferring: 50/200 (25%), 50.0 MiB',
      'Transferring: 100/200 (50%), 100.0 MiB',
      'Transferring: 150/200 (75%), 150.0 MiB',
      'Transferring: 200/200 (100%), 200.0 MiB',
    ]);
  });
});
