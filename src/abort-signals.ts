/**
 * Abort signals that a whole run listens to. Every request in flight adds a listener to its signal, so a run
 * with 14 workers and 4 parts each passes Node's listener-count warning (meant to find leaks, here only noise
 * on stderr and in the Action's log); these signals turn it off.
 */
import { setMaxListeners } from 'node:events';

/** An AbortController whose signal any number of requests may listen to. */
export function runAbortController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(0, controller.signal);
  return controller;
}

/**
 * `signal` itself when `also` is undefined; otherwise a signal that aborts when either does (AbortSignal.any),
 * for any number of listeners.
 */
export function anySignal(signal: AbortSignal, also: AbortSignal | undefined): AbortSignal {
  if (also === undefined) return signal;
  const either = AbortSignal.any([also, signal]);
  setMaxListeners(0, either);
  return either;
}

/** Aborts `target` with `source`'s reason once `source` aborts (at once when it already has). */
export function forwardAbort(source: AbortSignal, target: AbortController): void {
  if (source.aborted) target.abort(source.reason);
  else source.addEventListener('abort', () => target.abort(source.reason), { once: true });
}
