// The metadata index (issue 20, Context): the emulator's site fixture (alice's tree: Team shared with a group and
// bob, plan.md with three versions, comment threads with a private reply, labels and custom metadata, budget.xlsx
// owned by bob, Public shared by link) over HTTP with the real SDK, the real S3 server, and the CLI. What the index
// holds, what a run asks WorkDocs and S3, sidecars beside the mirror, failures that lose nothing.
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getObjectBytes, listAllKeys } from '../helpers/s3.js';
import { bucketState, expectExactMirror, nonZero, s3Writes, startScenario, type Scenario } from '../helpers/scenario.js';

const INDEX = 'ctx/.workdocs-s3-sync/index/';
const DOCUMENTS = ['Team/Public/flyer.pdf', 'Team/budget.xlsx', 'Team/plan.md', 'welcome.txt'];

interface Row { readonly [column: string]: string }

/** A CSV as the index writes it (BOM, header, RFC 4180 quoting, CRLF) parsed back into rows by column name. */
function parseCsv(text: string): Row[] {
  expect(text.startsWith('\uFEFF')).toBe(true);
  const records: string[][] = [];
  let field = '';
  let row: string[] = [];
  let quoted = false;
  const body = text.slice(1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\r' && body[i + 1] === '\n') { row.push(field); records.push(row); row = []; field = ''; i++; } else field += c;
  }
  expect(field).toBe('');
  const [header, ...rows] = records;
  return rows.map((cells) => Object.fromEntries(header!.map((name, i) => [name, cells[i] ?? ''])));
}

async function readIndex(scn: Scenario, prefix = 'ctx/'): Promise<{ documents: Row[]; folders: Row[]; comments: Row[]; permissions: Row[]; jsonl: Record<string, unknown>[]; records: string[]; state: string[] }> {
  const read = async (name: string): Promise<Buffer> => getObjectBytes(scn.bucket.client, scn.bucket.bucket, `${prefix}.workdocs-s3-sync/index/${name}`);
  const lines = (await read('index.jsonl')).toString('utf8').split('\n').filter(Boolean);
  return {
    documents: parseCsv((await read('documents.csv')).toString('utf8')),
    folders: parseCsv((await read('folders.csv')).toString('utf8')),
    comments: parseCsv((await read('comments.csv')).toString('utf8')),
    permissions: parseCsv((await read('permissions.csv')).toString('utf8')),
    jsonl: lines.map((l) => JSON.parse(l) as Record<string, unknown>),
    records: gunzipSync(await read('records.jsonl.gz')).toString('utf8').split('\n').filter(Boolean),
    state: gunzipSync(await read('state.jsonl.gz')).toString('utf8').split('\n').filter(Boolean),
  };
}

