/** Waiting between attempts, shared by every retry loop of the tool (downloads, whole files, the lock). */

/** Delay before retry number `attempt` (1-based): exponential from 100 ms, capped at 20 s, full jitter. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(20_000, 100 * 2 ** Math.min(attempt, 10));
  return Math.floor(random() * cap);
}

/**
 * Delay before retrying a whole file (1-based): 1–2 s, then 2–4 s, … ("equal jitter"). Long enough that the
 * last attempt comes after a short outage of S3 or WorkDocs is over, when the SDK's own retries (and its
 * retry quota, which an outage drains for all requests at once) are spent.
 */
export function fileRetryDelay(attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(30_000, 1000 * 2 ** attempt);
  return Math.floor(cap / 2 + random() * (cap / 2));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? new Error('aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
