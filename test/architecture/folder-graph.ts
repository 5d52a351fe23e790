/**
 * The import graph of server-core/src between its top-level folders (concerns), read from the
 * source text: `import ... from '<relative path>'` and `export ... from` (type-only imports too,
 * since a type import still ties one concern's design to another's).
 */
import fs from 'node:fs';
import path from 'node:path';

const SOURCE = path.resolve(__dirname, '../../server-core/src');
const IMPORT = /(?:^|\n)\s*(?:import|export)\s[^'";]*?from\s+'([^']+)'/g;

/** The concern a file belongs to: its first folder under src/, or '' for files directly in src/. */
function concernOf(file: string): string {
  const relative = path.relative(SOURCE, file);
  const parts = relative.split(path.sep);
  if (parts[0] === '..') return '..';
  // `../xml` names the folder (its index.ts); `../server` may name server.ts beside the folders.
  const isFileInSrc = parts.length === 1 && !fs.existsSync(path.join(SOURCE, parts[0]!)) && fs.existsSync(path.join(SOURCE, `${parts[0]}.ts`));
  return isFileInSrc || relative.endsWith('.ts') && parts.length === 1 ? '' : parts[0]!;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Edges between concerns, each with one file that makes it (for a message a person can act on). */
export function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sourceFiles(SOURCE)) {
    const from = concernOf(file);
    const text = fs.readFileSync(file, 'utf8');
    for (const match of text.matchAll(IMPORT)) {
      const target = match[1]!;
      if (!target.startsWith('.')) continue;
      const to = concernOf(path.resolve(path.dirname(file), target));
      if (to === from || to === '' || from === '') continue;
      if (!graph.has(from)) graph.set(from, new Map());
      const edges = graph.get(from)!;
      if (!edges.has(to)) edges.set(to, path.relative(SOURCE, file));
    }
  }
  return graph;
}

/** Pairs of concerns that import each other, directly, as "a <-> b (a/x.ts, b/y.ts)". */
export function mutualImports(graph: Map<string, Map<string, string>>): string[] {
  const found: string[] = [];
  for (const [a, edges] of graph) {
    for (const [b, viaA] of edges) {
      const viaB = graph.get(b)?.get(a);
      if (viaB && a < b) found.push(`${a} <-> ${b} (${viaA}, ${viaB})`);
    }
  }
  return found.sort();
}

/** Every cycle's strongly connected group of concerns (Tarjan), largest first. */
export function cyclicGroups(graph: Map<string, Map<string, string>>): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  const visit = (node: string): void => {
    indexOf.set(node, index);
    low.set(node, index);
    index += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of graph.get(node)?.keys() ?? []) {
      if (!indexOf.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indexOf.get(next)!));
    }
    if (low.get(node) === indexOf.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const node of graph.keys()) if (!indexOf.has(node)) visit(node);
  return groups.sort((a, b) => b.length - a.length);
}
