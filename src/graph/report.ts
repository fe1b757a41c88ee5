/**
 * What `graph` and `why` answer, as data for the reporters: the graph with its cycles and sizes
 * (and, with `--invert`, the part of it to show upside down), or the paths to one package.
 */
import { type Problem, problem, UserError } from '../problem.js';
import { didYouMean } from '../spec/did-you-mean.js';
import { cyclesOf } from './cycles.js';
import { type DependencyGraph, findNode, sourceNodes, successors } from './graph.js';
import { type SizeReport, sizeReport } from './sizes.js';
import { type WhyAnswer, why } from './why.js';

export interface GraphReport {
  /** The model of envgen.yaml, or null for a prefix read without one. */
  model: string | null;
  graph: DependencyGraph;
  /** Each cycle as a closed walk of node indices (`[a, b, a]`). */
  cycles: number[][];
  sizes: SizeReport | null;
  /** The nodes to show: every node, or with `--invert PACKAGE` the package and its dependents. */
  shown: number[];
  /**
   * With `--invert`: the package whose dependents are shown (null: every package), and the
   * tops of the upside-down graph (that package, or the packages that depend on nothing).
   */
  invert: { package: number | null; tops: number[] } | null;
  /** Notes from loading the graph (`graph/sizes-not-cached`). */
  problems: Problem[];
}

/** `invert`: absent for the graph as it is, true for all of it upside down, or a package name. */
export function graphReport(
  graph: DependencyGraph,
  model: string | null,
  invert?: string | true,
  problems: Problem[] = [],
): GraphReport {
  const all = [...graph.nodes.keys()];
  const base = {
    model,
    graph,
    cycles: cyclesOf(successors(graph)),
    sizes: sizeReport(graph),
    problems,
  };
  if (invert === undefined) return { ...base, shown: all, invert: null };
  const predecessors = graph.in.map((edges) => edges.map((e) => e.from));
  if (invert === true) {
    return {
      ...base,
      shown: all,
      invert: { package: null, tops: sourceNodes(graph, predecessors) },
    };
  }
  const target = requireNode(graph, invert, model);
  const shown = new Set([target]);
  const queue = [target];
  for (let i = 0; i < queue.length; i++) {
    for (const from of predecessors[queue[i] as number] ?? []) {
      if (!shown.has(from)) {
        shown.add(from);
        queue.push(from);
      }
    }
  }
  return {
    ...base,
    shown: all.filter((n) => shown.has(n)),
    invert: { package: target, tops: [target] },
  };
}

export interface WhyReport {
  model: string | null;
  graph: DependencyGraph;
  /** Null when the package is not in this environment. */
  answer: WhyAnswer | null;
}

/**
 * Why `name` is in each of the graphs. A package in none of them is a problem
 * (`graph/unknown-package`, exit 1) with the closest name any of them has.
 */
export function whyReports(
  graphs: readonly { model: string | null; graph: DependencyGraph }[],
  name: string,
): WhyReport[] {
  const reports = graphs.map(({ model, graph }) => {
    const target = findNode(graph, name);
    return { model, graph, answer: target === undefined ? null : why(graph, target) };
  });
  if (reports.some((r) => r.answer !== null)) return reports;
  throw unknownPackage(
    name,
    graphs.flatMap(({ graph }) => graph.nodes.map((n) => n.name)),
    graphs.map(({ model, graph }) => model ?? graph.source.label),
  );
}

function requireNode(graph: DependencyGraph, name: string, model: string | null): number {
  const node = findNode(graph, name);
  if (node !== undefined) return node;
  throw unknownPackage(
    name,
    graph.nodes.map((n) => n.name),
    [model ?? graph.source.label],
  );
}

function unknownPackage(
  name: string,
  names: readonly string[],
  where: readonly string[],
): UserError {
  const guess = didYouMean(name, [...new Set(names)]);
  return new UserError([
    problem('graph/unknown-package', `'${name}' is not a package of ${where.join(', ')}`, {
      fix: guess
        ? `did you mean '${guess}'?`
        : 'check the name (`envgen graph` lists the packages)',
    }),
  ]);
}
