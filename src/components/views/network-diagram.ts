/**
 * A small fully-connected network drawn whole in SVG: every unit a circle shaded by its
 * activation (the shared activation scale), every weight a line coloured by sign and sized by
 * |w| (the shared weight scale). Hover a line for its exact weight, a unit for its exact z and a;
 * click a line (or focus it and press Enter) to pick it: the diagram dispatches a "weightpick"
 * CustomEvent with {layer, to, from, weight}. Layer 0 can be drawn as a square grid of pixels.
 *
 *   networkDiagram({layers: network.layers, activations: trace.a, z: trace.z, labels: {0: names}, inputGrid: 5, width})
 */
import {svg} from "htl";
import {activationColor, maxAbs, palette, weightColor, type Palette} from "./palette.js";

export interface DiagramLayer {
  readonly fanIn: number;
  readonly fanOut: number;
  /** Float64Array of fanOut × fanIn, row-major. */
  readonly weights: Float64Array;
}

export interface NetworkDiagramOptions {
  layers: readonly DiagramLayer[];
  /** a⁽ˡ⁾ for l = 0 … L (index 0 = the input). */
  activations: readonly ArrayLike<number>[];
  /** z⁽ˡ⁾ for l = 1 … L (index l − 1), for the hover text. */
  z?: readonly ArrayLike<number>[];
  /** Labels of the units of a layer, by layer index (e.g. {2: ["0", …, "9"]}). */
  labels?: Record<number, string[]>;
  /** Draw layer 0 as a side × side grid of squares (e.g. 5 for 5×5 pixels). */
  inputGrid?: number;
  /** Names of the columns, by layer index. */
  layerNames?: string[];
  /** Highlight a unit (layer, index), e.g. the winning output. */
  highlight?: {layer: number; unit: number};
  /** Activation domain for shading (default [0, 1]). */
  activationDomain?: [number, number];
  /** Shading domain of the input layer (layer 0), when it differs, e.g. [0, 1] for pixel ink (default: activationDomain). */
  inputDomain?: [number, number];
  width?: number;
  height?: number;
  palette?: Palette;
  /** Wires are focusable buttons (Enter picks one); false for large diagrams, default true. */
  focusableWires?: boolean;
  /** What a wire's tooltip says it does on click (default "click to edit"; "" for nothing). */
  wireHint?: string;
}

