/** The CLI's logger: every line to the log file (script.log, appended like the original), and lines at or above the chosen level to stderr. */
import type { Logger, LogLevel } from '../engine/types.js';
import { redact } from '../errors.js';
import { openLogFile } from '../log-file.js';

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warning: 2, error: 3 };

export interface CliLogger extends Logger {
  /** Writes a line to the log file only (what the console already shows another way, e.g. the closing summary). */
  toFile(level: LogLevel, message: string): void;
  close(): Promise<void>;
}

export function createCliLogger(options: { file: string | undefined; consoleLevel: LogLevel; write: (text: string) => void; now: () => number }): CliLogger {
  const file = openLogFile(options.file ?? '', { now: options.now, onError: (message) => options.write(`workdocs-s3-sync: ${message}\n`) });
  const log = (level: LogLevel, message: string): void => {
    const text = redact(message);
    file.write(level, text);
    if (RANK[level] >= RANK[options.consoleLevel]) options.write(`${level === 'info' ? '' : `${level}: `}${text}\n`);
  };
  return {
    log,
    toFile: (level, message) => file.write(level, redact(message)),
    async group(name, fn) {
      log('info', `== ${name}`);
      return fn();
    },
    close: () => file.close(),
  };
}
