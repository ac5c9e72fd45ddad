/**
 * Retry policy shared by the whole run: the SDK's adaptive strategy (client-side rate limiting on throttling)
 * for AWS calls, with WorkDocs' FailedDependency (424) treated as transient, which the SDK does not do
 * by itself. Waiting between the tool's own attempts is in ../backoff.ts.
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
