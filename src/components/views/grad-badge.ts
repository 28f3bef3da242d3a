/**
 * The neuron lab's ∇-check badge: backpropagation's gradients against central differences on a
 * minibatch of 8 training samples, rerun every `every` updates as the run trains.
 *
 *   const badge = gradBadge(train);                 // {node, update({network, steps}), dispose}
 *   const off = run.subscribe((s) => badge.update({network: run.network, steps: s.steps}));
 *
 * Relative error |g − ĝ| / max(|g| + |ĝ|, floor) with floor 1e-6: once the loss is small many
 * gradients are below 1e-8, and the central difference's rounding noise (≈ 1e-12) divided by a
 * 1e-8 floor reaches 1e-4 by itself, a false "fail"; a real error on any gradient above 1e-6 still
 * shows (tests/unit/gradcheck.test.ts).
 */
import {html} from "htl";
import {gradientCheck, type Network, type Samples} from "../nn/index.js";
import type {View} from "./view.js";

export const GRAD_THRESHOLD = 1e-4;
export const GRAD_EVERY = 300;
export const GRAD_FLOOR = 1e-6;

/** The worst relative error over up to 48 parameters per layer on 8 samples chosen by `round`. */
export function worstGradientError(network: Network, train: Samples, round: number): number {
  const idx = Array.from({length: 8}, (_, i) => (i * 733 + round * 8) % train.count);
  const batch: Samples = {count: 8, inputSize: train.inputSize, labels: idx.map((i) => train.labels[i]), input: (i, out) => train.input(idx[i], out)};
  const checks = gradientCheck(network.clone(), batch, {maxPerLayer: 48, floor: GRAD_FLOOR});
  return Math.max(...checks.map((c) => c.maxRelativeError));
}

/** The badge as a View (views/view.ts); update({network, steps}) after every run state. */
export function gradBadge(train: Samples, {every = GRAD_EVERY}: {every?: number} = {}): View<{network: Network; steps: number}> {
  const node = html`<div
    class="grad-badge"
    data-metric="gradient-check"
    title="largest relative error |g − ĝ| / max(|g| + |ĝ|, 1e-6) between backpropagation and central differences (ε = 1e-5), over up to 48 parameters per layer and 8 training samples"
  ></div>` as HTMLElement;
  let last = -1;
  return {
    node,
    /** Reruns the check when `steps` reaches a new multiple of `every` (and on the first call). */
    update({network, steps}) {
      const round = Math.floor(steps / every);
      if (round === last) return;
      last = round;
      const worst = worstGradientError(network, train, round);
      const pass = worst < GRAD_THRESHOLD;
      node.className = `grad-badge ${pass ? "pass" : "fail"}`;
      node.dataset.pass = String(pass);
      node.replaceChildren(
        html`<span
          >∇-check <strong>${pass ? "pass" : "fail"}</strong>: max relative error ${worst.toExponential(1)} (threshold ${GRAD_THRESHOLD.toExponential(0)}), at update ${steps.toLocaleString("en")};
          rerun every ${every} updates</span
        >`,
      );
    },
    dispose() {},
  };
}
