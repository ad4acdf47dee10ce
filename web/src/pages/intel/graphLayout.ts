// A small force-directed layout for the relationship graph: deterministic (nodes start on a circle,
// no randomness), the focused object pinned in the middle, a fixed number of iterations.

export interface LayoutNode {
  id: string;
  x: number;
  y: number;
}

export interface LayoutEdge {
  source: string;
  target: string;
}

export interface LayoutOptions {
  width: number;
  height: number;
  /** Pinned at the center. */
  focus?: string;
  iterations?: number;
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

function initial(ids: string[], o: LayoutOptions): Map<string, LayoutNode> {
  const cx = o.width / 2;
  const cy = o.height / 2;
  const others = ids.filter((id) => id !== o.focus);
  const r = Math.min(o.width, o.height) * 0.35;
  const nodes = new Map<string, LayoutNode>();
  if (o.focus && ids.includes(o.focus)) nodes.set(o.focus, { id: o.focus, x: cx, y: cy });
  others.forEach((id, i) => {
    const a = (2 * Math.PI * i) / Math.max(1, others.length) - Math.PI / 2;
    nodes.set(id, { id, x: cx + r * Math.cos(a), y: cy + r * Math.sin(a) });
  });
  return nodes;
}

/** Positions for every id: repulsion between all pairs, springs along edges, a pull to the center. */
export function layoutGraph(ids: string[], edges: LayoutEdge[], o: LayoutOptions): Map<string, LayoutNode> {
  const nodes = initial(ids, o);
  const list = [...nodes.values()];
  const ideal = Math.min(o.width, o.height) / Math.max(3, Math.sqrt(list.length) + 1.5);
  const iterations = o.iterations ?? 200;
  const margin = 40;
  for (let it = 0; it < iterations; it++) {
    const temp = ideal * 0.2 * (1 - it / iterations) + 0.5;
    const force = new Map(list.map((n) => [n.id, { x: 0, y: 0 }]));
    for (let i = 0; i < list.length; i++) {
      for (let j = i + 1; j < list.length; j++) {
        const a = list[i]!;
        const b = list[j]!;
        const dx = a.x - b.x || 0.01 * (i - j);
        const dy = a.y - b.y || 0.01;
        const d2 = Math.max(dx * dx + dy * dy, 1);
        const f = (ideal * ideal) / d2;
        force.get(a.id)!.x += dx * f;
        force.get(a.id)!.y += dy * f;
        force.get(b.id)!.x -= dx * f;
        force.get(b.id)!.y -= dy * f;
      }
    }
    for (const e of edges) {
      const a = nodes.get(e.source);
      const b = nodes.get(e.target);
      if (!a || !b || a === b) continue;
      const dx = b.x - a.x;
      const dy = b.y - a.y;
      const d = Math.max(Math.hypot(dx, dy), 1);
      const f = (d - ideal) / d / 2;
      force.get(a.id)!.x += dx * f;
      force.get(a.id)!.y += dy * f;
      force.get(b.id)!.x -= dx * f;
      force.get(b.id)!.y -= dy * f;
    }
    for (const n of list) {
      if (n.id === o.focus) continue;
      const f = force.get(n.id)!;
      f.x += (o.width / 2 - n.x) * 0.02;
      f.y += (o.height / 2 - n.y) * 0.02;
      const len = Math.max(Math.hypot(f.x, f.y), 1e-9);
      const step = Math.min(len, temp);
      n.x = clamp(n.x + (f.x / len) * step, margin, o.width - margin);
      n.y = clamp(n.y + (f.y / len) * step, margin, o.height - margin);
    }
  }
  return nodes;
}
