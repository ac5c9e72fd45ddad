// What a user finds before the first run: a README that fits, whose links lead somewhere; a license that matches
// package.json; an action.yml the Marketplace accepts; a changelog; an .env.example with real inputs only.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = path.resolve(import.meta.dirname, '..');
const read = (file: string): string => readFileSync(path.join(root, file), 'utf8');
const packageJson = JSON.parse(read('package.json')) as { license: string; author: string; version: string };
const actionYml = parse(read('action.yml')) as { description: string; author: string; inputs: Record<string, unknown> };

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const [, heading] of withoutCode.matchAll(/^#{1,6} (.+)$/gm)) {
    const base = heading!.trim().toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    anchors.add(n === 0 ? base : `${base}-${n}`);
  }
  return anchors;
}

/** Relative links of a Markdown file, outside code blocks: [text](target) with no scheme. */
function relativeLinks(markdown: string): string[] {
  const withoutCode = markdown.replace(/^```[\s\S]*?^```/gm, '');
  return [...withoutCode.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!).filter((target) => !/^[a-z]+:/i.test(target));
}

const DOCUMENTS = ['README.md', 'CONTRIBUTING.md', 'SECURITY.md', 'CHANGELOG.md', ...readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

describe('the README', () => {
  const readme = read('README.md');

  it('stays within 25 KB, the size a user reads', () => {
    expect(Buffer.byteLength(readme)).toBeLessThanOrEqual(25 * 1024);
  });

  it('keeps its two commands: the demo on the built-in default, and the tests', () => {
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toContain('npm test');
  });

  it('uses the Action by its major tag and explains pinning by SHA', () => {
    const uses = [...readme.matchAll(/uses: workdocs-s3-sync\/workdocs-s3-sync@(\S+)/g)].map((m) => m[1]);
    expect(uses.filter((ref) => ref === 'v1').length).toBeGreaterThan(0);
    expect(uses.every((ref) => ref === 'v1' || ref === '<40-character')).toBe(true);
    expect(readme).toMatch(/pin the full commit\s+SHA/);
  });
});

describe('links between the documents', () => {
  it.each(DOCUMENTS)('%s links only to files and headings that exist', (file) => {
    const broken = relativeLinks(read(file)).filter((target) => {
      const [pathPart, anchor] = target.split('#') as [string, string | undefined];
      const linked = pathPart === '' ? path.join(root, file) : path.resolve(path.dirname(path.join(root, file)), pathPart);
      if (!existsSync(linked)) return true;
      return anchor !== undefined && linked.endsWith('.md') && !anchorsOf(readFileSync(linked, 'utf8')).has(anchor);
    });
    expect(broken).toEqual([]);
  });
});

describe('ready to publish', () => {
  it('has an MIT LICENSE, as package.json says', () => {
    expect(packageJson.license).toBe('MIT');
    expect(read('LICENSE')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} \S/);
  });

  it('has an action.yml description the Marketplace shows whole (under 125 characters)', () => {
    expect(actionYml.description.length).toBeLessThan(125);
  });

  it('names the same author in action.yml and package.json', () => {
    expect(actionYml.author).toBe(packageJson.author);
    expect(actionYml.author).not.toBe('workdocs-s3-sync');
  });

  it('keeps a changelog in the Keep a Changelog format, with the next release or this version on top', () => {
    const changelog = read('CHANGELOG.md');
    expect(changelog).toContain('[Keep a Changelog](https://keepachangelog.com/en/1.1.0/)');
    const first = /^## \[([^\]]+)\]/m.exec(changelog)?.[1];
    expect(['Unreleased', packageJson.version]).toContain(first);
  });

  it('has a security policy that says how to report privately', () => {
    expect(read('SECURITY.md')).toMatch(/Report a\s+vulnerability/);
  });

  it('sets only inputs of the Action in .env.example', () => {
    const inputs = [...read('.env.example').matchAll(/^#?\s*INPUT_([A-Z0-9_]+)=/gm)].map((m) => m[1]!.toLowerCase());
    expect(inputs.length).toBeGreaterThan(3);
    expect(inputs.filter((name) => !(name in actionYml.inputs))).toEqual([]);
  });
});
