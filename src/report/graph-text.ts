/**
 * Human output of `envgen graph` (a tree per root, each package's dependencies under it, a
 * package shown in full only the first time) and `envgen why` (the paths, one per line, with
 * the spec at each step), and the sizes each root brings in.
 */
import type { DependencyGraph, GraphNode } from '../graph/graph.js';
import { constraintOf, dependencyName } from '../graph/names.js';
import type { GraphReport, WhyReport } from '../graph/report.js';
import type { SizeTotals } from '../graph/sizes.js';
import type { Palette } from './color.js';
import { printable } from './problems.js';

/**
 * Levels of a tree drawn: each level indents by four columns, so a chain thousands deep (only a
 * made-up lock has one) would print gigabytes. Deeper packages are marked and left to JSON.
 */
const DEPTH_LIMIT = 100;

/** How `why` says that the package is a root, by where the roots came from. */
const ASKED: Record<DependencyGraph['rootOrigin'], string> = {
  spec: 'asked for in envgen.yaml',
  history: 'asked for (conda-meta/history)',
  leaves: 'a top package (nothing depends on it)',
};

/** How many unresolved dependencies are named before "and N more". */
const NAMED = 5;

export function formatGraphText(report: GraphReport, color: Palette): string {
  const { graph } = report;
  const lines = [heading(report.model, graph, color)];
  if (!graph.dependenciesKnown) {
    lines.push(
      color.yellow(
        `${printable(graph.source.label)} records no dependencies: every package is shown on its own`,
      ),
    );
  }
  // One record of what was shown for all the trees: a package is drawn in full once.
  const marks = { shown: false, cycle: false, deep: false, expanded: new Set<number>() };
  if (report.invert) {
    const asked = new Map(
      graph.roots.flatMap((r) => (r.node === null ? [] : [[r.node, r.spec] as const])),
    );
    const dependents = (node: number) =>
      (graph.in[node] ?? []).map((e) => ({ node: e.from, spec: e.spec, note: asked.get(e.from) }));
    for (const top of report.invert.tops) {
      lines.push(
        ...tree(graph, { node: top, spec: null, note: asked.get(top) }, dependents, marks, color),
      );
    }
  } else {
    const dependencies = (node: number) =>
      (graph.out[node] ?? []).map((e) => ({ node: e.to, spec: e.spec, note: undefined }));
    const seen = new Set<number>();
    for (const root of graph.roots) {
      if (root.node === null) {
        lines.push(
          `${printable(root.spec)} ${color.red(`(not in ${printable(graph.source.label)})`)}`,
        );
        continue;
      }
      if (seen.has(root.node)) continue;
      seen.add(root.node);
      lines.push(
        ...tree(
          graph,
          { node: root.node, spec: root.spec, note: undefined },
          dependencies,
          marks,
          color,
        ),
      );
    }
  }
  const notes: string[] = [];
  if (marks.shown) notes.push(`${color.dim('(*)')} shown above with its dependencies`);
  if (marks.cycle) notes.push(`${color.dim('(cycle)')} depends on a package it is needed by`);
  if (marks.deep) {
    notes.push(
      `${color.dim('(…)')} more than ${DEPTH_LIMIT} levels down: not drawn (--format json has all)`,
    );
  }
  // A focused --invert is about one package: the environment's notes and sizes stay out.
  const focused = report.invert !== null && report.invert.package !== null;
  if (!focused) notes.push(...unresolvedLines(graph, color));
  for (const cycle of focused ? [] : report.cycles) {
    notes.push(
      `cycle: ${cycle.map((n) => printable((graph.nodes[n] as GraphNode).name)).join(' → ')}`,
    );
  }
  return `${[...lines, ...(notes.length > 0 ? ['', ...notes] : []), ...(focused ? [] : ['', ...sizeLines(report, color)])].join('\n')}\n`;
}

export function formatWhyText(name: string, reports: readonly WhyReport[], color: Palette): string {
  const blocks = reports.map(({ model, graph, answer }) => {
    const where = heading(model, graph, color);
    if (!answer) return `${where}\n  ${printable(name)} is not in it\n`;
    const node = graph.nodes[answer.target] as GraphNode;
    const lines = [where, `  ${color.bold(printable(node.name))} ${versionText(node)}`];
    for (const r of answer.asked) {
      lines.push(`  ${ASKED[graph.rootOrigin]}: ${printable(graph.roots[r]?.spec ?? '')}`);
    }
    for (const r of answer.byRoot) {
      for (const path of r.paths) {
        lines.push(`  ${path.map((step) => printable(step.spec)).join(color.dim(' → '))}`);
      }
      if (r.count > r.paths.length) {
        lines.push(
          color.dim(
            `  … and ${r.count - r.paths.length} more shortest paths from ${printable(graph.roots[r.root]?.spec ?? '')}`,
          ),
        );
      }
    }
    if (answer.asked.length === 0 && answer.byRoot.length === 0) {
      const dependents = (graph.in[answer.target] ?? []).map((e) =>
        printable(graph.nodes[e.from]?.name ?? ''),
      );
      lines.push(
        dependents.length > 0
          ? `  no root reaches it; needed by: ${dependents.join(', ')}`
          : '  no root reaches it and nothing depends on it',
      );
    }
    return `${lines.join('\n')}\n`;
  });
  return blocks.join('\n');
}

/** `2.7 GB`, `812.3 MB`: decimal units, as registries and docker report image sizes. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

function heading(model: string | null, graph: DependencyGraph, color: Palette): string {
  const { label, platform } = graph.source;
  const where = `${printable(label)}${platform ? `, ${printable(platform)}` : ''}`;
  const count = `${graph.nodes.length} package${graph.nodes.length === 1 ? '' : 's'}`;
  return `${color.bold(model ? printable(model) : 'environment')} ${color.dim(`(${where}, ${count})`)}`;
}

interface Child {
  node: number;
  /** The spec that leads here (null for the top of an inverted tree). */
  spec: string | null;
  /** A root's spec, shown beside the package in an inverted tree. */
  note: string | undefined;
}

