/** argv → raw option values. Flags are the snake_case option names (`--max_workers 8`, `--max_workers=8`); booleans may stand alone. */
import { OPTION_SPECS, type OptionError, type OptionSpec } from '../options.js';

export type ParsedArgs =
  | { readonly kind: 'help' }
  | { readonly kind: 'version' }
  | { readonly kind: 'run'; readonly raw: Record<string, string> }
  | { readonly kind: 'error'; readonly errors: readonly OptionError[] };

const CLI_SPECS = OPTION_SPECS.filter((s) => s.scope === 'both');

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const raw: Record<string, string> = {};
  const errors: OptionError[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--help' || arg === '-h') return { kind: 'help' };
    if (arg === '--version' || arg === '-V') return { kind: 'version' };
    if (!arg.startsWith('--')) {
      errors.push({ option: arg, problem: 'is not an option (this command takes no positional arguments)' });
      continue;
    }
    const eq = arg.indexOf('=');
    const written = (eq === -1 ? arg.slice(2) : arg.slice(2, eq));
    const negated = eq === -1 && written.startsWith('no-') && findSpec(written.slice(3))?.kind === 'boolean';
    const spec = findSpec(negated ? written.slice(3) : written);
    if (!spec) {
      errors.push({ option: written, problem: `is not a known option${suggest(written)}` });
      continue;
    }
    if (spec.name in raw) errors.push({ option: spec.name, problem: 'is given more than once' });
    if (negated) raw[spec.name] = 'false';
    else if (eq !== -1) raw[spec.name] = arg.slice(eq + 1);
    else if (spec.kind === 'boolean') {
      const next = argv[i + 1];
      if (next !== undefined && /^(true|false|yes|no|1|0|on|off)$/i.test(next)) raw[spec.name] = argv[++i]!;
      else raw[spec.name] = 'true';
    } else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) errors.push({ option: spec.name, problem: 'needs a value' });
      else raw[spec.name] = argv[++i]!;
    }
  }
  return errors.length > 0 ? { kind: 'error', errors } : { kind: 'run', raw };
}

function findSpec(written: string): OptionSpec | undefined {
  const name = written.replace(/-/g, '_');
  return CLI_SPECS.find((s) => s.name === name);
}

function suggest(written: string): string {
  const name = written.replace(/-/g, '_').toLowerCase();
  const close = CLI_SPECS.map((s) => ({ s, d: distance(name, s.name) })).sort((a, b) => a.d - b.d)[0];
  return close && close.d <= 3 ? ` (did you mean --${close.s.name}?)` : '';
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
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
