/**
 * Retry policy shared by the whole run: the SDK's adaptive strategy (client-side rate limiting on throttling)
 * for AWS calls, with WorkDocs' FailedDependency (424) treated as transient, which the SDK does not do
 * by itself; and one exponential backoff with full jitter for content downloads.
 */
import { AdaptiveRetryStrategy } from '@smithy/core/retry';
import type { RetryErrorInfo, RetryStrategyV2, RetryToken, StandardRetryToken } from '@smithy/types';

export const DEFAULT_MAX_ATTEMPTS = 8;

export class WorkDocsRetryStrategy implements RetryStrategyV2 {
  private readonly inner: AdaptiveRetryStrategy;
  constructor(maxAttempts = DEFAULT_MAX_ATTEMPTS) {
    this.inner = new AdaptiveRetryStrategy(maxAttempts);
  }
  acquireInitialRetryToken(retryTokenScope: string): Promise<RetryToken> {
    return this.inner.acquireInitialRetryToken(retryTokenScope);
  }
  refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    const name = (errorInfo.error as { name?: string } | undefined)?.name;
    const reclassified: RetryErrorInfo = name === 'FailedDependencyException' ? { ...errorInfo, errorType: 'TRANSIENT' } : errorInfo;
    return this.inner.refreshRetryTokenForRetry(token as StandardRetryToken, reclassified);
  }
  recordSuccess(token: RetryToken): void {
    this.inner.recordSuccess(token as StandardRetryToken);
  }
}

/** Delay before retry number `attempt` (1-based): exponential from 100 ms, capped at 20 s, full jitter. */
export function backoffDelay(attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(20_000, 100 * 2 ** Math.min(attempt, 10));
  return Math.floor(random() * cap);
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
