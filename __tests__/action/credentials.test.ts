import * as core from '@actions/core';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { assumeRoleProvider, CredentialError, resolveCredentials, type CredentialDeps } from '../../src/action/credentials.js';
import type { ActionOptions } from '../../src/options.js';
import { jwtClaims, startOidcServer, startStsServer, type OidcServer, type StsServer } from '../../test-support/oidc-sts.js';

const ROLE = 'arn:aws:iam::123456789012:role/workdocs-sync';
const WORKDOCS_ROLE = 'arn:aws:iam::210987654321:role/workdocs-reader';
const S3_KEYS = { accessKeyId: 'ASIAS3EXAMPLEKEY0001', secretAccessKey: 's3-secret-0123456789abcdef' };
const WD_KEYS = { accessKeyId: 'ASIAWDEXAMPLEKEY0002', secretAccessKey: 'wd-secret-0123456789abcdef' };

const action = (over: Partial<ActionOptions> = {}): ActionOptions => ({
  roleToAssume: ROLE, roleSessionName: 'workdocs-s3-sync', roleDurationSeconds: 1800, audience: 'sts.amazonaws.com',
  workdocsRoleToAssume: '', tolerateFailures: false, ...over,
});

let oidc: OidcServer;
let sts: StsServer;

beforeAll(async () => {
  oidc = await startOidcServer();
  sts = await startStsServer({
    expectedToken: () => oidc.tokenFor('sts.amazonaws.com'),
    roles: [{ roleArn: ROLE, credentials: S3_KEYS }, { roleArn: WORKDOCS_ROLE, credentials: WD_KEYS }],
  });
});
afterAll(async () => {
  await oidc?.close();
  await sts?.close();
});
afterEach(() => {
  vi.unstubAllEnvs();
  sts.calls.length = 0;
  oidc.audiences.length = 0;
});

/** Deps over the real core.getIDToken, pointed at the local OIDC server; STS at the local STS. */
function deps(over: Partial<CredentialDeps> = {}): CredentialDeps & { secrets: string[]; lines: string[] } {
  vi.stubEnv('ACTIONS_ID_TOKEN_REQUEST_URL', oidc.requestUrl);
  vi.stubEnv('ACTIONS_ID_TOKEN_REQUEST_TOKEN', oidc.requestToken);
  vi.stubEnv('AWS_ENDPOINT_URL_STS', sts.url);
  const secrets: string[] = [];
  const lines: string[] = [];
  return { getIDToken: (aud) => core.getIDToken(aud), setSecret: (s) => secrets.push(s), info: (l) => lines.push(l), secrets, lines, ...over };
}

