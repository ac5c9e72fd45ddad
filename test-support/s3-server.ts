/**
 * Starts the local S3-compatible server (scripts/s3-server.sh: OpenStack Swift + s3api), or reuses a running
 * one, and returns its address and credentials. Shared by the test setup, the demo and the benchmarks.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface S3Server {
  readonly endpoint: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly region: string;
}

export const S3_SERVER_SCRIPT = fileURLToPath(new URL('../scripts/s3-server.sh', import.meta.url));

/** `hold`: register this pid as a user, so another run's `stop --release` leaves the server up while we need it. */
export function startS3Server(options: { hold?: number } = {}): S3Server {
  const args = [S3_SERVER_SCRIPT, 'start', ...(options.hold !== undefined ? ['--hold', String(options.hold)] : [])];
  const out = execFileSync('bash', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const env = Object.fromEntries(out.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  if (!env.AWS_ENDPOINT_URL_S3 || !env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) {
    throw new Error(`scripts/s3-server.sh start printed no AWS_* lines:\n${out}`);
  }
  return { endpoint: env.AWS_ENDPOINT_URL_S3, accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY, region: env.AWS_REGION ?? 'us-east-1' };
}

export function s3ServerIsUp(): boolean {
  try {
    execFileSync('bash', [S3_SERVER_SCRIPT, 'status'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export function stopS3Server(options: { release?: number } = {}): void {
  execFileSync('bash', [S3_SERVER_SCRIPT, 'stop', ...(options.release !== undefined ? ['--release', String(options.release)] : [])], { stdio: 'inherit' });
}