function tree(
  graph: DependencyGraph,
  top: Child,
  children: (node: number) => Child[],
  marks: { shown: boolean; cycle: boolean; deep: boolean; expanded: Set<number> },
  color: Palette,
): string[] {
  const lines: string[] = [];
  const { expanded } = marks;
  const path = new Set<number>();
  // Depth first with a stack of its own: a chain thousands of packages deep cannot overflow
  // the call stack.
  interface Frame {
    child: Child;
    /** The indentation of this package's children. */
    rest: string;
    kids: Child[];
    next: number;
  }
  const stack: Frame[] = [];
  const enter = (child: Child, first: string, rest: string): void => {
    const kids = children(child.node);
    let mark = '';
    if (path.has(child.node)) {
      mark = color.dim(' (cycle)');
      marks.cycle = true;
    } else if (expanded.has(child.node) && kids.length > 0) {
      mark = color.dim(' (*)');
      marks.shown = true;
    } else if (stack.length >= DEPTH_LIMIT && kids.length > 0) {
      mark = color.dim(' (…)');
      marks.deep = true;
    }
    lines.push(`${first}${nodeText(graph.nodes[child.node] as GraphNode, child, color)}${mark}`);
    if (mark) return;
    expanded.add(child.node);
    path.add(child.node);
    stack.push({ child, rest, kids, next: 0 });
  };
  enter(top, '', '');
  while (stack.length > 0) {
    const frame = stack[stack.length - 1] as Frame;
    if (frame.next >= frame.kids.length) {
      path.delete(frame.child.node);
      stack.pop();
      continue;
    }
    const kid = frame.kids[frame.next] as Child;
    const last = frame.next === frame.kids.length - 1;
    frame.next++;
    enter(kid, `${frame.rest}${last ? '└── ' : '├── '}`, `${frame.rest}${last ? '    ' : '│   '}`);
  }
  return lines;
}

function nodeText(node: GraphNode, child: Child, color: Palette): string {
  const name = node.gpu ? color.green(printable(node.name)) : printable(node.name);
  const spec = child.spec === null ? '' : constraintOf(child.spec);
  const pip = node.manager === 'pip' ? color.dim(' (pip)') : '';
  const asked = child.note !== undefined ? color.cyan(` ← ${printable(child.note)}`) : '';
  return `${name} ${versionText(node)}${spec ? color.dim(` [${printable(spec)}]`) : ''}${pip}${asked}`;
}

function versionText(node: GraphNode): string {
  return printable(node.version ?? '?');
}

function unresolvedLines(graph: DependencyGraph, color: Palette): string[] {
  const lines: string[] = [];
  const virtual = [
    ...new Set(
      graph.unresolved.filter((u) => u.virtual).map((u) => dependencyName(u.spec) ?? u.spec),
    ),
  ].sort();
  if (virtual.length > 0) {
    lines.push(
      `virtual packages the machine provides (not drawn): ${virtual.map(printable).join(', ')}`,
    );
  }
  const missing = graph.unresolved.filter((u) => !u.virtual);
  if (missing.length > 0) {
    const named = missing
      .slice(0, NAMED)
      .map((u) => `${printable(graph.nodes[u.from]?.name ?? '')} → ${printable(u.spec)}`);
    const more = missing.length > NAMED ? `, and ${missing.length - NAMED} more` : '';
    lines.push(
      color.yellow(
        `${missing.length} dependenc${missing.length === 1 ? 'y names no package' : 'ies name no package'} of ${printable(graph.source.label)}: ${named.join(', ')}${more}`,
      ),
    );
  }
  return lines;
}

function sizeLines(report: GraphReport, color: Palette): string[] {
  const { sizes, graph } = report;
  // Where sizes could not be looked up (graph/sizes-not-cached): which channel folders, and why.
  const notes = report.problems.flatMap((p) => [
    color.dim(`note: ${printable(p.message)}`),
    ...(p.fix ? [color.dim(`  fix: ${printable(p.fix)}`)] : []),
  ]);
  if (!sizes) {
    const cache =
      graph.source.kind === 'conda-lock' ? ", nor does envgen's repodata cache hold them" : '';
    return [
      color.dim(
        `sizes: ${printable(graph.source.label)} records none${cache} (an installed environment has them: envgen graph --prefix DIR)`,
      ),
      ...notes,
    ];
  }
  const { total } = sizes;
  const known =
    total.unknown > 0
      ? ` (sizes of ${total.packages - total.unknown} of ${total.packages} packages known)`
      : '';
  const lines = [
    `${color.bold('Sizes')}${known}: ${formatBytes(total.bytes)} in all${gpuPart(total)}`,
  ];
  const named = sizes.roots.map((r) => ({ r, label: printable(graph.roots[r.root]?.spec ?? '') }));
  const width = Math.max(0, ...named.map((n) => n.label.length));
  for (const { r, label } of named) {
    const only =
      r.only.bytes !== r.reach.bytes ? `; ${formatBytes(r.only.bytes)} only through it` : '';
    lines.push(
      `  ${label.padEnd(width)}  pulls in ${formatBytes(r.reach.bytes)}${gpuPart(r.reach)}${only}`,
    );
  }
  return [...lines, ...notes];
}

function gpuPart(totals: SizeTotals): string {
  return totals.gpuBytes > 0 ? `, ${formatBytes(totals.gpuBytes)} of it CUDA libraries` : '';
}
