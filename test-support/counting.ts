// Exact S3 request counts per operation, for tests and the benchmark.
import type { S3Client } from '@aws-sdk/client-s3';
import type { FinalizeRequestMiddleware, HandlerExecutionContext, MetadataBearer } from '@smithy/types';

export interface RequestCounter {
  /** Requests sent so far per operation, e.g. `{ ListObjectsV2: 3, PutObject: 10 }`; each retry attempt counts. */
  counts(): Record<string, number>;
  /** Total over all operations. */
  total(): number;
  reset(): void;
}

let counterSeq = 0;

/**
 * Counts every HTTP attempt the client makes, per operation name (the command name without "Command").
 * The middleware sits at the end of the finalizeRequest step, inside the retry middleware, so a retried
 * request counts once per attempt. Several counters on one client count independently.
 */
export function countRequests(client: S3Client): RequestCounter {
  let counts: Record<string, number> = {};
  const middleware: FinalizeRequestMiddleware<object, MetadataBearer> =
    (next, context: HandlerExecutionContext) => async (args) => {
      const name = (context.commandName ?? 'Unknown').replace(/Command$/, '');
      counts[name] = (counts[name] ?? 0) + 1;
      return next(args);
    };
  client.middlewareStack.add(middleware, { step: 'finalizeRequest', priority: 'low', name: `countRequests#${++counterSeq}` });
  return {
    counts: () => ({ ...counts }),
    total: () => Object.values(counts).reduce((a, b) => a + b, 0),
    reset: () => {
      counts = {};
    },
  };
}
