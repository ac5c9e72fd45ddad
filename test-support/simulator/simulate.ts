/**
 * One simulated history: from a seed, a deterministic sequence of WorkDocs changes, bucket changes behind the
 * tool's back, runs of the real CLI with random options (sync, dry runs, archives, plan → shards → finalize),
 * faults, and kill -9 followed by a clean run; the invariants of issue 25 are checked after every run. The
 * first violation ends the history: its seed and step are enough to replay it (`--seed S`).
 *
 * What replays exactly: every choice (steps, names, sizes, bytes, options, fault rules, when to kill), each step
 * from its own stream seeded by (seed, step). What may not: which request a probabilistic fault hits when runs
 * are concurrent, the moment a kill lands, and so which mirrored object a bucket change picks after those.
 */
import { AbortMultipartUploadCommand, CreateBucketCommand, DeleteBucketCommand, DeleteObjectCommand, ListMultipartUploadsCommand, type S3Client } from '@aws-sdk/client-s3';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { manifestKey } from '../../src/core/manifest.js';
import type { FaultRule } from '../../src/emulator/server.js';
import { startEmulator, type Emulator } from '../../src/emulator/server.js';
import { seedToNumber } from '../../src/emulator/util.js';
import { createS3Client } from '../../src/s3/client.js';
import { startFaultProxy, type FaultProxy, type ProxyRule } from '../fault-proxy.js';
import type { S3Server } from '../s3-server.js';
import { BucketTamperer, listKeys } from './bucket.js';
import { BucketReader } from './reader.js';
import {
  checkArchive, checkDryRun, checkExactMirror, checkExitCode, checkForeign, checkHistoryBytes, checkHistoryComplete, checkManifestTruth, checkMetadata,
  expectedDocuments, mirroredUsers, readToolManifest, storedDocumentKeys, storedVersions, type BucketView, type SourceScope, type Violation,
} from './invariants.js';
import { BAD_INPUTS, drawRunOptions, optionExists, SITE_BAD_INPUTS, toArgs } from './options.js';
import { Random } from './random.js';
import { isWrite, runAndKill, runInProcess, type RunOutcome, type RunTarget } from './runner.js';
import { BIG_SIZE, WorkdocsModel } from './workdocs.js';

export interface SimulationConfig {
  readonly seed: number;
  readonly steps: number;
  readonly s3: S3Server;
  /** Receives one line per step (the history as it happens). */
  readonly log?: (line: string) => void;
  /**
   * Violations whose `invariant N: message` matches are noted and the history goes on: to look past a known
   * bug for the next one (never in the CI test).
   */
  readonly ignore?: RegExp;
  /**
   * One folder tree, or the whole site (several users, workdocs_organization_id). Default: drawn from the seed on
   * a stream of its own, so a folder history draws exactly what it drew before sites existed.
   */
  readonly source?: 'folder' | 'site';
}

export interface Failure {
  readonly seed: number;
  readonly step: number;
  readonly invariant: number;
  readonly message: string;
  /** Every step up to the failing one, for the report. */
  readonly history: readonly string[];
}

export interface SimulationResult {
  readonly seed: number;
  readonly steps: number;
  readonly runs: number;
  readonly failure: Failure | undefined;
  /** How often each kind of step, change, option and fault came up: what the history exercised. */
  readonly coverage: Readonly<Record<string, number>>;
}

export type StepKind = 'workdocs' | 'bucket' | 'run' | 'shardedRun' | 'kill';

// Runs cost seconds (a scale-out chain several), changes milliseconds: most steps change things between runs.
export const STEP_WEIGHTS: Readonly<Record<StepKind, number>> = { workdocs: 50, bucket: 15, run: 27, shardedRun: 5, kill: 3 };

/** WorkDocs faults a run may meet: throttling, errors, cut and damaged downloads. */
const WORKDOCS_FAULTS: readonly FaultRule[] = [
  { op: '*', kind: 'throttle', probability: 0.1 },
  { op: 'DescribeFolderContents', kind: 'error', status: 500, probability: 0.1 },
  { op: 'Content', kind: 'reset', probability: 0.15 },
  { op: 'Content', kind: 'truncate', probability: 0.15 },
  { op: 'Content', kind: 'corrupt', probability: 0.1 },
];

