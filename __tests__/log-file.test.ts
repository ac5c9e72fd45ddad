// script.log: appended run after run, each run's lines behind a separator that says when and which version.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openLogFile, runSeparator } from '../src/log-file.js';
import { VERSION } from '../src/version.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function tempLog(): string {
  const dir = mkdtempSync(join(tmpdir(), 'log-file-'));
  dirs.push(dir);
  return join(dir, 'script.log');
}

async function oneRun(file: string, at: number, lines: string[]): Promise<void> {
  const log = openLogFile(file, { now: () => at, onError: (message) => { throw new Error(message); } });
  for (const line of lines) log.write('info', line);
  await log.close();
}

describe('the log file', () => {
  it('starts every run with a separator line giving the time and the version', async () => {
    const file = tempLog();
    const first = Date.UTC(2026, 0, 1, 3, 17);
    const second = Date.UTC(2026, 0, 2, 3, 17);
    await oneRun(file, first, ['upload done "a.txt"']);
    await oneRun(file, second, ['nothing to do']);

    expect(readFileSync(file, 'utf8')).toBe(
      [
        `----- 2026-01-01T03:17:00.000Z workdocs-s3-sync ${VERSION}: a new run -----`,
        '2026-01-01T03:17:00.000Z INFO upload done "a.txt"',
        `----- 2026-01-02T03:17:00.000Z workdocs-s3-sync ${VERSION}: a new run -----`,
        '2026-01-02T03:17:00.000Z INFO nothing to do',
        '',
      ].join('\n'),
    );
    expect(runSeparator(first)).toBe(`----- 2026-01-01T03:17:00.000Z workdocs-s3-sync ${VERSION}: a new run -----`);
  });

  it('writes nothing, not even the separator, for a run that logs no line', async () => {
    const file = tempLog();
    await oneRun(file, Date.UTC(2026, 0, 1), []);
    expect(existsSync(file)).toBe(false);
  });
});