describe('metadata: index', () => {
  let scn: Scenario;
  let ids: Record<string, string>;
  const run = (args: string[] = []) => scn.run(['--s3_prefix', 'ctx/', '--metadata', 'index', ...args]);

  beforeAll(async () => {
    scn = await startScenario({ fixture: 'site' }, 'metadata');
    ids = Object.fromEntries(scn.emulator.control.users().map((u) => [u.username, u.id]));
  });
  afterAll(async () => scn?.close());

  it('the first run writes the index: one row per document, comment and role, as the fixture has them', async () => {
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    await expectExactMirror(scn, 'ctx/');
    const keys = await listAllKeys(scn.bucket.client, scn.bucket.bucket, INDEX);
    expect(keys.sort()).toEqual(['comments.csv', 'documents.csv', 'folders.csv', 'index.jsonl', 'permissions.csv', 'records.jsonl.gz', 'state.jsonl.gz'].map((f) => INDEX + f));
    // Per document: DescribeComments, DescribeResourcePermissions, GetDocument, GetDocumentVersion (and its download's);
    // per folder (Team, Public): DescribeResourcePermissions and GetFolder.
    expect(r.workdocs).toMatchObject({ DescribeComments: 4, DescribeResourcePermissions: 6, GetDocument: 4, GetDocumentVersion: 8, GetFolder: 1 + 2 });

    const index = await readIndex(scn);
    expect(index.documents.map((d) => d.path).sort()).toEqual(DOCUMENTS);
    const plan = index.documents.find((d) => d.path === 'Team/plan.md')!;
    const planItem = scn.emulator.control.manifest().find((m) => m.path.join('/') === 'Team/plan.md')!;
    expect(plan).toMatchObject({
      key: 'ctx/Team/plan.md', document_id: planItem.documentId, version_id: planItem.versionId, size: String(planItem.size), md5: planItem.md5,
      creator_id: ids['alice'], owner_id: ids['alice'], labels: 'important;q2', custom_metadata: '{"project":"apollo","reviewed":"yes"}',
      version_custom_metadata: '{"approved":"yes"}', comments: '4', complete: 'true',
    });
    expect(index.documents.find((d) => d.path === 'Team/budget.xlsx')).toMatchObject({ owner_id: ids['bob'], comments: '0' });

    // Comments of the stored (third) version: two threads, a reply, and the private reply with its recipient.
    const comments = index.comments.filter((c) => c.document_id === planItem.documentId);
    expect(comments.map((c) => [c.author_name, c.text, c.visibility])).toEqual([
      ['bob', 'Ship it.', 'PUBLIC'],
      ['alice', 'Shipping.', 'PUBLIC'],
      ['bob', 'Only between us: check the budget.', 'PRIVATE'],
      ['carol', 'Second thread.', 'PUBLIC'],
    ]);
    const [ship, shipping, secret, second] = comments;
    expect(shipping).toMatchObject({ thread_id: ship!.comment_id, parent_id: ship!.comment_id, version_id: planItem.versionId });
    expect(secret).toMatchObject({ thread_id: ship!.comment_id, author_id: ids['bob'] });
    expect(second).toMatchObject({ thread_id: second!.comment_id, parent_id: '' });

    // Permissions: Team's own shares are direct, inherited below it; the link on Public; bob owns budget.xlsx.
    const roles = (path: string) => index.permissions.filter((p) => p.path === path).map((p) => `${p.principal_type} ${p.principal_name || p.principal_id} ${p.role} ${p.inherited === 'true' ? 'inherited' : 'direct'}`).sort();
    expect(roles('Team')).toEqual(expect.arrayContaining([`GROUP ${index.permissions.find((p) => p.principal_type === 'GROUP')!.principal_id} VIEWER direct`, 'USER bob COOWNER direct']));
    expect(roles('Team/plan.md')).toEqual(expect.arrayContaining(['USER bob COOWNER inherited', `USER alice OWNER inherited`]));
    expect(roles('Team/Public')).toEqual(expect.arrayContaining(['ANONYMOUS anonymous VIEWER direct']));
    expect(roles('Team/budget.xlsx')).toEqual(expect.arrayContaining(['USER bob OWNER direct']));
    expect(index.folders.find((f) => f.path === 'Team')).toMatchObject({ labels: 'shared', custom_metadata: '{"department":"engineering"}', key: 'ctx/Team/' });

    // The same data for machines; the records a writing run carries over (a header, then the very same lines); and
    // the short state the next run reads: one line per record, by identity.
    expect(index.jsonl.find((j) => j['path'] === 'Team/plan.md')).toMatchObject({ type: 'document', comments: expect.arrayContaining([expect.objectContaining({ text: 'Ship it.' })]) });
    expect(JSON.parse(index.records[0]!)).toMatchObject({ format: 'workdocs-s3-sync/context-state', metadata: 'index', documents: 4, folders: 2 });
    expect(index.records.slice(1)).toEqual(index.jsonl.map((j) => JSON.stringify(j)));
    expect(index.state[0]).toBe(index.records[0]);
    expect(index.state.slice(1).map((l) => (JSON.parse(l) as string[])[0])).toEqual(index.jsonl.map((j) => j['id']));
  });

  it('a no-op resync asks WorkDocs for listing pages only, and S3 for one LIST and two GETs (manifest, index state)', async () => {
    const r = await run();
    expect(r.code).toBe(0);
    expect(r.report.changed).toBe(false);
    expect(nonZero(r.workdocs)).toEqual({ GetFolder: 1, DescribeFolderContents: 3 });
    expect(nonZero(r.s3)).toEqual({ ListObjectsV2: 1, GetObject: 2 });
  });

  it('a new version with a comment: only that document is asked about, and its new comment is in the index', async () => {
    const plan = scn.emulator.control.lookup(['Team', 'plan.md'])!;
    const { versionId } = scn.emulator.control.addVersion(plan, { content: '# Plan\n\nv4\n' });
    scn.emulator.control.addComment({ documentId: plan, versionId, text: '=HYPERLINK("http://evil")\nsecond line', contributor: 'bob' });
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    expect(r.workdocs).toMatchObject({ DescribeComments: 1, DescribeResourcePermissions: 1, GetDocument: 1 });
    const index = await readIndex(scn);
    const rows = index.comments.filter((c) => c.document_id === plan);
    // The comments of the stored version: the new one only (the old version's are no longer the stored version's).
    expect(rows).toEqual([expect.objectContaining({ version_id: versionId, author_name: 'bob', text: '\'=HYPERLINK("http://evil")\nsecond line' })]);
    expect(index.documents.find((d) => d.document_id === plan)).toMatchObject({ version_id: versionId, comments: '1', labels: 'important;q2' });
  });

  it('a comment on a version already stored is not seen without metadata_refresh, and is with it; a refresh that finds nothing writes nothing', async () => {
    const welcome = scn.emulator.control.lookup(['welcome.txt'])!;
    scn.emulator.control.addComment({ documentId: welcome, text: 'Hello, new person.', contributor: 'alice' });
    const quiet = await run();
    expect(nonZero(quiet.s3)).toEqual({ ListObjectsV2: 1, GetObject: 2 });

    const refresh = await run(['--metadata_refresh', 'true']);
    expect(refresh.code, refresh.stderr).toBe(0);
    expect(refresh.workdocs).toMatchObject({ DescribeComments: 4, DescribeResourcePermissions: 6 });
    expect((await readIndex(scn)).comments.filter((c) => c.document_id === welcome).map((c) => c.text)).toEqual(['Hello, new person.']);

    const before = await bucketState(scn.bucket.client, scn.bucket.bucket);
    const again = await run(['--metadata_refresh', 'true']);
    expect(again.code).toBe(0);
    expect(again.workdocs).toMatchObject({ DescribeComments: 4 });
    expect(s3Writes(again.s3)).toEqual({});
    expect(await bucketState(scn.bucket.client, scn.bucket.bucket)).toEqual(before);
  });

  it('a DescribeComments that fails after retries: exit 1, the index keeps the previous rows, and the next run reads it again', async () => {
    const welcome = scn.emulator.control.lookup(['welcome.txt'])!;
    const { versionId } = scn.emulator.control.addVersion(welcome, { content: 'Welcome, second edition.\n' });
    scn.emulator.control.addFault({ op: 'DescribeComments', documentId: welcome, kind: 'error', status: 500 });
    const failed = await run();
    expect(failed.code).toBe(1);
    expect(failed.report.items.filter((i) => i.outcome === 'failed')).toEqual([
      expect.objectContaining({ action: 'metadata', key: 'ctx/welcome.txt', reason: 'context', documentId: welcome }),
    ]);
    let index = await readIndex(scn);
    // The object was mirrored; its record has the new version, the comments last read, and says it is incomplete.
    expect(index.documents.find((d) => d.document_id === welcome)).toMatchObject({ version_id: versionId, complete: 'false' });
    expect(index.comments.filter((c) => c.document_id === welcome).map((c) => c.text)).toEqual(['Hello, new person.']);
    expect(index.documents.map((d) => d.path).sort()).toEqual(DOCUMENTS);
    expect(index.comments.length).toBeGreaterThan(1);

    scn.emulator.control.clearFaults();
    const healed = await run();
    expect(healed.code, healed.stderr).toBe(0);
    expect(healed.workdocs).toMatchObject({ DescribeComments: 1 });
    index = await readIndex(scn);
    expect(index.documents.find((d) => d.document_id === welcome)).toMatchObject({ version_id: versionId, complete: 'true', comments: '0' });
  });

  it('a dry run reads the state only, asks WorkDocs nothing for context, writes nothing and says what it would do', async () => {
    scn.emulator.control.addDocument({ parentId: scn.emulator.rootFolderId, name: 'later.txt', content: 'later' });
    const before = await bucketState(scn.bucket.client, scn.bucket.bucket);
    const r = await run(['--dry_run', 'true']);
    expect(r.code).toBe(0);
    expect(nonZero(r.workdocs)).toEqual({ GetFolder: 1, DescribeFolderContents: 3 });
    expect(nonZero(r.s3)).toEqual({ ListObjectsV2: 1, GetObject: 2 });
    expect(r.log).toMatch(/would read the context of 1 item/);
    expect(r.log).toMatch(/would write the metadata index/);
    expect(await bucketState(scn.bucket.client, scn.bucket.bucket)).toEqual(before);
  });

  it('metadata none: asks nothing, writes no index, and leaves the earlier index as it is', async () => {
    const indexBefore = (await bucketState(scn.bucket.client, scn.bucket.bucket)).filter((k) => k.startsWith(INDEX));
    const r = await scn.run(['--s3_prefix', 'ctx/', '--metadata', 'none']);
    expect(r.code, r.stderr).toBe(0);
    expect(nonZero(r.workdocs)).not.toHaveProperty('DescribeComments');
    expect(nonZero(r.workdocs)).not.toHaveProperty('DescribeResourcePermissions');
    expect((await bucketState(scn.bucket.client, scn.bucket.bucket)).filter((k) => k.startsWith(INDEX))).toEqual(indexBefore);
    const fresh = await scn.run(['--s3_prefix', 'none/', '--metadata', 'none']);
    expect(fresh.code).toBe(0);
    expect((await listAllKeys(scn.bucket.client, scn.bucket.bucket, 'none/')).filter((k) => k.includes('/index/') || k.includes('.metadata/'))).toEqual([]);
  });
});

