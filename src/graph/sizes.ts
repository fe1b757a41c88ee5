/**
 * What each root brings in, where the package set knows sizes: the bytes of every package
 * reachable from it, the part of those that is the GPU stack, and the part reachable only
 * through it (what would go if the root went: the packages no other root reaches without
 * passing through it).
 */
import { type DependencyGraph, rootNodes } from './graph.js';

export interface SizeTotals {
  packages: number;
  /** Sum over the packages whose size is known. */
  bytes: number;
  gpuBytes: number;
  /** Packages whose size is not known (not in `bytes`). */
  unknown: number;
}

interface RootSize {
  /** Index into `graph.roots`. */
  root: number;
  /** The root's package and everything it depends on, directly or not. */
  reach: SizeTotals;
  /** The part of `reach` no other root reaches except through this one. */
  only: SizeTotals;
}

export interface SizeReport {
  total: SizeTotals;
  roots: RootSize[];
}

/** Null when no package of the set has a known size. */
export function sizeReport(graph: DependencyGraph): SizeReport | null {
  if (!graph.nodes.some((n) => n.size !== null)) return null;
  const starts = rootNodes(graph);
  const roots = starts.map((start) => {
    const reach = reachable(graph, [start], undefined);
    const others = reachable(
      graph,
      starts.filter((s) => s !== start),
      start,
    );
    const only = [...reach].filter((n) => !others.has(n));
    return {
      root: graph.roots.findIndex((r) => r.node === start),
      reach: totals(graph, reach),
      only: totals(graph, only),
    };
  });
  return { total: totals(graph, graph.nodes.keys()), roots };
}

/** The nodes reachable from `starts` (themselves included), never entering `blocked`. */
function reachable(
  graph: DependencyGraph,
  starts: readonly number[],
  blocked: number | undefined,
): Set<number> {
  const seen = new Set<number>(starts);
  const queue = [...starts];
  for (let i = 0; i < queue.length; i++) {
    for (const edge of graph.out[queue[i] as number] ?? []) {
      if (edge.to === blocked || seen.has(edge.to)) continue;
      seen.add(edge.to);
      queue.push(edge.to);
    }
  }
  return seen;
}

function totals(graph: DependencyGraph, nodes: Iterable<number>): SizeTotals {
  const sum: SizeTotals = { packages: 0, bytes: 0, gpuBytes: 0, unknown: 0 };
  for (const index of nodes) {
    const node = graph.nodes[index];
    if (!node) continue;
    sum.packages++;
    if (node.size === null) {
      sum.unknown++;
      continue;
    }
    sum.bytes += node.size;
    if (node.gpu) sum.gpuBytes += node.size;
  }
  return sum;
}
