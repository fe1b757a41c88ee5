/**
 * The dependency graph of one package set: a node per package, an edge per dependency whose
 * name is a package of the set, labelled with the match spec (or pip requirement) as the
 * depending package wrote it.
 *
 * Decisions, documented in the README:
 * - A dependency on a virtual package (`__cuda`, `__glibc`) is no edge: the machine provides it.
 *   It is kept on its node as unresolved (`virtual: true`), so JSON shows what the package asks
 *   of the machine.
 * - A dependency whose name no package of the set has is kept the same way (`virtual: false`):
 *   an optional pip extra, a package the lock leaves to another platform, or a set that is not
 *   whole. It is counted in the text output, listed in JSON, never drawn.
 * - A pip requirement for an extra only (`pytest; extra == "test"`) is left out: which extras
 *   were installed is not recorded.
 * - A name is looked up exactly in the depending package's own manager first, then in the
 *   other one (a pip package needing `idna` that conda installed), then by its PEP 503 key
 *   (`typing_extensions` for `typing-extensions`).
 * - Roots are the spec's own packages (the model's rendered `dependencies` and `pip:`), else
 *   what conda-meta/history says the user asked for, else the packages nothing depends on (one
 *   package of each dependency cycle that nothing outside it depends on, so every package is
 *   under a root).
 */
import type { PackageRecord, PackageSet } from '../packages/package-set.js';
import { stronglyConnected } from './cycles.js';
import { isGpuStack } from './gpu-stack.js';
import { dependencyName, isVirtual, nameKey } from './names.js';

type Manager = PackageRecord['manager'];

export interface GraphNode {
  /** Unique in the graph: the name, or `pip:<name>` where conda has a package of that name too. */
  id: string;
  name: string;
  manager: Manager;
  version: string | null;
  build: string | null;
  size: number | null;
  /** Part of the GPU stack (src/graph/gpu-stack.ts). */
  gpu: boolean;
}

interface GraphEdge {
  from: number;
  to: number;
  /** The dependency as the depending package wrote it. */
  spec: string;
}

interface UnresolvedDependency {
  from: number;
  spec: string;
  /** True for a virtual package (`__cuda`); false for a name the set does not have. */
  virtual: boolean;
}

interface GraphRoot {
  /** The request as the spec, or the history, wrote it; the package's name for a leaf root. */
  spec: string;
  manager: Manager;
  /** The package it names, or null when the set has none of that name. */
  node: number | null;
}

/** Where the roots came from. */
type RootOrigin = 'spec' | 'history' | 'leaves';

export interface DependencyGraph {
  source: Pick<PackageSet, 'kind' | 'label' | 'platform'>;
  nodes: GraphNode[];
  /** Edges out of each node (its dependencies), by node index, sorted by the target's name. */
  out: GraphEdge[][];
  /** Edges into each node (its dependents), by node index, sorted by the source's name. */
  in: GraphEdge[][];
  unresolved: UnresolvedDependency[];
  roots: GraphRoot[];
  rootOrigin: RootOrigin;
  /** Whether any package of the set records its dependencies (a set without has no edges). */
  dependenciesKnown: boolean;
}

export interface RootRequest {
  spec: string;
  manager: Manager;
}

/**
 * The graph of `set` (its packages in name order), rooted at `roots` (with their origin), or at the packages nothing depends
 * on when `roots` is null.
 */
export function buildGraph(
  set: PackageSet,
  roots: { requests: readonly RootRequest[]; origin: 'spec' | 'history' } | null,
): DependencyGraph {
  // In name order, whatever order the reader gave: the same set draws the same graph.
  const records = [...set.packages].sort((a, b) =>
    a.name < b.name
      ? -1
      : a.name > b.name
        ? 1
        : a.manager < b.manager
          ? -1
          : a.manager > b.manager
            ? 1
            : 0,
  );
  const nodes = makeNodes(records);
  const lookup = nameLookup(nodes);
  const out: GraphEdge[][] = nodes.map(() => []);
  const into: GraphEdge[][] = nodes.map(() => []);
  const unresolved: UnresolvedDependency[] = [];
  records.forEach((record, from) => {
    const seen = new Set<number>();
    for (const spec of record.depends ?? []) {
      const name = dependencyName(spec);
      if (name === null || onlyForExtra(spec)) continue;
      if (isVirtual(name)) {
        unresolved.push({ from, spec, virtual: true });
        continue;
      }
      const to = lookup(name, record.manager);
      if (to === undefined) {
        unresolved.push({ from, spec, virtual: false });
        continue;
      }
      // A record may list one name twice (`python >=3.8` and `python <4`): one edge, first spec.
      if (seen.has(to)) continue;
      seen.add(to);
      const edge = { from, to, spec };
      out[from]?.push(edge);
      into[to]?.push(edge);
    }
  });
  const byName = (pick: (e: GraphEdge) => number) => (a: GraphEdge, b: GraphEdge) =>
    compareNodes(nodes[pick(a)] as GraphNode, nodes[pick(b)] as GraphNode);
  for (const edges of out) edges.sort(byName((e) => e.to));
  for (const edges of into) edges.sort(byName((e) => e.from));

  const graph: DependencyGraph = {
    source: { kind: set.kind, label: set.label, platform: set.platform },
    nodes,
    out,
    in: into,
    unresolved,
    roots: [],
    rootOrigin: roots ? roots.origin : 'leaves',
    dependenciesKnown: set.packages.some((p) => p.depends !== null),
  };
  graph.roots = roots
    ? roots.requests.map((request) => {
        const name = dependencyName(request.spec);
        const node = name === null ? undefined : lookup(name, request.manager);
        return { ...request, node: node ?? null };
      })
    : leafRoots(graph);
  return graph;
}

