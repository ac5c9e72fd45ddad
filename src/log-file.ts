/**
 * The detailed log file (script.log, as the original wrote it): appended, one line per message, opened on the
 * first line (so a run that fails on bad input leaves no file), in the same format whichever shell writes it.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { LogLevel } from './engine/types.js';

export interface LogFile {
  write(level: LogLevel, message: string): void;
  close(): Promise<void>;
}

/** '' gives a log file that writes nothing. `onError` hears once if the file cannot be written. */
export function openLogFile(file: string, options: { now: () => number; onError: (message: string) => void }): LogFile {
  let stream: WriteStream | undefined;
  let failed = false;
  return {
    write(level, message) {
      if (file === '' || failed) return;
      if (!stream) {
        try {
          mkdirSync(path.dirname(file), { recursive: true });
        } catch {
          // the stream's error event reports it
        }
        stream = createWriteStream(file, { flags: 'a' });
        stream.on('error', (error) => {
          if (failed) return;
          failed = true;
          options.onError(`cannot write the log file ${file}: ${error.message}`);
        });
      }
      stream.write(`${new Date(options.now()).toISOString()} ${level.toUpperCase()} ${message}\n`);
    },
    close() {
      const open = stream;
      return new Promise((resolve) => (open && !failed ? open.end(() => resolve()) : resolve()));
    },
  };
}
