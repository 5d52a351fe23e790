import { cyclicGroups, folderGraph, mutualImports } from './folder-graph';

/**
 * Concerns that still import each other. The list may only shrink: a new pair fails the test,
 * and a pair that is gone must be struck from it so it cannot come back.
 */
const KNOWN_MUTUAL = [
  'admin <-> plugins',
  'admin <-> server',
  'im <-> server',
  'im <-> services',
  'plugins <-> server',
  'server <-> services',
];

describe('folders of server-core/src', () => {
  const graph = folderGraph();

  it('reads the import graph (a sanity check that the parser sees the imports)', () => {
    expect([...(graph.get('routing')?.keys() ?? [])]).toEqual(expect.arrayContaining(['xml', 'cluster']));
    expect(graph.get('xml')?.has('server') ?? false).toBe(false);
  });

  it('adds no pair of folders that import each other, and strikes the ones that are gone', () => {
    const pairs = mutualImports(graph).map((line) => line.replace(/ \(.*$/, ''));
    expect(pairs.filter((pair) => !KNOWN_MUTUAL.includes(pair))).toEqual([]);
    expect(KNOWN_MUTUAL.filter((pair) => !pairs.includes(pair))).toEqual([]);
  });

  it('keeps the leaf folders out of every cycle', () => {
    const inCycles = new Set(cyclicGroups(graph).flat());
    for (const leaf of ['xml', 'log', 'cluster', 'transport', 'config', 'stream', 'routing']) expect(inCycles.has(leaf)).toBe(false);
  });
});
