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

/** A signal that aborts when any of `signals` does (AbortSignal.any), for any number of listeners. */
export function anySignal(signals: readonly AbortSignal[]): AbortSignal {
  const signal = AbortSignal.any([...signals]);
  setMaxListeners(0, signal);
  return signal;
}
