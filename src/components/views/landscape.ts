/**
 * The loss landscape of two weights, with the path gradient descent takes from a starting point
 * the reader places: click or drag on the map, or focus it and use the arrow keys (Shift: bigger
 * moves). The wrapper that holds the focus and the handlers lives as long as the page; only the
 * chart inside it is redrawn, once per animation frame however fast the keys repeat, so no key
 * press is lost and the focus stays where it was. Paths are clipped to the map's frame, and the
 * report under it says when the ball leaves the map.
 *
 *   const view = landscapeView({network, refs, decay: 0.1, lr: 2, momentum: 0, start: [-4, -4]});
 *   view.update({lr: 6});   view.node;   view.dispose();
 */
import * as Plot from "@observablehq/plot";
import {html} from "htl";
import type {Network} from "../nn/index.js";
import {descend, landscapeLoss, leavesMap, type WeightRef} from "../experiments/mechanics.js";
import type {View} from "./view.js";

export interface LandscapeOptions {
  network: Network;
  refs: [WeightRef, WeightRef];
  /** Weight decay λ of the landscape (landscapeLoss). */
  decay: number;
  lr: number;
  momentum: number;
  start: [number, number];
  /** Gradient-descent steps drawn (default 40). */
  steps?: number;
  /** The map shows [−bound, bound]² (default 6). */
  bound?: number;
  /** Axis names of the two weights. */
  names: [string, string];
  width?: number;
}

export interface LandscapeView extends View<Partial<Pick<LandscapeOptions, "network" | "lr" | "momentum" | "width">>> {
  node: HTMLElement;
  /** The starting point in use. */
  readonly start: [number, number];
}

/** Loss values on an n × n grid over [−bound, bound]², for the contours. */
function grid(network: Network, refs: [WeightRef, WeightRef], decay: number, bound: number, n = 61) {
  const points: {x: number; y: number; loss: number}[] = [];
  for (let j = 0; j < n; j++)
    for (let i = 0; i < n; i++) {
      const x = -bound + (2 * bound * i) / (n - 1),
        y = -bound + (2 * bound * j) / (n - 1);
      points.push({x, y, loss: landscapeLoss(network, refs, x, y, decay)});
    }
  return points;
}

