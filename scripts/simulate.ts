// `npm run simulate -- --seeds N --steps M`: random histories against the WorkDocs emulator and the local S3
// server, with the invariants of issue 25 checked after every run (test-support/simulator). `--seed S` replays
// one history step by step; `--minutes T` keeps going through new seeds until the time is up (a night:
// `--minutes 480`). Prints the seed and step of every failure; exits 1 if any history failed.
import { parseArgs } from 'node:util';
import { simulate, type Failure } from '../test-support/simulator/simulate.js';
import { s3ServerIsUp, startS3Server, stopS3Server } from '../test-support/s3-server.js';

const USAGE = `usage: npm run simulate -- [--seeds N] [--steps M] [--first-seed F] [--minutes T] [--verbose]
       npm run simulate -- --seed S [--steps M]      (replay one history, every step printed)
  --seeds N       histories to run, seeds F, F+1, … (default 5)
  --steps M       steps per history (default 60)
  --first-seed F  the first seed (default 1)
  --minutes T     run new seeds until T minutes have passed (overrides --seeds)
  --verbose       print every step of every history, not only of the failing ones
  --coverage      print what each history exercised (steps, changes, options, faults)
  --ignore RE     note violations matching RE ("invariant 2: foreign") and go on: to look past a known bug
  --source S      folder or site: every history mirrors that source (default: each seed draws one, 40% sites)`;

function wholeNumber(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text)) {
    process.stderr.write(`--${name} must be a whole number, got ${JSON.stringify(text)}\n${USAGE}\n`);
    process.exit(2);
  }
  return Number(text);
}

let parsed;
try {
  parsed = parseArgs({
    options: {
      seeds: { type: 'string' }, steps: { type: 'string' }, seed: { type: 'string' }, 'first-seed': { type: 'string' },
      minutes: { type: 'string' }, ignore: { type: 'string' }, source: { type: 'string' }, coverage: { type: 'boolean' }, verbose: { type: 'boolean' }, help: { type: 'boolean' },
    },
    strict: true,
  }).values;
} catch (e) {
  process.stderr.write(`${(e as Error).message}\n${USAGE}\n`);
  process.exit(2);
}
if (parsed.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const steps = wholeNumber('steps', parsed.steps, 60);
const replay = parsed.seed === undefined ? undefined : wholeNumber('seed', parsed.seed, 0);
const firstSeed = wholeNumber('first-seed', parsed['first-seed'], 1);
const seeds = wholeNumber('seeds', parsed.seeds, 5);
const minutes = parsed.minutes === undefined ? undefined : wholeNumber('minutes', parsed.minutes, 0);
const verbose = parsed.verbose === true || replay !== undefined;
const ignore = parsed.ignore === undefined ? undefined : new RegExp(parsed.ignore);
if (parsed.source !== undefined && parsed.source !== 'folder' && parsed.source !== 'site') {
  process.stderr.write(`--source must be folder or site, got ${JSON.stringify(parsed.source)}\n${USAGE}\n`);
  process.exit(2);
}
const source = parsed.source as 'folder' | 'site' | undefined;

const say = (text: string): void => { process.stdout.write(`${text}\n`); };
const wasUp = s3ServerIsUp();
const s3 = startS3Server({ hold: process.pid });
const started = Date.now();
const deadline = minutes === undefined ? undefined : started + minutes * 60_000;
const failures: Failure[] = [];
const errors: number[] = [];
let histories = 0;
let totalRuns = 0;
try {
  for (let seed = replay ?? firstSeed; ; seed++) {
    if (replay !== undefined ? seed > replay : deadline !== undefined ? Date.now() >= deadline : seed >= firstSeed + seeds) break;
    const t0 = Date.now();
    let result;
    try {
      result = await simulate({ seed, steps, s3, ...(verbose ? { log: say } : {}), ...(ignore ? { ignore } : {}), ...(source ? { source } : {}) });
    } catch (e) {
      // Not a violation: the simulator could not run the history (the S3 server went away ...). A night goes on.
      errors.push(seed);
      say(`seed ${seed}: ERROR, the history could not run: ${(e as Error).stack ?? String(e)}`);
      continue;
    }
    histories++;
    totalRuns += result.runs;
    const took = `${((Date.now() - t0) / 1000).toFixed(0)} s`;
    if (parsed.coverage) say(`seed ${seed} exercised: ${Object.entries(result.coverage).sort().map(([what, n]) => `${what} ×${n}`).join(', ')}`);
    if (result.failure === undefined) {
      say(`seed ${seed}: ok, ${result.steps} steps, ${result.runs} runs (${took})`);
      continue;
    }
    failures.push(result.failure);
    const f = result.failure;
    say(`seed ${seed}: FAILED at step ${f.step}, invariant ${f.invariant}: ${f.message} (${took})`);
    if (!verbose) for (const line of f.history) say(`    ${line}`);
    say(`    replay: npm run simulate -- --seed ${seed} --steps ${f.step}${source ? ` --source ${source}` : ''}`);
  }
} finally {
  if (!wasUp) stopS3Server({ release: process.pid });
}
say(`${histories} histories, ${totalRuns} runs, ${failures.length} failed${errors.length > 0 ? `, ${errors.length} could not run (seeds ${errors.join(', ')})` : ''}, ${((Date.now() - started) / 60_000).toFixed(1)} min`);
for (const f of failures) say(`  seed ${f.seed} step ${f.step}: invariant ${f.invariant}: ${f.message}`);
process.exit(failures.length > 0 || errors.length > 0 ? 1 : 0);
