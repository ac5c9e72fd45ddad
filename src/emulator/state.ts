/**
 * The live state the three handlers share: the data model, counters, fault rules, URL lifetime and the
 * key that signs presigned content URLs. `resetState` swaps the store for a fresh load of the same source.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { defaultErrorType, ServiceError } from './errors.js';
import { FaultEngine } from './faults.js';
import { sampleFixture } from './fixtures/sample.js';
import { siteFixture } from './fixtures/site.js';
import { generateSite, generateTree } from './generator.js';
import type { Credentials } from './sigv4.js';
import { Store } from './store.js';
import type { Counters, CountedOperation, FaultRuleState, Fixture, GenerateOptions, SiteGenerateOptions } from './types.js';
import { sleep } from './util.js';

export interface EmulatorOptions {
  /** 0 (default) = any free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** A fixture object, `'sample'` (default), `'site'` (several users, shares, comments), or a path to a fixture JSON file. */
  fixture?: Fixture | 'sample' | 'site' | string;
  /** Resolves relative `contentFile`s of an in-memory fixture object. */
  baseDir?: string;
  /** A procedural tree instead of a fixture. */
  generate?: GenerateOptions;
  /** A procedural whole site (many users) instead of a fixture. */
  generateSite?: SiteGenerateOptions;
  /** Presigned URL lifetime (default 900). */
  urlTtlSeconds?: number;
  /** When given, SigV4 signatures are verified fully; otherwise only their form is checked. */
  credentials?: Credentials;
  /** Seed of the fault PRNG (default 1). */
  faultSeed?: number | string;
  /** HMAC key for presigned URLs (default random per instance). */
  urlSigningKey?: string;
  /** Public endpoint used in URLs when the Host header is absent (default http://host:port). */
  publicEndpoint?: string;
}

export function loadStore(opts: EmulatorOptions): Store {
  if (opts.generateSite) return generateSite(opts.generateSite);
  if (opts.generate) return generateTree(opts.generate);
  const fx = opts.fixture ?? 'sample';
  if (fx === 'sample') return Store.fromFixture(sampleFixture);
  if (fx === 'site') return Store.fromFixture(siteFixture);
  if (typeof fx === 'string') {
    const path = resolve(fx);
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Fixture;
    return Store.fromFixture(parsed, dirname(path));
  }
  return Store.fromFixture(fx, opts.baseDir);
}

const COUNTED: CountedOperation[] = [
  'GetFolder',
  'DescribeFolderContents',
  'GetDocument',
  'GetDocumentVersion',
  'DescribeDocumentVersions',
  'DescribeUsers',
  'DescribeGroups',
  'DescribeActivities',
  'DescribeResourcePermissions',
  'DescribeComments',
  'Content',
];

export function emptyCounters(): Counters {
  return { operations: Object.fromEntries(COUNTED.map((o) => [o, 0])), contentBytes: 0, total: 0, authFailures: 0, faultsApplied: 0 };
}

/** What the fault rules decided for one request before its body is sent. */
export interface FaultDecision {
  error?: ServiceError;
  /** Every rule applied; body rules among them shape the reply. */
  list: FaultRuleState[];
  /** A shortTtl rule's lifetime for URLs minted by this request. */
  ttl?: number;
}

export class EmulatorState {
  store: Store;
  urlTtlSeconds: number;
  counters = emptyCounters();
  readonly faults: FaultEngine;
  /** Set once the server listens. */
  endpoint = '';
  private requestSeq = 0;
  private readonly urlKey: string;

  constructor(readonly options: EmulatorOptions) {
    this.store = loadStore(options);
    this.urlTtlSeconds = options.urlTtlSeconds ?? 900;
    this.faults = new FaultEngine(options.faultSeed ?? 1);
    this.urlKey = options.urlSigningKey ?? randomBytes(32).toString('hex');
  }

  resetState(): void {
    this.store = loadStore(this.options);
    this.counters = emptyCounters();
    this.faults.clear();
    this.urlTtlSeconds = this.options.urlTtlSeconds ?? 900;
  }

  count(op: CountedOperation): void {
    this.counters.operations[op] = (this.counters.operations[op] ?? 0) + 1;
    this.counters.total++;
  }

  /** A request's number: seeds the PRNG its probabilistic body faults draw from. */
  nextRequest(): number {
    return ++this.requestSeq;
  }

  signUrl(docId: string, versionId: string, expires: number): string {
    return createHmac('sha256', this.urlKey).update(`${docId}\n${versionId}\n${expires}`).digest('hex');
  }

  /** Applies latency and decides error faults; body faults come back in `list` for the reply. */
  async applyFaults(op: CountedOperation, ids: string[]): Promise<FaultDecision> {
    const list = this.faults.match(op, ids);
    this.counters.faultsApplied += list.length;
    let latency = 0;
    let error: ServiceError | undefined;
    let ttl: number | undefined;
    for (const f of list) {
      if (f.kind === 'latency') latency += f.latencyMs ?? 0;
      else if (f.kind === 'shortTtl') ttl = Math.min(ttl ?? Infinity, f.ttlSeconds ?? 1);
      else if (!error && f.kind === 'throttle') error = new ServiceError(f.status ?? 429, f.errorType ?? 'ThrottlingException', f.message ?? 'Rate exceeded');
      else if (!error && f.kind === 'error') {
        const status = f.status ?? 500;
        error = new ServiceError(status, f.errorType ?? defaultErrorType(status), f.message ?? `Injected fault (${status}).`);
      }
    }
    if (latency > 0) await sleep(latency);
    return { list, ...(error ? { error } : {}), ...(ttl !== undefined ? { ttl } : {}) };
  }
}
