/**
 * Retry policy shared by the whole run: the SDK's adaptive strategy (client-side rate limiting on throttling)
 * for AWS calls, with WorkDocs' FailedDependency (424) treated as transient, which the SDK does not do
 * by itself. Waiting between the tool's own attempts is in ../backoff.ts.
 */
import { AdaptiveRetryStrategy } from '@smithy/core/retry';
import { isTransientError } from '../errors.js';
import type { ServiceInputTypes, ServiceOutputTypes } from '@aws-sdk/client-workdocs';
import type { Pluggable, RetryErrorInfo, RetryStrategyV2, RetryToken, StandardRetryToken } from '@smithy/types';

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
    // Only what the SDK would give up on is upgraded: its throttling class keeps driving the rate limiter.
    const reclassified: RetryErrorInfo = errorInfo.errorType === 'CLIENT_ERROR' && isTransientError(errorInfo.error)
      ? { ...errorInfo, errorType: 'TRANSIENT' }
      : errorInfo;
    return this.inner.refreshRetryTokenForRetry(token as StandardRetryToken, reclassified);
  }
  recordSuccess(token: RetryToken): void {
    this.inner.recordSuccess(token as StandardRetryToken);
  }
}

/**
 * Names the call that gave up in the error it throws: "WorkDocs GetFolder gave up after 8 attempts over 12.3 s:
 * Rate exceeded" instead of the bare "Rate exceeded", like the S3 listing's failure does. Added outside the retry
 * step, so it sees the attempts and the waiting the SDK recorded on the final error.
 */
export const gaveUpMessagePlugin: Pluggable<ServiceInputTypes, ServiceOutputTypes> = {
  applyToStack(stack) {
    stack.add(
      (next, context) => async (args) => {
        try {
          return await next(args);
        } catch (error) {
          describeGivingUp(error, context.commandName);
          throw error;
        }
      },
      { step: 'initialize', name: 'workdocsGaveUpMessage', override: true },
    );
  },
};

/** Rewrites the message of an SDK error that was retried (attempts > 1); others are left as they are. */
export function describeGivingUp(error: unknown, commandName: string | undefined): void {
  if (!(error instanceof Error)) return;
  const metadata = (error as { $metadata?: { attempts?: number; totalRetryDelay?: number } }).$metadata;
  const attempts = metadata?.attempts ?? 1;
  if (attempts <= 1 || error.message.startsWith('WorkDocs ')) return;
  const call = (commandName ?? 'request').replace(/Command$/, '');
  const waited = metadata?.totalRetryDelay !== undefined ? ` over ${(metadata.totalRetryDelay / 1000).toFixed(1)} s of waiting` : '';
  error.message = `WorkDocs ${call} gave up after ${attempts} attempts${waited}: ${error.message || 'no message'}`;
}
