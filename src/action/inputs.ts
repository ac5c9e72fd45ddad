/**
 * Action inputs → validated options. The runner hands each `with:` entry to the process as `INPUT_<NAME>` (the
 * name upper-cased, spaces turned into `_`); every input of OPTION_SPECS is read from there, in its snake_case or
 * kebab-case spelling, then parsed by the same functions as the CLI flags, before any request is made. Other
 * `INPUT_` variables are never silently dropped: a near miss of an input gets a warning naming it, and one of a
 * safety input stops the run, since a preview that becomes a real sync cannot be undone.
 */
import { editDistance } from '../edit-distance.js';
import {
  OPTION_SPECS,
  parseActionOptions,
  parseSyncOptions,
  type ActionOptions,
  type OptionError,
  type OptionSpec,
  type RawOptions,
  type SyncOptions,
} from '../options.js';

export interface ActionInputs {
  readonly sync: SyncOptions;
  readonly action: ActionOptions;
}

export type InputsResult = { readonly ok: true; readonly value: ActionInputs } | { readonly ok: false; readonly errors: readonly OptionError[] };

/** The inputs that decide what may be written or deleted; one the Action cannot read must not be ignored. */
export const SAFETY_INPUTS: readonly string[] = ['dry_run', 'max_delete', 'delete_stale', 'delete_foreign', 'archive_prefix', 'allow_source_change'];

export interface RawInputs {
  /** Values by snake_case name; '' means not given. */
  readonly raw: RawOptions;
  /** `INPUT_` variables that are no input of this Action, each with the closest input when there is one. */
  readonly warnings: readonly string[];
  /** Problems that stop the run before any request (exit 2): conflicting spellings, unreadable safety inputs. */
  readonly errors: readonly OptionError[];
}

/** The runner's variable name for an input as written in `with:`. */
export function inputVariable(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

/** One spelling of every input: upper case, `-` read as `_` (so `dry-run` and `dry_run` are the same input). */
function canonical(variableSuffix: string): string {
  return variableSuffix.replace(/-/g, '_');
}

/** Compares names as a person would misspell them: case, separators and spaces do not count. */
function loose(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, '');
}

/** The input a written name most likely meant, when it is close enough to be a misspelling of it. */
export function closestInput(written: string, names: readonly string[]): string | undefined {
  const target = loose(written);
  let best: { name: string; d: number } | undefined;
  for (const name of names) {
    const d = editDistance(target, loose(name));
    if (best === undefined || d < best.d) best = { name, d };
  }
  // Two edits for short names, three for long ones: `max_deletes`, `dryrun`, `delete-stail` are near misses.
  return best !== undefined && best.d <= (loose(best.name).length >= 10 ? 3 : 2) ? best.name : undefined;
}

/**
 * Reads every input of OPTION_SPECS (both scopes) from the runner's `INPUT_` variables. A kebab-case spelling is
 * read like the snake_case one; when both are given (the runner always passes action.yml's default under the
 * snake_case name), the one that differs from the default wins, and two different non-default values are an error.
 */
export function readRawInputs(env: Readonly<Record<string, string | undefined>>): RawInputs {
  const bySpelling = new Map(OPTION_SPECS.map((spec) => [spec.name.toUpperCase(), spec]));
  const given = new Map<OptionSpec, { variable: string; value: string }[]>();
  const warnings: string[] = [];
  const errors: OptionError[] = [];
  const knownNames = [...new Set([...OPTION_SPECS.map((s) => s.name), ...SAFETY_INPUTS])];

  for (const [variable, value] of Object.entries(env)) {
    if (!variable.startsWith('INPUT_') || value === undefined) continue;
    const written = variable.slice('INPUT_'.length);
    const spec = bySpelling.get(canonical(written));
    if (spec !== undefined) {
      given.set(spec, [...(given.get(spec) ?? []), { variable, value: value.trim() }]);
      continue;
    }
    const shown = written.toLowerCase();
    const meant = closestInput(written, knownNames);
    if (meant !== undefined && SAFETY_INPUTS.includes(meant)) {
      const supported = OPTION_SPECS.some((s) => s.name === meant);
      errors.push({
        option: meant,
        problem: supported
          ? `was given as '${shown}', which this Action cannot read; write it as '${meant}' (or '${meant.replace(/_/g, '-')}'). Nothing was done, since ignoring it could write or delete what it protects`
          : `is not an input of this version of the Action; remove it, or use a version that has it. Nothing was done, since ignoring it could delete what it protects`,
      });
    } else {
      warnings.push(meant !== undefined
        ? `Input '${shown}' is not an input of this Action and is ignored; did you mean '${meant}'?`
        : `Input '${shown}' is not an input of this Action and is ignored.`);
    }
  }

  const raw: Record<string, string> = {};
  for (const spec of OPTION_SPECS) {
    const values = given.get(spec) ?? [];
    const snake = values.find((v) => v.variable === inputVariable(spec.name));
    const others = values.filter((v) => v !== snake);
    const chosen = new Set(others.map((v) => v.value));
    // The snake_case value counts only when it is not action.yml's default, which the runner always sets.
    if (snake !== undefined && (others.length === 0 || (snake.value !== '' && snake.value !== (spec.default ?? '')))) chosen.add(snake.value);
    if (chosen.size > 1) {
      errors.push({ option: spec.name, problem: `is given in more than one spelling with different values (${values.map((v) => `${v.variable.slice('INPUT_'.length).toLowerCase()}: ${JSON.stringify(v.value)}`).join(', ')}); keep one` });
    }
    raw[spec.name] = [...chosen][0] ?? '';
  }
  return { raw, warnings, errors };
}

/** Parses the raw inputs into the sync and the Action options, collecting every problem of both. */
export function parseInputs(raw: RawOptions): InputsResult {
  const sync = parseSyncOptions(raw);
  const action = parseActionOptions(raw);
  if (sync.ok && action.ok) return { ok: true, value: { sync: sync.value, action: action.value } };
  return { ok: false, errors: [...(sync.ok ? [] : sync.errors), ...(action.ok ? [] : action.errors)] };
}

/** `Input 'max_workers': must be …`, one line per problem, in OPTION_SPECS order (other names last). */
export function formatInputErrors(errors: readonly OptionError[]): string {
  const order = (e: OptionError): number => {
    const index = OPTION_SPECS.findIndex((s) => s.name === e.option);
    return index < 0 ? OPTION_SPECS.length : index;
  };
  return [...errors].sort((a, b) => order(a) - order(b)).map((e) => `Input '${e.option}': ${e.problem}`).join('\n');
}
