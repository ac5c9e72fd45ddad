/**
 * Runs the Action the way the GitHub runner does, and drives workflow files' steps locally:
 * - `runActionProcess` spawns dist/index.js with `INPUT_*` variables (upper-cased names, underscores kept,
 *   defaults from action.yml for inputs a step does not give), `GITHUB_OUTPUT` / `GITHUB_STEP_SUMMARY` files and
 *   `RUNNER_TEMP`, and reads back outputs, summary, annotations and the exit status.
 * - `runJob` walks a job's steps: `${{ }}` expressions over vars / inputs / github / steps contexts, `if:`
 *   conditions with success()/always()/failure(), `run:` steps in bash (`-eo pipefail`, like the runner),
 *   this Action's step through `runActionProcess`, and other actions recorded (not run) with their inputs.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { asList, asMap, parseYaml, type Yaml } from './yaml-values.js';

// ---------------------------------------------------------------------------------------------------------
// Expressions: the subset of GitHub's expression language workflows use in `if:` and `${{ }}`.

type Value = string | number | boolean | null | { [key: string]: Value };
export type Context = { [key: string]: Value };

interface Status { readonly failed: boolean }

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(?:('(?:[^']|'')*')|(==|!=|&&|\|\||[!(),])|([A-Za-z_][\w.-]*)|(-?\d+(?:\.\d+)?))/y;
  let at = 0;
  while (at < text.length) {
    if (/^\s*$/.test(text.slice(at))) break;
    re.lastIndex = at;
    const m = re.exec(text);
    if (!m) throw new Error(`cannot read expression at ${JSON.stringify(text.slice(at))}`);
    tokens.push((m[1] ?? m[2] ?? m[3] ?? m[4])!);
    at = re.lastIndex;
  }
  return tokens;
}

function toNumber(v: Value): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v === null) return 0;
  if (typeof v === 'string') return v.trim() === '' ? 0 : Number(v);
  return Number.NaN;
}

function equals(a: Value, b: Value): boolean {
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  if (typeof a === typeof b && typeof a !== 'object') return a === b;
  return toNumber(a) === toNumber(b);
}

function truthy(v: Value): boolean {
  return !(v === false || v === null || v === 0 || v === '' || Number.isNaN(v));
}

export function evaluate(expression: string, context: Context, status: Status = { failed: false }): Value {
  const tokens = tokenize(expression);
  let i = 0;
  const peek = (): string | undefined => tokens[i];
  const take = (expected?: string): string => {
    const t = tokens[i++];
    if (t === undefined || (expected !== undefined && t !== expected)) throw new Error(`expected ${expected ?? 'a token'} in ${expression}`);
    return t;
  };
  const primary = (): Value => {
    const t = take();
    if (t === '(') { const v = or(); take(')'); return v; }
    if (t === '!') return !truthy(primary());
    if (t.startsWith("'")) return t.slice(1, -1).replace(/''/g, "'");
    if (/^-?\d/.test(t)) return Number(t);
    if (t === 'true' || t === 'false') return t === 'true';
    if (t === 'null') return null;
    if (peek() === '(') {
      take('(');
      const args: Value[] = [];
      while (peek() !== ')') {
        args.push(or());
        if (peek() === ',') take(',');
      }
      take(')');
      switch (t) {
        case 'success': return !status.failed;
        case 'failure': return status.failed;
        case 'always': return true;
        case 'cancelled': return false;
        case 'fromJSON': return JSON.parse(asText(args[0] ?? null)) as Value;
        case 'toJSON': return JSON.stringify(args[0] ?? null);
        default: throw new Error(`unsupported function ${t}()`);
      }
    }
    let v: Value = context;
    for (const part of t.split('.')) v = v !== null && typeof v === 'object' ? (v[part] ?? null) : null;
    return v;
  };
  const comparison = (): Value => {
    let left = primary();
    while (peek() === '==' || peek() === '!=') {
      const op = take();
      const right = primary();
      left = op === '==' ? equals(left, right) : !equals(left, right);
    }
    return left;
  };
  const and = (): Value => {
    let left = comparison();
    while (peek() === '&&') { take(); const right = comparison(); left = truthy(left) ? right : left; }
    return left;
  };
  const or = (): Value => {
    let left = and();
    while (peek() === '||') { take(); const right = and(); left = truthy(left) ? left : right; }
    return left;
  };
  const value = or();
  if (i !== tokens.length) throw new Error(`unexpected ${tokens[i]} in ${expression}`);
  return value;
}

function asText(v: Value): string {
  if (v === null) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Replaces every `${{ expr }}` in a string. */
export function interpolate(text: string, context: Context, status?: Status): string {
  return text.replace(/\$\{\{(.*?)\}\}/g, (_, expr: string) => asText(evaluate(expr, context, status)));
}

