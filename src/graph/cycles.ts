/**
 * Strongly connected components (Tarjan's algorithm, iterative so a long dependency chain
 * cannot overflow the stack), and the dependency cycles they hold.
 */

/**
 * The components of a graph given as successor lists, in reverse topological order: each
 * component comes after every component it reaches (sinks first).
 */
export function stronglyConnected(successors: readonly (readonly number[])[]): number[][] {
  const count = successors.length;
  const index = new Array<number>(count).fill(-1);
  const low = new Array<number>(count).fill(0);
  const onStack = new Array<boolean>(count).fill(false);
  const stack: number[] = [];
  const components: number[][] = [];
  let next = 0;
  for (let start = 0; start < count; start++) {
    if (index[start] !== -1) continue;
    // Each frame: a node and how many of its successors have been looked at.
    const frames: [number, number][] = [[start, 0]];
    index[start] = low[start] = next++;
    stack.push(start);
    onStack[start] = true;
    while (frames.length > 0) {
      const frame = frames[frames.length - 1] as [number, number];
      const [node, seen] = frame;
      const succ = successors[node] ?? [];
      if (seen < succ.length) {
        frame[1] = seen + 1;
        const to = succ[seen] as number;
        if (index[to] === -1) {
          index[to] = low[to] = next++;
          stack.push(to);
          onStack[to] = true;
          frames.push([to, 0]);
        } else if (onStack[to]) {
          low[node] = Math.min(low[node] as number, index[to] as number);
        }
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low[parent[0]] = Math.min(low[parent[0]] as number, low[node] as number);
      if (low[node] === index[node]) {
        const component: number[] = [];
        let member: number;
        do {
          member = stack.pop() as number;
          onStack[member] = false;
          component.push(member);
        } while (member !== node);
        components.push(component);
      }
    }
  }
  return components;
}

/**
 * Each cycle: the members of a component of more than one node (or one that depends on
 * itself), as a closed walk from its first member back to it (`[a, b, a]`).
 */
export function cyclesOf(successors: readonly (readonly number[])[]): number[][] {
  const cycles: number[][] = [];
  for (const component of stronglyConnected(successors)) {
    const members = new Set(component);
    const first = component.reduce((a, b) => Math.min(a, b));
    if (component.length === 1 && !(successors[first] ?? []).includes(first)) continue;
    cycles.push(walkBack(successors, members, first));
  }
  return cycles.sort((a, b) => (a[0] as number) - (b[0] as number));
}

/** The shortest walk from `start` back to itself inside the component (breadth first). */
function walkBack(
  successors: readonly (readonly number[])[],
  members: ReadonlySet<number>,
  start: number,
): number[] {
  const previous = new Map<number, number>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i] as number;
    for (const to of [...(successors[node] ?? [])].sort((a, b) => a - b)) {
      if (!members.has(to)) continue;
      if (to === start) {
        const walk = [start];
        for (
          let at: number | undefined = node;
          at !== undefined && at !== start;
          at = previous.get(at)
        )
          walk.push(at);
        return [start, ...walk.slice(1).reverse(), start];
      }
      if (!previous.has(to)) {
        previous.set(to, node);
        queue.push(to);
      }
    }
  }
  return [start, start];
}
