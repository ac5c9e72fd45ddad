// `tsx bench/shards.ts [--quick] [options]`: the scale-out modes (plan → N shard processes at once → finalize)
// timed for N = 1, 2, 4 on one tree, each phase a CLI process the way a matrix job runs it. Generates the tree
// once in the WorkDocs emulator (its own process), mirrors it with every N into its own prefix of a dedicated
// bucket on the local S3 server, checks that every process exited 0 and that every N left the same objects
// (keys and ETags, the tool's `.workdocs-s3-sync/` area excluded), and writes bench/results/shards.{json,md}.
//
// The Ns are interleaved within each repeat (1, 2, 4, 1, 2, 4, …) so slow drift of a noisy machine hits
// them alike; medians are reported. Times include each process's start-up (tsx, module loading): on a
// runner that is part of every job too, next to the job's own start-up.
import { startS3Server } from '../test-support/s3-server.js';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { paginateListObjectsV2, type S3Client } from '@aws-sdk/client-s3';
import { startEmulatorProcess, type EmulatorProcess, type GenerateFlags } from './lib/emulator.js';
import { cpuMsOf, machineBusyMs, pidsMatching, totalCpuMs } from './lib/proc.js';
import { median } from './lib/report.js';
import { adminClient, createBucket, deleteBucket, emptyPrefix, type S3Target } from './lib/s3.js';

