/**
 * "Known and learned", live: per layer, what the run was given and how far its learned parameters
 * have moved from where the seed put them (relative change ‖W − W₀‖ / ‖W₀‖, mean and largest
 * |Δw|, mean |Δb|). Drawn again from its data at each state of the run.
 *
 *   learnedTable({initial: new Network(config).layers, current: run.network.layers, steps: state.steps})
 */
import {html} from "htl";
import type {Layer} from "../nn/index.js";

export interface LayerChange {
  /** ‖W − W₀‖ / ‖W₀‖ (0 before the first update). */
  relative: number;
  meanAbs: number;
  maxAbs: number;
  biasMeanAbs: number;
}

/** How far `current` has moved from `initial`, layer by layer. throws RangeError on a shape mismatch. */
export function layerChanges(initial: readonly Layer[], current: readonly Layer[]): LayerChange[] {
  if (initial.length !== current.length) throw new RangeError(`invalid layers: ${current.length} against ${initial.length} at the start`);
  return current.map((layer, l) => {
    const w0 = initial[l].weights,
      w = layer.weights;
    if (w0.length !== w.length || initial[l].biases.length !== layer.biases.length) throw new RangeError(`invalid layer ${l + 1}: shape differs from the start`);
    let moved = 0,
      norm = 0,
      sum = 0,
      max = 0,
      bias = 0;
    for (let q = 0; q < w.length; q++) {
      const d = w[q] - w0[q];
      moved += d * d;
      norm += w0[q] * w0[q];
      sum += Math.abs(d);
      max = Math.max(max, Math.abs(d));
    }
    for (let j = 0; j < layer.biases.length; j++) bias += Math.abs(layer.biases[j] - initial[l].biases[j]);
    return {relative: norm > 0 ? Math.sqrt(moved / norm) : Math.sqrt(moved), meanAbs: sum / w.length, maxAbs: max, biasMeanAbs: bias / layer.biases.length};
  });
}

const fmt = (v: number) => (v === 0 ? "0" : v < 1e-4 ? v.toExponential(1) : v.toPrecision(2));
const pct = (v: number) => (v === 0 ? "0 %" : v < 0.001 ? "< 0.1 %" : `${(100 * v).toFixed(1)} %`);

/** The table: input row (given, nothing learned), one row per layer of weights, the output row noting the answer. */
export function learnedTable({initial, current, steps, names}: {initial: readonly Layer[]; current: readonly Layer[]; steps: number; names?: string[]}): HTMLElement {
  const changes = layerChanges(initial, current);
  const L = current.length;
  const label = (l: number) => names?.[l] ?? (l === L ? `Output, ${current[l - 1].fanOut} units` : `Hidden ${l}, ${current[l - 1].fanOut} units`);
  return html`<div class="learned-table" data-metric="learned" data-steps=${steps}>
    <table>
      <thead>
        <tr>
          <th>Layer</th>
          <th>Given</th>
          <th>Learned</th>
          <th title="how far the weights moved from where the seed put them, relative to their size at the start">‖W − W₀‖ / ‖W₀‖</th>
          <th>mean |Δw|</th>
          <th>largest |Δw|</th>
          <th>mean |Δb|</th>
        </tr>
      </thead>
      <tbody>
        <tr>
          <td>Input, ${current[0].fanIn} pixels</td>
          <td>every pixel's ink, from the image</td>
          <td>nothing</td>
          <td>–</td>
          <td>–</td>
          <td>–</td>
          <td>–</td>
        </tr>
        ${changes.map(
          (c, k) =>
            html`<tr data-layer=${k + 1} data-relative=${c.relative}>
              <td>${label(k + 1)}</td>
              <td>${k + 1 === L ? "the answer: target 1 for the right digit, 0 for the rest" : "nothing"}</td>
              <td>${current[k].fanIn} × ${current[k].fanOut} weights and ${current[k].fanOut} biases</td>
              <td data-metric=${`moved-${k + 1}`}>${pct(c.relative)}</td>
              <td>${fmt(c.meanAbs)}</td>
              <td>${fmt(c.maxAbs)}</td>
              <td>${fmt(c.biasMeanAbs)}</td>
            </tr>`,
        )}
      </tbody>
    </table>
    <p class="muted">After ${steps.toLocaleString("en")} update${steps === 1 ? "" : "s"}. W₀ is where the seed put the weights; Reset brings them back there.</p>
  </div>`;
}