/** S3 faults, through the fault proxy: throttling, errors, resets before and after S3 acted, damaged bodies. */
const S3_FAULTS: readonly ProxyRule[] = [
  { kind: 'error', status: 503, code: 'SlowDown', probability: 0.1 },
  { kind: 'error', status: 500, code: 'InternalError', probability: 0.05 },
  { kind: 'reset', probability: 0.05 },
  { kind: 'resetAfterForward', operation: ['PutObject', 'CopyObject', 'DeleteObjects'], probability: 0.15 },
  { kind: 'corrupt', operation: 'PutObject', probability: 0.1 },
];

class ViolationFound extends Error {
  constructor(readonly violation: Violation) {
    super(`invariant ${violation.invariant}: ${violation.message}`);
  }
}

/** Runs one history; resolves with its first failure, if any. Infrastructure errors (server down) reject. */
export async function simulate(config: SimulationConfig): Promise<SimulationResult> {
  const random = new Random(seedToNumber(config.seed));
  const source = config.source ?? sourceOf(config.seed);
  const history: string[] = [];
  const note = (line: string): void => {
    history.push(line);
    config.log?.(line);
  };
  const s3Client: S3Client = createS3Client({
    region: config.s3.region,
    endpoint: config.s3.endpoint,
    credentials: { accessKeyId: config.s3.accessKeyId, secretAccessKey: config.s3.secretAccessKey },
    maxSockets: 16,
  });
  // Unique per run of the simulator (the name is no choice of the history: it never reaches a decision).
  const bucket = `sim-${config.seed}-${Date.now().toString(36)}-${Math.floor(Math.random() * 1e6).toString(36)}`;
  await s3Client.send(new CreateBucketCommand({ Bucket: bucket }));
  const emulator: Emulator = await startEmulator({ port: 0, fixture: { seed: `sim-${config.seed}`, root: { name: 'Root', children: [] } } });
  const proxy: FaultProxy = await startFaultProxy({ upstream: config.s3.endpoint, seed: config.seed });
  const dir = mkdtempSync(path.join(tmpdir(), 'wds-simulate-'));
  const sim = new History(config.seed, random, emulator, proxy, s3Client, bucket, dir, config.s3, note, config.ignore, source === 'site');
  let step = 0;
  let keepDir = false;
  try {
    note(`seed ${config.seed}: ${source === 'site' ? `the whole site ${emulator.organizationId}` : 'one folder'}, prefix ${JSON.stringify(sim.prefix)}, bucket ${bucket}`);
    for (const line of sim.workdocs.seed()) note(`#0 ${line}`);
    for (step = 1; step <= config.steps; step++) await sim.step(step);
    return { seed: config.seed, steps: config.steps, runs: sim.runs, failure: undefined, coverage: sim.coverage };
  } catch (e) {
    if (!(e instanceof ViolationFound)) throw e;
    note(`#${step} FAILED invariant ${e.violation.invariant}: ${e.violation.message}`);
    keepDir = true;
    note(`logs and JSON reports of every run: ${dir}`);
    return { seed: config.seed, steps: step, runs: sim.runs, coverage: sim.coverage, failure: { seed: config.seed, step, invariant: e.violation.invariant, message: e.violation.message, history } };
  } finally {
    emulator.control.clearFaults();
    proxy.clearRules();
    await proxy.close();
    await emulator.close();
    await emptyAndDeleteBucket(s3Client, bucket).catch(() => undefined);
    s3Client.destroy();
    if (!keepDir) rmSync(dir, { recursive: true, force: true });
  }
}

/** 40% of the seeds are site histories; the choice has its own stream (see SimulationConfig.source). */
export function sourceOf(seed: number): 'folder' | 'site' {
  return new Random(seedToNumber(`${seed}:source`)).chance(0.4) ? 'site' : 'folder';
}

