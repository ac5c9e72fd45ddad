// Vitest global setup: start the real S3-compatible server (or reuse a running one) and hand its
// address and credentials to the tests; stop it afterwards only if this run started it and no other
// test run (which registered itself with `start --hold PID`) is still using it.
import type { TestProject } from 'vitest/node';
import { s3ServerIsUp, startS3Server, stopS3Server, type S3Server } from '../../test-support/s3-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    s3: S3Server;
  }
}

export default function setup(project: TestProject): () => void {
  const wasUp = s3ServerIsUp();
  project.provide('s3', startS3Server({ hold: process.pid }));
  return () => {
    // Stops only if no other live holder remains; a reused server is left running (its starter stops it).
    if (!wasUp) stopS3Server({ release: process.pid });
  };
}
