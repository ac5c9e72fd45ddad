// The procedural site: many users of every status, each tree with shares, comments, versions and a recycle bin,
// the same on every run; and the memory of a 100,000-document site, measured in its own process.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  DescribeCommentsCommand,
  DescribeDocumentVersionsCommand,
  DescribeResourcePermissionsCommand,
  paginateDescribeUsers,
  type User,
  type WorkDocsClient,
} from '@aws-sdk/client-workdocs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { client, listAll, streamMd5, walk } from './helpers.js';

const root = new URL('../../', import.meta.url).pathname;

describe('generateSite', () => {
  let emu: Emulator;
  let c: WorkDocsClient;
  let users: User[];

  beforeAll(async () => {
    emu = await startEmulator({ generateSite: { users: 12, documents: 600, seed: 'site-test', size: 64 } });
    c = client(emu.endpoint);
    users = [];
    for await (const p of paginateDescribeUsers({ client: c, pageSize: 5 }, { OrganizationId: emu.organizationId, Include: 'ALL' })) users.push(...(p.Users ?? []));
  });
  afterAll(async () => {
    c?.destroy();
    await emu?.close();
  });

  it('has users of every status, each with a root and a recycle bin, and documents spread over them', async () => {
    expect(users).toHaveLength(12);
    expect(users[0]!.Type).toBe('ADMIN');
    expect(users.filter((u) => u.Status === 'INACTIVE').map((u) => u.Username)).toEqual(['user-0010']);
    expect(users.filter((u) => u.Status === 'PENDING').map((u) => u.Username)).toEqual(['user-0011']);
    let total = 0;
    for (const u of users) {
      const docs = await walk(c, u.RootFolderId!);
      expect(docs.length).toBeGreaterThan(40);
      total += docs.length + (await listAll(c, u.RecycleBinFolderId!)).documents.length;
    }
    expect(total).toBe(600);
    expect(emu.control.info()).toMatchObject({ documents: 600 });
  });

  it('recycled documents are listed in their owner’s bin; versions, comments and shares exist and are served', async () => {
    const bin = await listAll(c, users[0]!.RecycleBinFolderId!);
    expect(bin.documents.length).toBeGreaterThan(0);
    expect(bin.documents.every((d) => d.ResourceState === 'RECYCLED')).toBe(true);
    const docs = await walk(c, users[0]!.RootFolderId!);
    let multi = 0;
    let commented = 0;
    for (const { doc } of docs) {
      const versions = (await c.send(new DescribeDocumentVersionsCommand({ DocumentId: doc.Id!, Fields: 'SOURCE' }))).DocumentVersions!;
      if (versions.length > 1) {
        multi++;
        const sigs = new Set(versions.map((v) => v.Signature));
        expect(sigs.size).toBe(versions.length);
        const dl = await streamMd5(versions.at(-1)!.Source!.ORIGINAL!);
        expect(dl.md5).toBe(versions.at(-1)!.Signature);
      }
      const comments = (await c.send(new DescribeCommentsCommand({ DocumentId: doc.Id!, VersionId: doc.LatestVersionMetadata!.Id! }))).Comments!;
      if (comments.length) {
        commented++;
        expect(comments[1]!.ParentId).toBe(comments[0]!.CommentId);
        expect(comments[0]!.Contributor?.Id).toBe(users[1]!.Id);
      }
    }
    expect(multi).toBeGreaterThan(0);
    expect(commented).toBeGreaterThan(0);
    const top = await listAll(c, users[0]!.RootFolderId!);
    const shared = await c.send(new DescribeResourcePermissionsCommand({ ResourceId: top.folders[0]!.Id! }));
    expect(shared.Principals!.some((p) => p.Id === users[1]!.Id && p.Roles?.[0]?.Role === 'CONTRIBUTOR')).toBe(true);
  });

  it('is the same on every run', async () => {
    const again = await startEmulator({ generateSite: { users: 12, documents: 600, seed: 'site-test', size: 64 } });
    try {
      for (const u of users) expect(again.control.manifest(u.RootFolderId!)).toEqual(emu.control.manifest(u.RootFolderId!));
      expect(again.store.activities().length).toBe(emu.store.activities().length);
    } finally {
      await again.close();
    }
  });
});

describe('a 100,000-document site of 200 users in its own process', { timeout: 120_000 }, () => {
  it('starts, serves the SDK, and its peak RSS stays under 400 MB', async () => {
    const started = Date.now();
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/emulator/index.ts', '--port', '0', '--generate-users', '200', '--generate-documents', '100000'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const info = JSON.parse(await new Promise<string>((resolve) => createInterface({ input: child.stdout! }).once('line', resolve))) as Record<string, string | number>;
      const startMs = Date.now() - started;
      expect(info['documents']).toBe(100_000);
      const c = client(info['endpoint'] as string);
      const users: User[] = [];
      for await (const p of paginateDescribeUsers({ client: c, pageSize: 999 }, { OrganizationId: info['organizationId'] as string, Include: 'ALL' })) users.push(...(p.Users ?? []));
      expect(users).toHaveLength(200);
      const listed = await walk(c, users[17]!.RootFolderId!);
      expect(listed.length).toBeGreaterThan(400);
      c.destroy();
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const peakKb = Number(/VmHWM:\s+(\d+)/.exec(status)![1]);
      console.log(`site generator: 200 users, 100,000 documents: started in ${startMs} ms, peak RSS ${Math.round(peakKb / 1024)} MiB`);
      expect(peakKb * 1024).toBeLessThan(400 * 1024 * 1024);
    } finally {
      child.kill('SIGTERM');
    }
  });
});