class History {
  readonly prefix: string;
  readonly workdocs: WorkdocsModel;
  private readonly tamperer: BucketTamperer;
  private readonly reader: BucketReader;
  private readonly target: RunTarget;
  private readonly archivePrefixes = new Set<string>();
  /** Objects archive runs moved: key → MD5. */
  private readonly archived = new Map<string, string>();
  private deleteForeignUsed = false;
  /** A run has written the manifest: the prefix is a mirror of this history's source. */
  private mirrorWritten = false;
  /** The bucket changed behind the tool's back since a run last wrote (and the simulator checked) the manifest. */
  private manifestMayBeStale = false;
  /**
   * What a verify run must say now: 'exact' right after a clean sync that exited 0 with nothing changed since,
   * 'tampered' when only a mirrored object was overwritten or deleted behind the tool's back since then.
   */
  private mirrorState: 'exact' | 'tampered' | 'unknown' = 'unknown';
  /** The options of the sync that made the mirror exact that change what a mirror is (markers, archive area, history). */
  private mirrorOptions: Record<string, string> = {};
  /**
   * Mirrored keys the simulator overwrote → the listed version it left there: while that version is there, invariant
   * 8's any-run check leaves the key to the tool's next full run (a dry or failed run need not repair it).
   */
  private readonly tampered = new Map<string, string>();
  /**
   * A mirrored object was overwritten or deleted behind the tool's back since a full listing last made the mirror
   * exact: a run driven by activities lists neither side, so it cannot see that (docs/incremental.md).
   */
  private bucketChangedSinceFullListing = false;
  runs = 0;
  readonly coverage: Record<string, number> = {};

  constructor(
    private readonly seed: number,
    private readonly random: Random,
    private readonly emulator: Emulator,
    private readonly proxy: FaultProxy,
    private readonly client: S3Client,
    private readonly bucket: string,
    dir: string,
    s3: S3Server,
    private readonly note: (line: string) => void,
    private readonly ignore: RegExp | undefined,
    private readonly site: boolean,
  ) {
    this.prefix = random.pick(['', 'mirror/']);
    this.workdocs = new WorkdocsModel(emulator.control, emulator.rootFolderId, random, site);
    this.tamperer = new BucketTamperer(client, bucket, this.prefix, random);
    this.reader = new BucketReader(client, bucket);
    this.target = { emulator, proxy, s3, bucket, dir, organizationId: site ? emulator.organizationId : undefined };
  }

  /** The source a run with these options mirrors. */
  private scope(options: Readonly<Record<string, string>>): SourceScope {
    return { site: this.site, users: options.users, excludeUsers: options.exclude_users, includeRecycleBin: options.include_recycle_bin === 'true' };
  }

  /** A site run whose user filters leave nobody must be refused (exit 2) before any S3 request. */
  private leavesNobody(options: Readonly<Record<string, string>>): boolean {
    return mirroredUsers(this.emulator, this.scope(options))?.length === 0;
  }

  private get view(): BucketView {
    return { client: this.client, reader: this.reader, bucket: this.bucket, prefix: this.prefix, archivePrefixes: this.archivePrefixes, foreign: this.tamperer.foreign };
  }

  async step(n: number): Promise<void> {
    this.random.reseed(seedToNumber(`${this.seed}:${n}`));
    const kind = this.random.weighted(STEP_WEIGHTS);
    switch (kind) {
      case 'workdocs': {
        this.mirrorState = 'unknown';
        const change = this.workdocs.change();
        this.count(`workdocs ${change.kind}`);
        if (change.description.includes(`(${BIG_SIZE} bytes)`) || change.description.includes('(big)')) this.count('workdocs big document');
        this.note(`#${n} workdocs: ${change.description}`);
        return;
      }
      case 'bucket': {
        const folder = this.workdocs.randomFolderPath();
        const change = await this.tamperer.change(folder, (k) => [...this.archivePrefixes].some((a) => k.startsWith(a)));
        if (change.key !== undefined) {
          await this.reader.refresh();
          const version = this.reader.version(change.key);
          if (version !== undefined) this.tampered.set(change.key, version);
        }
        this.count(`bucket ${change.kind}`);
        this.note(`#${n} bucket: ${change.description}`);
        this.manifestMayBeStale = true;
        const changesMirror = change.kind === 'overwriteSingle' || change.kind === 'overwriteMultipart' || change.kind === 'deleteMirrored';
        if (changesMirror) this.bucketChangedSinceFullListing = true;
        this.mirrorState = changesMirror && this.mirrorState !== 'unknown' ? 'tampered' : 'unknown';
        // Drawn last in the step, so adding it moved no other choice of a seed.
        if (this.random.chance(0.3)) await this.verifyRun(n);
        return;
      }
      case 'run':
        return this.syncRun(n);
      case 'shardedRun':
        return this.shardedRun(n);
      case 'kill':
        return this.killedRun(n);
    }
  }

