// The CLI prints its JSON line first, serves the SDK, and stops cleanly on SIGTERM.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { DescribeUsersCommand, GetFolderCommand } from '@aws-sdk/client-workdocs';
import { describe, expect, it } from 'vitest';
import { parseCli } from '../../src/emulator/cli.js';
import { client, listAll } from './helpers.js';

const root = new URL('../../', import.meta.url).pathname;

function startCli(args: string[]): Promise<{ info: Record<string, unknown>; stop: () => Promise<number | null> }> {
  const child = spawn(`${root}node_modules/.bin/tsx`, ['src/emulator/index.ts', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once('line', (line) => {
      resolve({
        info: JSON.parse(line) as Record<string, unknown>,
        stop: () =>
          new Promise((r) => {
            child.once('exit', (code) => r(code));
            child.kill('SIGTERM');
          }),
      });
    });
    child.once('exit', (code) => reject(new Error(`CLI exited ${code}: ${stderr}`)));
  });
}

describe('workdocs-emulator CLI', () => {
  it('--fixture sample: prints endpoint and rootFolderId first, then serves', async () => {
    const { info, stop } = await startCli(['--port', '0', '--fixture', 'sample']);
    try {
      expect(info['endpoint']).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(info['rootFolderId']).toMatch(/^[0-9a-f]{64}$/);
      expect(info['organizationId']).toBe('d-92672a1b3c');
      const c = client(info['endpoint'] as string);
      const r = await c.send(new GetFolderCommand({ FolderId: info['rootFolderId'] as string }));
      expect(r.Metadata?.Name).toBe('Team Share');
      c.destroy();
    } finally {
      expect(await stop()).toBe(0);
    }
  });

  it('--generate-folders/--generate-documents builds a procedural tree', async () => {
    const { info, stop } = await startCli(['--port', '0', '--generate-folders', '5', '--generate-documents', '50', '--seed', 's', '--size', '100']);
    try {
      expect(info['documents']).toBe(50);
      expect(info['folders']).toBe(6);
      const c = client(info['endpoint'] as string);
      const r = await listAll(c, info['rootFolderId'] as string);
      expect(r.folders).toHaveLength(5);
      c.destroy();
    } finally {
      await stop();
    }
  });

  it('--fixture site: the first line carries organizationId, and DescribeUsers answers every user of the site', async () => {
    const { info, stop } = await startCli(['--port', '0', '--fixture', 'site']);
    try {
      expect(info['organizationId']).toBe('d-5173a0e9c2');
      expect(info['rootFolderId']).toMatch(/^[0-9a-f]{64}$/);
      const c = client(info['endpoint'] as string);
      const r = await c.send(new DescribeUsersCommand({ OrganizationId: info['organizationId'] as string, Include: 'ALL' }));
      expect(r.Users?.map((u) => `${u.Username}:${u.Status}`)).toEqual(['alice:ACTIVE', 'bob:ACTIVE', 'carol:INACTIVE', 'dave:PENDING']);
      c.destroy();
    } finally {
      expect(await stop()).toBe(0);
    }
  });

  it('parses options', () => {
    expect(parseCli(['--help'])).toBeUndefined();
    expect(parseCli(['--port', '8080', '--url-ttl', '60', '--host', '0.0.0.0'])).toEqual({ port: 8080, host: '0.0.0.0', fixture: 'sample', urlTtlSeconds: 60 });
    expect(parseCli(['--access-key-id', 'a', '--secret-access-key', 'b'])?.credentials).toEqual({ accessKeyId: 'a', secretAccessKey: 'b' });
    expect(() => parseCli(['--bogus'])).toThrow();
    expect(() => parseCli(['--port', 'x'])).toThrow();
    expect(parseCli(['--generate-users', '200', '--generate-documents', '100000', '--seed', 's'])?.generateSite).toEqual({ users: 200, documents: 100_000, seed: 's' });
    expect(() => parseCli(['--generate-users', '2', '--generate-folders', '3'])).toThrow(/do not go together/);
  });
});
