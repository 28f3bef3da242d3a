/**
 * "Inside the unit": one unit's pre-activation z = b + Σᵢ aᵢ·wᵢⱼ, term by term, as sorted bars
 * (the bias first, outlined), then the sum and the activation, then every number in a list.
 * Colours are the workbook's weight palette resolved to real colours (palette.ts), so the bars
 * draw the same in light and dark and Plot never has to interpolate a CSS variable.
 *
 *   const node = unitSum({layer: 1, index: 3, weights, bias, input: a0, z, out, output: false}, {onHover: (i) => …});
 *
 * Each bar carries data-term (its value) and data-source (the input index, −1 for the bias);
 * hovering a bar calls onHover(source) (null when the pointer leaves), e.g. to light its wire.
 */
import * as Plot from "@observablehq/plot";
import {html} from "htl";
import {palette as currentPalette, weightColor, type Palette} from "./palette.js";

export interface UnitSumData {
  /** 1 … L (the unit's layer; its inputs come from layer − 1). */
  layer: number;
  index: number;
  /** The unit's incoming weights (fanIn values, in input order). */
  weights: ArrayLike<number>;
  bias: number;
  /** The activations feeding the unit (a⁽ˡ⁻¹⁾). */
  input: ArrayLike<number>;
  /** The pre-activation and the unit's output as the network computed them. */
  z: number;
  out: number;
  /** Output layer (softmax) rather than hidden (ReLU). */
  output: boolean;
}

export interface UnitSumOptions {
  onHover?: (source: number | null) => void;
  palette?: Palette;
  width?: number;
}

export interface Term {
  /** Input index, −1 for the bias. */
  source: number;
  a: number;
  w: number;
  value: number;
}

/** The bias and every non-zero aᵢ·wᵢⱼ, the terms sorted largest first (the bias stays first). */
export function unitTerms({weights, bias, input}: Pick<UnitSumData, "weights" | "bias" | "input">): Term[] {
  if (weights.length !== input.length) throw new RangeError(`invalid input: ${input.length} values for ${weights.length} weights`);
  const terms: Term[] = [];
  for (let i = 0; i < weights.length; i++) {
    const value = input[i] * weights[i];
    if (value !== 0) terms.push({source: i, a: input[i], w: weights[i], value});
  }
  terms.sort((p, q) => q.value - p.value);
  return [{source: -1, a: 1, w: bias, value: bias}, ...terms];
}

export function unitSum(data: UnitSumData, {onHover, palette = currentPalette(), width = 460}: UnitSumOptions = {}): HTMLElement {
  const {layer, index, z, out, output} = data;
  const rows = unitTerms(data).map((t, rank) => ({...t, rank}));
  const fanIn = data.weights.length;
  const name = (source: number) => (source === -1 ? "bias b" : layer === 1 ? `pixel ${source}` : `unit ${source}`);
  const largest = Math.max(1e-12, ...rows.map((r) => Math.abs(r.value)));
  const colour = weightColor(palette, largest);
  // Small terms keep at least 40 % of their sign's colour, so every bar stands off the page.
  const fill = (v: number) => colour(Math.sign(v) * Math.max(0.4 * largest, Math.abs(v)));
  const chart = Plot.plot({
    width,
    height: 220,
    marginLeft: 56,
    x: {type: "band", domain: rows.map((r) => r.rank), label: `incoming terms, largest first (${rows.length - 1} non-zero of ${fanIn}, then the bias at the left)`, ticks: [], padding: 0.1},
    y: {label: "aᵢ·wᵢⱼ", grid: true},
    marks: [
      Plot.ruleY([0]),
      Plot.barY(rows, {x: "rank", y: "value", fill: (d) => fill(d.value), stroke: (d) => (d.source === -1 ? palette.activationHigh : "none"), strokeWidth: 1.5}),
      Plot.tip(
        rows,
        Plot.pointerX({
          x: "rank",
          y: "value",
          title: (d) => (d.source === -1 ? `bias b = ${d.value}` : `${name(d.source)}: a = ${d.a.toPrecision(4)}, w = ${d.w.toPrecision(4)}, a·w = ${d.value.toPrecision(6)}`),
        }),
      ),
    ],
  }) as SVGSVGElement & {value?: (typeof rows)[number] | null};
  chart.classList.add("unit-sum-chart");
  // Plot draws one rect per datum, in data order: tag each with its term for readers of the DOM and tests.
  const bars = chart.querySelectorAll<SVGRectElement>('g[aria-label="bar"] rect');
  bars.forEach((rect, k) => {
    const row = rows[k];
    if (!row) return;
    rect.dataset.term = String(row.value);
    rect.dataset.source = String(row.source);
  });
  if (onHover) {
    chart.addEventListener("input", () => onHover(chart.value && chart.value.source >= 0 ? chart.value.source : null));
    chart.addEventListener("pointerleave", () => onHover(null));
  }
  const kind = output ? "Output" : "Hidden";
  return html`<div class="unit-sum" data-layer=${layer} data-unit=${index}>
    <p>
      ${kind} unit <strong data-metric="unit-name">${output ? `digit ${index}` : index}</strong> of layer ${layer}. Its pre-activation is the bias plus one term per incoming wire; the bars are those
      terms, largest first, with the bias outlined at the left. Hover a bar to light its wire in the picture.
    </p>
    ${chart}
    <p class="unit-sum-total">
      z = <code data-metric="unit-z">${z}</code>,
      ${output ? html`p = softmax(z)<sub>${index}</sub> = <code data-metric="unit-a">${out}</code>` : html`a = max(0, z) = <code data-metric="unit-a">${out}</code>`}
    </p>
    <details>
      <summary>All ${rows.length} numbers</summary>
      <ol class="terms">
        ${rows.map((r) => html`<li data-term=${r.value}>${r.source === -1 ? "bias b" : `${name(r.source)}: ${r.a} × ${r.w}`} = ${r.value}</li>`)}
      </ol>
    </details>
  </div>`;
}
