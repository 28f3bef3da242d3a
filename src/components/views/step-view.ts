/**
 * One update from the inside, for the MNIST page: `step()` pauses the run if it trains (so the
 * step starts from the weights on show), makes exactly one update, and draws its minibatch, the
 * forward pass of its first digit on the weights before the update, and the size of the update
 * per layer. The view (data-metric="step-view", the loss in data-metric="step-loss") and a
 * "Step once more" button (data-action="step-here") are the page's to place.
 *
 *   const steps = stepView({pixels: trainSet.pixels, labels: trainSet.labels, run: () => current.run});
 *   html`${steps.button} ${steps.node}`;   // and the run buttons' Step calls steps.step()
 */
import {html} from "htl";
import {argmax, Network, type NetworkConfig} from "../nn/index.js";
import {imageAt} from "../datasets/images.js";
import {snapshot, updateSizes} from "../experiments/explorer.js";
import type {StepInfo} from "../runs/worker-run.js";
import {digitCanvas, probabilityBars, updateBars} from "./explorer-views.js";

/** What a step reads of a run (a WorkerRun). */
export interface SteppableRun {
  readonly network: Network;
  readonly networkConfig: NetworkConfig;
  readonly state: {status: string; steps: number};
  readonly training: boolean;
  readonly ended: boolean;
  subscribe(listener: (state: {status: string}) => void): () => void;
  pause(): void;
  step(): Promise<StepInfo | null>;
}

export interface StepViewOptions {
  /** The training images, packed 8-bit (the indices a step reports point into them). */
  pixels: Uint8Array;
  labels: ArrayLike<number>;
  /** The run on show now (read when a step starts and again when it ends). */
  run: () => SteppableRun | null;
  /** Pixels per image (784). */
  size?: number;
  /** Minibatch digits drawn at most (32). */
  shown?: number;
}

export function stepView({pixels, labels, run, size = 784, shown = 32}: StepViewOptions) {
  const node = html`<div class="step-view" data-metric="step-view"><p class="small">No step taken yet.</p></div>` as HTMLDivElement;
  const button = html`<button type="button" data-action="step-here">Step once more</button>` as HTMLButtonElement;

  async function step(): Promise<void> {
    const r = run();
    if (!r || r.ended) return;
    if (r.training) {
      // Pause first, so the step starts from the weights on show.
      const paused = new Promise<void>((resolve) => {
        const off = r.subscribe((s) => void (s.status !== "training" && (queueMicrotask(() => off()), resolve())));
      });
      r.pause();
      await paused;
    }
    const before = snapshot(r.network);
    const info = await r.step();
    if (!info || r.ended || run() !== r) return;
    const [firstIndex] = info.indices;
    const first = imageAt(pixels, firstIndex, size);
    const firstLabel = labels[firstIndex];
    // The forward pass of the first digit, on the weights before the update.
    const beforeNetwork = new Network(
      r.networkConfig,
      r.network.layers.map((l, k) => ({fanIn: l.fanIn, fanOut: l.fanOut, weights: before[k].weights, biases: before[k].biases})),
    );
    const trace = beforeNetwork.traceStep(first, firstLabel);
    const out = trace.a[trace.a.length - 1];
    node.replaceChildren(render(info, r.state.steps, firstLabel, out, trace.loss, updateSizes(before, r.network)));
  }

  function render(info: StepInfo, steps: number, firstLabel: number, out: Float64Array, loss: number, sizes: ReturnType<typeof updateSizes>): Element {
    const indices = info.indices;
    return html`<div class="step-grid">
      <div>
        <h4>The minibatch (update ${steps.toLocaleString("en")})</h4>
        <div class="minibatch">${indices.slice(0, shown).map((i) => digitCanvas(imageAt(pixels, i, size), {size: 34, label: `training digit ${i}, a ${labels[i]}`}))}</div>
        <p class="small">
          ${indices.length} digit${indices.length === 1 ? "" : "s"}${indices.length > shown ? ` (first ${shown} shown)` : ""}; mean cross-entropy before the update
          <strong data-metric="step-loss">${info.loss.toFixed(4)}</strong>.
        </p>
      </div>
      <div>
        <h4>Forward pass of the first one, a ${firstLabel}</h4>
        ${probabilityBars(out, {width: 280, height: 150, label: firstLabel})}
        <p class="small">Loss of this digit: −log p<sub>${firstLabel}</sub> = ${loss.toFixed(4)}; it guessed ${argmax(out)}.</p>
      </div>
      <div>
        <h4>Size of the update, per layer</h4>
        ${updateBars(sizes, {width: 300})}
        <table class="small">
          <thead>
            <tr>
              <th>layer</th>
              <th>‖Δθ‖</th>
              <th>‖Δθ‖/‖θ‖</th>
              <th>largest |Δw|</th>
            </tr>
          </thead>
          <tbody>
            ${sizes.map(
              (s) =>
                html`<tr>
                  <td>${s.layer}</td>
                  <td>${s.norm.toExponential(3)}</td>
                  <td>${s.relative.toExponential(2)}</td>
                  <td>${s.largest.toExponential(3)}</td>
                </tr>`,
            )}
          </tbody>
        </table>
      </div>
    </div>` as Element;
  }

  button.onclick = () => void step();
  return {node, button, step};
}
