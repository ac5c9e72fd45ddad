/** Deterministic fault injection: rules matched per request, applied to the first N or with a seeded probability. */
import type { CountedOperation, FaultKind, FaultRule, FaultRuleState } from './types.js';
import { invalidArgument } from './errors.js';
import { prng, seedToNumber } from './util.js';

const KINDS: ReadonlySet<FaultKind> = new Set(['throttle', 'error', 'latency', 'reset', 'truncate', 'corrupt', 'shortTtl', 'slow', 'ignoreRange']);

export class FaultEngine {
  private rules: FaultRuleState[] = [];
  private rand: () => number;
  private nextId = 1;
  private seed: number;

  constructor(seed: number | string = 1) {
    this.seed = seedToNumber(seed);
    this.rand = prng(this.seed);
  }

  /** A PRNG for per-request decisions (e.g. which bytes to corrupt), derived from the engine's seed. */
  derived(n: number): () => number {
    return prng(this.seed ^ Math.imul(n + 1, 0x9e3779b1));
  }

  private validate(rule: FaultRule): FaultRuleState {
    if (!rule || typeof rule !== 'object' || !KINDS.has(rule.kind)) throw invalidArgument(`Unknown fault kind: ${String(rule?.kind)}`);
    if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) throw invalidArgument('probability must be in [0, 1]');
    if (rule.count !== undefined && !(Number.isInteger(rule.count) && rule.count >= 0)) throw invalidArgument('count must be a non-negative integer');
    return { ...rule, id: rule.id ?? `fault-${this.nextId++}`, matched: 0, applied: 0 };
  }

  set(rules: FaultRule[], seed?: number | string): FaultRuleState[] {
    const validated = rules.map((r) => this.validate(r));
    if (seed !== undefined) this.seed = seedToNumber(seed);
    this.rand = prng(this.seed);
    this.rules = validated;
    return this.list();
  }

  add(rule: FaultRule): FaultRuleState {
    const r = this.validate(rule);
    this.rules.push(r);
    return { ...r };
  }

  list(): FaultRuleState[] {
    return this.rules.map((r) => ({ ...r }));
  }

  clear(): void {
    this.rules = [];
    this.rand = prng(this.seed);
  }

  /** The rules that apply to this request (updates their counters). */
  match(op: CountedOperation, ids: readonly string[]): FaultRuleState[] {
    const out: FaultRuleState[] = [];
    for (const r of this.rules) {
      if (r.op !== undefined && r.op !== '*' && r.op !== op) continue;
      if (r.documentId !== undefined && !ids.includes(r.documentId)) continue;
      r.matched++;
      if (r.count !== undefined && r.applied >= r.count) continue;
      if (r.probability !== undefined && r.probability < 1 && this.rand() >= r.probability) continue;
      r.applied++;
      out.push(r);
    }
    return out;
  }
}