/**
 * A pip requirement that applies only when an extra is asked for (`pytest; extra == "test"`,
 * as installed METADATA lists them): which extras were installed is not recorded, so it is no
 * dependency.
 */
function onlyForExtra(spec: string): boolean {
  const marker = spec.indexOf(';');
  return marker >= 0 && /\bextra\s*==/.test(spec.slice(marker));
}

/** Successor lists of the graph, for algorithms that want plain numbers. */
export function successors(graph: DependencyGraph): number[][] {
  return graph.out.map((edges) => edges.map((e) => e.to));
}

/** The distinct nodes of the roots that name a package of the set, in root order. */
export function rootNodes(graph: DependencyGraph): number[] {
  const nodes: number[] = [];
  for (const root of graph.roots) {
    if (root.node !== null && !nodes.includes(root.node)) nodes.push(root.node);
  }
  return nodes;
}

/** The node of a package name (exact, then by PEP 503 key), conda's before pip's. */
export function findNode(graph: DependencyGraph, name: string): number | undefined {
  return nameLookup(graph.nodes)(name.toLowerCase(), 'conda');
}

function makeNodes(records: readonly PackageRecord[]): GraphNode[] {
  const taken = new Set<string>();
  return records.map((record, index) => {
    let id = record.name;
    if (taken.has(id)) id = `${record.manager}:${record.name}`;
    if (taken.has(id)) id = `${record.name}#${index}`;
    taken.add(id);
    return {
      id,
      name: record.name,
      manager: record.manager,
      version: record.version,
      build: record.build,
      size: record.size,
      gpu: isGpuStack(record.name),
    };
  });
}

function compareNodes(a: GraphNode, b: GraphNode): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/** Finds a package by a dependency's name, for a package of the given manager. */
function nameLookup(
  nodes: readonly GraphNode[],
): (name: string, manager: Manager) => number | undefined {
  const exact = new Map<string, number[]>();
  const keyed = new Map<string, number[]>();
  nodes.forEach((node, index) => {
    const name = node.name.toLowerCase();
    exact.set(name, [...(exact.get(name) ?? []), index]);
    const key = nameKey(name);
    keyed.set(key, [...(keyed.get(key) ?? []), index]);
  });
  const pick = (found: number[] | undefined, manager: Manager) =>
    found?.find((i) => nodes[i]?.manager === manager) ?? found?.[0];
  return (name, manager) => {
    const found = exact.get(name);
    return found ? pick(found, manager) : pick(keyed.get(nameKey(name)), manager);
  };
}

/**
 * The packages nothing depends on, and for a cycle that nothing outside depends on, its first
 * package by name.
 */
function leafRoots(graph: DependencyGraph): GraphRoot[] {
  return sourceNodes(graph, successors(graph)).map((node) => {
    const { name, manager } = graph.nodes[node] as GraphNode;
    return { spec: name, manager, node };
  });
}

/**
 * The first node (by name) of each strongly connected component that no other component
 * reaches, in name order: the tops of the graph given by `next` (the graph's own successor
 * lists, or its predecessor lists for the graph turned upside down).
 */
export function sourceNodes(
  graph: DependencyGraph,
  next: readonly (readonly number[])[],
): number[] {
  const byName = (a: number, b: number) =>
    compareNodes(graph.nodes[a] as GraphNode, graph.nodes[b] as GraphNode);
  const components = stronglyConnected(next);
  const componentOf = new Array<number>(graph.nodes.length);
  components.forEach((members, c) => {
    for (const m of members) componentOf[m] = c;
  });
  const reached = new Set<number>();
  next.forEach((targets, from) => {
    for (const to of targets)
      if (componentOf[from] !== componentOf[to]) reached.add(componentOf[to] as number);
  });
  return components
    .filter((_, c) => !reached.has(c))
    .map((members) => [...members].sort(byName)[0] as number)
    .sort(byName);
}
