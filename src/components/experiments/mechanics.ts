/**
 * The tiny next-word model of the "Mechanics of learning" page and the measurements its figures
 * make on it: the loss along one weight, its slope by backpropagation and by a central finite
 * difference, and gradient descent with momentum on two weights (the loss landscape).
 *
 * The model: three context words as inputs (each input unit is one word, 1 when present), four
 * sigmoid hidden units, a softmax over five candidate next words, cross-entropy loss.
 */
import {Network, type NetworkConfig} from "../nn/index.js";

export const CONTEXT = ["clouds", "gather", "overhead"];
export const CANDIDATES = ["rain", "sand", "music", "coffee", "ladders"];
/** Index of the right next word ("rain"). */
export const TARGET = 0;
export const INPUT = Float64Array.from(CONTEXT, () => 1);

export function mechanicsConfig(seed: number): NetworkConfig {
  return {layers: [CONTEXT.length, 4, CANDIDATES.length], activation: "sigmoid", head: "softmax-cross-entropy", init: "xavier-normal", seed};
}

/** A weight: layer l (1-based), to unit j, from unit i. */
export interface WeightRef {
  layer: number;
  to: number;
  from: number;
}

const index = (network: Network, {layer, to, from}: WeightRef) => {
  const L = network.layers[layer - 1];
  if (!L || to < 0 || to >= L.fanOut || from < 0 || from >= L.fanIn) throw new RangeError(`invalid weight: layer ${layer}, to ${to}, from ${from}`);
  return to * L.fanIn + from;
};

/** The weight's value. throws RangeError for a weight outside the network. */
export function getWeight(network: Network, ref: WeightRef): number {
  return network.layers[ref.layer - 1].weights[index(network, ref)];
}

/** Cross-entropy loss of the input with one or more weights set to other values (the network is left unchanged). */
export function lossWith(network: Network, changes: [WeightRef, number][], input: ArrayLike<number> = INPUT, label = TARGET): number {
  const saved = changes.map(([ref]) => getWeight(network, ref));
  changes.forEach(([ref, w]) => (network.layers[ref.layer - 1].weights[index(network, ref)] = w));
  network.forward(input);
  const loss = network.loss(label);
  changes.forEach(([ref], k) => (network.layers[ref.layer - 1].weights[index(network, ref)] = saved[k]));
  return loss;
}

/**
 * The weight-decay penalty of steps 3 and 5: λ = 0.1, added as ½λw² to the loss of the weights
 * a figure moves. It gives the loss a bottom at a finite weight: |∂L/∂w| ≤ 1 for a weight into
 * the softmax (it is (p − y)·a with a ∈ (0, 1)), while the penalty's slope λw passes 1 at |w| = 10,
 * so the penalised loss along any such weight has its minimum within ±10, for every seed.
 */
export const DECAY = 0.1;

/** Range the wiggle moves its weight over (see DECAY: the minimum always lies inside). */
export const WIGGLE_RANGE = [-10, 10] as const;

/** The penalised loss L + ½λw² along one weight set to w (the network is left unchanged). */
export function wiggleLoss(network: Network, ref: WeightRef, w: number, decay = DECAY): number {
  return lossWith(network, [[ref, w]]) + 0.5 * decay * w * w;
}

/**
 * ∂/∂w of L + ½λw² (λ = decay, default 0: the bare loss) by backpropagation (Network.traceStep,
 * plus λw) and by the central difference of the same penalised loss, (f(w + h) − f(w − h)) / 2h.
 */
export function slopes(network: Network, ref: WeightRef, {h = 1e-5, input = INPUT as ArrayLike<number>, label = TARGET, decay = 0} = {}): {backprop: number; finiteDifference: number} {
  const trace = network.traceStep(input, label);
  const w = getWeight(network, ref);
  const backprop = trace.gradients[ref.layer - 1].weights[index(network, ref)] + decay * w;
  const f = (x: number) => lossWith(network, [[ref, x]], input, label) + 0.5 * decay * x * x;
  const finiteDifference = (f(w + h) - f(w - h)) / (2 * h);
  return {backprop, finiteDifference};
}

/** Where the path of `descend` first leaves the square [−bound, bound]², or −1 if it stays. */
export function leavesMap(path: {x: number; y: number}[], bound = 6): number {
  return path.findIndex((p) => Math.abs(p.x) > bound || Math.abs(p.y) > bound);
}

/**
 * The landscape's loss over two weights: cross-entropy plus a weight-decay term ½λ(x² + y²) on
 * those two weights (λ = `decay`), which gives the surface a bottom at finite weights (one
 * sentence alone is fitted better and better as the weights grow without end).
 */
export function landscapeLoss(network: Network, refs: [WeightRef, WeightRef], x: number, y: number, decay: number): number {
  return (
    lossWith(network, [
      [refs[0], x],
      [refs[1], y],
    ]) +
    0.5 * decay * (x * x + y * y)
  );
}

/**
 * Gradient descent with classical momentum on two weights only (the others fixed), from `start`,
 * on landscapeLoss: v ← μv − η∇L, w ← w + v. Returns the path, start included, with the loss at each point.
 */
export function descend(
  network: Network,
  refs: [WeightRef, WeightRef],
  start: [number, number],
  {lr, momentum, steps, decay = 0}: {lr: number; momentum: number; steps: number; decay?: number},
): {x: number; y: number; loss: number}[] {
  const copy = network.clone();
  let [x, y] = start,
    vx = 0,
    vy = 0;
  const path = [{x, y, loss: landscapeLoss(copy, refs, x, y, decay)}];
  for (let k = 0; k < steps; k++) {
    copy.layers[refs[0].layer - 1].weights[index(copy, refs[0])] = x;
    copy.layers[refs[1].layer - 1].weights[index(copy, refs[1])] = y;
    const g = copy.traceStep(INPUT, TARGET).gradients;
    const gx = g[refs[0].layer - 1].weights[index(copy, refs[0])],
      gy = g[refs[1].layer - 1].weights[index(copy, refs[1])];
    vx = momentum * vx - lr * (gx + decay * x);
    vy = momentum * vy - lr * (gy + decay * y);
    x += vx;
    y += vy;
    if (!Number.isFinite(x) || !Number.isFinite(y)) break;
    path.push({x, y, loss: landscapeLoss(copy, refs, x, y, decay)});
  }
  return path;
}
