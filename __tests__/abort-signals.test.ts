// A run's signals carry one listener per request in flight: Node's leak warning (printed by Node 20 and 22 past
// 10 abort listeners) must not fire for them.
import { getMaxListeners } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { anySignal, forwardAbort, runAbortController } from '../src/abort-signals.js';

const warnings: Error[] = [];
const onWarning = (warning: Error): void => { warnings.push(warning); };

describe('run signals', () => {
  afterEach(() => {
    process.off('warning', onWarning);
    warnings.length = 0;
  });

  it('have no listener limit, take 100 listeners without a warning, and still abort them all', async () => {
    process.on('warning', onWarning);
    const controller = runAbortController();
    const other = new AbortController();
    const either = anySignal(other.signal, controller.signal);
    expect(getMaxListeners(controller.signal)).toBe(0);
    expect(getMaxListeners(either)).toBe(0);
    let aborted = 0;
    for (let i = 0; i < 100; i++) {
      controller.signal.addEventListener('abort', () => { aborted++; });
      either.addEventListener('abort', () => { aborted++; });
    }
    controller.abort(new Error('stop'));
    await new Promise((resolve) => setImmediate(resolve)); // warnings are emitted on a later tick
    expect(aborted).toBe(200);
    expect(either.reason).toEqual(new Error('stop'));
    expect(warnings.map((w) => w.name)).not.toContain('MaxListenersExceededWarning');
  });

  it('anySignal is the signal itself without a second one, else aborts when either does', () => {
    const a = new AbortController();
    const b = new AbortController();
    expect(anySignal(a.signal, undefined)).toBe(a.signal);
    const either = anySignal(a.signal, b.signal);
    expect(either.aborted).toBe(false);
    b.abort(new Error('b'));
    expect(either.aborted).toBe(true);
    expect(either.reason).toEqual(new Error('b'));
  });

  it('forwardAbort aborts the target with the source\'s reason, later or at once when the source already is', () => {
    const source = new AbortController();
    const later = new AbortController();
    forwardAbort(source.signal, later);
    expect(later.signal.aborted).toBe(false);
    source.abort(new Error('lost'));
    expect(later.signal.reason).toEqual(new Error('lost'));
    const atOnce = new AbortController();
    forwardAbort(source.signal, atOnce);
    expect(atOnce.signal.reason).toEqual(new Error('lost'));
  });
});
