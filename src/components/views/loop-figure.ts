/**
 * The mechanics page's learning loop drawn on its network: every wire is a weight (colour = sign,
 * width = size, the shared weight scale), and on every wire an arrow says which way that weight
 * moves on the next step (▲ up, ▼ down) and, by its size, how far. After a step the wires glide
 * from their old weights to the new ones, so the reader sees the weights move.
 *
 *   const figure = loopFigure({labels, layerNames, width});
 *   loop.subscribe((s) => figure.update({state: s, activations, z}));
 */
import {svg} from "htl";
import {networkDiagram, type DiagramElement} from "./network-diagram.js";
import {palette} from "./palette.js";
import type {View} from "./view.js";

export interface LoopFigureData {
  /** fanIn of each layer (the input size first) and fanOut, as the network's layers. */
  sizes: number[];
  /** The weights now and before the last step, and each weight's next move, layer by layer. */
  weights: Float64Array[];
  previous: Float64Array[];
  moves: Float64Array[];
  /** Activations and pre-activations of the current forward pass (for shading and hover text). */
  activations: ArrayLike<number>[];
  z: ArrayLike<number>[];
}

const GLIDE_MS = 450;

export function loopFigure({
  labels,
  layerNames,
  width,
  height = 260,
}: {
  labels: Record<number, string[]>;
  layerNames: string[];
  width: number;
  height?: number;
}): View<LoopFigureData> & {node: HTMLElement} {
  const node = document.createElement("div");
  node.className = "loop-figure";
  let diagram: DiagramElement | null = null;
  let arrows: SVGGElement | null = null;
  let animation = 0;
  const layersOf = (sizes: number[], weights: Float64Array[]) => weights.map((w, l) => ({fanIn: sizes[l], fanOut: sizes[l + 1], weights: w}));

  const drawArrows = (data: LoopFigureData) => {
    if (!diagram || !arrows) return;
    const p = palette();
    const biggest = Math.max(1e-9, ...data.moves.flatMap((m) => Array.from(m, Math.abs)));
    const marks = [];
    for (const wire of diagram.querySelectorAll<SVGLineElement>("line.wire")) {
      const l = Number(wire.dataset.layer) - 1,
        j = Number(wire.dataset.to),
        i = Number(wire.dataset.from);
      const move = data.moves[l][j * data.sizes[l] + i];
      const w = data.weights[l][j * data.sizes[l] + i];
      // Each target unit's arrows sit at their own distance along the wires (30 % to 70 %), so the
      // arrows of wires that converge on one unit do not pile up at a shared midpoint.
      const fanOut = data.sizes[l + 1];
      const t = 0.3 + (0.4 * j) / Math.max(1, fanOut - 1);
      const x = wire.x1.baseVal.value + t * (wire.x2.baseVal.value - wire.x1.baseVal.value),
        y = wire.y1.baseVal.value + t * (wire.y2.baseVal.value - wire.y1.baseVal.value);
      const s = 3 + 7 * Math.sqrt(Math.abs(move) / biggest);
      const up = move >= 0;
      const shape = up ? `M${x},${y - s} L${x + s * 0.8},${y + s * 0.6} L${x - s * 0.8},${y + s * 0.6} Z` : `M${x},${y + s} L${x + s * 0.8},${y - s * 0.6} L${x - s * 0.8},${y - s * 0.6} Z`;
      marks.push(
        svg`<path class="move" d=${shape} fill=${up ? p.weightPositive : p.weightNegative} stroke=${p.background} stroke-width="1" opacity=${0.35 + 0.65 * Math.min(1, Math.abs(move) / biggest)}><title>${`${labels[l]?.[i] ?? `unit ${i}`} → ${labels[l + 1]?.[j] ?? `unit ${j}`}: w = ${w.toFixed(4)}, next step ${up ? "+" : "−"}${Math.abs(move).toExponential(2)}`}</title></path>`,
      );
    }
    arrows.replaceChildren(...marks);
  };

  return {
    node,
    update(data) {
      if (!diagram) {
        diagram = networkDiagram({layers: layersOf(data.sizes, data.weights), activations: data.activations, z: data.z, labels, layerNames, width, height, wireHint: "", focusableWires: false});
        arrows = svg`<g class="moves" aria-hidden="true"></g>` as unknown as SVGGElement;
        diagram.append(arrows);
        node.append(diagram);
      }
      cancelAnimationFrame(animation);
      const from = data.previous,
        to = data.weights;
      const moved = from.some((w, l) => w.some((v, k) => v !== to[l][k]));
      const t0 = performance.now();
      const frame = () => {
        const t = moved ? Math.min(1, (performance.now() - t0) / GLIDE_MS) : 1;
        const eased = 1 - (1 - t) ** 3;
        const weights = to.map((w, l) => w.map((v, k) => from[l][k] + (v - from[l][k]) * eased));
        diagram!.update({layers: layersOf(data.sizes, weights), activations: data.activations, z: data.z});
        if (t < 1) animation = requestAnimationFrame(frame);
      };
      frame();
      drawArrows(data);
    },
    dispose() {
      cancelAnimationFrame(animation);
    },
  };
}
