// A run with nothing to write reports its unchanged skips without the executor: the same items, in key order.
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/core/plan.js';
import type { SourceDocument } from '../../src/core/types.js';
import { unchangedItems } from '../../src/engine/execute.js';
import type { Logger } from '../../src/engine/types.js';

function doc(id: string): SourceDocument {
  return { id, parentId: 'root', name: id, createdAt: 0, modifiedAt: 0, versionId: `${id}-v1`, size: 1, md5: undefined, contentType: undefined };
}
function planOf(actions: Plan['actions']): Plan {
  return { actions, deletesBlocked: undefined, duplicates: [], unreachable: [], managedCount: actions.length, foreign: new Map(), removals: 0 };
}

describe('unchangedItems', () => {
  it('reports every unchanged skip as done, sorted by key, with one debug line each', () => {
    const lines: string[] = [];
    const logger: Logger = { log: (level, message) => { lines.push(`${level} ${message}`); }, group: (_name, fn) => fn() };
    const items = unchangedItems(planOf([
      { kind: 'skip', key: 'b/x', doc: doc('d1'), reason: 'unchanged' },
      { kind: 'skip', key: 'a', doc: doc('d2'), reason: 'unchanged' },
    ]), logger);
    expect(items).toEqual([
      { action: 'skip', key: 'a', outcome: 'done', reason: 'unchanged', documentId: 'd2', versionId: 'd2-v1' },
      { action: 'skip', key: 'b/x', outcome: 'done', reason: 'unchanged', documentId: 'd1', versionId: 'd1-v1' },
    ]);
    expect(lines).toEqual(['debug skip unchanged "b/x"', 'debug skip unchanged "a"']);
  });

  it.each([
    { kind: 'skip', key: 'a', doc: doc('d'), reason: 'adopted' },
    { kind: 'upload', key: 'a', doc: doc('d'), reason: 'new' },
    { kind: 'delete', key: 'a', size: 1, reason: 'stale' },
  ] as const)('refuses a plan with anything else ($kind)', (action) => {
    expect(() => unchangedItems(planOf([action]), { log: () => undefined, group: (_n, fn) => fn() })).toThrow(/not an unchanged skip/);
  });
});
