/**
 * AWS credentials for the Action: with `role_to_assume`, the job's OIDC token is exchanged for the role's
 * temporary credentials in-process (STS AssumeRoleWithWebIdentity through the SDK's web-identity provider,
 * whose STS client honours AWS_ENDPOINT_URL_STS); without it, the engine uses the SDK's default chain.
 */
import { fromWebToken } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { describeError } from '../errors.js';
import type { ActionOptions } from '../options.js';

/** What credential resolution needs from the runner (a subset of @actions/core). */
export interface CredentialDeps {
  /** Requests the job's OIDC token for an audience (core.getIDToken). */
  readonly getIDToken: (audience: string) => Promise<string>;
  /** Masks a value in every later log line (core.setSecret). */
  readonly setSecret: (secret: string) => void;
  /** Logs one line (core.info). */
  readonly info: (message: string) => void;
  /** The SDK's web-identity provider; injectable so tests can count calls. */
  readonly fromWebToken?: typeof fromWebToken;
  /** Epoch milliseconds. */
  readonly now?: () => number;
}

/** Providers for the two clients; undefined means "the SDK's default chain". */
export interface ActionCredentials {
  readonly s3: AwsCredentialIdentityProvider | undefined;
  readonly workdocs: AwsCredentialIdentityProvider | undefined;
}

/** Credentials are renewed this long before they expire (the SDK refreshes 5 minutes ahead too). */
const REFRESH_MARGIN_MS = 10 * 60 * 1000;

export class CredentialError extends Error {
  override readonly name = 'CredentialError';
}

/**
 * A provider for one role: each (re)assumption requests a fresh OIDC token (GitHub's expire within minutes,
 * long before a role session does), masks the token and the credentials, and is shared by concurrent callers.
 */
export function assumeRoleProvider(
  roleArn: string,
  options: Pick<ActionOptions, 'roleSessionName' | 'roleDurationSeconds' | 'audience'>,
  region: string,
  deps: CredentialDeps,
): AwsCredentialIdentityProvider {
  const now = deps.now ?? Date.now;
  const webToken = deps.fromWebToken ?? fromWebToken;
  let current: AwsCredentialIdentity | undefined;
  let pending: Promise<AwsCredentialIdentity> | undefined;

  const assume = async (): Promise<AwsCredentialIdentity> => {
    let token: string;
    try {
      token = await deps.getIDToken(options.audience);
    } catch (error) {
      throw new CredentialError(
        `Could not get the job's OIDC token for audience '${options.audience}' (does the job have 'permissions: id-token: write'?): ${describeError(error)}`,
      );
    }
    deps.setSecret(token);
    let credentials: AwsCredentialIdentity;
    try {
      credentials = await webToken({
        roleArn,
        webIdentityToken: token,
        roleSessionName: options.roleSessionName,
        durationSeconds: options.roleDurationSeconds,
        clientConfig: { region },
      })();
    } catch (error) {
      throw new CredentialError(`Could not assume role ${roleArn} with the OIDC token: ${describeError(error)}`);
    }
    for (const secret of [credentials.accessKeyId, credentials.secretAccessKey, credentials.sessionToken]) {
      if (secret) deps.setSecret(secret);
    }
    const until = credentials.expiration ? ` until ${credentials.expiration.toISOString()}` : '';
    deps.info(`Assumed role ${roleArn} (session ${options.roleSessionName})${until}.`);
    return credentials;
  };

  return async () => {
    if (current && (current.expiration === undefined || current.expiration.getTime() - now() > REFRESH_MARGIN_MS)) return current;
    pending ??= assume().then(
      (credentials) => {
        current = credentials;
        pending = undefined;
        return credentials;
      },
      (error: unknown) => {
        pending = undefined;
        throw error;
      },
    );
    return pending;
  };
}

/**
 * Resolves the credentials for a run. Each role is assumed once, eagerly, so a bad role or a missing
 * `id-token: write` permission fails the step before any sync request, with the reason.
 */
export async function resolveCredentials(action: ActionOptions, region: string, deps: CredentialDeps): Promise<ActionCredentials> {
  if (action.roleToAssume === '' && action.workdocsRoleToAssume === '') {
    deps.info('No role_to_assume: using the ambient AWS credentials (environment, profile, instance or container role).');
    return { s3: undefined, workdocs: undefined };
  }
  const s3 = action.roleToAssume === '' ? undefined : assumeRoleProvider(action.roleToAssume, action, region, deps);
  const workdocs = action.workdocsRoleToAssume === '' ? s3 : assumeRoleProvider(action.workdocsRoleToAssume, action, region, deps);
  await s3?.();
  if (workdocs !== s3) await workdocs?.();
  return { s3, workdocs };
}
