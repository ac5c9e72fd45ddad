/**
 * argv → raw option values. node:util's parseArgs splits the words (`--name value`, `--name=value`, `-h`,
 * `--`); this layer adds what it lacks: kebab-case names, `--no-` for booleans, a boolean's optional value,
 * every mistake reported at once and a did-you-mean for unknown flags.
 */
import { parseArgs as splitArgs } from 'node:util';
import { OPTION_SPECS, type OptionError, type OptionSpec } from '../options.js';
import { editDistance } from '../edit-distance.js';

/** A bad command line word: an option (named without its dashes) or an argument that is no option at all. */
export type ArgumentError = OptionError | { readonly argument: string; readonly problem: string };

export type ParsedArgs =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'run'; readonly raw: Record<string, string> }
  | { readonly kind: 'error'; readonly errors: readonly ArgumentError[] };

const CLI_SPECS = OPTION_SPECS.filter((s) => s.scope === 'both');
const BOOLEAN_WORD = /^(true|false|yes|no|1|0|on|off)$/i;

type Token = NonNullable<ReturnType<typeof splitArgs>['tokens']>[number];

/** The words as parseArgs sees them; only options that take a value are declared, so it knows what to consume. */
function tokensOf(argv: readonly string[], from: number): Token[] {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'V' },
  };
  for (const spec of CLI_SPECS) {
    const type = spec.kind === 'boolean' ? 'boolean' : 'string';
    options[spec.name] = { type };
    options[spec.name.replace(/_/g, '-')] = { type };
  }
  const { tokens } = splitArgs({ args: argv.slice(from), options, strict: false, allowPositionals: true, tokens: true });
  return tokens.map((token) => ({ ...token, index: token.index + from }));
}

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const raw: Record<string, string> = {};
  const errors: ArgumentError[] = [];
  let tokens = tokensOf(argv, 0);
  for (let at = 0; at < tokens.length; at++) {
    const token = tokens[at]!;
    if (token.kind === 'option-terminator') continue;
    if (token.kind === 'positional') {
      // Right after a string option's value: most likely the rest of a value with spaces that lost its quotes.
      const previous = tokens[at - 1];
      const afterValue = previous?.kind === 'option' && previous.value !== undefined && !previous.inlineValue && previous.index + 2 === token.index
        && findSpec(previous.rawName.replace(/^--/, ''))?.kind === 'string';
      errors.push({ argument: token.value, problem: afterValue
        ? `this command takes no positional arguments (if it belongs to ${previous.rawName}'s value, quote the whole value: ${previous.rawName} "${previous.value} ${token.value}")`
        : 'this command takes no positional arguments' });
      continue;
    }
    if (token.name === 'help') return { kind: 'help' };
    if (token.name === 'version') return { kind: 'version' };
    if (!token.rawName.startsWith('--')) {
      errors.push({ argument: token.rawName, problem: 'options are long (--name); the only short ones are -h and -V' });
      continue;
    }
    const written = token.rawName.slice(2);
    const negated = token.value === undefined && written.startsWith('no-') && findSpec(written.slice(3))?.kind === 'boolean';
    const spec = findSpec(negated ? written.slice(3) : written);
    if (!spec) {
      errors.push({ option: written, problem: `is not a known option${suggest(written)}` });
      continue;
    }
    if (spec.name in raw) errors.push({ option: spec.name, problem: 'is given more than once' });
    const next = tokens[at + 1];
    if (negated) raw[spec.name] = 'false';
    else if (token.value !== undefined && token.inlineValue) raw[spec.name] = token.value;
    else if (spec.kind === 'boolean') {
      const valueFollows = next?.kind === 'positional' && next.index === token.index + 1 && BOOLEAN_WORD.test(next.value);
      raw[spec.name] = valueFollows ? next.value : 'true';
      if (valueFollows) at++;
    } else if (token.value === undefined) errors.push({ option: spec.name, problem: 'needs a value' });
    else if (token.value.startsWith('--') && token.value.length > 2) {
      // parseArgs took the next flag for this one's value: it is a flag of its own, read from there on.
      errors.push({ option: spec.name, problem: 'needs a value' });
      tokens = [...tokens.slice(0, at + 1), ...tokensOf(argv, token.index + 1)];
    } else raw[spec.name] = token.value;
  }
  return errors.length > 0 ? { kind: 'error', errors } : { kind: 'run', raw };
}

/** What the user reads for one bad word. */
export function argumentErrorText(error: ArgumentError): string {
  return 'option' in error ? `--${error.option} ${error.problem}` : `unexpected argument '${error.argument}': ${error.problem}`;
}

function findSpec(written: string): OptionSpec | undefined {
  const name = written.replace(/-/g, '_');
  return CLI_SPECS.find((s) => s.name === name);
}

function suggest(written: string): string {
  const name = written.replace(/-/g, '_').toLowerCase();
  const close = CLI_SPECS.map((s) => ({ s, d: editDistance(name, s.name) })).sort((a, b) => a.d - b.d)[0];
  return close && close.d <= 3 ? ` (did you mean --${close.s.name}?)` : '';
}

export function helpText(version: string): string {
  const lines = [
    `workdocs-s3-sync ${version}: mirror an Amazon WorkDocs folder tree into an S3 bucket.`,
    '',
    'Usage: workdocs-s3-sync --workdocs_folder_id ID --s3_bucket_name BUCKET --region_name REGION [options]',
    '',
    'Options (also accepted as --name=value; booleans alone mean true, --no-name means false):',
  ];
  for (const spec of CLI_SPECS) {
    const value = spec.kind === 'boolean' ? '' : spec.kind === 'enum' ? ` ${spec.values!.join('|')}` : spec.kind === 'integer' ? ' N' : ' TEXT';
    const extra = spec.required ? ' (required)' : spec.default !== undefined && spec.default !== '' ? ` (default ${spec.default})` : '';
    lines.push(`  --${spec.name}${value}`, `      ${spec.description}${extra}`);
  }
  lines.push(
    '  --help, --version',
    '',
    'Credentials: the standard AWS chain (environment, profile, SSO, instance role). Endpoints: AWS_ENDPOINT_URL_WORKDOCS,',
    'AWS_ENDPOINT_URL_S3 and AWS_ENDPOINT_URL are honoured (the options above win).',
    '',
    'Exit codes:',
    '  0  everything was done (or, with --dry_run, planned)',
    '  1  some items failed or deletes were refused (max_delete); the rest was done, the report says which',
    '  2  bad usage or input (unknown flag, invalid value, folder or bucket that does not exist); nothing was touched',
    '  3  fatal: the source or destination could not be listed, or the run was interrupted; nothing was deleted',
  );
  return lines.join('\n');
}
