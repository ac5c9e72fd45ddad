/**
 * The CLI and the Action run their work on a worker thread of the same process, the engine thread; the main
 * thread only starts it and waits. Why: memory. V8 sizes the main thread's young generation from the machine's
 * memory (128 MB on a 16–24 GiB machine), far more than a sync needs, and lets the old generation grow to several
 * times what is live between full collections. A GitHub Action cannot pass Node flags (`runs.using: node24` runs
 * `node dist/index.js`), but a worker's `resourceLimits` bound its young generation, and V8 reads its heap growing
 * factor at every collection. It stays one process: one pid (the prefix's lock), one stdout and stderr, one peak
 * RSS; the engine thread's exit code becomes the process's, and SIGINT/SIGTERM reach it as messages (signals are
 * delivered to the main thread only).
 *
 * This module is loaded on the main thread, so it imports nothing but Node and the dependency-free young-collection.ts: the
 * entry points load the engine with a dynamic import on the engine thread only, and the bundle's SDK code is not
 * parsed twice. On the engine thread it also arms the prompt collection of downloaded bytes (src/young-collection.ts).
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { armYoungCollections } from './young-collection.js';

/**
 * The engine thread's heap: a young generation of 48 MB, and once the heap holds more than 64 MB, an old generation
 * that grows by a quarter of what a full collection left alive (V8's default: up to fourfold). Both bounds together
 * keep the no-op of 100,000 documents near 400 MB (a whole site's: 50 % let it reach 447–460 MB, 25 % 399–410 MB, for
 * the same CPU within noise); smaller heaps keep V8's default, where more collections would only cost CPU.
 * Figures: docs/performance-notes.md, "Constants and their figures".
 */
export const ENGINE_YOUNG_GENERATION_MB = 48;
export const ENGINE_HEAP_GROWING_PERCENT = 25;
export const LARGE_HEAP_BYTES = 64 * 1024 * 1024;

export type Interrupt = 'SIGINT' | 'SIGTERM';
const INTERRUPTS: readonly Interrupt[] = ['SIGINT', 'SIGTERM'];

interface InterruptMessage {
  readonly interrupt: Interrupt;
}

/** The engine thread's workerData, which tells it apart from other workers (a test runner's, say). */
const ENGINE_THREAD = { workdocsS3SyncEngineThread: true } as const;

/** True on the engine thread that runOnEngineThread started. */
export function isEngineThread(): boolean {
  return parentPort !== null && (workerData as Partial<typeof ENGINE_THREAD> | null)?.workdocsS3SyncEngineThread === true;
}

/**
 * What the CLI's and the Action's entry points do: on the main thread, start the engine thread on `entry` (the
 * entry point's own import.meta.url) and take its exit code; on the engine thread, bound the heap's growth and
 * run `work`, which loads the engine with a dynamic import.
 */
export async function asEngineEntry(entry: string, work: () => Promise<unknown>): Promise<void> {
  if (!isEngineThread()) {
    process.exitCode = await runOnEngineThread(new URL(entry), process.argv.slice(2));
    return;
  }
  boundHeapGrowthWhenLarge();
  const collect = exposedGc();
  armYoungCollections(() => collect({ type: 'minor' }));
  await work();
}

/**
 * Runs `entry` (a module URL, normally the entry point itself) on the engine thread with `argv` as its
 * `process.argv.slice(2)`, and resolves with its exit code. The first SIGINT and the first SIGTERM are passed on;
 * a second one of the same kind ends the process as usual.
 */
export function runOnEngineThread(entry: URL, argv: readonly string[]): Promise<number> {
  const worker = new Worker(entry, {
    argv: [...argv],
    workerData: ENGINE_THREAD,
    resourceLimits: { maxYoungGenerationSizeMb: ENGINE_YOUNG_GENERATION_MB },
  });
  const forward = (interrupt: Interrupt): void => worker.postMessage({ interrupt } satisfies InterruptMessage);
  for (const interrupt of INTERRUPTS) process.once(interrupt, forward);
  return new Promise((resolve) => {
    let crashed = false;
    // An exception nothing caught on the engine thread: what Node prints for one on the main thread, exit 1.
    worker.on('error', (error: unknown) => {
      crashed = true;
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    });
    worker.once('exit', (code) => {
      for (const interrupt of INTERRUPTS) process.off(interrupt, forward);
      resolve(crashed && code === 0 ? 1 : code);
    });
  });
}

/**
 * On the engine thread: bounds the old generation's growth (ENGINE_HEAP_GROWING_PERCENT) once the heap holds more
 * than LARGE_HEAP_BYTES, as a run of tens of thousands of documents does. The flag is process-wide and V8 reads
 * it whenever a full collection sets the next limit; the last one may have set a limit far above (up to four times
 * what it left alive), so one full collection is made at once (only then) for the bound to hold from there on.
 */
export function boundHeapGrowthWhenLarge(options: { readonly checkEveryMs?: number; readonly onBound?: () => void } = {}): void {
  const timer = setInterval(() => {
    if (getHeapStatistics().used_heap_size <= LARGE_HEAP_BYTES) return;
    clearInterval(timer);
    setFlagsFromString(`--heap-growing-percent=${ENGINE_HEAP_GROWING_PERCENT}`);
    exposedGc()();
    options.onBound?.();
  }, options.checkEveryMs ?? 500);
  timer.unref();
}

type Gc = (options?: { readonly type: 'minor' | 'major' }) => void;
let gc: Gc | undefined;

/**
 * V8's gc() on this thread, without the process having been started with --expose-gc (a new context sees it).
 * Made once: each call would otherwise build another vm context.
 */
function exposedGc(): Gc {
  if (gc === undefined) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as Gc;
  }
  return gc;
}

/**
 * Calls `handler` when the process is asked to stop (SIGINT or SIGTERM), on the main thread or on the engine
 * thread alike. Returns the function that stops listening.
 */
export function onInterrupt(handler: (interrupt: Interrupt) => void): () => void {
  if (!isEngineThread()) {
    for (const interrupt of INTERRUPTS) process.once(interrupt, handler);
    return () => {
      for (const interrupt of INTERRUPTS) process.off(interrupt, handler);
    };
  }
  const port = parentPort!;
  const seen = new Set<Interrupt>();
  const listener = (message: unknown): void => {
    const interrupt = (message as Partial<InterruptMessage> | null)?.interrupt;
    if (interrupt === undefined || !INTERRUPTS.includes(interrupt) || seen.has(interrupt)) return;
    seen.add(interrupt);
    handler(interrupt);
  };
  port.on('message', listener);
  // Listening must not keep the engine thread alive once its work is done.
  port.unref();
  return () => {
    port.off('message', listener);
  };
}