  private count(what: string, by = 1): void {
    this.coverage[what] = (this.coverage[what] ?? 0) + by;
  }

  /** Runs main() in-process, timed into the coverage (seconds spent in runs vs. in checks). */
  private async run(args: readonly string[], folderId?: string): Promise<RunOutcome> {
    const t0 = Date.now();
    try {
      return await runInProcess(this.target, args, folderId);
    } finally {
      this.count('seconds in runs', (Date.now() - t0) / 1000);
    }
  }

  private drawOptions(): Record<string, string> {
    const options = drawRunOptions(this.random, { prefix: this.prefix, site: this.site });
    for (const [name, value] of Object.entries(options)) this.count(name === 'max_workers' ? `option ${name}` : `option ${name} ${value}`);
    if (this.prefix !== '') options.s3_prefix = this.prefix;
    return options;
  }

  /** Issue 23.3: an archive area inside the mirror's prefix must be refused (exit 2). */
  private archiveInsidePrefix(options: Readonly<Record<string, string>>): boolean {
    return options.archive_prefix !== undefined && options.archive_prefix.startsWith(this.prefix);
  }

  private async syncRun(n: number): Promise<void> {
    const variant = this.random.weighted({ normal: 92, badInput: 4, otherSource: 4 });
    this.count(`run ${variant}`);
    this.count(`prefix ${JSON.stringify(this.prefix)}`);
    if (variant === 'badInput') return this.badInputRun(n);
    if (variant === 'otherSource') return this.otherSourceRun(n);
    const options = this.drawOptions();
    const faulty = this.random.chance(0.25);
    const faults = faulty ? this.drawFaults() : undefined;
    for (const fault of faults?.kinds ?? []) this.count(`fault ${fault}`);
    this.note(`#${n} run ${toArgs(options).join(' ') || '(defaults)'}${faults ? ` with faults: ${faults.describe}` : ''}`);
    if (faults) {
      this.emulator.control.setFaults(faults.workdocs, this.random.int(1, 1e9));
      for (const rule of faults.s3) this.proxy.addRule(rule);
    }
    let outcome: RunOutcome;
    try {
      outcome = await this.run(toArgs(options));
    } finally {
      this.emulator.control.clearFaults();
      this.proxy.clearRules();
    }
    this.runs++;
    this.note(`#${n}   exit ${outcome.code}${describeOutcome(outcome)}`);
    await this.afterRun(outcome, options, { faulty, what: 'run', full: true });
    if (this.random.chance(0.3)) await this.verifyRun(n);
  }

  /**
   * Verify (issue 21), read-only: no S3 write ever; exit 0 right after a clean sync; with content checks, exit 1
   * when a mirrored object was overwritten or deleted behind the tool's back since.
   */
  private async verifyRun(n: number): Promise<void> {
    if (!optionExists('verify_content')) return;
    const content = this.random.chance(0.5);
    // Verify judges against the same folder markers and archive area as the sync that made the mirror.
    const args = [...(this.prefix === '' ? [] : ['--s3_prefix', this.prefix]), ...toArgs(this.mirrorOptions), '--mode', 'verify', ...(content ? ['--verify_content', 'true'] : [])];
    this.count(`run verify${content ? ' content' : ''} (${this.mirrorState})`);
    this.note(`#${n} verify ${args.join(' ')} (mirror ${this.mirrorState})`);
    const outcome = await this.run(args);
    this.runs++;
    this.note(`#${n}   exit ${outcome.code}${describeOutcome(outcome)}`);
    const writes = outcome.requests.filter(isWrite);
    if (writes.length > 0) await this.fail([{ invariant: 3, message: `verify sent ${writes.length} S3 writes: ${writes.slice(0, 5).map((w) => `${w.operation} ${w.key}`).join(', ')}` }]);
    if (outcome.code !== 0 && outcome.code !== 1) await this.fail([{ invariant: 4, message: `verify exited ${outcome.code}${describeOutcome(outcome)}` }]);
    if (this.mirrorState === 'exact' && outcome.code !== 0) await this.fail([{ invariant: 1, message: 'verify right after a clean sync found the mirror not exact' }]);
    if (this.mirrorState === 'tampered' && content && outcome.code !== 1) await this.fail([{ invariant: 1, message: 'verify with content checks called a mirror exact after a mirrored object was overwritten or deleted behind its back' }]);
  }

