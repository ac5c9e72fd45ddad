/**
 * action.yml and the README's inputs/outputs tables, generated from OPTION_SPECS and OUTPUT_SPECS so they
 * cannot drift from the options the CLI and the Action parse. Tests compare the committed files with these.
 *
 * Regenerate: `npx tsx src/action/docs.ts --write`
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { OPTION_SPECS, type OptionSpec } from '../options.js';
import { OUTPUT_SPECS } from './outputs.js';

export const ACTION_NAME = 'WorkDocs to S3 Sync';
/** The Marketplace shows at most 125 characters of it (a test holds it under). */
export const ACTION_DESCRIPTION =
  'Mirror an Amazon WorkDocs folder tree into S3: every byte verified, bounded deletes, OIDC role, job summary and outputs.';
/** Who publishes the Action: the same as package.json's `author` (a test compares them). */
export const ACTION_AUTHOR = 'workdocs-s3-sync maintainers';

/** A YAML double-quoted scalar (JSON string syntax is a subset of it). */
function yamlString(text: string): string {
  return JSON.stringify(text);
}

/** The whole action.yml. */
export function renderActionYml(): string {
  const lines = [
    '# Generated from src/options.ts and src/action/outputs.ts by `npx tsx src/action/docs.ts --write`;',
    '# __tests__/action/action-yml.test.ts fails when this file and the option definitions differ.',
    `name: ${yamlString(ACTION_NAME)}`,
    `description: ${yamlString(ACTION_DESCRIPTION)}`,
    `author: ${yamlString(ACTION_AUTHOR)}`,
    'branding:',
    '  icon: upload-cloud',
    '  color: orange',
    '',
    'inputs:',
  ];
  for (const spec of OPTION_SPECS) {
    lines.push(`  ${spec.name}:`, `    description: ${yamlString(spec.description)}`, `    required: ${spec.required === true}`);
    if (spec.default !== undefined) lines.push(`    default: ${yamlString(spec.default)}`);
  }
  lines.push('', 'outputs:');
  for (const output of OUTPUT_SPECS) lines.push(`  ${output.name}:`, `    description: ${yamlString(output.description)}`);
  lines.push('', 'runs:', '  using: node24', '  main: dist/index.js', '');
  return lines.join('\n');
}

function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function allowed(spec: OptionSpec): string {
  switch (spec.kind) {
    case 'integer':
      return `${spec.min ?? 0}–${spec.max ?? '∞'}`;
    case 'boolean':
      return ''; // the default (`true` / `false`) already says it
    case 'enum':
      return (spec.values ?? []).join(' / ');
    default:
      return '';
  }
}

/** The inputs table of the README (Markdown), one row per option, in OPTION_SPECS order. */
export function renderInputsTable(): string {
  const rows = OPTION_SPECS.map((spec) => {
    const fallback = spec.required ? '**required**' : spec.default === '' || spec.default === undefined ? '""' : `\`${spec.default}\``;
    const kind = allowed(spec);
    return `| \`${spec.name}\` | ${cell(spec.description)}${kind ? ` (${cell(kind)})` : ''} | ${cell(fallback)} |`;
  });
  return ['| Input | Description | Default |', '|---|---|---|', ...rows].join('\n');
}

/** The outputs table of the README (Markdown). */
export function renderOutputsTable(): string {
  return ['| Output | Description |', '|---|---|', ...OUTPUT_SPECS.map((o) => `| \`${o.name}\` | ${cell(o.description)} |`)].join('\n');
}

/** Marker comments around the generated parts of a Markdown document. */
export const MARKERS = {
  inputs: ['<!-- inputs:start (generated from src/options.ts) -->', '<!-- inputs:end -->'],
  outputs: ['<!-- outputs:start (generated from src/action/outputs.ts) -->', '<!-- outputs:end -->'],
} as const;

/** The text between a marker pair, or undefined when the markers are missing. */
export function generatedSection(markdown: string, which: keyof typeof MARKERS): string | undefined {
  const [start, end] = MARKERS[which];
  const from = markdown.indexOf(start);
  const to = markdown.indexOf(end, from);
  if (from < 0 || to < 0) return undefined;
  return markdown.slice(from + start.length, to).trim();
}

/** The document with both generated sections replaced by fresh tables. */
export function updateGeneratedSections(markdown: string): string {
  let out = markdown;
  for (const [which, render] of [['inputs', renderInputsTable], ['outputs', renderOutputsTable]] as const) {
    const [start, end] = MARKERS[which];
    const from = out.indexOf(start);
    const to = out.indexOf(end, from);
    if (from < 0 || to < 0) throw new Error(`markers ${start} … ${end} not found`);
    out = `${out.slice(0, from + start.length)}\n${render()}\n${out.slice(to)}`;
  }
  return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href && process.argv.includes('--write')) {
  const root = new URL('../../', import.meta.url);
  writeFileSync(new URL('action.yml', root), renderActionYml());
  const docs = new URL('README.md', root);
  writeFileSync(docs, updateGeneratedSections(readFileSync(docs, 'utf8')));
  console.log('wrote action.yml and the tables of README.md');
}
