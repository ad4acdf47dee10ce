import { useMemo } from 'react';
import type { KeyboardEvent } from 'react';
import type { StixEdge, StixRecord } from '../../api-intel';
import { useNavigate } from '../../router';
import { layoutGraph } from './graphLayout';
import { intelHref, shortLabel } from './labels';

const W = 720;
const H = 420;
const R = 16;

interface GraphNode {
  id: string;
  type: string;
  label: string;
  /** The object behind it is visible to the viewer (else only its id is known). */
  known: boolean;
}

function nodesOf(focus: StixRecord, edges: StixEdge[], objects: StixRecord[]): GraphNode[] {
  const byId = new Map(objects.map((o) => [o.id, o]));
  byId.set(focus.id, focus);
  const ids = [...new Set([focus.id, ...edges.flatMap((e) => [e.sourceRef, e.targetRef])])];
  return ids.map((id) => {
    const o = byId.get(id);
    return { id, type: id.split('--')[0] ?? 'object', label: o ? shortLabel(o) : id.split('--')[0] ?? id, known: Boolean(o) };
  });
}

/** The object's relationships and sightings as a graph: nodes are objects, edges carry the relationship type; a click opens a node. */
export function RelationshipGraph({ focus, edges, objects }: { focus: StixRecord; edges: StixEdge[]; objects: StixRecord[] }) {
  const navigate = useNavigate();
  const nodes = useMemo(() => nodesOf(focus, edges, objects), [focus, edges, objects]);
  const pos = useMemo(
    () => layoutGraph(nodes.map((n) => n.id), edges.map((e) => ({ source: e.sourceRef, target: e.targetRef })), { width: W, height: H, focus: focus.id }),
    [nodes, edges, focus.id],
  );
  const open = (n: GraphNode) => {
    if (n.known && n.id !== focus.id) navigate(intelHref(n.id));
  };
  const onKey = (e: KeyboardEvent, n: GraphNode) => {
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      open(n);
    }
  };

  if (edges.length === 0) return <p className="muted flush" data-testid="intel-graph-empty">No relationships or sightings.</p>;
  return (
    <svg className="intel-graph" viewBox={`0 0 ${W} ${H}`} role="group" aria-label="Relationship graph" data-testid="intel-graph">
      <defs>
        <marker id="intel-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
          <path d="M0 0L10 5L0 10z" className="intel-graph-arrow" />
        </marker>
      </defs>
      {edges.map((e) => {
        const a = pos.get(e.sourceRef);
        const b = pos.get(e.targetRef);
        if (!a || !b) return null;
        const d = Math.max(Math.hypot(b.x - a.x, b.y - a.y), 1);
        const [ux, uy] = [(b.x - a.x) / d, (b.y - a.y) / d];
        return (
          <g key={e.id} className="intel-graph-edge" data-testid="intel-graph-edge" data-type={e.relationshipType}>
            <line x1={a.x + ux * R} y1={a.y + uy * R} x2={b.x - ux * (R + 2)} y2={b.y - uy * (R + 2)} markerEnd="url(#intel-arrow)" />
            <text x={(a.x + b.x) / 2} y={(a.y + b.y) / 2 - 4} textAnchor="middle">
              {e.relationshipType}
            </text>
          </g>
        );
      })}
      {nodes.map((n) => {
        const p = pos.get(n.id);
        if (!p) return null;
        const focused = n.id === focus.id;
        const clickable = n.known && !focused;
        return (
          <g
            key={n.id}
            className={`intel-graph-node type-${n.type}${focused ? ' is-focus' : ''}${n.known ? '' : ' is-hidden'}${clickable ? ' is-link' : ''}`}
            transform={`translate(${p.x} ${p.y})`}
            role={clickable ? 'link' : undefined}
            tabIndex={clickable ? 0 : undefined}
            aria-label={clickable ? `Open ${n.type} ${n.label}` : undefined}
            data-testid="intel-graph-node"
            data-id={n.id}
            onClick={() => open(n)}
            onKeyDown={(e) => onKey(e, n)}
          >
            <title>{n.known ? `${n.type}: ${n.label}\n${n.id}` : `${n.id} (not visible to you)`}</title>
            <circle r={R} />
            <text className="intel-graph-type" y={4} textAnchor="middle">
              {n.type.slice(0, 3).toUpperCase()}
            </text>
            <text className="intel-graph-label" y={R + 13} textAnchor="middle">
              {n.label.length > 28 ? `${n.label.slice(0, 27)}…` : n.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
