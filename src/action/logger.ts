/**
 * The engine's Logger inside GitHub Actions: phases become collapsible log groups, messages go through the
 * runner's commands (so masking applies; anything that looks like a key, token or signed URL is redacted
 * first), and every line, debug included, is also appended to `log_file` (script.log, as the original wrote).
 */
import { formatBytes } from '../engine/report.js';
import type { LogLevel, Logger, Progress } from '../engine/types.js';
import { redact } from '../errors.js';
import { openLogFile } from '../log-file.js';

/** The part of @actions/core the logger writes through. */
export interface LogSink {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  startGroup(name: string): void;
  endGroup(): void;
}

export interface ActionLoggerOptions {
  /** Console verbosity (log_level). Debug lines always reach core.debug, shown when step debugging is on. */
  readonly level: LogLevel;
  /** Path of the detailed log file, which gets every level; '' disables it. */
  readonly logFile: string;
  readonly now?: () => number;
}

export interface ActionLogger extends Logger {
  /** Flushes and closes the log file. */
  close(): Promise<void>;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warning: 2, error: 3 };

/**
 * Warnings and errors are plain lines, not annotations: most are transient (a retried download) or repeat
 * what the report says, and the annotations come from the report instead (run-action.ts: one per failed
 * item, refused deletes, the step failure), so the run's page shows each problem once.
 */
export function createActionLogger(sink: LogSink, options: ActionLoggerOptions): ActionLogger {
  const now = options.now ?? Date.now;
  const threshold = RANK[options.level];
  let depth = 0;
  // The same line format as the CLI's script.log, so the file reads the same whichever shell wrote it.
  const file = openLogFile(options.logFile, { now, onError: (message) => sink.warning(`Cannot write the log file: ${message}`) });
  const toFile = (level: LogLevel, message: string): void => file.write(level, message);

  const logger: ActionLogger = {
    log(level, raw) {
      const message = redact(raw);
      toFile(level, message);
      if (level === 'debug') {
        if (threshold === RANK.debug) sink.info(message);
        else sink.debug(message);
        return;
      }
      if (RANK[level] < threshold) return;
      sink.info(level === 'info' ? message : `${level === 'warning' ? 'Warning' : 'Error'}: ${message}`);
    },
    async group(name, fn) {
      toFile('info', `== ${name}`);
      // The runner does not nest groups: an inner phase is a header line inside the outer group.
      if (depth > 0) {
        sink.info(`== ${name}`);
        return fn();
      }
      depth += 1;
      sink.startGroup(name);
      try {
        return await fn();
      } finally {
        sink.endGroup();
        depth -= 1;
      }
    },
    close: () => file.close(),
  };
  return logger;
}

const PHASE: Record<Progress['phase'], string> = { list: 'Listing', transfer: 'Transferring', delete: 'Deleting' };

/**
 * Progress lines for long phases: the first report of a phase, then at most one line per `intervalMs`,
 * and the phase's last one (done = total).
 */
export function createProgressPrinter(print: (line: string) => void, options: { intervalMs?: number; now?: () => number } = {}): (progress: Progress) => void {
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 10_000;
  let phase: Progress['phase'] | undefined;
  let last = 0;
  let finished = false;
  return (progress) => {
    const t = now();
    const complete = progress.total > 0 && progress.done >= progress.total;
    const newPhase = progress.phase !== phase;
    if (newPhase) finished = false;
    if (!newPhase && (finished || (!complete && t - last < intervalMs))) return;
    phase = progress.phase;
    last = t;
    finished = complete;
    const percent = progress.total > 0 ? ` (${Math.floor((progress.done / progress.total) * 100)}%)` : '';
    const bytes = progress.bytes > 0 ? `, ${formatBytes(progress.bytes)}` : '';
    print(`${PHASE[progress.phase]}: ${progress.done}/${progress.total}${percent}${bytes}`);
  };
}