describe('metadata: a key that changes hands', () => {
  let scn: Scenario;
  const run = () => scn.run(['--s3_prefix', 'hands/', '--metadata', 'sidecars']);
  beforeAll(async () => { scn = await startScenario({ fixture: 'site' }, 'metadata-hands'); });
  afterAll(async () => scn?.close());

  it('a document deleted and another created under its name: the key is in the index once, the new one\'s, and so is its sidecar', async () => {
    expect((await run()).code).toBe(0);
    const team = scn.emulator.control.lookup(['Team'])!;
    scn.emulator.control.delete(scn.emulator.control.lookup(['Team', 'budget.xlsx'])!);
    const { id } = scn.emulator.control.addDocument({ parentId: team, name: 'budget.xlsx', content: 'budget, new' });
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    const rows = (await readIndex(scn, 'hands/')).documents.filter((d) => d.key === 'hands/Team/budget.xlsx');
    expect(rows.map((d) => d.document_id)).toEqual([id]);
    const sidecar = JSON.parse((await getObjectBytes(scn.bucket.client, scn.bucket.bucket, 'hands/.metadata/Team/budget.xlsx.json')).toString('utf8')) as { id: string };
    expect(sidecar.id).toBe(id);
  });
});

describe('metadata: sidecars', () => {
  let scn: Scenario;
  const run = (args: string[] = []) => scn.run(['--s3_prefix', 'side/', '--metadata', 'sidecars', ...args]);
  const sidecars = async () => (await listAllKeys(scn.bucket.client, scn.bucket.bucket, 'side/.metadata/')).sort();

  beforeAll(async () => { scn = await startScenario({ fixture: 'site' }, 'sidecars'); });
  afterAll(async () => scn?.close());

  it('one JSON object per document beside the mirror, equal to its index line; never planned, never foreign', async () => {
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    expect(await sidecars()).toEqual(DOCUMENTS.map((p) => `side/.metadata/${p}.json`).sort());
    const index = await readIndex(scn, 'side/');
    const plan = JSON.parse((await getObjectBytes(scn.bucket.client, scn.bucket.bucket, 'side/.metadata/Team/plan.md.json')).toString('utf8')) as Record<string, unknown>;
    expect(plan).toEqual(index.jsonl.find((j) => j['path'] === 'Team/plan.md'));
    await expectExactMirror(scn, 'side/');

    const again = await run();
    expect(again.report.changed).toBe(false);
    expect(again.report.foreign).toBeUndefined();
    expect(nonZero(again.s3)).toEqual({ ListObjectsV2: 1, GetObject: 2 });
  });

  it('a rename writes the sidecar at the new key and removes the old; a deleted document\'s sidecar goes with it', async () => {
    scn.emulator.control.rename(scn.emulator.control.lookup(['welcome.txt'])!, 'hello.txt');
    scn.emulator.control.delete(scn.emulator.control.lookup(['Team', 'budget.xlsx'])!);
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    expect(await sidecars()).toEqual(['Team/Public/flyer.pdf', 'Team/plan.md', 'hello.txt'].map((p) => `side/.metadata/${p}.json`).sort());
    expect(r.report.items.filter((i) => i.action === 'metadata' && i.reason !== 'index' && i.reason !== 'state').map((i) => `${i.reason} ${i.key}`).sort()).toEqual([
      'sidecar side/.metadata/hello.txt.json',
      'sidecar-removed side/.metadata/Team/budget.xlsx.json',
      'sidecar-removed side/.metadata/welcome.txt.json',
    ]);
    expect((await readIndex(scn, 'side/')).documents.map((d) => d.path).sort()).toEqual(['Team/Public/flyer.pdf', 'Team/plan.md', 'hello.txt']);
  });

  it('a delete refused by max_delete keeps the document\'s record and sidecar, like its object', async () => {
    scn.emulator.control.delete(scn.emulator.control.lookup(['hello.txt'])!);
    const r = await run(['--max_delete', '0']);
    expect(r.code).toBe(1);
    expect(await sidecars()).toContain('side/.metadata/hello.txt.json');
    expect((await readIndex(scn, 'side/')).documents.map((d) => d.path)).toContain('hello.txt');
  });

  it('switching back to index removes the sidecars', async () => {
    const r = await scn.run(['--s3_prefix', 'side/', '--metadata', 'index', '--max_delete', '100%']);
    expect(r.code, r.stderr).toBe(0);
    expect(await sidecars()).toEqual([]);
  });
});

