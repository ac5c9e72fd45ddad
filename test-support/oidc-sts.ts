/**
 * Local stand-ins for GitHub's OIDC token service and AWS STS, so the Action's role assumption runs for real
 * in tests: the OIDC server answers `core.getIDToken()` the way the Actions runtime does, and the STS server
 * answers `AssumeRoleWithWebIdentity` (Query protocol, XML) the way STS does, checking the token and the role.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface LocalServer {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  readonly url: string;
  close(): Promise<void>;
}

export interface OidcServer extends LocalServer {
  /** Value for ACTIONS_ID_TOKEN_REQUEST_URL (already carries a query string, as GitHub's does). */
  readonly requestUrl: string;
  /** Value for ACTIONS_ID_TOKEN_REQUEST_TOKEN. */
  readonly requestToken: string;
  /** Audiences requested so far, in order. */
  readonly audiences: string[];
  /** The JWT the server issues for an audience. */
  tokenFor(audience: string): string;
}

export interface OidcServerOptions {
  /** Bearer token the runner would hold; generated when omitted. */
  readonly requestToken?: string;
  /** `sub` claim of the issued tokens. */
  readonly subject?: string;
}

function base64url(value: object | string): string {
  return Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
}

/** Decodes a JWT's claims without checking a signature (the local STS trusts its own issuer). */
export function jwtClaims(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.');
  if (parts.length !== 3 || parts[1] === undefined) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function listen(server: Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function closer(server: Server): () => Promise<void> {
  return () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * GitHub's token endpoint: `GET <ACTIONS_ID_TOKEN_REQUEST_URL>&audience=<aud>` with
 * `Authorization: Bearer <ACTIONS_ID_TOKEN_REQUEST_TOKEN>` → `{"value": "<jwt>"}`.
 * The JWT is structured (header.claims.signature) with `iss`, `aud`, `sub`, `exp`; its signature is a dummy.
 */
export async function startOidcServer(options: OidcServerOptions = {}): Promise<OidcServer> {
  const requestToken = options.requestToken ?? `oidc-request-${randomUUID()}`;
  const subject = options.subject ?? 'repo:octo-org/octo-repo:ref:refs/heads/main';
  const audiences: string[] = [];
  const tokens = new Map<string, string>();
  const tokenFor = (audience: string): string => {
    let token = tokens.get(audience);
    if (token === undefined) {
      const now = Math.floor(Date.now() / 1000);
      token = [
        base64url({ typ: 'JWT', alg: 'RS256', kid: 'local' }),
        base64url({
          iss: 'https://token.actions.githubusercontent.com', aud: audience, sub: subject,
          repository: subject.split(':')[1] ?? '', jti: randomUUID(), iat: now, nbf: now, exp: now + 600,
        }),
        base64url(`signature-${randomUUID()}`),
      ].join('.');
      tokens.set(audience, token);
    }
    return token;
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method !== 'GET' || url.pathname !== '/token') return send(res, 404, 'application/json', '{"message":"not found"}');
    if (req.headers.authorization !== `Bearer ${requestToken}`) return send(res, 401, 'application/json', '{"message":"bad request token"}');
    const audience = url.searchParams.get('audience') ?? 'https://github.com/octo-org';
    audiences.push(audience);
    send(res, 200, 'application/json', JSON.stringify({ count: 1, value: tokenFor(audience) }));
  });
  const base = await listen(server);
  return { url: base, requestUrl: `${base}/token?api-version=2.0`, requestToken, audiences, tokenFor, close: closer(server) };
}

export interface StsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** Generated per request when omitted. */
  readonly sessionToken?: string;
}

export interface StsRole {
  readonly roleArn: string;
  readonly credentials: StsCredentials;
}

export interface StsServerOptions {
  /** The only web identity token accepted (compared exactly). */
  readonly expectedToken: string | (() => string);
  /** The role that may be assumed with it, and the credentials it hands out… */
  readonly roleArn?: string;
  readonly credentials?: StsCredentials;
  /** …or several such roles (e.g. a second account's role for WorkDocs). */
  readonly roles?: readonly StsRole[];
  /** Lifetime of issued credentials when the request names no DurationSeconds. */
  readonly defaultDurationSeconds?: number;
}

export interface StsCall {
  readonly roleArn: string;
  readonly roleSessionName: string;
  readonly durationSeconds: number | undefined;
  readonly ok: boolean;
}

export interface StsServer extends LocalServer {
  /** Every AssumeRoleWithWebIdentity call, in order. */
  readonly calls: StsCall[];
  /** Session tokens issued so far. */
  readonly issuedSessionTokens: string[];
}

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/';

