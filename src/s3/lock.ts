/**
 * One run per prefix at a time: a lock object at `<prefix>.workdocs-s3-sync/lock.json` holding the owner's id,
 * host, pid and an expiry that the run renews while it works.
 *
 * Acquiring: read the lock; a live lock of another run means refusal. Otherwise write ours with a
 * conditional PUT (`If-None-Match: *` when there was none, `If-Match: <etag>` over a stale one), which
 * AWS S3 and most S3-compatible servers make atomic. A server that does not implement conditional writes
 * (OpenStack Swift answers 501 NotImplemented) gets a plain PUT, a short wait, and a re-read: whoever's
 * record is there afterwards owns the lock, and the loser refuses. The manifest write and the delete phase
 * check that the lock is still ours first.
 *
 * A lock is stale when its expiry has passed, or when it was taken on this host by a process that no longer
 * exists (a run killed with SIGKILL): then it is taken over.
 */
import { DeleteObjectCommand, GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { sleep } from '../backoff.js';
import { toolAreaPrefix } from '../core/manifest.js';
import { describeError, httpStatusOf } from '../errors.js';
import { runAbortController } from '../abort-signals.js';
import { isMissingObject, putJsonObject } from './client.js';

export const LOCK_FORMAT = 'workdocs-s3-sync/lock';

export function lockKey(prefix: string): string {
  return `${toolAreaPrefix(prefix)}lock.json`;
}

export interface LockRecord {
  readonly format: typeof LOCK_FORMAT;
  readonly owner: string;
  readonly host: string;
  readonly pid: number;
  readonly startedAt: string;
  /** Epoch milliseconds after which anyone may take the lock over. */
  readonly expiresAt: number;
}

export interface LockSettings {
  /** Lifetime of a lock record; renewed every `renewEveryMs` while the run lasts. Default 5 minutes. */
  readonly ttlMs: number;
  readonly renewEveryMs: number;
  /** Bounds of the wait before re-reading after a plain (non-conditional) PUT. */
  readonly settleMinMs: number;
  readonly settleMaxMs: number;
}

export const DEFAULT_LOCK_SETTINGS: LockSettings = { ttlMs: 5 * 60_000, renewEveryMs: 60_000, settleMinMs: 250, settleMaxMs: 3_000 };

export interface LockDeps {
  readonly s3: S3Client;
  readonly bucket: string;
  readonly prefix: string;
  readonly now: () => number;
  readonly signal?: AbortSignal;
  readonly settings?: Partial<LockSettings>;
  /** Identity of this process (tests pretend to be another host or pid). */
  readonly host?: string;
  readonly pid?: number;
  readonly isProcessAlive?: (pid: number) => boolean;
  readonly log?: (level: 'info' | 'warning', message: string) => void;
  /** Called once the lock was found free (or stale) and this run writes its record; it may still lose a race. */
  readonly onWriting?: () => void;
}

export type AcquireResult =
  | { readonly ok: true; readonly lock: HeldLock; readonly tookOver?: LockRecord }
  | { readonly ok: false; readonly holder: LockRecord; readonly message: string };

interface Found {
  readonly record: LockRecord | undefined;
  readonly etag: string | undefined;
  /** The object exists but is not a lock record we can read: treated as stale. */
  readonly unreadable: boolean;
}

export function describeHolder(record: LockRecord, now: number): string {
  const left = Math.max(0, Math.round((record.expiresAt - now) / 1000));
  return `run ${record.owner.slice(0, 8)} on host ${JSON.stringify(record.host)} (pid ${record.pid}), started ${record.startedAt}, lock expires in ${left}s unless renewed`;
}

export class HeldLock {
  private timer: NodeJS.Timeout | undefined;
  /** ETag of our last write. */
  etag: string | undefined;
  private lostReason: string | undefined;
  private readonly lostController = runAbortController();

  constructor(
    private readonly deps: LockDeps & { readonly settings: LockSettings },
    readonly key: string,
    readonly record: LockRecord,
    etag: string | undefined,
    private readonly conditional: boolean,
  ) {
    this.etag = etag;
  }

  /** Set when the lock was found taken by someone else. */
  get lost(): string | undefined {
    return this.lostReason;
  }

  /** Aborts when the lock is found lost (by a renewal or a check). */
  get lostSignal(): AbortSignal {
    return this.lostController.signal;
  }

  private markLost(reason: string): void {
    if (this.lostReason !== undefined) return;
    this.lostReason = reason;
    this.deps.log?.('warning', `lost the lock on the prefix: ${reason}`);
    this.lostController.abort(new Error(reason));
  }

  /** Starts renewing the expiry in the background (the timer does not keep the process alive). */
  startRenewing(): void {
    this.timer = setInterval(() => {
      this.renew().catch((error: unknown) => this.deps.log?.('warning', `could not renew the lock: ${describeError(error)}`));
    }, this.deps.settings.renewEveryMs);
    this.timer.unref();
  }

  async renew(signal?: AbortSignal): Promise<void> {
    if (this.lost) return;
    const found = await readLock({ ...this.deps, signal: signal ?? this.deps.signal }, this.key);
    if (found.record?.owner !== this.record.owner) {
      this.markLost(found.record ? `the lock was taken over by ${describeHolder(found.record, this.deps.now())}` : 'the lock object disappeared');
      return;
    }
    const renewed: LockRecord = { ...this.record, expiresAt: this.deps.now() + this.deps.settings.ttlMs };
    this.etag = await putLock({ ...this.deps, signal: signal ?? this.deps.signal }, this.key, renewed, this.conditional && found.etag ? { IfMatch: quoteEtag(found.etag) } : {});
    (this as { record: LockRecord }).record = renewed;
  }

  /** Re-reads the lock: undefined while it is ours, else why not. */
  async check(signal?: AbortSignal): Promise<string | undefined> {
    if (this.lost) return this.lost;
    const found = await readLock({ ...this.deps, signal: signal ?? this.deps.signal }, this.key);
    if (found.record?.owner !== this.record.owner) {
      this.markLost(found.record ? `the lock was taken over by ${describeHolder(found.record, this.deps.now())}` : 'the lock object disappeared');
      return this.lost;
    }
    if (found.record.expiresAt < this.deps.now()) {
      // Ours but expired (renewals failed): another run may take it any moment; renew before going on.
      await this.renew(signal);
      return this.lost;
    }
    return undefined;
  }

  /** Stops renewing and deletes the lock object if it is still ours. Never throws. */
  async release(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    if (this.lost) return;
    try {
      // No abort signal: an interrupted run still releases its lock. No re-read either: nobody takes over a
      // lock that is renewed and whose process is alive, and the manifest write already checked it.
      await this.deps.s3.send(new DeleteObjectCommand({ Bucket: this.deps.bucket, Key: this.key }), { abortSignal: AbortSignal.timeout(15_000) });
    } catch (error) {
      this.deps.log?.('warning', `could not release the lock ${JSON.stringify(this.key)}: ${describeError(error)}; it expires by itself`);
    }
  }
}

export async function acquireLock(deps: LockDeps): Promise<AcquireResult> {
  const settings: LockSettings = { ...DEFAULT_LOCK_SETTINGS, ...deps.settings };
  const full = { ...deps, settings };
  const key = lockKey(deps.prefix);
  const record: LockRecord = {
    format: LOCK_FORMAT,
    owner: randomUUID(),
    host: deps.host ?? hostname(),
    pid: deps.pid ?? process.pid,
    startedAt: new Date(deps.now()).toISOString(),
    expiresAt: deps.now() + settings.ttlMs,
  };

  const existing = await readLock(full, key);
  let tookOver: LockRecord | undefined;
  if (existing.record && !isExpired(existing.record, full)) {
    return { ok: false, holder: existing.record, message: `another run holds the lock on this prefix: ${describeHolder(existing.record, deps.now())}` };
  }
  if (existing.record) tookOver = existing.record;

  deps.onWriting?.();
  // Atomic where the server supports conditional writes.
  const condition = existing.etag === undefined ? { IfNoneMatch: '*' } : { IfMatch: quoteEtag(existing.etag) };
  try {
    const etag = await putLock(full, key, record, condition);
    return { ok: true, lock: new HeldLock(full, key, record, etag, true), ...(tookOver ? { tookOver } : {}) };
  } catch (error) {
    if (isPreconditionFailed(error)) {
      const now = await readLock(full, key);
      const holder = now.record ?? existing.record ?? record;
      return { ok: false, holder, message: `another run took the lock on this prefix first: ${describeHolder(holder, deps.now())}` };
    }
    if (!isNotImplemented(error)) {
      await removeIfOurs(full, key, record.owner);
      throw error;
    }
  }

  // No conditional writes: write, wait, and see whose record stands.
  try {
    const started = deps.now();
    const etag = await putLock(full, key, record, {});
    const roundTrip = deps.now() - started;
    await sleep(Math.min(settings.settleMaxMs, Math.max(settings.settleMinMs, 3 * roundTrip)), deps.signal);
    const after = await readLock(full, key);
    if (after.record?.owner !== record.owner) {
      const holder = after.record ?? record;
      return { ok: false, holder, message: `another run took the lock on this prefix at the same time: ${describeHolder(holder, deps.now())}` };
    }
    return { ok: true, lock: new HeldLock(full, key, record, after.etag ?? etag, false), ...(tookOver ? { tookOver } : {}) };
  } catch (error) {
    await removeIfOurs(full, key, record.owner);
    throw error;
  }
}

/**
 * After taking the lock failed half-way (interrupted during the settle wait, a request that failed after the
 * write may have landed): removes our record if it stands, so that it does not block the next run until it
 * expires. A write whose answer was not awaited (aborted mid-request) can still land after that, so this first
 * waits as long as the plain-PUT lock trusts a write to need. Never throws; not bound to the run's signal, which
 * may be the reason we are here.
 */
async function removeIfOurs(deps: LockDeps & { readonly settings: LockSettings }, key: string, owner: string): Promise<void> {
  try {
    await sleep(deps.settings.settleMinMs);
    const now = await readLock({ ...deps, signal: AbortSignal.timeout(15_000) }, key);
    if (now.record?.owner !== owner) return;
    await deps.s3.send(new DeleteObjectCommand({ Bucket: deps.bucket, Key: key }), { abortSignal: AbortSignal.timeout(15_000) });
  } catch (error) {
    deps.log?.('warning', `could not remove the lock ${JSON.stringify(key)} this run began to take: ${describeError(error)}; it expires by itself`);
  }
}

function isExpired(record: LockRecord, deps: LockDeps): boolean {
  if (record.expiresAt < deps.now()) return true;
  const host = deps.host ?? hostname();
  const pid = deps.pid ?? process.pid;
  // Same host, another process that is gone: killed without a chance to release.
  if (record.host === host && record.pid !== pid) return !(deps.isProcessAlive ?? processAlive)(record.pid);
  return false;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

async function readLock(deps: LockDeps, key: string): Promise<Found> {
  try {
    const out = await deps.s3.send(new GetObjectCommand({ Bucket: deps.bucket, Key: key }), { abortSignal: deps.signal });
    const text = (await out.Body?.transformToString('utf8')) ?? '';
    const etag = out.ETag;
    try {
      const parsed = JSON.parse(text) as Partial<LockRecord>;
      if (parsed.format === LOCK_FORMAT && typeof parsed.owner === 'string' && typeof parsed.expiresAt === 'number') {
        return { record: { host: '', pid: 0, startedAt: '', ...parsed } as LockRecord, etag, unreadable: false };
      }
    } catch {
      // fall through
    }
    return { record: undefined, etag, unreadable: true };
  } catch (error) {
    if (isMissingObject(error)) return { record: undefined, etag: undefined, unreadable: false };
    throw error;
  }
}

async function putLock(deps: LockDeps, key: string, record: LockRecord, condition: { IfNoneMatch?: string; IfMatch?: string }): Promise<string | undefined> {
  const { etag } = await putJsonObject(deps.s3, deps.bucket, key, `${JSON.stringify(record)}\n`, { condition, ...(deps.signal ? { signal: deps.signal } : {}) });
  return etag;
}

function quoteEtag(etag: string): string {
  return etag.startsWith('"') || etag.startsWith('W/') ? etag : `"${etag}"`;
}

function isPreconditionFailed(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  return httpStatusOf(error) === 412 || name === 'PreconditionFailed' || httpStatusOf(error) === 409 || name === 'ConditionalRequestConflict';
}

function isNotImplemented(error: unknown): boolean {
  const name = (error as { name?: string }).name;
  return httpStatusOf(error) === 501 || name === 'NotImplemented';
}

