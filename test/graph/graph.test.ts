import { describe, expect, it } from 'vitest';
import { buildGraph, type DependencyGraph } from '../../src/graph/graph.js';
import { graphReport, whyReports } from '../../src/graph/report.js';
import { sizeReport } from '../../src/graph/sizes.js';
import { why } from '../../src/graph/why.js';
import { type PackageSet, packageRecord } from '../../src/packages/package-set.js';
import { UserError } from '../../src/problem.js';
import { paletteFor } from '../../src/report/color.js';
import { formatBytes, formatGraphText } from '../../src/report/graph-text.js';
import { ROOTS, smallSet } from './small-graph.js';

const names = (graph: DependencyGraph, nodes: readonly number[]) =>
  nodes.map((n) => graph.nodes[n]?.id);
const node = (graph: DependencyGraph, id: string) => graph.nodes.findIndex((n) => n.id === id);
const edges = (graph: DependencyGraph) =>
  graph.out.flat().map((e) => `${graph.nodes[e.from]?.id} -> ${graph.nodes[e.to]?.id}: ${e.spec}`);

describe('buildGraph', () => {
  it('draws an edge per dependency the set has, with the spec as written', () => {
    const graph = buildGraph(smallSet(), ROOTS);
    expect(edges(graph).sort()).toEqual(
      [
        'app -> lib-a: lib-a >=1',
        'app -> lib-b: lib-b',
        'lib-a -> core: core',
        'lib-b -> core: core',
        'lib-b -> lib-a: lib-a',
        'tool -> lib-b: lib-b',
        'tool -> cuda-cudart: cuda-cudart >=11.8',
        'cyc1 -> cyc2: cyc2',
        'cyc2 -> cyc1: cyc1',
        'selfish -> selfish: selfish',
      ].sort(),
    );
    // Dependents, sorted by name.
    expect(
      names(
        graph,
        (graph.in[node(graph, 'core')] ?? []).map((e) => e.from),
      ),
    ).toEqual(['lib-a', 'lib-b']);
  });

  it('keeps virtual packages and names the set lacks as unresolved, not as edges', () => {
    const graph = buildGraph(smallSet(), ROOTS);
    expect(graph.unresolved.map((u) => [graph.nodes[u.from]?.id, u.spec, u.virtual])).toEqual([
      ['lib-a', '__glibc >=2.17', true],
      ['lib-a', 'missing-thing 2.*', false],
    ]);
  });

  it('roots at the requests, each resolved to its package or null', () => {
    const graph = buildGraph(smallSet(), {
      origin: 'spec',
      requests: [...ROOTS.requests, { spec: 'absent==1', manager: 'conda' }],
    });
    expect(graph.rootOrigin).toBe('spec');
    expect(
      graph.roots.map((r) => [r.spec, r.node === null ? null : graph.nodes[r.node]?.id]),
    ).toEqual([
      ['app>=1', 'app'],
      ['tool', 'tool'],
      ['absent==1', null],
    ]);
  });

  it('without requests, roots at what nothing depends on, and one package of a cycle nothing enters', () => {
    const graph = buildGraph(smallSet(), null);
    expect(graph.rootOrigin).toBe('leaves');
    // app and tool have no dependents; {cyc1, cyc2} and {selfish} are cycles nothing outside reaches.
    expect(graph.roots.map((r) => r.spec)).toEqual(['app', 'cyc1', 'selfish', 'tool']);
  });

  it('resolves a pip dependency to conda by exact name first, then by PEP 503 key', () => {
    const set: PackageSet = {
      kind: 'conda-lock',
      label: 'x',
      platform: 'linux-64',
      packages: [
        packageRecord({ name: 'typing_extensions', manager: 'conda', depends: [] }),
        packageRecord({
          name: 'typing-extensions',
          manager: 'conda',
          depends: ['typing_extensions 4.9.0'],
        }),
        packageRecord({ name: 'numpy', manager: 'conda', depends: [] }),
        packageRecord({ name: 'numpy', manager: 'pip', depends: [] }),
        packageRecord({
          name: 'otel',
          manager: 'pip',
          depends: ['Typing.Extensions>=3.7', 'NumPy'],
        }),
      ],
    };
    const graph = buildGraph(set, null);
    // In name order (conda before pip for one name), whatever order the set gave.
    expect(graph.nodes.map((n) => n.id)).toEqual([
      'numpy',
      'pip:numpy',
      'otel',
      'typing-extensions',
      'typing_extensions',
    ]);
    // The conda metapackage names its target exactly; pip's `Typing.Extensions` has no exact
    // match and goes by key to the first package of that key in name order (`typing-extensions`); pip's `NumPy` prefers pip's numpy.
    expect(edges(graph).sort()).toEqual(
      [
        'typing-extensions -> typing_extensions: typing_extensions 4.9.0',
        'otel -> typing-extensions: Typing.Extensions>=3.7',
        'otel -> pip:numpy: NumPy',
      ].sort(),
    );
  });

  it('leaves out a pip requirement that applies only to an extra, keeps one with another marker', () => {
    const set: PackageSet = {
      kind: 'prefix',
      label: 'p',
      platform: null,
      packages: [
        packageRecord({
          name: 'requests',
          manager: 'pip',
          depends: [
            'idna<4,>=2.5',
            'PySocks!=1.5.7,>=1.5.6; extra == "socks"',
            'certifi; python_version >= "3.7"',
          ],
        }),
        packageRecord({ name: 'idna', manager: 'pip', depends: [] }),
      ],
    };
    const graph = buildGraph(set, null);
    expect(edges(graph)).toEqual(['requests -> idna: idna<4,>=2.5']);
    expect(graph.unresolved.map((u) => u.spec)).toEqual(['certifi; python_version >= "3.7"']);
  });

  it('a set that records no dependencies says so', () => {
    const set: PackageSet = {
      kind: 'prefix',
      label: 'p',
      platform: null,
      packages: [packageRecord({ name: 'a', manager: 'conda' })],
    };
    expect(buildGraph(set, null).dependenciesKnown).toBe(false);
    expect(buildGraph(smallSet(), null).dependenciesKnown).toBe(true);
  });
});