describe('resolveCredentials', () => {
  it('uses the ambient chain when no role is given, without asking for a token', async () => {
    const d = deps();
    const creds = await resolveCredentials(action({ roleToAssume: '' }), 'us-east-1', d);
    expect(creds).toEqual({ s3: undefined, workdocs: undefined });
    expect(oidc.audiences).toEqual([]);
    expect(d.lines.join('\n')).toMatch(/ambient AWS credentials/);
  });

  it('assumes the role with the job’s OIDC token through STS (AWS_ENDPOINT_URL_STS) and masks everything', async () => {
    const d = deps();
    const creds = await resolveCredentials(action(), 'us-east-1', d);
    expect(creds.workdocs).toBe(creds.s3);
    const identity = await creds.s3!();
    expect(identity).toMatchObject({ ...S3_KEYS, sessionToken: sts.issuedSessionTokens[0] });
    expect(identity.expiration!.getTime()).toBeGreaterThan(Date.now() + 1700_000);
    expect(oidc.audiences).toEqual(['sts.amazonaws.com']);
    expect(sts.calls).toEqual([{ roleArn: ROLE, roleSessionName: 'workdocs-s3-sync', durationSeconds: 1800, ok: true }]);
    const token = oidc.tokenFor('sts.amazonaws.com');
    expect(jwtClaims(token)).toMatchObject({ aud: 'sts.amazonaws.com', iss: 'https://token.actions.githubusercontent.com' });
    expect(d.secrets).toEqual(expect.arrayContaining([token, S3_KEYS.accessKeyId, S3_KEYS.secretAccessKey, sts.issuedSessionTokens[0]]));
    expect(d.lines.join('\n')).toContain(`Assumed role ${ROLE} (session workdocs-s3-sync) until `);
    expect(d.lines.join('\n')).not.toContain(S3_KEYS.secretAccessKey);
  });

  it('assumes a second role for WorkDocs in another account', async () => {
    const creds = await resolveCredentials(action({ workdocsRoleToAssume: WORKDOCS_ROLE }), 'us-east-1', deps());
    expect(sts.calls.map((c) => c.roleArn)).toEqual([ROLE, WORKDOCS_ROLE]);
    expect(await creds.s3!()).toMatchObject(S3_KEYS);
    expect(await creds.workdocs!()).toMatchObject(WD_KEYS);
    expect(sts.calls).toHaveLength(2); // resolved once, eagerly, then cached
  });

  it('asks for the token with the configured audience', async () => {
    const d = deps();
    await expect(resolveCredentials(action({ audience: 'my-audience' }), 'us-east-1', d)).rejects.toThrow(/InvalidIdentityToken/);
    expect(oidc.audiences).toEqual(['my-audience']);
  });

  it('fails clearly for a role the token may not assume, without leaking the token', async () => {
    const d = deps();
    const bad = 'arn:aws:iam::123456789012:role/not-trusted';
    const error = await resolveCredentials(action({ roleToAssume: bad }), 'us-east-1', d).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialError);
    expect((error as Error).message).toMatch(new RegExp(`^Could not assume role ${bad.replace(/[/]/g, '\\/')} with the OIDC token: AccessDenied: Not authorized to perform sts:AssumeRoleWithWebIdentity`));
    expect((error as Error).message).not.toContain(oidc.tokenFor('sts.amazonaws.com'));
  });

  it('explains a missing id-token: write permission', async () => {
    const d = deps();
    vi.stubEnv('ACTIONS_ID_TOKEN_REQUEST_URL', '');
    await expect(resolveCredentials(action(), 'us-east-1', d)).rejects.toThrow(/Could not get the job's OIDC token for audience 'sts.amazonaws.com' \(does the job have 'permissions: id-token: write'\?\)/);
    expect(sts.calls).toEqual([]);
  });

  it('fails when the token server refuses the request token', async () => {
    const d = deps();
    vi.stubEnv('ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'wrong');
    await expect(resolveCredentials(action(), 'us-east-1', d)).rejects.toThrow(CredentialError);
  });
});

describe('assumeRoleProvider', () => {
  it('re-assumes with a fresh OIDC token before the credentials expire, once for concurrent callers', async () => {
    let now = Date.now();
    const d = deps({ now: () => now });
    const provider = assumeRoleProvider(ROLE, action({ roleDurationSeconds: 900 }), 'us-east-1', d);
    const [a, b] = await Promise.all([provider(), provider()]);
    expect(a).toBe(b);
    expect(sts.calls).toHaveLength(1);
    now += 60_000;
    expect(await provider()).toBe(a);
    now += 5 * 60_000; // 9 of 15 minutes used: inside the 10-minute refresh margin
    const c = await provider();
    expect(c).not.toBe(a);
    expect(sts.calls).toHaveLength(2);
    expect(oidc.audiences).toHaveLength(2);
    expect(c.sessionToken).toBe(sts.issuedSessionTokens.at(-1));
  });

  it('tries again on the next call after a failure', async () => {
    let fail = true;
    const d = deps({ getIDToken: async (aud) => { if (fail) throw new Error('network down'); return core.getIDToken(aud); } });
    const provider = assumeRoleProvider(ROLE, action(), 'us-east-1', d);
    await expect(provider()).rejects.toThrow(/network down/);
    fail = false;
    await expect(provider()).resolves.toMatchObject(S3_KEYS);
  });
});
