import { cyclicGroups, folderGraph, mutualImports } from './folder-graph';

/**
 * Concerns that still import each other. The list may only shrink: a new pair fails the test,
 * and a pair that is gone must be struck from it so it cannot come back.
 */
const KNOWN_MUTUAL: string[] = [];

/**
 * The layers of server-core/src, lowest first (docs/architecture.md draws them). A folder may
 * import folders of lower layers only; folders of one layer do not import each other.
 */
const LAYERS = [
  ['xml', 'log', 'config'],
  ['transport', 'http', 'auth', 'cluster', 'command', 'lifecycle'],
  ['storage', 'stream'],
  ['session'],
  ['routing'],
  ['core'],
  ['metrics'],
  ['plugins'],
  ['im'],
  ['services'],
  ['admin'],
  ['server'],
  ['cli'],
  ['plugin-api'],
];
/**
 * Imports against the layers that are left (`..` is code outside src/); the list may only shrink.
 */
const KNOWN_UPWARD: string[] = [];

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
    for (const leaf of ['xml', 'log', 'cluster', 'transport', 'config', 'stream', 'http', 'session', 'routing', 'core']) expect(inCycles.has(leaf)).toBe(false);
  });

  it('imports only downwards through the layers', () => {
    const layerOf = new Map(LAYERS.flatMap((folders, layer) => folders.map((folder) => [folder, layer] as const)));
    const unplaced = [...graph.keys()].filter((folder) => !layerOf.has(folder));
    expect(unplaced).toEqual([]);
    const upward: string[] = [];
    for (const [from, edges] of graph) {
      for (const [to, file] of edges) {
        if ((layerOf.get(to) ?? Infinity) >= layerOf.get(from)!) upward.push(`${from} -> ${to} (${file})`);
      }
    }
    const unknown = upward.filter((edge) => !KNOWN_UPWARD.includes(edge.replace(/ \(.*$/, '')));
    expect(unknown).toEqual([]);
    expect(KNOWN_UPWARD.filter((edge) => !upward.some((line) => line.startsWith(`${edge} (`)))).toEqual([]);
  });
});
