/**
 * The detailed log file (script.log, as the original wrote it): appended, one line per message, opened on the
 * first line (so a run that fails on bad input leaves no file), in the same format whichever shell writes it.
 * Each run starts with a separator line (time and version), so runs appended to one file stay apart.
 *
 * Lines go through a 64 KiB buffer, written synchronously when it is full and at the end of the current turn of
 * the event loop. A burst of lines (a 100,000-item dry run logs one per item in a single turn) therefore never
 * piles up in memory, as it did behind a write stream (every line and a Buffer per line, until the burst ended).
 */
import { closeSync, mkdirSync, openSync } from 'node:fs';
import path from 'node:path';
import type { LogLevel } from './engine/types.js';
import { BufferedFileWriter } from './file-writer.js';
import { VERSION } from './version.js';

/** The first line a run appends: where one run's lines end and the next one's begin. */
export function runSeparator(startedAt: number): string {
  return `----- ${new Date(startedAt).toISOString()} workdocs-s3-sync ${VERSION}: a new run -----`;
}

export interface LogFile {
  write(level: LogLevel, message: string): void;
  close(): Promise<void>;
}

/** '' gives a log file that writes nothing. `onError` hears once if the file cannot be written. */
export function openLogFile(file: string, options: { now: () => number; onError: (message: string) => void }): LogFile {
  let fd: number | undefined;
  let writer: BufferedFileWriter | undefined;
  let failed = false;
  let scheduled: NodeJS.Immediate | undefined;

  const fail = (error: unknown): void => {
    failed = true;
    writer = undefined;
    closeQuietly();
    options.onError(`cannot write the log file ${file}: ${(error as Error).message}`);
  };
  const closeQuietly = (): void => {
    if (fd === undefined) return;
    try {
      closeSync(fd);
    } catch {
      // nothing left to write
    }
    fd = undefined;
  };
  const flush = (): void => {
    if (scheduled) clearImmediate(scheduled);
    scheduled = undefined;
    try {
      writer?.flush();
    } catch (error) {
      fail(error);
    }
  };

  return {
    write(level, message) {
      if (file === '' || failed) return;
      try {
        if (!writer) {
          try {
            mkdirSync(path.dirname(file), { recursive: true });
          } catch {
            // opening the file reports it
          }
          fd = openSync(file, 'a');
          writer = new BufferedFileWriter(fd);
          writer.write(`${runSeparator(options.now())}\n`);
        }
        writer.write(`${new Date(options.now()).toISOString()} ${level.toUpperCase()} ${message}\n`);
      } catch (error) {
        fail(error);
        return;
      }
      if (writer.pending > 0) scheduled ??= setImmediate(flush);
    },
    close() {
      flush();
      writer = undefined;
      closeQuietly();
      return Promise.resolve();
    },
  };
}
