// Vitest global setup: start the real S3-compatible server (or reuse a running one) and hand its
// address and credentials to the tests; stop it afterwards only if this run started it and no other
// test run (which registered itself with `start --hold PID`) is still using it.
import { execFileSync } from 'node:child_process';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    s3: { endpoint: string; accessKeyId: string; secretAccessKey: string; region: string };
  }
}

const script = new URL('../../scripts/s3-server.sh', import.meta.url).pathname;

function isUp(): boolean {
  try {
    execFileSync('bash', [script, 'status'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export default function setup(project: TestProject): () => void {
  const wasUp = isUp();
  const holder = String(process.pid);
  const out = execFileSync('bash', [script, 'start', '--hold', holder], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const env = Object.fromEntries(
    out.split('\n').filter((l) => l.includes('=')).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
  if (!env.AWS_ENDPOINT_URL_S3 || !env.AWS_ACCESS_KEY_ID || !env.AWS_SECRET_ACCESS_KEY) {
    throw new Error(`scripts/s3-server.sh start printed no AWS_* lines:\n${out}`);
  }
  project.provide('s3', {
    endpoint: env.AWS_ENDPOINT_URL_S3,
    accessKeyId: env.AWS_ACCESS_KEY_ID,
    secretAccessKey: env.AWS_SECRET_ACCESS_KEY,
    region: env.AWS_REGION ?? 'us-east-1',
  });
  return () => {
    // Stops only if no other live holder remains; a reused server is left running (its starter stops it).
    if (!wasUp) execFileSync('bash', [script, 'stop', '--release', holder], { stdio: 'inherit' });
  };
}
