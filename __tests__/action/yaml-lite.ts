/**
 * A small YAML reader for the block-style subset action.yml and the example workflows use: nested mappings,
 * sequences (also of mappings), plain / single- / double-quoted scalars, `|` and `>` block scalars, simple
 * flow sequences, comments. Enough to check those files without adding a YAML package; it throws on
 * anything it does not understand rather than guessing.
 */
export type Yaml = string | number | boolean | null | Yaml[] | { [key: string]: Yaml };

interface Line {
  readonly indent: number;
  readonly text: string;
  readonly no: number;
}

function stripComment(text: string): string {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      if (i === 0 || /[\s:[{,-]/.test(text[i - 1] ?? '')) quote = c;
    } else if (c === '#' && (i === 0 || /\s/.test(text[i - 1] ?? ''))) {
      return text.slice(0, i).trimEnd();
    }
  }
  return text.trimEnd();
}

/** Index of the `:` that separates a key from its value, or -1. */
function keyColon(text: string): number {
  let quote: string | undefined;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if ((c === '"' || c === "'") && i === 0) {
      quote = c;
    } else if (c === ':' && (i === text.length - 1 || text[i + 1] === ' ')) {
      return i;
    }
  }
  return -1;
}

function scalar(text: string): Yaml {
  const t = text.trim();
  if (t.startsWith('"')) return JSON.parse(t) as string;
  if (t.startsWith("'")) {
    if (!t.endsWith("'") || t.length < 2) throw new Error(`unterminated string: ${t}`);
    return t.slice(1, -1).replace(/''/g, "'");
  }
  if (t.startsWith('[')) {
    if (!t.endsWith(']')) throw new Error(`unsupported flow sequence: ${t}`);
    const inner = t.slice(1, -1).trim();
    return inner === '' ? [] : inner.split(',').map((part) => scalar(part));
  }
  if (t === '{}') return {};
  if (t.startsWith('{') || t.startsWith('&') || t.startsWith('*') || t.startsWith('!')) throw new Error(`unsupported YAML: ${t}`);
  if (t === 'true' || t === 'false') return t === 'true';
  if (t === '' || t === 'null' || t === '~') return null;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  return t;
}

function key(text: string): string {
  const k = scalar(text);
  if (typeof k === 'object' && k !== null) throw new Error(`unsupported key: ${text}`);
  return String(k);
}

class Parser {
  private i = 0;
  private readonly lines: { indent: number; raw: string; no: number }[];

  constructor(text: string) {
    this.lines = text.split(/\r?\n/).map((raw, no) => ({ indent: raw.length - raw.trimStart().length, raw, no: no + 1 }));
  }

  /** The next line that is neither blank nor a comment, without consuming it. */
  private peek(): Line | undefined {
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (line.raw.includes('\t') && line.raw.trimStart().startsWith('\t')) throw new Error(`tab indentation at line ${line.no}`);
      const text = stripComment(line.raw.trim());
      if (text !== '') return { indent: line.indent, text, no: line.no };
      this.i += 1;
    }
    return undefined;
  }

  parseDocument(): Yaml {
    const first = this.peek();
    if (!first) return null;
    const value = this.block(first.indent);
    const rest = this.peek();
    if (rest) throw new Error(`unexpected content at line ${rest.no}: ${rest.text}`);
    return value;
  }

  private block(indent: number): Yaml {
    const line = this.peek();
    if (!line) return null;
    return line.text === '-' || line.text.startsWith('- ') ? this.sequence(line.indent) : this.mapping(indent);
  }

  private mapping(indent: number, first?: Line): Yaml {
    const out: Record<string, Yaml> = {};
    let pending = first;
    for (;;) {
      const line = pending ?? this.peek();
      if (!line || line.indent < indent) break;
      if (line.indent > indent) throw new Error(`bad indentation at line ${line.no}: ${line.text}`);
      if (line.text.startsWith('- ')) break;
      if (!pending) this.i += 1;
      pending = undefined;
      const colon = keyColon(line.text);
      if (colon < 0) throw new Error(`expected "key: value" at line ${line.no}: ${line.text}`);
      const name = key(line.text.slice(0, colon));
      if (name in out) throw new Error(`duplicate key ${name} at line ${line.no}`);
      out[name] = this.value(line.text.slice(colon + 1).trim(), indent);
    }
    return out;
  }

  private value(rest: string, indent: number): Yaml {
    if (/^[|>][+-]?$/.test(rest)) return this.blockScalar(rest, indent);
    if (rest !== '') return scalar(rest);
    const next = this.peek();
    if (!next) return null;
    if (next.indent > indent) return this.block(next.indent);
    if (next.indent === indent && (next.text.startsWith('- ') || next.text === '-')) return this.sequence(indent);
    return null;
  }

  private sequence(indent: number): Yaml {
    const out: Yaml[] = [];
    for (;;) {
      const line = this.peek();
      if (!line || line.indent !== indent || !(line.text === '-' || line.text.startsWith('- '))) break;
      this.i += 1;
      const rest = line.text === '-' ? '' : line.text.slice(2).trim();
      const itemIndent = indent + (line.text.length - line.text.slice(1).trimStart().length);
      if (rest === '') {
        const next = this.peek();
        out.push(next && next.indent > indent ? this.block(next.indent) : null);
      } else if (rest.startsWith('- ')) {
        throw new Error(`nested inline sequences are not supported (line ${line.no})`);
      } else if (keyColon(rest) > 0) {
        out.push(this.mapping(itemIndent, { indent: itemIndent, text: rest, no: line.no }));
      } else {
        out.push(scalar(rest));
      }
    }
    return out;
  }

  private blockScalar(header: string, parentIndent: number): string {
    const body: string[] = [];
    let blockIndent: number | undefined;
    while (this.i < this.lines.length) {
      const line = this.lines[this.i]!;
      if (line.raw.trim() === '') {
        body.push('');
        this.i += 1;
        continue;
      }
      if (line.indent <= parentIndent) break;
      blockIndent ??= line.indent;
      if (line.indent < blockIndent) throw new Error(`bad block indentation at line ${line.no}`);
      body.push(line.raw.slice(blockIndent));
      this.i += 1;
    }
    while (body.length > 0 && body[body.length - 1] === '') body.pop();
    const text = header.startsWith('>') ? body.join('\n').replace(/([^\n])\n(?=[^\n ])/g, '$1 ') : body.join('\n');
    if (header.endsWith('-')) return text;
    return `${text}\n`;
  }
}

export function parseYaml(text: string): Yaml {
  return new Parser(text).parseDocument();
}

/** Narrowing helper for tests: the value as a mapping, or a thrown error naming `what`. */
export function asMap(value: Yaml | undefined, what: string): Record<string, Yaml> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${what} is not a mapping`);
  return value;
}

export function asList(value: Yaml | undefined, what: string): Yaml[] {
  if (!Array.isArray(value)) throw new Error(`${what} is not a sequence`);
  return value;
}