  private async shardedRun(n: number): Promise<void> {
    const options = this.drawOptions();
    // The activity feed drives syncs only (mode plan refuses `activities`).
    if (options.incremental === 'activities') delete options.incremental;
    const runId = `sim-${n}-${this.random.int(0, 1e9)}`;
    const shardCount = this.random.int(1, 4);
    this.count('run sharded');
    const order = this.random.shuffle(Array.from({ length: shardCount }, (_, i) => i));
    this.note(`#${n} plan → shards ${order.join(',')} → finalize, ${toArgs(options).join(' ') || '(defaults)'}`);
    // Mostly a real plan followed by dry shards and finalize (issue 23.2); sometimes a dry plan too, which leaves
    // the shards no plan to read.
    const planOptions: Record<string, string> = { ...options };
    if (this.random.chance(0.7)) delete planOptions.dry_run;
    const scaled = ['--run_id', runId, '--shard_count', String(shardCount)];
    const plan = await this.run([...toArgs(planOptions), ...scaled, '--mode', 'plan']);
    if (planOptions.dry_run) this.count('run sharded, dry plan');
    this.note(`#${n}   plan${planOptions.dry_run ? ' (dry)' : ''} exit ${plan.code}${describeOutcome(plan)}`);
    await this.afterRun(plan, planOptions, { faulty: false, what: 'plan', full: false });
    if (plan.code !== 0) return;
    scaled.unshift(...toArgs(options));
    let shardsOk = true;
    for (const shard of order) {
      const outcome = await this.run([...scaled, '--mode', 'shard', '--shard_index', String(shard)]);
      this.note(`#${n}   shard ${shard} exit ${outcome.code}${describeOutcome(outcome)}`);
      shardsOk &&= outcome.code === 0;
      await this.afterRun(outcome, options, { faulty: false, what: `shard ${shard}`, full: false });
    }
    const finalize = await this.run([...scaled, '--mode', 'finalize']);
    this.runs++;
    this.note(`#${n}   finalize exit ${finalize.code}${describeOutcome(finalize)}`);
    await this.afterRun(finalize, options, { faulty: false, what: 'finalize', full: shardsOk });
  }

  /** 4: bad input is refused with exit 2 before any S3 request. */
  private async badInputRun(n: number): Promise<void> {
    const bad = this.random.pick(this.site ? [...BAD_INPUTS, ...SITE_BAD_INPUTS] : BAD_INPUTS);
    this.note(`#${n} run with bad input ${bad.join(' ')}`);
    const outcome = await this.run([...(this.prefix === '' || bad[0] === '--s3_prefix' ? [] : ['--s3_prefix', this.prefix]), ...bad]);
    this.runs++;
    this.note(`#${n}   exit ${outcome.code}${describeOutcome(outcome)}`);
    if (outcome.code !== 2) await this.fail([{ invariant: 4, message: `bad input ${bad.join(' ')} exited ${outcome.code}, not 2` }]);
    await this.fail(checkExitCode(outcome, 'bad input'));
  }

