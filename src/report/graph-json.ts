/**
 * `graph --format json` (schemas/graph.schema.json describes it) and `why --json`: packages by
 * their graph id, each dependency with the spec that asks for it.
 */
import type { DependencyGraph, GraphNode } from '../graph/graph.js';
import type { GraphReport, WhyReport } from '../graph/report.js';
import type { SizeTotals } from '../graph/sizes.js';

export function graphJson(report: GraphReport): Record<string, unknown> {
  const { graph } = report;
  const shown = new Set(report.shown);
  const id = (node: number) => (graph.nodes[node] as GraphNode).id;
  return {
    model: report.model,
    source: graph.source,
    rootsFrom: graph.rootOrigin,
    dependenciesKnown: graph.dependenciesKnown,
    roots: graph.roots.map((root) => ({
      spec: root.spec,
      manager: root.manager,
      package: root.node === null ? null : id(root.node),
    })),
    invert: report.invert
      ? { package: report.invert.package === null ? null : id(report.invert.package) }
      : null,
    packages: report.shown.map((node) => ({
      ...packageJson(graph, node),
      dependencies: (graph.out[node] ?? [])
        .filter((e) => shown.has(e.to))
        .map((e) => ({ package: id(e.to), spec: e.spec })),
      unresolved: graph.unresolved
        .filter((u) => u.from === node)
        .map(({ spec, virtual }) => ({ spec, virtual })),
    })),
    cycles: report.cycles.map((cycle) => cycle.map(id)),
    sizes: report.sizes
      ? {
          total: report.sizes.total,
          roots: report.sizes.roots.map((r) => ({
            spec: graph.roots[r.root]?.spec ?? '',
            package: id(graph.roots[r.root]?.node as number),
            reach: totalsJson(r.reach),
            only: totalsJson(r.only),
          })),
        }
      : null,
    problems: report.problems,
  };
}

export function whyJson(name: string, reports: readonly WhyReport[]): Record<string, unknown> {
  return {
    package: name,
    environments: reports.map(({ model, graph, answer }) => {
      const id = (node: number) => (graph.nodes[node] as GraphNode).id;
      return {
        model,
        source: graph.source,
        rootsFrom: graph.rootOrigin,
        found: answer !== null,
        ...(answer
          ? {
              package: packageJson(graph, answer.target),
              asked: answer.asked.map((r) => graph.roots[r]?.spec),
              paths: answer.byRoot.map((r) => ({
                root: graph.roots[r.root]?.spec,
                length: r.length,
                count: r.count,
                paths: r.paths.map((path) =>
                  path.map((step) => ({ package: id(step.node), spec: step.spec })),
                ),
              })),
              dependents: (graph.in[answer.target] ?? []).map((e) => ({
                package: id(e.from),
                spec: e.spec,
              })),
            }
          : {}),
      };
    }),
    problems: [],
  };
}

function packageJson(graph: DependencyGraph, node: number) {
  const { id, name, manager, version, build, size, gpu } = graph.nodes[node] as GraphNode;
  return { id, name, manager, version, build, size, gpu };
}

function totalsJson(totals: SizeTotals): SizeTotals {
  return { ...totals };
}