describe('metadata with versions: all', () => {
  let scn: Scenario;
  const run = (args: string[] = []) => scn.run(['--s3_prefix', 'all/', '--versions', 'all', '--metadata', 'index', ...args]);

  beforeAll(async () => { scn = await startScenario({ fixture: 'site' }, 'metadata-versions'); });
  afterAll(async () => scn?.close());

  it('one documents.csv row per stored version: the older ones under the history area, with their own comments', async () => {
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    const index = await readIndex(scn, 'all/');
    const plan = index.documents.filter((d) => d.path === 'Team/plan.md');
    expect(plan.map((d) => d.latest).sort()).toEqual(['false', 'false', 'true']);
    for (const older of plan.filter((d) => d.latest === 'false')) {
      expect(older.key?.startsWith('all/.history/Team/plan.md/')).toBe(true);
      expect(older).toMatchObject({ comments: '0', owner_id: '' });
    }
    expect(plan.find((d) => d.latest === 'true')).toMatchObject({ key: 'all/Team/plan.md', comments: '4' });
    expect(index.documents).toHaveLength(6);
  });

  it('a no-op resync stays at listing pages, one LIST and two GETs', async () => {
    const r = await run();
    expect(r.code).toBe(0);
    expect(nonZero(r.s3)).toEqual({ ListObjectsV2: 1, GetObject: 2 });
    expect(nonZero(r.workdocs)).toEqual({ GetFolder: 1, DescribeFolderContents: 3 });
  });

  it('a new version: the previous latest becomes an older version, keeping its comments', async () => {
    const plan = scn.emulator.control.lookup(['Team', 'plan.md'])!;
    const before = (await readIndex(scn, 'all/')).documents.find((d) => d.path === 'Team/plan.md' && d.latest === 'true')!;
    scn.emulator.control.addVersion(plan, { content: '# Plan\n\nv4\n' });
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    const index = await readIndex(scn, 'all/');
    const rows = index.documents.filter((d) => d.path === 'Team/plan.md');
    expect(rows).toHaveLength(4);
    expect(rows.find((d) => d.version_id === before.version_id)).toMatchObject({ latest: 'false', comments: '4' });
    expect(index.comments.filter((c) => c.version_id === before.version_id)).toHaveLength(4);
  });
});