  /**
   * Issue 22, one prefix one source: another WorkDocs folder into this mirror's prefix is refused with exit 2
   * and no S3 write. Only once the CLI has allow_source_change (before, such a run rewrites the mirror).
   */
  private async otherSourceRun(n: number): Promise<void> {
    const folderId = this.workdocs.randomFolderId();
    const options = this.drawOptions();
    delete options.dry_run;
    // A folder as the source into a site's mirror: without the site's own options, which a folder source refuses.
    for (const name of ['users', 'exclude_users', 'include_recycle_bin', 'full_listing_every']) delete options[name];
    if (options.incremental === 'activities') delete options.incremental;
    // The refusal rests on the source the manifest records: with the manifest lost or damaged there is no record
    // (FINDINGS.md says what such a run does).
    const skip = folderId === undefined ? 'no folder' : !optionExists('allow_source_change') ? 'no allow_source_change option yet'
      : !this.mirrorWritten ? 'no mirror yet' : (await readToolManifest(this.view)) === undefined ? 'the manifest is lost or damaged' : undefined;
    if (skip !== undefined || folderId === undefined) {
      this.count('run otherSource skipped');
      this.note(`#${n} (another source: skipped, ${skip})`);
      return;
    }
    this.count('run otherSource ran');
    this.note(`#${n} run with a subfolder as the source: ${toArgs(options).join(' ')}`);
    const outcome = await this.run(toArgs(options), folderId);
    this.runs++;
    this.note(`#${n}   exit ${outcome.code}${describeOutcome(outcome)}`);
    if (outcome.code !== 2) await this.fail([{ invariant: 4, message: `another source into the mirror's prefix exited ${outcome.code}, not 2` }]);
    await this.fail(checkExitCode(outcome, 'another source', true));
    await this.reader.refresh();
    await this.fail(await checkForeign(this.view, this.deleteForeignUsed));
  }

  /** kill -9 after a few S3 writes, then one clean run: it must satisfy 1 and 5 (invariant 6). */
  private async killedRun(n: number): Promise<void> {
    const options = this.drawOptions();
    delete options.dry_run;
    const afterWrites = this.random.int(1, 8);
    this.count('run kill -9');
    this.note(`#${n} kill -9 after ${afterWrites} S3 writes: ${toArgs(options).join(' ') || '(defaults)'}`);
    const t0 = Date.now();
    const killed = await runAndKill(this.target, toArgs(options), afterWrites);
    this.count('seconds in killed runs', (Date.now() - t0) / 1000);
    this.count(killed.ended === 'killed' ? 'kill landed' : 'kill too late');
    this.note(`#${n}   ${killed.ended === 'killed' ? `killed after ${killed.writesBeforeKill} writes` : `ended by itself, exit ${killed.ended}`}`);
    this.runs++;
    this.manifestMayBeStale = true;
    await this.reader.refresh();
    await this.fail(await checkForeign(this.view, this.deleteForeignUsed || options.delete_foreign === 'true'));
    await this.fail(await checkArchive(this.view, this.archived));
    await this.fail(await checkHistoryBytes(this.view, this.emulator, this.stillTampered));
    if (options.delete_foreign === 'true') this.deleteForeignUsed = true;
    const clean: Record<string, string> = { ...options, max_delete: '100%' };
    delete clean.delete_stale;
    const outcome = await this.run(toArgs(clean));
    this.runs++;
    this.note(`#${n}   clean rerun ${toArgs(clean).join(' ')}: exit ${outcome.code}${describeOutcome(outcome)}`);
    await this.afterRun(outcome, clean, { faulty: false, what: 'rerun after kill -9', full: true, invariant: 6 });
  }

  /** The checks after any run; `full` when it was the whole job (a sync, or a finalize after good shards). */
  private async afterRun(outcome: RunOutcome, options: Readonly<Record<string, string>>, run: { faulty: boolean; what: string; full: boolean; invariant?: number }): Promise<void> {
    const t0 = Date.now();
    try {
      await this.checkRun(outcome, options, run);
    } finally {
      this.count('seconds in checks', (Date.now() - t0) / 1000);
    }
  }

