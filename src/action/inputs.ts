/**
 * Action inputs → validated options. Every input of OPTION_SPECS is read as the raw string the runner passes
 * (`INPUT_<NAME>`), then parsed by the same functions as the CLI flags, before any request is made.
 */
import {
  OPTION_SPECS,
  parseActionOptions,
  parseSyncOptions,
  type ActionOptions,
  type OptionError,
  type RawOptions,
  type SyncOptions,
} from '../options.js';

export interface ActionInputs {
  readonly sync: SyncOptions;
  readonly action: ActionOptions;
}

export type InputsResult = { readonly ok: true; readonly value: ActionInputs } | { readonly ok: false; readonly errors: readonly OptionError[] };

/** Reads one input as typed; `core.getInput` has this shape. */
export type GetInput = (name: string) => string;

/** Reads every input of OPTION_SPECS (both scopes); an empty string means "not given". */
export function readRawInputs(getInput: GetInput): RawOptions {
  return Object.fromEntries(OPTION_SPECS.map((spec) => [spec.name, getInput(spec.name)]));
}

/** Parses the raw inputs into the sync and the Action options, collecting every problem of both. */
export function parseInputs(raw: RawOptions): InputsResult {
  const sync = parseSyncOptions(raw);
  const action = parseActionOptions(raw);
  if (sync.ok && action.ok) return { ok: true, value: { sync: sync.value, action: action.value } };
  return { ok: false, errors: [...(sync.ok ? [] : sync.errors), ...(action.ok ? [] : action.errors)] };
}

/** `Input 'max_workers': must be …`, one line per problem, in OPTION_SPECS order. */
export function formatInputErrors(errors: readonly OptionError[]): string {
  const order = (e: OptionError): number => OPTION_SPECS.findIndex((s) => s.name === e.option);
  return [...errors].sort((a, b) => order(a) - order(b)).map((e) => `Input '${e.option}': ${e.problem}`).join('\n');
}
