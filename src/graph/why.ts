/**
 * Why a package is in an environment: for each root that brings it in, every shortest path from
 * that root to it, with the match spec at each step.
 *
 * A path that runs through another root is left to that root: torchvision → pytorch → libcublas
 * is pytorch's path, not torchvision's, so torchvision is listed only where it reaches the
 * package some other way. A package that is itself a root is reported as asked for, and the
 * other roots' paths to it follow.
 */
import { type DependencyGraph, rootNodes } from './graph.js';

/** One step of a path: the package, and the spec that led to it (the root's own spec first). */
interface PathStep {
  node: number;
  spec: string;
}

interface RootPaths {
  /** Index into `graph.roots` (the first root of that package). */
  root: number;
  /** Edges on each shortest path. */
  length: number;
  /** How many shortest paths there are; `paths` holds at most `limit` of them. */
  count: number;
  paths: PathStep[][];
}

export interface WhyAnswer {
  target: number;
  /** The roots that are the package itself (indices into `graph.roots`). */
  asked: number[];
  /** The roots that reach it, nearest first. */
  byRoot: RootPaths[];
}

/** At most this many paths per root are listed; `count` says how many there are. */
const PATH_LIMIT = 10;

export function why(graph: DependencyGraph, target: number, limit = PATH_LIMIT): WhyAnswer {
  const asked = graph.roots.flatMap((root, i) => (root.node === target ? [i] : []));
  const roots = rootNodes(graph);
  const isRoot = new Set(roots);
  const byRoot: RootPaths[] = [];
  for (const start of roots) {
    if (start === target) continue;
    const found = shortestPaths(graph, start, target, isRoot, limit);
    if (!found) continue;
    const root = graph.roots.findIndex((r) => r.node === start);
    const spec = graph.roots[root]?.spec ?? '';
    byRoot.push({
      root,
      length: found.length,
      count: found.count,
      paths: found.paths.map((path) => [{ node: start, spec }, ...path]),
    });
  }
  byRoot.sort((a, b) => a.length - b.length || a.root - b.root);
  return { target, asked, byRoot };
}

/**
 * Breadth first from `start`, not going on through other roots; then the shortest paths are
 * walked back from the target over every predecessor one step nearer.
 */
function shortestPaths(
  graph: DependencyGraph,
  start: number,
  target: number,
  roots: ReadonlySet<number>,
  limit: number,
): { length: number; count: number; paths: PathStep[][] } | undefined {
  const distance = new Map<number, number>([[start, 0]]);
  const ways = new Map<number, number>([[start, 1]]);
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i] as number;
    if (node === target) continue;
    if (node !== start && roots.has(node)) continue;
    const d = distance.get(node) as number;
    for (const edge of graph.out[node] ?? []) {
      const seen = distance.get(edge.to);
      if (seen === undefined) {
        distance.set(edge.to, d + 1);
        ways.set(edge.to, ways.get(node) as number);
        queue.push(edge.to);
      } else if (seen === d + 1) {
        ways.set(edge.to, (ways.get(edge.to) as number) + (ways.get(node) as number));
      }
    }
  }
  const length = distance.get(target);
  if (length === undefined) return undefined;
  // Walked back from the target with a stack of its own (a long chain cannot overflow the call
  // stack), each partial path a linked list from the step nearest the start to the target.
  interface Tail {
    step: PathStep;
    next: Tail | null;
  }
  const paths: PathStep[][] = [];
  const stack: { node: number; tail: Tail | null }[] = [{ node: target, tail: null }];
  while (stack.length > 0 && paths.length < limit) {
    const { node, tail } = stack.pop() as { node: number; tail: Tail | null };
    if (node === start) {
      const path: PathStep[] = [];
      for (let at = tail; at; at = at.next) path.push(at.step);
      paths.push(path);
      continue;
    }
    const d = distance.get(node) as number;
    const nearer = (graph.in[node] ?? []).filter(
      (e) => distance.get(e.from) === d - 1 && (e.from === start || !roots.has(e.from)),
    );
    // Pushed last first, so paths come out in the order of the dependents' names.
    for (const edge of [...nearer].reverse()) {
      stack.push({ node: edge.from, tail: { step: { node, spec: edge.spec }, next: tail } });
    }
  }
  return { length, count: ways.get(target) as number, paths };
}