export function networkDiagram({
  layers,
  activations,
  z,
  labels = {},
  inputGrid,
  layerNames = [],
  highlight,
  activationDomain = [0, 1],
  inputDomain,
  width = 640,
  height = 360,
  palette: p = palette(),
  focusableWires = true,
  wireHint = "click to edit",
}: NetworkDiagramOptions): DiagramElement {
  const sizes = [layers[0].fanIn, ...layers.map((l) => l.fanOut)];
  const wColor = weightColor(
    p,
    maxAbs(
      layers.map((l) => l.weights),
      0.5,
    ),
  );
  const aColor = activationColor(p, activationDomain);
  const inColor = inputDomain ? activationColor(p, inputDomain) : aColor;
  const maxW = maxAbs(
    layers.map((l) => l.weights),
    0.5,
  );
  const top = 28,
    bottom = height - 12;
  const columns = sizes.length;
  // Room on the right for the output labels ("ladders 0.12").
  const gridCell = inputGrid ? Math.min(24, (bottom - top) / inputGrid) : 0;
  // Room on the left for the input labels ("overhead"), about 6.5 px a character at 11 px.
  const inputLabels = !inputGrid && labels[0] ? labels[0] : null;
  const left = inputGrid ? (gridCell * inputGrid) / 2 + 4 : inputLabels ? Math.max(50, 24 + 6.5 * Math.max(...inputLabels.map((t) => t.length))) : 50;
  const xOf = (l: number) => left + ((width - 100 - left) * l) / (columns - 1);
  // Unit positions: a column, or a grid for the input.
  const pos = sizes.map((n, l) => {
    if (l === 0 && inputGrid) {
      const cell = gridCell;
      const y0 = (top + bottom) / 2 - (cell * inputGrid) / 2,
        x0 = xOf(0) - (cell * inputGrid) / 2;
      return Array.from({length: n}, (_, i) => ({x: x0 + (i % inputGrid) * cell + cell / 2, y: y0 + Math.floor(i / inputGrid) * cell + cell / 2, r: cell / 2 - 1}));
    }
    const step = Math.min(34, (bottom - top) / n);
    const y0 = (top + bottom) / 2 - (step * (n - 1)) / 2;
    return Array.from({length: n}, (_, i) => ({x: xOf(l), y: y0 + i * step, r: Math.max(3, Math.min(11, step / 2 - 2))}));
  });
  const fmt = (x: number) => (Math.abs(x) >= 1e-3 || x === 0 ? x.toFixed(4) : x.toExponential(3));
  const wires = layers.flatMap((layer, l) =>
    Array.from({length: layer.fanOut * layer.fanIn}, (_, k) => {
      const j = Math.floor(k / layer.fanIn),
        i = k % layer.fanIn;
      const w = layer.weights[k];
      const a = pos[l][i],
        b = pos[l + 1][j];
      return svg`<line class="wire" tabindex=${focusableWires ? 0 : null} role=${focusableWires ? "button" : null} data-layer=${l + 1} data-to=${j} data-from=${i}
        x1=${a.x} y1=${a.y} x2=${b.x} y2=${b.y} stroke=${wColor(w)} stroke-width=${0.4 + 3 * Math.min(1, Math.abs(w) / maxW)}
        stroke-opacity=${0.25 + 0.75 * Math.min(1, Math.abs(w) / maxW)}
        aria-label=${`weight from ${labels[l]?.[i] ?? `unit ${i}`} to ${labels[l + 1]?.[j] ?? `unit ${j}`}: ${fmt(w)}`}><title>${`w = ${fmt(w)} (layer ${l + 1}: ${labels[l]?.[i] ?? `unit ${i}`} → ${labels[l + 1]?.[j] ?? `unit ${j}`})${wireHint ? `; ${wireHint}` : ""}`}</title></line>`;
    }),
  );
  const units = pos.flatMap((column, l) =>
    column.map(({x, y, r}, i) => {
      const a = activations[l]?.[i] ?? NaN;
      const zz = l > 0 ? z?.[l - 1]?.[i] : undefined;
      const text = l === 0 ? `input ${labels[0]?.[i] ?? i}: a = ${fmt(a)}` : `${labels[l]?.[i] ?? `unit ${i}`}: z = ${zz === undefined ? "–" : fmt(zz)}, a = ${fmt(a)}`;
      const hl = highlight && highlight.layer === l && highlight.unit === i;
      const shape =
        l === 0 && inputGrid
          ? svg`<rect x=${x - r} y=${y - r} width=${2 * r} height=${2 * r} fill=${inColor(a)} stroke="var(--theme-foreground-faint)"/>`
          : svg`<circle cx=${x} cy=${y} r=${r} fill=${(l === 0 ? inColor : aColor)(a)} stroke=${hl ? p.weightPositive : "var(--theme-foreground-muted)"} stroke-width=${hl ? 2.5 : 1} />`;
      const label =
        l === columns - 1 && labels[l]
          ? svg`<text x=${x + r + 5} y=${y} dy="0.32em" font-size="11" fill="currentColor">${labels[l][i]} ${Number.isFinite(a) ? a.toFixed(2) : ""}</text>`
          : l === 0 && inputLabels
            ? svg`<text x=${x - r - 5} y=${y} dy="0.32em" text-anchor="end" font-size="11" fill="currentColor">${inputLabels[i]}</text>`
            : null;
      return svg`<g class="unit" data-layer=${l} data-unit=${i}><title>${text}</title>${shape}${label}</g>`;
    }),
  );
  const names = layerNames.map((name, l) => svg`<text x=${xOf(l)} y="14" text-anchor="middle" font-size="12" fill="currentColor">${name}</text>`);
  const root =
    svg`<svg class="network-diagram" width=${width} height=${height} viewBox="0 0 ${width} ${height}" style="max-width:100%;height:auto;font-family:var(--sans-serif)" role="img" aria-label=${`network diagram: hover a wire for its weight, a unit for its activation${wireHint ? `; ${wireHint}` : ""}`}>
    <g>${wires}</g><g>${units}</g><g>${names}</g>
  </svg>` as unknown as SVGSVGElement;
  const pick = (target: EventTarget | null) => {
    const el = target as Element | null;
    if (!el?.classList?.contains("wire")) return;
    const layer = Number(el.getAttribute("data-layer")),
      to = Number(el.getAttribute("data-to")),
      from = Number(el.getAttribute("data-from"));
    const weight = layers[layer - 1].weights[to * layers[layer - 1].fanIn + from];
    root.dispatchEvent(new CustomEvent("weightpick", {detail: {layer, to, from, weight}, bubbles: true}));
  };
  // Redrawing in place: colours, widths and shades change, the elements stay (a rebuild of a
  // thousand wires costs tens of milliseconds; this costs a few). Hover texts follow the newest
  // values when the pointer reaches an element.
  let data = {layers, activations, z, highlight, activationDomain};
  const wireEls = Array.from(root.querySelectorAll<SVGLineElement>("line.wire"));
  const unitEls = Array.from(root.querySelectorAll<SVGGElement>("g.unit"));
  const wireKeys = new Int32Array(wireEls.length).fill(-1);
  const wireText = (l: number, j: number, i: number) => {
    const w = data.layers[l].weights[j * data.layers[l].fanIn + i];
    return `w = ${fmt(w)} (layer ${l + 1}: ${labels[l]?.[i] ?? `unit ${i}`} → ${labels[l + 1]?.[j] ?? `unit ${j}`})${wireHint ? `; ${wireHint}` : ""}`;
  };
  const unitText = (l: number, i: number) => {
    const a = data.activations[l]?.[i] ?? NaN;
    const zz = l > 0 ? data.z?.[l - 1]?.[i] : undefined;
    return l === 0 ? `input ${labels[0]?.[i] ?? i}: a = ${fmt(a)}` : `${labels[l]?.[i] ?? `unit ${i}`}: z = ${zz === undefined ? "–" : fmt(zz)}, a = ${fmt(a)}`;
  };
  root.addEventListener("pointerover", (e) => {
    const el = (e.target as Element).closest?.("line.wire, g.unit");
    const title = el?.querySelector("title");
    if (!el || !title) return;
    title.textContent = el.matches("line.wire")
      ? wireText(Number(el.getAttribute("data-layer")) - 1, Number(el.getAttribute("data-to")), Number(el.getAttribute("data-from")))
      : unitText(Number(el.getAttribute("data-layer")), Number(el.getAttribute("data-unit")));
  });
  (root as DiagramElement).update = (next) => {
    data = {...data, ...next};
    const q = palette();
    const m = maxAbs(
      data.layers.map((l) => l.weights),
      0.5,
    );
    const ac = activationColor(q, data.activationDomain);
    const ic = inputDomain ? activationColor(q, inputDomain) : ac;
    // 256 shades of the weight scale, computed once per redraw instead of once per wire.
    const shades = Array.from({length: 256}, (_, k) => weightColor(q, 1)((k / 255) * 2 - 1));
    const wc = (w: number) => shades[Math.max(0, Math.min(255, Math.round((w / m + 1) * 127.5)))];
    let n = 0;
    for (const layer of data.layers) {
      for (let k = 0; k < layer.weights.length; k++) {
        const el = wireEls[n],
          w = layer.weights[k],
          t = Math.min(1, Math.abs(w) / m);
        if (!el) return;
        // Only wires whose shade or width bucket changed are touched (each change costs a style recalculation).
        const key = Math.round((w / m + 1) * 127.5) * 64 + Math.round(t * 63);
        if (wireKeys[n++] === key) continue;
        wireKeys[n - 1] = key;
        el.setAttribute("stroke", wc(w));
        el.setAttribute("stroke-width", (0.4 + 3 * t).toFixed(2));
        el.setAttribute("stroke-opacity", (0.25 + 0.75 * t).toFixed(2));
      }
    }
    for (const g of unitEls) {
      const l = Number(g.getAttribute("data-layer")),
        i = Number(g.getAttribute("data-unit"));
      const a = data.activations[l]?.[i] ?? NaN;
      const shape = g.children[1] as SVGElement;
      shape.setAttribute("fill", (l === 0 ? ic : ac)(a));
      if (shape.tagName === "circle") {
        const hl = data.highlight && data.highlight.layer === l && data.highlight.unit === i;
        shape.setAttribute("stroke", hl ? q.weightPositive : "var(--theme-foreground-muted)");
        shape.setAttribute("stroke-width", hl ? "2.5" : "1");
      }
      const label = g.children[2];
      // Output labels carry their activation; input labels are names only.
      if (label && labels[l] && l === columns - 1) label.textContent = `${labels[l][i]} ${Number.isFinite(a) ? a.toFixed(2) : ""}`;
    }
  };
  root.addEventListener("click", (e) => pick(e.target));
  root.addEventListener("keydown", (e) => {
    if (e.key === "Enter" || e.key === " ") {
      pick(e.target);
      e.preventDefault();
    }
  });
  return root as DiagramElement;
}

/** The diagram's SVG element, with `update` to redraw new weights and activations in place (same layer sizes). */
export interface DiagramElement extends SVGSVGElement {
  update(next: Partial<Pick<NetworkDiagramOptions, "layers" | "activations" | "z" | "highlight" | "activationDomain">>): void;
}