describe('cycles', () => {
  it('finds each cycle as a closed walk, the self-dependency included', () => {
    const graph = buildGraph(smallSet(), ROOTS);
    const report = graphReport(graph, null);
    expect(report.cycles.map((c) => names(graph, c))).toEqual([
      ['cyc1', 'cyc2', 'cyc1'],
      ['selfish', 'selfish'],
    ]);
  });

  it('finds none in a graph without one', () => {
    const set = smallSet();
    set.packages = set.packages.filter((p) => !['cyc1', 'cyc2', 'selfish'].includes(p.name));
    expect(graphReport(buildGraph(set, ROOTS), null).cycles).toEqual([]);
  });

  it('finds a long cycle through a long chain without running out of stack', () => {
    const count = 20_000;
    const set: PackageSet = {
      kind: 'conda-lock',
      label: 'chain',
      platform: null,
      packages: Array.from({ length: count }, (_, i) =>
        packageRecord({ name: `p${i}`, manager: 'conda', depends: [`p${(i + 1) % count}`] }),
      ),
    };
    const [cycle] = graphReport(buildGraph(set, null), null).cycles;
    expect(cycle?.length).toBe(count + 1);
  });
});

describe('--invert', () => {
  it('a package and everything that depends on it, directly or not', () => {
    const graph = buildGraph(smallSet(), ROOTS);
    const report = graphReport(graph, null, 'core');
    expect(names(graph, report.shown).sort()).toEqual(['app', 'core', 'lib-a', 'lib-b', 'tool']);
    expect(names(graph, report.invert?.tops ?? [])).toEqual(['core']);
  });

  it('without a package: the whole graph, topped by the packages that depend on nothing', () => {
    const graph = buildGraph(smallSet(), ROOTS);
    const report = graphReport(graph, null, true);
    expect(report.shown).toHaveLength(graph.nodes.length);
    expect(names(graph, report.invert?.tops ?? [])).toEqual([
      'core',
      'cuda-cudart',
      'cyc1',
      'selfish',
    ]);
  });

  it('an unknown package is graph/unknown-package, with the closest name', () => {
    const graph = buildGraph(smallSet(), ROOTS);
    try {
      graphReport(graph, 'm', 'cores');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(UserError);
      const [problem] = (error as UserError).problems;
      expect([problem?.ruleId, problem?.fix]).toEqual([
        'graph/unknown-package',
        "did you mean 'core'?",
      ]);
    }
  });
});