const HELP = `Usage: tsx bench/shards.ts [options]

  --quick                 ~600 documents of 4–64 KiB in ~60 folders + 4 × 8 MiB (a few minutes here)
                          (default: 2,400 documents of 4–64 KiB in ~240 folders + 16 × 8 MiB)
  --shards LIST           comma-separated shard counts (default 1,2,4; the first is the baseline)
  --repeats N             runs per shard count, interleaved (default 2); medians are reported
  --max-workers N         max_workers of every process (default: the tool's default)
  --out DIR               results directory (default bench/results)
  --keep-bucket           do not delete the benchmark bucket at the end
  -h, --help
`;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsx = path.join(repoRoot, 'node_modules', '.bin', 'tsx');
const cli = path.join(repoRoot, 'src', 'cli', 'index.ts');
// The CLI processes run on the project's Node (the `node` devDependency in node_modules/.bin), as under npm run.
const childPath = [path.join(repoRoot, 'node_modules', '.bin'), process.env.PATH ?? ''].join(path.delimiter);
const MiB = 1024 * 1024;
const TOOL_AREA = '.workdocs-s3-sync/';

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    shards: { type: 'string', default: '1,2,4' },
    repeats: { type: 'string', default: '2' },
    'max-workers': { type: 'string' },
    out: { type: 'string' },
    'keep-bucket': { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (flags.help) {
  process.stdout.write(HELP);
  process.exit(0);
}

const quick = flags.quick!;
const shardCounts = flags.shards!.split(',').map((s) => Number(s.trim()));
if (shardCounts.length === 0 || shardCounts.some((n) => !Number.isInteger(n) || n < 1 || n > 256)) {
  process.stderr.write(`--shards: expected a list of integers 1–256, got ${flags.shards}\n`);
  process.exit(2);
}
const repeats = Number(flags.repeats);
if (!Number.isInteger(repeats) || repeats < 1) {
  process.stderr.write(`--repeats: expected an integer ≥ 1, got ${flags.repeats}\n`);
  process.exit(2);
}
const outDir = path.resolve(flags.out ?? path.join(repoRoot, 'bench', 'results'));

const TREE = {
  description: quick ? '600 documents of 4–64 KiB in 60 folders, 4 × 8 MiB' : '2,400 documents of 4–64 KiB in 240 folders, 16 × 8 MiB',
  generate: { folders: quick ? 60 : 240, documents: quick ? 600 : 2400, seed: 23, minSize: 4 * 1024, maxSize: 64 * 1024, fanout: 10 } satisfies GenerateFlags,
  large: Array.from({ length: quick ? 4 : 16 }, () => 8 * MiB),
};

function log(text: string): void {
  process.stderr.write(`[shards ${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}

function s3Target(): S3Target {
  if (process.env.BENCH_S3_ENDPOINT) {
    return { endpoint: process.env.BENCH_S3_ENDPOINT, accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? 'test:tester', secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? 'testing' };
  }
  // Starts the server or reuses a running one; holding it keeps other test runs from stopping it under us.
  return startS3Server({ hold: process.pid });
}

interface ProcResult {
  readonly args: string[];
  readonly code: number;
  readonly wallMs: number;
  readonly output: string;
  /** The report file the process wrote (absent when it wrote none). */
  readonly report?: { exitCode: number; totals: Record<string, number>; fatal?: string; deletesBlocked?: string };
}

interface PhaseTiming {
  readonly wallMs: number;
  readonly emulatorCpuMs: number;
  readonly s3ServerCpuMs: number;
  /** Busy CPU of the whole machine (all cores) during the phase. */
  readonly machineBusyMs: number;
  /** WorkDocs requests during the phase (the emulator's counters). */
  readonly workdocsRequests: number;
}

interface ShardRun {
  readonly shards: number;
  readonly repeat: number;
  readonly runId: string;
  readonly plan: PhaseTiming;
  readonly shardPhase: PhaseTiming & { readonly perShardMs: number[] };
  readonly finalize: PhaseTiming;
  readonly totalMs: number;
  /** Sums over the shard processes' reports. */
  readonly uploaded: number;
  readonly markers: number;
  readonly bytes: number;
  readonly exitCodes: { plan: number; shards: number[]; finalize: number };
  readonly objects: number;
  readonly sameAsBaseline: boolean;
  readonly runFilesLeft: number;
}

interface ShardsResults {
  date: string;
  mode: 'quick' | 'full';
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; s3Server: string };
  tree: { description: string; documents: number; folders: number; bytes: number };
  settings: { shardCounts: number[]; repeats: number; maxWorkers: string };
  /** Wall time of `tsx src/cli/index.ts --version`: the start-up every process pays. */
  cliStartupMs: number;
  runs: ShardRun[];
  summary: SummaryRow[];
  ok: boolean;
  problems: string[];
}

interface SummaryRow {
  shards: number;
  runs: number;
  planS: number;
  shardsS: number;
  finalizeS: number;
  totalS: number;
  shardSpeedup: number;
  totalSpeedup: number;
  s3ServerCpuS: number;
  machineBusyPct: number;
}

const s3 = s3Target();
const s3ServerNeedle = `${(process.env.S3_SERVER_DIR ?? '/tmp/s3-server').replace(/\/$/, '')}/etc/`;
const admin = adminClient(s3);
const bucket = `bench-shards-${Date.now()}`;
const scratch = mkdtempSync(path.join(os.tmpdir(), 'wds-shards-'));
const cpus = os.cpus().length;
mkdirSync(outDir, { recursive: true });

/** One CLI process, the way a matrix job runs it: endpoints and credentials from the environment. */
function runCli(emulator: EmulatorProcess, args: string[], name: string): Promise<ProcResult> {
  const workDir = mkdtempSync(path.join(scratch, `${name}-`));
  const reportFile = path.join(workDir, 'report.json');
  const fullArgs = [
    '--workdocs_folder_id', emulator.info.rootFolderId, '--s3_bucket_name', bucket, '--region_name', 'us-east-1',
    '--log_file', '', '--report_file', reportFile,
    ...(flags['max-workers'] ? ['--max_workers', flags['max-workers']] : []),
    ...args,
  ];
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(tsx, [cli, ...fullArgs], {
      cwd: workDir,
      env: {
        PATH: childPath,
        HOME: process.env.HOME,
        AWS_ACCESS_KEY_ID: s3.accessKeyId,
        AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
        AWS_REGION: 'us-east-1',
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_ENDPOINT_URL_WORKDOCS: emulator.info.endpoint,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { output += d.toString(); });
    child.on('exit', (code, signal) => {
      const wallMs = performance.now() - started;
      let report: ProcResult['report'];
      try {
        report = JSON.parse(readFileSync(reportFile, 'utf8')) as ProcResult['report'];
      } catch {
        report = undefined;
      }
      resolve({ args: fullArgs, code: code ?? (signal ? 128 : -1), wallMs, output, ...(report ? { report } : {}) });
    });
  });
}

/** Runs `fn` and measures its wall time and the CPU of the emulator, the S3 server and the whole machine. */
async function measured<T>(emulator: EmulatorProcess, fn: () => Promise<T>): Promise<{ value: T; timing: PhaseTiming }> {
  await emulator.resetCounters();
  const s3Pids = pidsMatching(s3ServerNeedle);
  const emu0 = cpuMsOf(emulator.pid);
  const s30 = totalCpuMs(s3Pids);
  const busy0 = machineBusyMs();
  const t0 = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t0;
  const counters = await emulator.counters();
  return {
    value,
    timing: {
      wallMs: Math.round(wallMs),
      emulatorCpuMs: Math.round(cpuMsOf(emulator.pid) - emu0),
      s3ServerCpuMs: Math.round(totalCpuMs(s3Pids) - s30),
      machineBusyMs: Math.round(machineBusyMs() - busy0),
      workdocsRequests: counters.total,
    },
  };
}

/** Key (relative to the prefix) → ETag of everything under `prefix`, the tool's own area excluded. */
async function contentOf(client: S3Client, prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for await (const page of paginateListObjectsV2({ client, pageSize: 1000 }, { Bucket: bucket, Prefix: prefix })) {
    for (const o of page.Contents ?? []) {
      const key = o.Key!.slice(prefix.length);
      if (key.startsWith(TOOL_AREA)) continue;
      out.set(key, o.ETag ?? '');
    }
  }
  return out;
}

async function countKeys(client: S3Client, prefix: string): Promise<number> {
  let n = 0;
  for await (const page of paginateListObjectsV2({ client, pageSize: 1000 }, { Bucket: bucket, Prefix: prefix })) n += page.KeyCount ?? page.Contents?.length ?? 0;
  return n;
}

function differences(a: Map<string, string>, b: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [k, e] of a) if (b.get(k) !== e) out.push(b.has(k) ? `${k}: ETag ${e} vs ${b.get(k)}` : `${k}: missing`);
  for (const k of b.keys()) if (!a.has(k)) out.push(`${k}: extra`);
  return out;
}

const problems: string[] = [];
function fail(message: string, output?: string): void {
  problems.push(message);
  log(`PROBLEM: ${message}${output ? `\n${output.slice(-3000)}` : ''}`);
}

let baseline: { shards: number; content: Map<string, string> } | undefined;

async function runOnce(emulator: EmulatorProcess, n: number, repeat: number): Promise<ShardRun> {
  const prefix = `shards-${n}/`;
  const runId = `bench-${n}-${repeat}`;
  await emptyPrefix(admin, bucket, prefix); // a fresh prefix: every run is a first sync
  const scope = ['--s3_prefix', prefix, '--run_id', runId];

  const plan = await measured(emulator, () => runCli(emulator, ['--mode', 'plan', '--shard_count', String(n), ...scope], `plan-${n}-${repeat}`));
  if (plan.value.code !== 0) fail(`N=${n} #${repeat}: plan exited ${plan.value.code}`, plan.value.output);
  const matrix = plan.value.output.match(/matrix: (\{.*\})/)?.[1];
  const expected = JSON.stringify({ shard: Array.from({ length: n }, (_, i) => i) });
  if (matrix !== expected) fail(`N=${n} #${repeat}: plan printed matrix ${matrix ?? '(none)'}, expected ${expected}`);

  const shardPhase = await measured(emulator, () => Promise.all(
    Array.from({ length: n }, (_, i) => runCli(emulator, ['--mode', 'shard', '--shard_index', String(i), ...scope], `shard-${n}-${repeat}-${i}`)),
  ));
  for (const [i, s] of shardPhase.value.entries()) if (s.code !== 0) fail(`N=${n} #${repeat}: shard ${i} exited ${s.code}`, s.output);

  const finalize = await measured(emulator, () => runCli(emulator, ['--mode', 'finalize', ...scope], `finalize-${n}-${repeat}`));
  if (finalize.value.code !== 0) fail(`N=${n} #${repeat}: finalize exited ${finalize.value.code}`, finalize.value.output);

  const content = await contentOf(admin, prefix);
  let sameAsBaseline = true;
  if (content.size === 0) {
    sameAsBaseline = false;
    fail(`N=${n} #${repeat}: nothing under ${prefix}`);
  } else if (!baseline) {
    baseline = { shards: n, content };
  } else {
    const diff = differences(baseline.content, content);
    if (diff.length > 0) {
      sameAsBaseline = false;
      fail(`N=${n} #${repeat}: ${diff.length} differences from N=${baseline.shards}: ${diff.slice(0, 5).join('; ')}`);
    }
  }
  const runFilesLeft = await countKeys(admin, `${prefix}${TOOL_AREA}runs/`);
  if (runFilesLeft > 0) fail(`N=${n} #${repeat}: ${runFilesLeft} run files left under ${prefix}${TOOL_AREA}runs/ after finalize`);

  const sum = (field: string): number => shardPhase.value.reduce((acc, s) => acc + (s.report?.totals[field] ?? 0), 0);
  const run: ShardRun = {
    shards: n,
    repeat,
    runId,
    plan: plan.timing,
    shardPhase: { ...shardPhase.timing, perShardMs: shardPhase.value.map((s) => Math.round(s.wallMs)) },
    finalize: finalize.timing,
    totalMs: plan.timing.wallMs + shardPhase.timing.wallMs + finalize.timing.wallMs,
    uploaded: sum('uploaded'),
    markers: sum('markers'),
    bytes: sum('bytes'),
    exitCodes: { plan: plan.value.code, shards: shardPhase.value.map((s) => s.code), finalize: finalize.value.code },
    objects: content.size,
    sameAsBaseline,
    runFilesLeft,
  };
  log(`N=${n} #${repeat}: plan ${(run.plan.wallMs / 1000).toFixed(2)} s, shards ${(run.shardPhase.wallMs / 1000).toFixed(2)} s (each ${run.shardPhase.perShardMs.map((ms) => (ms / 1000).toFixed(1)).join(', ')} s), finalize ${(run.finalize.wallMs / 1000).toFixed(2)} s, total ${(run.totalMs / 1000).toFixed(2)} s; ${run.uploaded} uploads, ${run.markers} markers, ${(run.bytes / 1e6).toFixed(1)} MB; S3 server CPU ${(run.shardPhase.s3ServerCpuMs / 1000).toFixed(1)} s, machine ${busyPct(run.shardPhase).toFixed(0)} % busy during the shards; ${run.objects} objects${sameAsBaseline ? '' : ' (DIFFERENT)'}`);
  return run;
}

function busyPct(t: PhaseTiming): number {
  return t.wallMs > 0 ? (100 * t.machineBusyMs) / (t.wallMs * cpus) : NaN;
}

function summarize(runs: readonly ShardRun[]): SummaryRow[] {
  const rows: SummaryRow[] = [];
  for (const n of shardCounts) {
    const mine = runs.filter((r) => r.shards === n);
    if (mine.length === 0) continue;
    rows.push({
      shards: n,
      runs: mine.length,
      planS: median(mine.map((r) => r.plan.wallMs)) / 1000,
      shardsS: median(mine.map((r) => r.shardPhase.wallMs)) / 1000,
      finalizeS: median(mine.map((r) => r.finalize.wallMs)) / 1000,
      totalS: median(mine.map((r) => r.totalMs)) / 1000,
      shardSpeedup: NaN,
      totalSpeedup: NaN,
      s3ServerCpuS: median(mine.map((r) => r.shardPhase.s3ServerCpuMs)) / 1000,
      machineBusyPct: median(mine.map((r) => busyPct(r.shardPhase))),
    });
  }
  const base = rows[0];
  for (const row of rows) {
    row.shardSpeedup = base ? base.shardsS / row.shardsS : NaN;
    row.totalSpeedup = base ? base.totalS / row.totalS : NaN;
  }
  return rows;
}

const fmt = (n: number, digits = 2): string => (Number.isFinite(n) ? n.toFixed(digits) : '–');

function renderMarkdown(r: ShardsResults): string {
  const m = r.machine;
  const base = r.summary[0]?.shards ?? 1;
  const lines = [
    `## Scale-out benchmark (${r.mode} mode, ${r.date.slice(0, 10)})`,
    '',
    `Machine: ${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB RAM, Node ${m.node}; S3: ${m.s3Server}; WorkDocs: the bundled emulator (own process).`,
    `Tree: ${r.tree.description} — ${r.tree.documents.toLocaleString('en-US')} documents, ${r.tree.folders.toLocaleString('en-US')} folders, ${fmt(r.tree.bytes / 1e6, 1)} MB; a first sync into a fresh prefix each run.`,
    `Each phase is a CLI process (tsx; ~${fmt(r.cliStartupMs / 1000, 1)} s of start-up each); the shard phase is the wall time from the first shard's spawn to the last one's exit. Medians of ${r.settings.repeats} run(s) per N, interleaved. All shards, the emulator and the S3 server share the same ${m.cpus} cores.`,
    '',
    `| Shards (N) | Plan (s) | Shards (s) | Finalize (s) | Total (s) | Shard phase speed-up vs N=${base} | Total speed-up vs N=${base} | S3 server CPU in shard phase (s) | Machine busy in shard phase |`,
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...r.summary.map((s) => `| ${s.shards} | ${fmt(s.planS)} | ${fmt(s.shardsS)} | ${fmt(s.finalizeS)} | ${fmt(s.totalS)} | ${fmt(s.shardSpeedup)}× | ${fmt(s.totalSpeedup)}× | ${fmt(s.s3ServerCpuS, 1)} | ${fmt(s.machineBusyPct, 0)} % |`),
    '',
    r.ok
      ? `Checks: every process exited 0; every N left the same ${r.runs[0]?.objects ?? 0} objects (keys and ETags, \`${TOOL_AREA}\` excluded); no run files left after finalize.`
      : `Checks **failed**: ${r.problems.join('; ')}`,
    '',
  ];
  return `${lines.join('\n')}\n`;
}

async function cliStartup(): Promise<number> {
  const t0 = performance.now();
  await new Promise<void>((resolve) => spawn(tsx, [cli, '--version'], { stdio: 'ignore', env: { ...process.env, PATH: childPath } }).on('exit', () => resolve()));
  return Math.round(performance.now() - t0);
}

const results: ShardsResults = {
  date: new Date().toISOString(),
  mode: quick ? 'quick' : 'full',
  machine: {
    cpus,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    node: execFileSync('node', ['--version'], { encoding: 'utf8', env: { ...process.env, PATH: childPath } }).trim(), // the CLI processes' Node
    s3Server: 'OpenStack Swift (s3api), scripts/s3-server.sh, one worker per service',
  },
  tree: { description: TREE.description, documents: 0, folders: 0, bytes: 0 },
  settings: { shardCounts, repeats, maxWorkers: flags['max-workers'] ?? 'default' },
  cliStartupMs: 0,
  runs: [],
  summary: [],
  ok: false,
  problems,
};

let emulator: EmulatorProcess | undefined;
try {
  await createBucket(admin, bucket);
  log(`bucket ${bucket} on ${s3.endpoint}; tree: ${TREE.description}; N = ${shardCounts.join(', ')}; ${repeats} repeat(s)`);
  emulator = await startEmulatorProcess(TREE.generate, repoRoot);
  const largeId = (await emulator.control<{ id: string }>('POST', 'folders', { parentId: emulator.info.rootFolderId, name: 'large' })).id;
  for (const [i, size] of TREE.large.entries()) {
    await emulator.control('POST', 'documents', { parentId: largeId, name: `large-${String(i + 1).padStart(2, '0')}.bin`, contentType: 'application/octet-stream', generate: { seed: `large-${i}`, size } });
  }
  // Also makes the emulator compute (and cache) every MD5 before anything is timed.
  const docs = await emulator.manifest();
  results.tree = { description: TREE.description, documents: docs.length, folders: emulator.info.folders + 1, bytes: docs.reduce((s, d) => s + d.size, 0) };
  results.cliStartupMs = await cliStartup();
  log(`${docs.length} documents, ${(results.tree.bytes / 1e6).toFixed(1)} MB; CLI start-up ${(results.cliStartupMs / 1000).toFixed(1)} s`);
  for (let r = 1; r <= repeats; r++) {
    for (const n of shardCounts) results.runs.push(await runOnce(emulator, n, r));
  }
  results.summary = summarize(results.runs);
  results.ok = problems.length === 0;
} catch (error) {
  fail(`benchmark failed: ${(error as Error).stack ?? String(error)}`);
} finally {
  await emulator?.stop();
  if (!flags['keep-bucket']) await deleteBucket(admin, bucket).catch((e: unknown) => log(`could not delete ${bucket}: ${(e as Error).message}`));
  admin.destroy();
  rmSync(scratch, { recursive: true, force: true });
}

if (results.runs.length > 0) {
  const markdown = renderMarkdown(results);
  writeFileSync(path.join(outDir, 'shards.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(path.join(outDir, 'shards.md'), markdown);
  process.stdout.write(markdown);
  log(`results: ${path.join(outDir, 'shards.json')}, ${path.join(outDir, 'shards.md')}`);
}
process.exitCode = results.ok ? 0 : 1;