export function landscapeView(options: LandscapeOptions): LandscapeView {
  const {refs, decay, steps = 40, bound = 6, names} = options;
  let {network, lr, momentum, width = 560} = options;
  let start: [number, number] = [...options.start];
  let surface = grid(network, refs, decay, bound);
  let chart: (SVGSVGElement & {scale(name: string): {invert(v: number): number}}) | null = null;
  let frame = 0;

  const slot = html`<div class="landscape-chart"></div>` as HTMLElement;
  const legendSlot = html`<div class="landscape-legend"></div>` as HTMLElement;
  const report = html`<p data-metric="landscape" aria-live="polite"></p>` as HTMLElement;
  const map = html`<div
    class="landscape-map"
    tabindex="0"
    role="application"
    aria-label="loss landscape; arrow keys move the starting point (Shift: larger moves); click or drag on the map to place it"
  >
    ${slot}
  </div>` as HTMLElement;
  const node = html`<div class="landscape">${legendSlot}${map}${report}</div>` as HTMLElement;

  const clamp = (v: number) => Math.max(-bound, Math.min(bound, +v.toFixed(2)));
  const draw = () => {
    frame = 0;
    const size = Math.min(width, 560);
    const path = descend(network, refs, start, {lr, momentum, steps, decay});
    const left = leavesMap(path, bound);
    const color = {type: "linear" as const, scheme: "blues" as const, reverse: true, label: "loss (nats)"};
    chart = Plot.plot({
      width: size,
      height: size * 0.85,
      x: {label: `${names[0]} →`, domain: [-bound, bound]},
      y: {label: `↑ ${names[1]}`, domain: [-bound, bound]},
      color,
      marks: [
        Plot.contour(surface, {x: "x", y: "y", fill: "loss", interpolate: "barycentric", stroke: "currentColor", strokeOpacity: 0.25, thresholds: 18}),
        Plot.line(path, {x: "x", y: "y", stroke: "var(--weight-positive)", strokeWidth: 1.5, marker: "dot", clip: true}),
        Plot.dot([path[0]], {x: "x", y: "y", r: 7, fill: "var(--theme-background)", stroke: "var(--weight-positive)", strokeWidth: 2, clip: true}),
        Plot.dot([path.at(-1)!], {x: "x", y: "y", r: 8, fill: "var(--weight-positive)", clip: true}),
        Plot.frame({stroke: "currentColor", strokeOpacity: 0.4}),
      ],
    }) as unknown as typeof chart;
    slot.replaceChildren(chart!);
    if (!legendSlot.firstChild) legendSlot.append(Plot.legend({color: {...color, domain: [Math.min(...surface.map((p) => p.loss)), Math.max(...surface.map((p) => p.loss))]}}));
    const last = path.at(-1)!;
    const where = (p: {x: number; y: number}) => `(${p.x.toFixed(2)}, ${p.y.toFixed(2)})`;
    report.textContent =
      left >= 0
        ? `Start ${where(path[0])}, loss ${path[0].loss.toFixed(3)}. The ball left the map at step ${left} (loss ${path[left].loss.toFixed(3)}): each step overshoots by more than the one before, so η = ${lr} is too large for this valley.`
        : `Start ${where(path[0])}, loss ${path[0].loss.toFixed(3)} → after ${path.length - 1} steps ${where(last)}, loss ${last.loss.toFixed(3)}.`;
    node.dataset.left = String(left);
  };
  const redraw = () => {
    if (!frame) frame = requestAnimationFrame(draw);
  };
  const moveTo = (xy: [number, number]) => {
    start = [clamp(xy[0]), clamp(xy[1])];
    redraw();
  };
  // Pointer: where the reader clicks or drags, in the chart's own data coordinates.
  const place = (event: PointerEvent) => {
    const svg = slot.querySelector("svg");
    if (!chart || !svg) return;
    const box = svg.getBoundingClientRect();
    const vb = svg.viewBox.baseVal;
    const sx = vb && vb.width ? vb.width / box.width : 1,
      sy = vb && vb.height ? vb.height / box.height : 1;
    const x = chart.scale("x").invert((event.clientX - box.left) * sx);
    const y = chart.scale("y").invert((event.clientY - box.top) * sy);
    if (Number.isFinite(x) && Number.isFinite(y) && Math.abs(x) <= bound && Math.abs(y) <= bound) moveTo([x, y]);
  };
  let dragging = false;
  map.addEventListener("pointerdown", (e) => {
    dragging = true;
    map.setPointerCapture(e.pointerId);
    place(e);
  });
  map.addEventListener("pointermove", (e) => dragging && place(e));
  map.addEventListener("pointerup", () => (dragging = false));
  map.addEventListener("pointercancel", () => (dragging = false));
  map.addEventListener("keydown", (e) => {
    const d = ({ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1]} as Record<string, [number, number]>)[e.key];
    if (!d) return;
    e.preventDefault();
    const size = e.shiftKey ? 1 : 0.25;
    moveTo([start[0] + d[0] * size, start[1] + d[1] * size]);
  });
  draw();
  return {
    node,
    get start() {
      return start;
    },
    update(next) {
      if (next.network && next.network !== network) {
        network = next.network;
        surface = grid(network, refs, decay, bound);
        legendSlot.replaceChildren();
      }
      if (next.lr !== undefined) lr = next.lr;
      if (next.momentum !== undefined) momentum = next.momentum;
      if (next.width !== undefined) width = next.width;
      redraw();
    },
    dispose() {
      if (frame) cancelAnimationFrame(frame);
    },
  };
}
