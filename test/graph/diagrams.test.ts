// @vitest-environment jsdom
/**
 * DOT and Mermaid output read back by each language's own parser: @ts-graphviz/ast's DOT
 * grammar, and Mermaid's flowchart parser (mermaid needs a DOM to load, hence jsdom for this
 * file only; see docs/dependencies.md). Names hold `-`, `.` and `_`, one package is named as a
 * keyword of each language (`end`, `node`), and specs hold `<`, `>`, `|` and a quote.
 */

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from '@ts-graphviz/ast';
import mermaid from 'mermaid';
import { describe, expect, it } from 'vitest';
import { buildGraph } from '../../src/graph/graph.js';
import { constraintOf } from '../../src/graph/names.js';
import { graphReport } from '../../src/graph/report.js';
import { parseCondaLock } from '../../src/packages/conda-lock.js';
import { type PackageSet, packageRecord } from '../../src/packages/package-set.js';
import { formatDot, formatMermaid } from '../../src/report/graph-diagram.js';
import { ROOTS, smallSet } from './small-graph.js';

const awkward: PackageSet = {
  kind: 'conda-lock',
  label: 'awkward.yml',
  platform: 'linux-64',
  packages: [
    packageRecord({
      name: 'ld_impl_linux-64',
      manager: 'conda',
      version: '2.40',
      depends: ['end >=1,<2|>=3', 'node', 'a.b_c-d "quoted"', '__glibc >=2.17'],
    }),
    packageRecord({ name: 'end', manager: 'conda', version: '1.5', depends: ['node <2'] }),
    packageRecord({ name: 'node', manager: 'conda', version: '1\u001b[31m', depends: [] }),
    packageRecord({ name: 'a.b_c-d', manager: 'conda', version: '0.1', depends: ['end'] }),
    packageRecord({ name: 'libcublas', manager: 'conda', version: '12.1', depends: [] }),
  ],
};

/** Expected edges, from the set: `from -> to: constraint` (an empty constraint draws no label). */
function expectedEdges(set: PackageSet): string[] {
  return set.packages.flatMap((p) =>
    (p.depends ?? [])
      .filter((d) => !d.startsWith('__'))
      .map((d) => `${p.name} -> ${d.split(/[ <>=]/)[0]}: ${constraintOf(d)}`),
  );
}

interface DotEdge {
  from: string;
  to: string;
  label: string;
}