  private async checkRun(outcome: RunOutcome, options: Readonly<Record<string, string>>, run: { faulty: boolean; what: string; full: boolean; invariant?: number }): Promise<void> {
    await this.reader.refresh();
    const dry = options.dry_run === 'true';
    const relabel = (vs: Violation[]): Violation[] => (run.invariant === undefined ? vs : vs.map((v) => ({ invariant: run.invariant!, message: `(after kill -9, invariant ${v.invariant}) ${v.message}` })));
    if (options.delete_foreign === 'true' && !dry) this.deleteForeignUsed = true;
    if (dry) await this.fail(checkDryRun(outcome, run.what));
    await this.fail(checkExitCode(outcome, run.what, run.what.startsWith('shard') || run.what === 'finalize'));
    if (this.leavesNobody(options) && outcome.code !== 2) await this.fail([{ invariant: 4, message: `${run.what} with users ${JSON.stringify(options.users ?? '*')} and exclude_users ${JSON.stringify(options.exclude_users ?? '')}, which leave no user, exited ${outcome.code}, not 2` }]);
    await this.fail(await checkForeign(this.view, this.deleteForeignUsed));
    await this.fail(relabel(await checkArchive(this.view, this.archived)));
    await this.fail(relabel(await checkHistoryBytes(this.view, this.emulator, this.stillTampered)));
    if (dry || outcome.code === 2) return;
    this.mirrorState = 'unknown';
    if (options.archive_prefix !== undefined) await this.recordArchive(options.archive_prefix);
    const wroteManifest = outcome.requests.some((r) => r.operation === 'PutObject' && r.key === manifestKey(this.prefix));
    // An activities-driven run must give what a full listing gives, except where the bucket changed behind its back:
    // it lists neither side, so its manifest still claims what it cannot see (docs/incremental.md).
    const fedByActivities = (run.what === 'run' || run.what.startsWith('rerun')) && this.fedByActivities(outcome, options);
    if (fedByActivities) this.count(`run driven by activities${this.bucketChangedSinceFullListing ? ', bucket changed since the full listing' : ''}`);
    const blind = fedByActivities && this.bucketChangedSinceFullListing;
    const whole = run.what === 'run' || run.what === 'finalize' || run.what.startsWith('rerun');
    if (whole && !blind && (outcome.code === 0 || outcome.code === 1) && (wroteManifest || !this.manifestMayBeStale)) {
      await this.fail(relabel(await checkManifestTruth(this.view)));
      if (wroteManifest) this.manifestMayBeStale = false;
    }
    if (wroteManifest) this.mirrorWritten = true;
    if (!run.full) return;
    const expected = expectedDocuments(this.emulator, this.scope(options));
    if (blind) {
      this.mirrorState = 'unknown';
      return;
    }
    if (outcome.code === 0) {
      // Exit 0 means the bucket equals the plan, faults or not: the exact mirror.
      await this.fail(relabel(await checkExactMirror(this.view, expected, options.delete_stale === 'false', new Set(), options.versions === 'all')));
      const keys = await storedDocumentKeys(this.view, expected);
      // Versions deleted in WorkDocs: every document's versions are described again only with metadata_refresh.
      const describesAll = options.metadata_refresh === 'true';
      const orphansAllowed = describesAll ? new Set<string>() : this.workdocs.deletedOlderVersions;
      if (options.versions === 'all') await this.fail(relabel(await checkHistoryComplete(this.view, this.emulator, expected, keys, orphansAllowed)));
      if ((describesAll || options.versions !== 'all') && options.delete_stale !== 'false') this.workdocs.deletedOlderVersions.clear();
      // The index and sidecars list exactly the mirror only when nothing stale stayed.
      const metadata = options.metadata ?? 'index';
      // Scale-out writes no index (FINDINGS.md, site seed 1): a finalize is not judged by it.
      const writesMetadata = (metadata === 'index' || metadata === 'sidecars') && optionExists('metadata') && run.what !== 'finalize';
      if (writesMetadata && options.delete_stale !== 'false') await this.fail(relabel(await checkMetadata(this.view, metadata, await storedVersions(this.view, keys, options.versions === 'all'))));
      this.tampered.clear();
      if (!fedByActivities) this.bucketChangedSinceFullListing = false;
      if (options.delete_stale !== 'false') {
        // Verify reports an orphaned older version, which this run may have left.
        this.mirrorState = this.workdocs.deletedOlderVersions.size > 0 && options.versions === 'all' ? 'unknown' : 'exact';
        this.mirrorOptions = Object.fromEntries(Object.entries(options).filter(([name]) => MIRROR_SHAPING_OPTIONS.has(name)));
      }
    } else if (!run.faulty) {
      const blocked = new Set(outcome.report?.items.filter((i) => (i.outcome as string) === 'blocked').map((i) => i.documentId ?? i.key) ?? []);
      const refusedOnly = outcome.code === 1 && (outcome.report?.deletesBlocked !== undefined || blocked.size > 0) && outcome.report!.items.every((i) => i.outcome !== 'failed');
      if (!refusedOnly && !(outcome.code === 2 && (this.archiveInsidePrefix(options) || this.leavesNobody(options)))) {
        const failed = outcome.report?.items.filter((i) => i.outcome === 'failed') ?? [];
        await this.fail(relabel([{ invariant: 1, message: `a clean ${run.what} exited ${outcome.code}: ${outcome.report?.fatal ?? failed.slice(0, 3).map((i) => `${i.key}: ${i.error}`).join('; ')}` }]));
      }
      // A refused delete leaves stale objects by design; everything WorkDocs has must still be exact.
      if (refusedOnly) await this.fail(relabel(await checkExactMirror(this.view, expected, true, blocked, options.versions === 'all')));
    }
  }

