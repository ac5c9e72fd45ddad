// action.yml and the workflows read as plain values, with the narrowing the checks need.
import { parse } from 'yaml';

export type Yaml = string | number | boolean | null | Yaml[] | { [key: string]: Yaml };

/** The document as plain values; a duplicate key or any other YAML error throws rather than passing unseen. */
export function parseYaml(text: string): Yaml {
  return parse(text, { strict: true, uniqueKeys: true, prettyErrors: true }) as Yaml;
}

/** The value as a mapping, or a thrown error naming `what`. */
export function asMap(value: Yaml | undefined, what: string): Record<string, Yaml> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error(`${what} is not a mapping`);
  return value;
}

/** The value as a sequence, or a thrown error naming `what`. */
export function asList(value: Yaml | undefined, what: string): Yaml[] {
  if (!Array.isArray(value)) throw new Error(`${what} is not a sequence`);
  return value;
}
