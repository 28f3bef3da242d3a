/**
 * The exact sum behind one feature-map pixel, from the engine's `ConvNetwork.pixelSum` (nothing is
 * recomputed but the running total of its products, added in the engine's order): for every input
 * channel its receptive field x, its kernel w and their products w·x as small grids, then
 * z = b + Σ w·x and a = max(0, z), and every product in a list. A pooled pixel shows its window
 * and the largest value instead (`poolSum`).
 *
 *   const node = pixelSumView(network.pixelSum(input, 0, 3, 10, 12), {name: "conv 1", inputName: "input", inputMax: 1, weightMax: 0.6, mapValue});
 *
 * Hooks for readers of the DOM and tests: data-metric conv-bias, conv-sum, conv-z, conv-a, conv-map-value
 * (each the full-precision number), and one <li data-product> per product in summation order.
 */
import {html} from "htl";
import type {PixelSum} from "../nn/index.js";
import {activationColor, palette as currentPalette, weightColor, type Palette} from "./palette.js";

export interface PixelSumOptions {
  /** The conv layer's name on the page ("conv 1"). */
  name: string;
  /** The name of the maps it reads ("input", "max-pool 1"). */
  inputName: string;
  /** Largest value of the map it reads (the shade scale of the x grids). */
  inputMax: number;
  /** Largest |w| of the layer's kernels (the weight scale of the w grids). */
  weightMax: number;
  /** The value the feature map holds at this pixel (what the page draws), to compare with a. */
  mapValue: number;
  palette?: Palette;
}

/** Rounded for a grid cell: two decimals, "−" for negatives, "0" for an exact zero. */
export const cellText = (v: number): string => (v === 0 ? "0" : v.toFixed(2).replace("-", "−"));

/** The running total of the products from 0, in order: Σ w·x exactly as the engine adds it before the bias. */
export function productTotal(sum: Pick<PixelSum, "terms">): number {
  let s = 0;
  for (const t of sum.terms) s += t.product;
  return s;
}

export function pixelSumView(sum: PixelSum, {name, inputName, inputMax, weightMax, mapValue, palette = currentPalette()}: PixelSumOptions): HTMLElement {
  const channels = Math.max(...sum.terms.map((t) => t.c)) + 1;
  const kH = sum.field.y1 - sum.field.y0 + 1,
    kW = sum.field.x1 - sum.field.x0 + 1;
  const few = channels === 1;
  const largest = Math.max(1e-12, ...sum.terms.map((t) => Math.abs(t.product)));
  const xColour = activationColor(palette, [0, Math.max(inputMax, 1e-6)]);
  const wColour = weightColor(palette, Math.max(weightMax, 1e-6));
  const pColour = weightColor(palette, largest);
  // Light text on the darkest cells, dark text on the rest.
  const ink = (v: number, max: number) => (Math.abs(v) / max > 0.6 ? palette.background : palette.activationHigh);
  const grid = (kind: "x" | "w" | "p", c: number) => {
    const terms = sum.terms.filter((t) => t.c === c);
    const cells = terms.map((t) => {
      const v = kind === "x" ? t.input : kind === "w" ? t.weight : t.product;
      const fill = kind === "x" ? xColour(v) : kind === "w" ? wColour(v) : pColour(v);
      const max = kind === "x" ? inputMax : kind === "w" ? weightMax : largest;
      const title = `${kind === "x" ? `x at row ${t.y}, column ${t.x}${t.padding ? " (padding)" : ""}` : kind === "w" ? `w[${t.i}][${t.j}]` : `w·x`} = ${v}`;
      return html`<span class="conv-cell" title=${title} style=${`background:${fill};color:${ink(v, max)}`}>${few ? cellText(v) : ""}</span>`;
    });
    return html`<div class="conv-cells" style=${`grid-template-columns: repeat(${kW}, var(--conv-cell))`}>${cells}</div>`;
  };
  const channelSum = (c: number) => sum.terms.filter((t) => t.c === c).reduce((s, t) => s + t.product, 0);
  const blocks = Array.from(
    {length: channels},
    (_, c) =>
      html`<div class="conv-sum-channel">
        ${few ? "" : html`<div class="small conv-sum-channel-label">${inputName} map ${c + 1}: Σ ≈ ${channelSum(c).toFixed(3)}</div>`}
        <div class="conv-sum-grids">
          <figure>
            ${grid("x", c)}
            <figcaption>x${few ? `: the ${kH} × ${kW} receptive field` : ""}</figcaption>
          </figure>
          <span class="conv-op">×</span>
          <figure>
            ${grid("w", c)}
            <figcaption>w${few ? ": the kernel" : ""}</figcaption>
          </figure>
          <span class="conv-op">→</span>
          <figure>
            ${grid("p", c)}
            <figcaption>w·x</figcaption>
          </figure>
        </div>
      </div>`,
  );
  const total = productTotal(sum);
  const n = sum.terms.length;
  return html`<div class="conv-pixel-sum" data-layer=${sum.layer} data-channel=${sum.channel} data-y=${sum.y} data-x=${sum.x}>
    <p>
      <strong data-metric="conv-pixel">${name}, map ${sum.channel + 1}, row ${sum.y}, column ${sum.x}</strong> (counting from 0). It reads rows ${sum.field.y0}–${sum.field.y1} and columns
      ${sum.field.x0}–${sum.field.x1} of ${channels === 1 ? `the ${inputName}` : `all ${channels} ${inputName} maps`}: ${n} inputs, each multiplied by its kernel weight.
    </p>
    <div class=${`conv-sum-blocks${few ? " few" : ""}`}>${blocks}</div>
    <p class="conv-sum-total">
      z = b + Σ w·x = <code data-metric="conv-bias">${sum.bias}</code> + <code data-metric="conv-sum">${total}</code> = <code data-metric="conv-z">${sum.z}</code><br />
      a = max(0, z) = <code data-metric="conv-a">${sum.a}</code>; the feature map holds <code data-metric="conv-map-value">${mapValue}</code>.
    </p>
    <details>
      <summary>All ${n} products, in the order they are added</summary>
      <ol class="terms conv-terms">
        ${sum.terms.map(
          (t) =>
            html`<li data-product=${t.product}>
              ${channels === 1 ? "" : `map ${t.c + 1}, `}w[${t.i}][${t.j}] × x[${t.y}][${t.x}]${t.padding ? " (padding)" : ""} = ${t.weight} × ${t.input} = ${t.product}
            </li>`,
        )}
      </ol>
    </details>
  </div>` as HTMLElement;
}

/** A pooled pixel: its window on the map below, and the largest value (the first in row-major order on a tie). */
export function poolSum({
  name,
  inputName,
  channel,
  y,
  x,
  window,
  value,
}: {
  name: string;
  inputName: string;
  channel: number;
  y: number;
  x: number;
  window: {y: number; x: number; value: number}[];
  value: number;
}): HTMLElement {
  const best = window.findIndex((w) => w.value === value);
  return html`<div class="conv-pool-sum">
    <p>
      <strong data-metric="conv-pixel">${name}, map ${channel + 1}, row ${y}, column ${x}</strong> (counting from 0): max pooling keeps the largest of its ${window.length} values in ${inputName} map
      ${channel + 1}, and adds nothing: no weights, no bias.
    </p>
    <p class="conv-pool-values">
      max(${window.map((w, k) => html`${k ? ", " : ""}<code class=${k === best ? "conv-max" : ""} title=${`row ${w.y}, column ${w.x}`}>${w.value}</code>`)}) =
      <code data-metric="conv-pool-value">${value}</code>
    </p>
  </div>` as HTMLElement;
}