/** An `if:` condition as the runner reads it: implicit `success() &&` unless a status function is used. */
export function condition(text: Yaml | undefined, context: Context, status: Status): boolean {
  if (text === undefined || text === null) return !status.failed;
  const raw = String(text).trim().replace(/^\$\{\{([\s\S]*)\}\}$/, '$1');
  const usesStatus = /\b(success|failure|always|cancelled)\(\)/.test(raw);
  const value = truthy(evaluate(raw, context, status));
  return usesStatus ? value : !status.failed && value;
}

// ---------------------------------------------------------------------------------------------------------
// The Action as a child process.

export interface ActionProcessResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly outputs: Record<string, string>;
  readonly summary: string;
  /** `::error …::` / `::warning …::` commands, decoded. */
  readonly annotations: { kind: string; title: string | undefined; message: string }[];
}

/** Reads a GITHUB_OUTPUT file (`name=value` lines and `name<<DELIMITER` blocks). */
export function readOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]!;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const [, name, delimiter] = heredoc;
      const value: string[] = [];
      for (i += 1; i < lines.length && lines[i] !== delimiter; i += 1) value.push(lines[i]!);
      out[name!] = value.join('\n');
    } else if (line.includes('=')) {
      out[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    }
  }
  return out;
}

function unescapeCommand(text: string): string {
  return text.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%25/g, '%');
}

export function readAnnotations(stdout: string): ActionProcessResult['annotations'] {
  const found: ActionProcessResult['annotations'] = [];
  for (const line of stdout.split('\n')) {
    const m = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(line);
    if (!m) continue;
    const props = Object.fromEntries((m[2] ?? '').split(',').filter((p) => p.includes('=')).map((p) => [p.slice(0, p.indexOf('=')), unescapeCommand(p.slice(p.indexOf('=') + 1))]));
    found.push({ kind: m[1]!, title: props.title, message: unescapeCommand(m[3]!) });
  }
  return found;
}

/** The `inputs:` of action.yml with their defaults, as the runner applies them. */
export function actionDefaults(actionYmlPath: string): Record<string, string> {
  const inputs = asMap(asMap(parseYaml(readFileSync(actionYmlPath, 'utf8')), 'action.yml').inputs, 'inputs');
  return Object.fromEntries(Object.entries(inputs).map(([name, spec]) => [name, asText((asMap(spec, name).default ?? '') as Value)]));
}

export interface ProcessOptions {
  readonly node: string;
  readonly dist: string;
  /** Defaults of action.yml, applied to inputs not given (the runner does this). */
  readonly defaults: Record<string, string>;
  readonly workspace: string;
  readonly runnerTemp: string;
  /** Extra environment (OIDC, AWS_ENDPOINT_URL_STS…); PATH and HOME are added. */
  readonly env: Record<string, string>;
  readonly timeoutMs?: number;
  /** Sends `signal` to the process once its stdout matches `stdout` (the runner cancelling the job). */
  readonly interrupt?: { readonly stdout: RegExp; readonly signal: 'SIGINT' | 'SIGTERM' };
}