function xml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function stsError(res: ServerResponse, status: number, code: string, message: string): void {
  send(res, status, 'text/xml', `<ErrorResponse xmlns="${STS_NS}">\n  <Error>\n    <Type>Sender</Type>\n    <Code>${code}</Code>\n    <Message>${xml(message)}</Message>\n  </Error>\n  <RequestId>${randomUUID()}</RequestId>\n</ErrorResponse>\n`);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * STS's `AssumeRoleWithWebIdentity` over the Query protocol: a form-encoded POST, an XML answer with the
 * shape STS returns. A wrong token is `InvalidIdentityToken` (400), an unknown role `AccessDenied` (403),
 * and a duration outside 900–43200 `ValidationError` (400).
 */
export async function startStsServer(options: StsServerOptions): Promise<StsServer> {
  const roles: StsRole[] = [...(options.roles ?? [])];
  if (options.roleArn !== undefined && options.credentials !== undefined) roles.push({ roleArn: options.roleArn, credentials: options.credentials });
  const calls: StsCall[] = [];
  const issuedSessionTokens: string[] = [];
  const server = createServer((req, res) => {
    void (async () => {
      const params = new URLSearchParams(req.method === 'POST' ? await readBody(req) : new URL(req.url ?? '/', 'http://localhost').search);
      const action = params.get('Action');
      if (action !== 'AssumeRoleWithWebIdentity') return stsError(res, 400, 'InvalidAction', `Could not find operation ${action ?? ''} for version ${params.get('Version') ?? ''}`);
      const roleArn = params.get('RoleArn') ?? '';
      const roleSessionName = params.get('RoleSessionName') ?? '';
      const durationText = params.get('DurationSeconds');
      const durationSeconds = durationText === null ? undefined : Number(durationText);
      const token = params.get('WebIdentityToken') ?? '';
      const expected = typeof options.expectedToken === 'function' ? options.expectedToken() : options.expectedToken;
      const role = roles.find((r) => r.roleArn === roleArn);
      const record = (ok: boolean): void => { calls.push({ roleArn, roleSessionName, durationSeconds, ok }); };
      if (token !== expected) {
        record(false);
        return stsError(res, 400, 'InvalidIdentityToken', 'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.');
      }
      if (role === undefined) {
        record(false);
        return stsError(res, 403, 'AccessDenied', 'Not authorized to perform sts:AssumeRoleWithWebIdentity');
      }
      if (durationSeconds !== undefined && !(durationSeconds >= 900 && durationSeconds <= 43200)) {
        record(false);
        return stsError(res, 400, 'ValidationError', `1 validation error detected: Value '${durationText ?? ''}' at 'durationSeconds' failed to satisfy constraint`);
      }
      record(true);
      const claims = jwtClaims(token) ?? {};
      const sessionToken = role.credentials.sessionToken ?? `session-${randomUUID()}-${randomUUID()}`;
      issuedSessionTokens.push(sessionToken);
      const expiration = new Date(Date.now() + (durationSeconds ?? options.defaultDurationSeconds ?? 3600) * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
      const account = roleArn.split(':')[4] ?? '';
      const roleName = roleArn.slice(roleArn.indexOf(':role/') + 6).split('/').pop() ?? '';
      const assumedRoleId = `AROA${randomUUID().replace(/-/g, '').slice(0, 17).toUpperCase()}:${roleSessionName}`;
      send(res, 200, 'text/xml', `<AssumeRoleWithWebIdentityResponse xmlns="${STS_NS}">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>${xml(String(claims.sub ?? ''))}</SubjectFromWebIdentityToken>
    <Audience>${xml(String(claims.aud ?? ''))}</Audience>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::${xml(account)}:assumed-role/${xml(roleName)}/${xml(roleSessionName)}</Arn>
      <AssumedRoleId>${xml(assumedRoleId)}</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${xml(role.credentials.accessKeyId)}</AccessKeyId>
      <SecretAccessKey>${xml(role.credentials.secretAccessKey)}</SecretAccessKey>
      <SessionToken>${xml(sessionToken)}</SessionToken>
      <Expiration>${expiration}</Expiration>
    </Credentials>
    <Provider>${xml(String(claims.iss ?? ''))}</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata>
    <RequestId>${randomUUID()}</RequestId>
  </ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>
`);
    })().catch((error: unknown) => stsError(res, 500, 'InternalFailure', String(error)));
  });
  const url = await listen(server);
  return { url, calls, issuedSessionTokens, close: closer(server) };
}
