/**
 * `graph --format dot` (Graphviz) and `--format mermaid` (a Mermaid flowchart). Package names
 * hold `-`, `.` and `_`, and specs hold `<`, `>`, `|` and quotes, none of which either language
 * takes bare: DOT gets every id and label as a quoted string with `"` and `\` escaped; Mermaid
 * gets ids of its own (`n0`, `n1`, …, never a keyword such as `end`) and labels in quotes with
 * the characters it reads as markup written as its entity codes (`#quot;`, `#lt;`). Roots are
 * drawn bold, the GPU stack filled green; with `--invert` the arrows point from a package to
 * what needs it. test/graph/diagrams.test.ts parses both with the languages' own parsers.
 */
import type { GraphNode } from '../graph/graph.js';
import { constraintOf } from '../graph/names.js';
import type { GraphReport } from '../graph/report.js';
import { printable } from './problems.js';

const GPU_FILL = '#d5f5d5';

interface Drawn {
  nodes: { index: number; node: GraphNode; root: boolean }[];
  /** From, to (as drawn: reversed with --invert) and the spec. */
  edges: { from: number; to: number; spec: string }[];
  title: string;
}

function drawn(report: GraphReport): Drawn {
  const { graph } = report;
  const shown = new Set(report.shown);
  const roots = new Set(graph.roots.map((r) => r.node));
  const edges = report.shown.flatMap((from) =>
    (graph.out[from] ?? [])
      .filter((e) => shown.has(e.to))
      .map((e) =>
        report.invert
          ? { from: e.to, to: e.from, spec: e.spec }
          : { from: e.from, to: e.to, spec: e.spec },
      ),
  );
  return {
    nodes: report.shown.map((index) => ({
      index,
      node: graph.nodes[index] as GraphNode,
      root: roots.has(index),
    })),
    edges,
    title: report.model ?? graph.source.label,
  };
}

/** Text inside a DOT quoted string: `"` and `\` escaped, control characters as JSON writes them. */
function dotEscape(text: string): string {
  return printable(text).replaceAll('\\', '\\\\').replaceAll('"', '\\"');
}

/** A DOT quoted string. */
function dotString(text: string): string {
  return `"${dotEscape(text)}"`;
}

export function formatDot(report: GraphReport): string {
  const { nodes, edges, title } = drawn(report);
  const id = new Map(nodes.map((n) => [n.index, dotString(n.node.id)]));
  const lines = [
    `digraph ${dotString(title)} {`,
    '  rankdir=LR;',
    '  node [shape=box, fontname="Helvetica"];',
    '  edge [fontname="Helvetica", fontsize=10];',
  ];
  for (const { index, node, root } of nodes) {
    const attributes = [`label="${dotEscape(node.name)}\\n${dotEscape(node.version ?? '?')}"`];
    if (root) attributes.push('penwidth=2');
    if (node.gpu) attributes.push('style=filled', `fillcolor="${GPU_FILL}"`);
    lines.push(`  ${id.get(index)} [${attributes.join(', ')}];`);
  }
  for (const edge of edges) {
    const spec = constraintOf(edge.spec);
    lines.push(
      `  ${id.get(edge.from)} -> ${id.get(edge.to)}${spec ? ` [label=${dotString(spec)}]` : ''};`,
    );
  }
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** Text for a Mermaid quoted label: `"`, `#`, `<`, `>`, `|` and backticks as entity codes. */
function mermaidText(text: string): string {
  return printable(text).replace(/[#"<>|`]/g, (c) => `#${c.codePointAt(0)};`);
}

export function formatMermaid(report: GraphReport): string {
  const { nodes, edges } = drawn(report);
  const id = new Map(nodes.map((n, i) => [n.index, `n${i}`]));
  const lines = ['flowchart LR'];
  for (const { index, node } of nodes) {
    lines.push(`  ${id.get(index)}["${mermaidText(`${node.name} ${node.version ?? '?'}`)}"]`);
  }
  for (const edge of edges) {
    const spec = constraintOf(edge.spec);
    const arrow = spec ? `-->|"${mermaidText(spec)}"|` : '-->';
    lines.push(`  ${id.get(edge.from)} ${arrow} ${id.get(edge.to)}`);
  }
  const gpu = nodes.filter((n) => n.node.gpu).map((n) => id.get(n.index));
  const roots = nodes.filter((n) => n.root).map((n) => id.get(n.index));
  if (gpu.length > 0) {
    lines.push(`  classDef gpu fill:${GPU_FILL}`, `  class ${gpu.join(',')} gpu`);
  }
  if (roots.length > 0) {
    lines.push('  classDef root stroke-width:3px', `  class ${roots.join(',')} root`);
  }
  return `${lines.join('\n')}\n`;
}