export async function runActionProcess(inputs: Record<string, string>, options: ProcessOptions): Promise<ActionProcessResult> {
  const id = randomUUID();
  const outputFile = join(options.runnerTemp, `output-${id}`);
  const summaryFile = join(options.runnerTemp, `summary-${id}`);
  writeFileSync(outputFile, '');
  writeFileSync(summaryFile, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: options.workspace,
    GITHUB_ACTIONS: 'true',
    CI: 'true',
    GITHUB_WORKSPACE: options.workspace,
    RUNNER_TEMP: options.runnerTemp,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile,
    AWS_EC2_METADATA_DISABLED: 'true',
    ...options.env,
  };
  for (const [name, value] of Object.entries({ ...options.defaults, ...inputs })) env[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value;
  const child = spawn(options.node, [options.dist], { cwd: options.workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  let interrupt = options.interrupt;
  child.stdout.setEncoding('utf8').on('data', (c: string) => {
    stdout += c;
    if (interrupt && interrupt.stdout.test(stdout)) {
      child.kill(interrupt.signal);
      interrupt = undefined;
    }
  });
  child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
  const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
  const status = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  clearTimeout(timer);
  return {
    status,
    stdout,
    stderr,
    outputs: readOutputFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8'),
    annotations: readAnnotations(stdout),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Jobs of a workflow file.

export interface StepRecord {
  readonly name: string;
  readonly id: string | undefined;
  readonly ran: boolean;
  readonly kind: 'this-action' | 'run' | 'other-action';
  /** The step's `with:` after interpolation (other actions: recorded, not run). */
  readonly with: Record<string, string>;
  readonly outputs: Record<string, string>;
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly action?: ActionProcessResult;
}

export interface JobOptions extends ProcessOptions {
  /** Contexts other than `steps`: vars, inputs, github, secrets. */
  readonly context: Context;
  /** Recognises this Action's `uses:` value. */
  readonly isThisAction: (uses: string) => boolean;
  /** Inputs added to this Action's step when the workflow does not set them (e.g. local endpoints). */
  readonly inputOverrides?: Record<string, string>;
}

function runBash(script: string, env: Record<string, string>, cwd: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => { stdout += c; });
    child.stderr.setEncoding('utf8').on('data', (c: string) => { stderr += c; });
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** The jobs of a workflow file, by id. */
export function workflowJobs(workflowPath: string): Record<string, Record<string, Yaml>> {
  const jobs = asMap(asMap(parseYaml(readFileSync(workflowPath, 'utf8')), workflowPath).jobs, 'jobs');
  return Object.fromEntries(Object.entries(jobs).map(([id, job]) => [id, asMap(job, id)]));
}

/** The steps of one job of a workflow file (the only job when `job` is omitted). */
export function jobSteps(workflowPath: string, job?: string): Record<string, Yaml>[] {
  const jobs = workflowJobs(workflowPath);
  const name = job ?? Object.keys(jobs)[0]!;
  return asList(jobs[name]!.steps, 'steps').map((s, i) => asMap(s, `step ${i}`));
}

/** A job's `outputs:` evaluated over its finished steps (what `needs.<job>.outputs` shows later jobs). */
export function jobOutputs(job: Record<string, Yaml>, records: readonly StepRecord[], context: Context): Record<string, string> {
  const steps: { [id: string]: Value } = {};
  for (const r of records) if (r.id !== undefined) steps[r.id] = { outputs: r.outputs };
  const declared = job.outputs === undefined ? {} : asMap(job.outputs, 'outputs');
  return Object.fromEntries(Object.entries(declared).map(([k, v]) => [k, interpolate(asText(v as Value), { ...context, steps })]));
}

/** Evaluates a `${{ }}`-wrapped or bare expression to a value (e.g. `strategy.matrix`). */
export function expressionValue(text: Yaml | undefined, context: Context): Value {
  const raw = asText((text ?? null) as Value).trim();
  const m = /^\$\{\{([\s\S]*)\}\}$/.exec(raw);
  return m ? evaluate(m[1]!, context) : (text as Value);
}

export async function runJob(steps: readonly Record<string, Yaml>[], options: JobOptions): Promise<StepRecord[]> {
  const records: StepRecord[] = [];
  const stepsContext: { [id: string]: Value } = {};
  const status = { failed: false };
  for (const [index, step] of steps.entries()) {
    const context: Context = { ...options.context, steps: stepsContext };
    const id = step.id === undefined ? undefined : String(step.id);
    const name = String(step.name ?? step.uses ?? step.run ?? `step ${index}`);
    const withInputs = Object.fromEntries(Object.entries(step.with === undefined ? {} : asMap(step.with, 'with')).map(([k, v]) => [k, interpolate(asText(v as Value), context, status)]));
    const kind: StepRecord['kind'] = step.run !== undefined ? 'run' : options.isThisAction(String(step.uses ?? '')) ? 'this-action' : 'other-action';
    const base = { name, id, kind, with: withInputs };
    if (!condition(step.if, context, status)) {
      records.push({ ...base, ran: false, outputs: {}, status: null, stdout: '', stderr: '' });
      continue;
    }
    let record: StepRecord;
    if (kind === 'this-action') {
      const result = await runActionProcess({ ...options.inputOverrides, ...withInputs }, options);
      record = { ...base, ran: true, outputs: result.outputs, status: result.status, stdout: result.stdout, stderr: result.stderr, action: result };
    } else if (kind === 'run') {
      const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: options.workspace, GITHUB_WORKSPACE: options.workspace, RUNNER_TEMP: options.runnerTemp };
      const outputFile = join(options.runnerTemp, `output-${randomUUID()}`);
      const summaryFile = join(options.runnerTemp, `summary-${randomUUID()}`);
      writeFileSync(outputFile, '');
      writeFileSync(summaryFile, '');
      Object.assign(env, { GITHUB_OUTPUT: outputFile, GITHUB_STEP_SUMMARY: summaryFile });
      for (const [k, v] of Object.entries(step.env === undefined ? {} : asMap(step.env, 'env'))) env[k] = interpolate(asText(v as Value), context, status);
      const result = await runBash(interpolate(String(step.run), context, status), env, options.workspace);
      record = { ...base, ran: true, outputs: readOutputFile(readFileSync(outputFile, 'utf8')), ...result };
    } else {
      record = { ...base, ran: false, outputs: {}, status: 0, stdout: '', stderr: '' };
    }
    if (record.status !== 0 && step['continue-on-error'] !== true) status.failed = true;
    if (id !== undefined) stepsContext[id] = { outputs: record.outputs, outcome: record.status === 0 ? 'success' : 'failure', conclusion: record.status === 0 ? 'success' : 'failure' };
    records.push(record);
  }
  return records;
}