describe('why', () => {
  const graph = buildGraph(smallSet(), ROOTS);
  const show = (target: string) => {
    const answer = why(graph, node(graph, target));
    return {
      asked: answer.asked.map((r) => graph.roots[r]?.spec),
      byRoot: answer.byRoot.map((r) => ({
        root: graph.roots[r.root]?.spec,
        length: r.length,
        count: r.count,
        paths: r.paths.map((p) => p.map((s) => `${graph.nodes[s.node]?.id}(${s.spec})`).join(' ')),
      })),
    };
  };

  it('every shortest path from each root, with the spec at each step', () => {
    expect(show('core')).toEqual({
      asked: [],
      byRoot: [
        {
          root: 'app>=1',
          length: 2,
          count: 2,
          paths: ['app(app>=1) lib-a(lib-a >=1) core(core)', 'app(app>=1) lib-b(lib-b) core(core)'],
        },
        { root: 'tool', length: 2, count: 1, paths: ['tool(tool) lib-b(lib-b) core(core)'] },
      ],
    });
  });

  it('only the shortest: app reaches lib-a in one step, not through lib-b', () => {
    expect(show('lib-a').byRoot).toEqual([
      { root: 'app>=1', length: 1, count: 1, paths: ['app(app>=1) lib-a(lib-a >=1)'] },
      { root: 'tool', length: 2, count: 1, paths: ['tool(tool) lib-b(lib-b) lib-a(lib-a)'] },
    ]);
  });

  it('a root asked for, and not reached by the other root', () => {
    expect(show('app')).toEqual({ asked: ['app>=1'], byRoot: [] });
  });

  it('leaves a path through another root to that root', () => {
    const withLibB = buildGraph(smallSet(), {
      origin: 'spec',
      requests: [...ROOTS.requests, { spec: 'lib-b', manager: 'conda' }],
    });
    const answer = why(withLibB, node(withLibB, 'core'));
    expect(
      answer.byRoot.map((r) => [
        withLibB.roots[r.root]?.spec,
        r.paths.map((p) =>
          names(
            withLibB,
            p.map((s) => s.node),
          ).join(' '),
        ),
      ]),
    ).toEqual([
      ['lib-b', ['lib-b core']],
      ['app>=1', ['app lib-a core']],
    ]);
  });

  it('lists at most the limit, and counts them all', () => {
    const answer = why(graph, node(graph, 'core'), 1);
    expect(answer.byRoot.map((r) => [r.count, r.paths.length])).toEqual([
      [2, 1],
      [1, 1],
    ]);
  });

  it('a package in no environment is graph/unknown-package with the closest name', () => {
    expect(() => whyReports([{ model: 'm', graph }], 'lib-c')).toThrow(UserError);
    try {
      whyReports([{ model: 'm', graph }], 'lib-c');
    } catch (error) {
      const [problem] = (error as UserError).problems;
      expect([problem?.ruleId, problem?.fix]).toEqual([
        'graph/unknown-package',
        "did you mean 'lib-a'?",
      ]);
    }
  });

  it('a package in one of several environments is answered there, and "not in" the other', () => {
    const other = buildGraph({ ...smallSet(), packages: smallSet().packages.slice(3, 4) }, null);
    const reports = whyReports(
      [
        { model: 'a', graph },
        { model: 'b', graph: other },
      ],
      'lib-a',
    );
    expect(reports.map((r) => [r.model, r.answer !== null])).toEqual([
      ['a', true],
      ['b', false],
    ]);
  });
});

describe('sizes', () => {
  it('what each root pulls in, its CUDA part, and what only it pulls in', () => {
    const graph = buildGraph(smallSet(), ROOTS);
    const sizes = sizeReport(graph);
    // app reaches app, lib-a, lib-b, core: 100 + 10 + 20 + 1000. tool reaches tool, lib-b,
    // lib-a, core, cuda-cudart: 5 + 20 + 10 + 1000 + 2000. tool reaches everything app does
    // but app itself; app reaches none of tool and cuda-cudart.
    expect(sizes?.roots.map((r) => [graph.roots[r.root]?.spec, r.reach, r.only])).toEqual([
      [
        'app>=1',
        { packages: 4, bytes: 1130, gpuBytes: 0, unknown: 0 },
        { packages: 1, bytes: 100, gpuBytes: 0, unknown: 0 },
      ],
      [
        'tool',
        { packages: 5, bytes: 3035, gpuBytes: 2000, unknown: 0 },
        { packages: 2, bytes: 2005, gpuBytes: 2000, unknown: 0 },
      ],
    ]);
    expect(sizes?.total).toEqual({ packages: 9, bytes: 3138, gpuBytes: 2000, unknown: 0 });
  });

  it('counts packages of unknown size apart, and is null when no size is known', () => {
    const set = smallSet();
    set.packages = set.packages.map((p) => (p.name === 'core' ? { ...p, size: null } : p));
    const graph = buildGraph(set, ROOTS);
    expect(sizeReport(graph)?.roots[0]?.reach).toEqual({
      packages: 4,
      bytes: 130,
      gpuBytes: 0,
      unknown: 1,
    });
    expect(sizeReport(buildGraph(smallSet(false), ROOTS))).toBeNull();
  });
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1.0 kB'],
    [812_345_678, '812.3 MB'],
    [2_700_000_000, '2.7 GB'],
  ])('%d bytes: %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('a chain thousands of packages deep', () => {
  it('is drawn and explained without running out of stack', () => {
    const count = 20_000;
    const set: PackageSet = {
      kind: 'conda-lock',
      label: 'chain',
      platform: null,
      packages: Array.from({ length: count }, (_, i) =>
        packageRecord({
          name: `p${i}`,
          manager: 'conda',
          depends: i + 1 < count ? [`p${i + 1}`] : [],
        }),
      ),
    };
    const graph = buildGraph(set, null);
    const text = formatGraphText(graphReport(graph, null), paletteFor(0));
    // Drawn 100 levels down, then marked.
    expect(text).toContain(`└── p100 ? (…)`);
    expect(text).not.toContain('p101 ');
    const answer = why(graph, node(graph, `p${count - 1}`));
    expect(answer.byRoot[0]?.length).toBe(count - 1);
    expect(answer.byRoot[0]?.paths[0]).toHaveLength(count);
  });
});