describe('metadata in a scaled-out run (plan → shards → finalize)', () => {
  let scn: Scenario;
  beforeAll(async () => { scn = await startScenario({ fixture: 'site' }, 'metadata-scale'); });
  afterAll(async () => scn?.close());

  it('finalize writes the same index as one sync run', async () => {
    const scaled = (args: string[]) => scn.run(['--s3_prefix', 'scaled/', '--metadata', 'index', '--run_id', 'm1', ...args]);
    expect((await scaled(['--mode', 'plan', '--shard_count', '2'])).code).toBe(0);
    for (const shard of ['0', '1']) expect((await scaled(['--mode', 'shard', '--shard_index', shard])).code).toBe(0);
    const finalized = await scaled(['--mode', 'finalize']);
    expect(finalized.code, finalized.stderr).toBe(0);
    const direct = await scn.run(['--s3_prefix', 'direct/', '--metadata', 'index']);
    expect(direct.code).toBe(0);
    const [a, b] = [await readIndex(scn, 'scaled/'), await readIndex(scn, 'direct/')];
    const strip = (rows: Row[]) => rows.map((r) => ({ ...r, key: r.key?.replace(/^(scaled|direct)\//, '') })).sort((x, y) => (x.key! < y.key! ? -1 : 1));
    expect(strip(a.documents)).toEqual(strip(b.documents));
    expect(strip(a.folders)).toEqual(strip(b.folders));
    expect(a.comments).toHaveLength(b.comments.length);
    expect(a.permissions).toHaveLength(b.permissions.length);
  });
});

describe('metadata in a site export driven by activities', () => {
  let scn: Scenario;
  const run = (args: string[] = []) => scn.run(['--workdocs_folder_id', '', '--workdocs_organization_id', scn.emulator.organizationId, '--s3_prefix', 'site/',
    '--metadata', 'index', '--incremental', 'auto', ...args]);

  beforeAll(async () => { scn = await startScenario({ fixture: 'site' }, 'metadata-site'); });
  afterAll(async () => scn?.close());

  it('names users in permissions, and reads again only what a comment or share activity touched', async () => {
    const first = await run();
    expect(first.code, first.stderr).toBe(0);
    let index = await readIndex(scn, 'site/');
    expect(index.permissions.find((p) => p.path === 'bob/Designs' && p.role === 'CONTRIBUTOR')).toMatchObject({ principal_name: 'alice', inherited: 'false' });

    // A comment on the stored version of bob's bridge.txt: no new version, only an activity says so.
    const bridge = scn.emulator.control.lookup(['Designs', 'bridge.txt'], scn.emulator.control.users().find((u) => u.username === 'bob')!.rootFolderId)!;
    scn.emulator.control.addComment({ documentId: bridge, text: 'Approved, build it.', contributor: 'alice' });
    const next = await run();
    expect(next.code, next.stderr).toBe(0);
    expect(next.log).not.toMatch(/listing everything|full listing/i);
    expect(nonZero(next.workdocs)).toMatchObject({ DescribeComments: 1, DescribeResourcePermissions: 1 });
    index = await readIndex(scn, 'site/');
    expect(index.comments.filter((c) => c.document_id === bridge).map((c) => c.text)).toContain('Approved, build it.');
  });
});
