/** The CLI's logger: every line to the log file (script.log, appended like the original), and lines at or above the chosen level to stderr. */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { Logger, LogLevel } from '../engine/types.js';
import { redact } from '../errors.js';

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warning: 2, error: 3 };

export interface CliLogger extends Logger {
  close(): Promise<void>;
}

export function createCliLogger(options: { file: string | undefined; consoleLevel: LogLevel; write: (text: string) => void; now: () => number }): CliLogger {
  let stream: WriteStream | undefined;
  const open = (): WriteStream | undefined => {
    if (!options.file) return undefined;
    if (!stream) {
      mkdirSync(path.dirname(options.file), { recursive: true });
      stream = createWriteStream(options.file, { flags: 'a' });
      stream.on('error', (error) => options.write(`workdocs-s3-sync: cannot write the log file: ${error.message}\n`));
    }
    return stream;
  };
  const log = (level: LogLevel, message: string): void => {
    const text = redact(message);
    open()?.write(`${new Date(options.now()).toISOString()} ${level.toUpperCase()} ${text}\n`);
    if (RANK[level] >= RANK[options.consoleLevel]) options.write(`${level === 'info' ? '' : `${level}: `}${text}\n`);
  };
  return {
    log,
    async group(name, fn) {
      log('info', `== ${name}`);
      return fn();
    },
    close: () => new Promise((resolve) => (stream ? stream.end(resolve) : resolve())),
  };
}