  /** A site sync (mode sync: the caller knows) in an incremental mode that did not fall back to a full listing (its log names the reason when it does). */
  private fedByActivities(outcome: RunOutcome, options: Readonly<Record<string, string>>): boolean {
    if (!this.site || (options.incremental !== 'activities' && options.incremental !== 'auto') || !existsSync(outcome.logFile)) return false;
    const log = readFileSync(outcome.logFile, 'utf8');
    return !log.includes('full listing:') && !log.includes('incremental auto:');
  }

  /** Whether a key still holds what the simulator put there behind the tool's back. */
  private readonly stillTampered = (key: string): boolean => this.tampered.has(key) && this.tampered.get(key) === this.reader.version(key);

  private async recordArchive(archivePrefix: string): Promise<void> {
    this.archivePrefixes.add(archivePrefix);
    for (const key of this.reader.keys(archivePrefix)) {
      if (this.archived.has(key) || key.endsWith('/')) continue;
      const facts = await this.reader.read(key);
      if (facts !== undefined) this.archived.set(key, facts.md5);
    }
  }

  private drawFaults(): { workdocs: FaultRule[]; s3: ProxyRule[]; describe: string; kinds: string[] } {
    const workdocs = this.random.chance(0.6) ? this.random.shuffle(WORKDOCS_FAULTS).slice(0, this.random.int(1, 2)) : [];
    const s3 = workdocs.length === 0 || this.random.chance(0.5) ? this.random.shuffle(S3_FAULTS).slice(0, this.random.int(1, 2)) : [];
    const kinds = [...workdocs.map((f) => `workdocs ${f.op} ${f.kind}`), ...s3.map((f) => `s3 ${[f.operation ?? '*'].flat().join('|')} ${f.kind}${f.code ? ` ${f.code}` : ''}`)];
    return { workdocs: workdocs.map((f) => ({ ...f })), s3: s3.map((f) => ({ ...f })), describe: kinds.join(', '), kinds };
  }

  private async fail(violations: readonly Violation[]): Promise<void> {
    for (const violation of violations) {
      const text = `invariant ${violation.invariant}: ${violation.message}`;
      if (this.ignore?.test(text)) this.note(`    ignored ${text}`);
      else throw new ViolationFound(violation);
    }
  }
}

/** The options of a clean sync that verify must judge with: what a mirror holds (markers, archive area, history, whose content). */
const MIRROR_SHAPING_OPTIONS: ReadonlySet<string> = new Set(['folder_markers', 'archive_prefix', 'versions', 'users', 'exclude_users', 'include_recycle_bin']);

/** Why a run did not exit 0, in one line: refused deletes, the fatal reason, the first failed items. */
function describeOutcome(outcome: RunOutcome): string {
  if (outcome.code === 0) return '';
  const report = outcome.report;
  const failed = report?.items.filter((i) => i.outcome === 'failed') ?? [];
  const parts = [
    report?.deletesBlocked ? `deletes refused: ${report.deletesBlocked}` : '',
    report?.fatal ? `fatal: ${report.fatal}` : '',
    failed.length > 0 ? `${failed.length} failed, first ${failed[0]!.key}: ${failed[0]!.error}` : '',
    report === undefined ? outcome.stderr.trim().split('\n').slice(-2).join(' / ') : '',
  ].filter((p) => p !== '');
  return parts.length > 0 ? ` (${parts.join('; ')})` : '';
}

async function emptyAndDeleteBucket(client: S3Client, bucket: string): Promise<void> {
  const uploads = await client.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  for (const u of uploads.Uploads ?? []) await client.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: u.Key!, UploadId: u.UploadId! }));
  for (const key of await listKeys(client, bucket)) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
  await client.send(new DeleteBucketCommand({ Bucket: bucket }));
}
