/**
 * The layers, checked on the import graph of src/: core <- api <- { http, cli }, charts <- core, the adapters at the edge
 * (worker threads, storage) and the entries on top; no arrow runs up and no cycle closes. Imports are read by the
 * TypeScript compiler's own scanner (ts.preProcessFile: static, type-only, re-exports and dynamic import()).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

type Layer = 'core' | 'charts' | 'api' | 'config' | 'workers' | 'storage' | 'http' | 'cli' | 'entry';

/** Each layer and the layers it may import (besides itself). */
const MAY_IMPORT: Record<Layer, readonly Layer[]> = {
  core: [],
  charts: ['core'],
  api: ['core'],
  config: [],
  workers: ['core', 'api'],
  storage: ['core', 'api', 'config'],
  http: ['core', 'api', 'charts', 'workers', 'storage', 'config'],
  // The CLI's keys, migrate and profiles commands run against the configured database, as the server does.
  cli: ['core', 'api', 'charts', 'storage', 'config'],
  entry: ['core', 'api', 'charts', 'workers', 'storage', 'config', 'http', 'cli', 'entry'],
};

/** npm packages a layer must not import: the core and the contract know nothing of the server framework. */
const FORBIDDEN_PACKAGES: Partial<Record<Layer, RegExp>> = {
  core: /^(fastify|@fastify\/|fastify-|zod|piscina|d3-)/,
  charts: /^(fastify|@fastify\/|fastify-|zod|piscina)/,
  api: /^(fastify|@fastify\/|fastify-|piscina)/,
};

function layerOf(file: string): Layer {
  const path = relative(SRC, file).split('\\').join('/');
  if (path === 'server.ts' || path === 'cli/main.ts' || path === 'runtime.ts') return 'entry';
  if (path === 'config.ts') return 'config';
  const top = path.split('/')[0] as string;
  if (['core', 'charts', 'api', 'workers', 'storage', 'http', 'cli'].includes(top)) return top as Layer;
  throw new Error(`src/${path} belongs to no layer: add its folder to the layers of this test`);
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

interface Graph {
  readonly files: readonly string[];
  /** file -> the src files it imports. */
  readonly edges: ReadonlyMap<string, readonly string[]>;
  /** file -> the npm packages it imports. */
  readonly packages: ReadonlyMap<string, readonly string[]>;
}

function importGraph(files: readonly string[]): Graph {
  const edges = new Map<string, string[]>();
  const packages = new Map<string, string[]>();
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    const local: string[] = [];
    const external: string[] = [];
    for (const { fileName } of importedFiles) {
      // A .js specifier names the .ts source; data (.json) is imported as itself.
      if (fileName.startsWith('.')) local.push(resolve(dirname(file), fileName.replace(/\.js$/, '.ts')));
      else if (!fileName.startsWith('node:')) external.push(fileName);
    }
    edges.set(file, local);
    packages.set(file, external);
  }
  return { files, edges, packages };
}

/** Strongly connected components of more than one file, or a file importing itself (Tarjan 1972). */
function cycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (node: string): void => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node) as number, low.get(next) as number));
      } else if (onStack.has(next))
        low.set(node, Math.min(low.get(node) as number, index.get(next) as number));
    }
    if (low.get(node) === index.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop() as string;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1 || (edges.get(node) ?? []).includes(node)) found.push(component);
    }
  };
  for (const node of edges.keys()) if (!index.has(node)) visit(node);
  return found;
}

const name = (file: string) => relative(SRC, file).split('\\').join('/');

describe('the import graph of src/', () => {
  const graph = importGraph(sourceFiles(SRC));

  it('reads every file and resolves every relative import to a file of src/', () => {
    expect(graph.files.length).toBeGreaterThan(100);
    const known = new Set(graph.files);
    const unresolved = [...graph.edges].flatMap(([from, targets]) =>
      targets
        .filter((to) => !known.has(to) && !(to.endsWith('.json') && existsSync(to)))
        .map((to) => `${name(from)} -> ${relative(SRC, to)}`),
    );
    expect(unresolved).toEqual([]);
  });

  it('has no arrow running up the layers', () => {
    const upward = [...graph.edges].flatMap(([from, targets]) => {
      const layer = layerOf(from);
      return targets
        .filter((to) => layerOf(to) !== layer && !MAY_IMPORT[layer].includes(layerOf(to)))
        .map((to) => `${name(from)} (${layer}) -> ${name(to)} (${layerOf(to)})`);
    });
    expect(upward).toEqual([]);
  });

  it('keeps the server framework out of the core, the charts and the contract', () => {
    const forbidden = [...graph.packages].flatMap(([from, names]) => {
      const pattern = FORBIDDEN_PACKAGES[layerOf(from)];
      return pattern === undefined
        ? []
        : names.filter((p) => pattern.test(p)).map((p) => `${name(from)} -> ${p}`);
    });
    expect(forbidden).toEqual([]);
  });

  it('has no cycle', () => {
    expect(cycles(graph.edges).map((component) => component.map(name).sort())).toEqual([]);
  });
});

describe('the checks themselves', () => {
  it('find a cycle of two files and of one file importing itself, and none in a chain', () => {
    const two = new Map([
      ['a', ['b']],
      ['b', ['a']],
      ['c', ['a']],
    ]);
    expect(cycles(two).map((c) => c.sort())).toEqual([['a', 'b']]);
    expect(cycles(new Map([['a', ['a']]]))).toEqual([['a']]);
    expect(
      cycles(
        new Map([
          ['a', ['b']],
          ['b', ['c']],
          ['c', []],
        ]),
      ),
    ).toEqual([]);
  });

  it('place each folder in its layer', () => {
    expect(layerOf(join(SRC, 'core/planner/plan.ts'))).toBe('core');
    expect(layerOf(join(SRC, 'api/plans/schemas.ts'))).toBe('api');
    expect(layerOf(join(SRC, 'cli/run.ts'))).toBe('cli');
    expect(layerOf(join(SRC, 'cli/main.ts'))).toBe('entry');
    expect(layerOf(join(SRC, 'server.ts'))).toBe('entry');
  });
});