/** Nodes (id -> label) and edges of a DOT text, through the DOT grammar. */
function readDot(text: string): { nodes: Map<string, string>; edges: DotEdge[] } {
  const [graph] = parse(text).children;
  const nodes = new Map<string, string>();
  const edges: DotEdge[] = [];
  const dotUnescape = (value: string) => value.replace(/\\(["\\])/g, '$1');
  const attribute = (children: readonly unknown[], key: string) => {
    const found = (children as { key?: { value: string }; value?: { value: string } }[]).find(
      (c) => c.key?.value === key,
    );
    return found?.value ? dotUnescape(found.value.value) : '';
  };
  for (const statement of graph?.children ?? []) {
    if (statement.type === 'Node') {
      nodes.set(dotUnescape(statement.id.value), attribute(statement.children, 'label'));
    } else if (statement.type === 'Edge') {
      const [from, to] = statement.targets as { id: { value: string } }[];
      edges.push({
        from: dotUnescape(from?.id.value ?? ''),
        to: dotUnescape(to?.id.value ?? ''),
        label: attribute(statement.children, 'label'),
      });
    }
  }
  return { nodes, edges };
}

/** Mermaid keeps entity codes in its own marks until it renders; this reads them back. */
function decodeMermaid(text: string): string {
  return text
    .replace(/ﬂ°°(\d+)¶ß/g, (_, code) => String.fromCodePoint(Number(code)))
    .replace(
      /ﬂ°(\w+)¶ß/g,
      (_, name) => ({ quot: '"', lt: '<', gt: '>', amp: '&' })[name as 'lt'] ?? name,
    );
}

async function readMermaid(text: string) {
  await mermaid.parse(text);
  const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
  const db = diagram.db as unknown as {
    getVertices(): Map<string, { id: string; text: string; classes: string[] }>;
    getEdges(): { start: string; end: string; text: string }[];
  };
  return { vertices: [...db.getVertices().values()], edges: db.getEdges() };
}

describe('DOT', () => {
  it('parses, with every package a node labelled name and version, every edge with its constraint', () => {
    const graph = buildGraph(awkward, null);
    const { nodes, edges } = readDot(formatDot(graphReport(graph, null)));
    expect([...nodes.keys()].sort()).toEqual(awkward.packages.map((p) => p.name).sort());
    expect(nodes.get('a.b_c-d')).toBe('a.b_c-d\\n0.1');
    // The escape character is written out, never sent to the terminal or the file raw.
    expect(nodes.get('node')).toBe('node\\n1\\u001b[31m');
    expect(edges.map((e) => `${e.from} -> ${e.to}: ${e.label}`).sort()).toEqual(
      expectedEdges(awkward).sort(),
    );
  });

  it('with --invert PACKAGE, the arrows run from the package to what needs it', () => {
    const graph = buildGraph(smallSet(), ROOTS);
    const { nodes, edges } = readDot(formatDot(graphReport(graph, 'm', 'core')));
    expect([...nodes.keys()].sort()).toEqual(['app', 'core', 'lib-a', 'lib-b', 'tool']);
    expect(edges.map((e) => `${e.from} -> ${e.to}`).sort()).toEqual(
      [
        'core -> lib-a',
        'core -> lib-b',
        'lib-a -> app',
        'lib-a -> lib-b',
        'lib-b -> app',
        'lib-b -> tool',
      ].sort(),
    );
  });

  it('unquoted, the grammar refuses or misreads such names (so the test above can fail)', () => {
    expect(() => parse('digraph { a.b_c-d -> end }')).toThrow();
    expect(() => parse('digraph { "a" -> "b" [label=">=1"2"] }')).toThrow();
    // `ld_impl_linux-64` unquoted is two ids, `ld_impl_linux` and the number `-64`.
    const misread = readDot('digraph { ld_impl_linux-64 -> end }');
    expect(misread.edges.map((e) => `${e.from} -> ${e.to}`)).toEqual(['-64 -> end']);
  });
});

describe('Mermaid', () => {
  it('parses as a flowchart, with every package a vertex and every edge with its constraint', async () => {
    const graph = buildGraph(awkward, null);
    const text = formatMermaid(graphReport(graph, null));
    const { vertices, edges } = await readMermaid(text);
    const nameOf = new Map(vertices.map((v) => [v.id, decodeMermaid(v.text).split(' ')[0]]));
    expect([...nameOf.values()].sort()).toEqual(awkward.packages.map((p) => p.name).sort());
    expect(
      edges
        .map((e) => `${nameOf.get(e.start)} -> ${nameOf.get(e.end)}: ${decodeMermaid(e.text)}`)
        .sort(),
    ).toEqual(expectedEdges(awkward).sort());
    // libcublas is the GPU stack; the roots (nothing depends on ld_impl_linux-64) are marked.
    const classes = new Map(vertices.map((v) => [nameOf.get(v.id), v.classes]));
    expect(classes.get('libcublas')).toContain('gpu');
    expect(classes.get('ld_impl_linux-64')).toContain('root');
  });

  it('parses the example lock whole (42 packages), upside down too', async () => {
    const text = readFileSync(
      join(import.meta.dirname, '../../fixtures/graph/conda-lock.yml'),
      'utf8',
    );
    const set = parseCondaLock(text, 'conda-lock.yml').find((s) => s.platform === 'linux-64');
    const graph = buildGraph(set as PackageSet, null);
    const edges = graph.out.flat().length;
    for (const invert of [undefined, true] as const) {
      const parsed = await readMermaid(formatMermaid(graphReport(graph, null, invert)));
      expect([parsed.vertices.length, parsed.edges.length]).toEqual([42, edges]);
    }
  });

  it('the parser refuses a keyword as a node id (so the test above can fail)', async () => {
    await expect(mermaid.parse('flowchart LR\n  a --> end\n')).rejects.toThrow();
  });
});
