/** Builds the clients a run needs from its options: one place that knows about endpoints, sockets and retries. */
import { WorkDocsClient } from '@aws-sdk/client-workdocs';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import http from 'node:http';
import https from 'node:https';
import { collectBody } from '../collect-body.js';
import type { SyncOptions } from '../options.js';
import { createS3Client, sdkWarningsTo } from '../s3/client.js';
import { gaveUpMessagePlugin, WorkDocsRetryStrategy } from '../workdocs/retry.js';
import type { Logger, Progress, SyncEnv } from './types.js';

export interface EnvDeps {
  readonly logger: Logger;
  readonly s3Credentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  readonly workdocsCredentials?: AwsCredentialIdentity | AwsCredentialIdentityProvider;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: Progress) => void;
  readonly now?: () => number;
}

export function createSyncEnv(options: SyncOptions, deps: EnvDeps): SyncEnv & { destroy(): void } {
  const agentOptions = { keepAlive: true, maxSockets: options.maxPoolConnections };
  // Separate agents per client: WorkDocs API calls must not queue behind long content downloads.
  const apiHttp = new http.Agent(agentOptions);
  const apiHttps = new https.Agent(agentOptions);
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);
  const workdocs = new WorkDocsClient({
    region: options.regionName,
    ...(options.workdocsEndpointUrl ? { endpoint: options.workdocsEndpointUrl } : {}),
    ...(deps.workdocsCredentials ? { credentials: deps.workdocsCredentials } : {}),
    retryStrategy: new WorkDocsRetryStrategy(),
    requestHandler: new NodeHttpHandler({ httpAgent: apiHttp, httpsAgent: apiHttps }),
    streamCollector: collectBody,
  });
  workdocs.middlewareStack.use(gaveUpMessagePlugin);
  const s3 = createS3Client({
    region: options.regionName,
    ...(options.s3EndpointUrl ? { endpoint: options.s3EndpointUrl } : {}),
    ...(options.s3ForcePathStyle !== 'auto' ? { forcePathStyle: options.s3ForcePathStyle === 'true' } : {}),
    checksumMode: options.s3ChecksumMode,
    deleteContentMd5: options.s3DeleteContentMd5 === 'auto' ? 'auto' : options.s3DeleteContentMd5 === 'true' ? 'on' : 'off',
    maxSockets: options.maxPoolConnections,
    maxAttempts: 8,
    ...(deps.s3Credentials ? { credentials: deps.s3Credentials } : {}),
    logger: sdkWarningsTo((message) => deps.logger.log('debug', message)),
    ...(options.expectedBucketOwner !== '' ? { expectedBucketOwner: options.expectedBucketOwner } : {}),
    ...(options.objectSettings.sse !== 'none'
      ? { encryption: { sse: options.objectSettings.sse, ...(options.objectSettings.sseKmsKeyId !== '' ? { kmsKeyId: options.objectSettings.sseKmsKeyId } : {}) } }
      : {}),
  });
  return {
    workdocs,
    s3,
    logger: deps.logger,
    now: deps.now ?? Date.now,
    httpAgent,
    httpsAgent,
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
    destroy() {
      workdocs.destroy();
      s3.destroy();
      for (const agent of [apiHttp, apiHttps, httpAgent, httpsAgent]) agent.destroy();
    },
  };
}
