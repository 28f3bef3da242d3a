/**
 * The numbers behind the MNIST explorer's views, kept free of the DOM so they are tested in Node:
 * the held-out digits, the drawn subset of input pixels, per-class accuracy, the positive
 * pixel × weight contributions of a unit, the update size of a step, signal propagation at
 * initialisation.
 */
import {Network, type ActivationName, type InitName, type Layer, type Samples} from "../nn/index.js";

/** The labels the page uses for activations and initialisations (the URL keeps the short names). */
export const ACTIVATION_LABELS: Record<string, string> = {
  relu: "ReLU",
  "leaky-relu": "Leaky ReLU (slope 0.01)",
  tanh: "tanh",
  sigmoid: "Sigmoid (logistic)",
};
export const INIT_LABELS: Record<string, string> = {
  "he-normal": "He (Kaiming) normal",
  "he-uniform": "He (Kaiming) uniform",
  "xavier-normal": "Xavier (Glorot) normal",
  "xavier-uniform": "Xavier (Glorot) uniform",
  "lecun-normal": "LeCun normal",
  uniform: "Naive uniform U(−0.5, 0.5)",
  zeros: "Zeros",
};
/** The explorer's hidden activations, in the order the widget lists them. */
export const EXPLORER_ACTIVATIONS = ["relu", "leaky-relu", "tanh", "sigmoid"] as const satisfies readonly ActivationName[];

/**
 * Indices of the first `perClass` samples of every class 0 … classes − 1, class by class
 * (the explorer's 90 held-out digits are the first 9 of each class in the test subset).
 * throws RangeError when a class has fewer than `perClass` samples.
 */
export function heldOutIndices(labels: ArrayLike<number>, perClass = 9, classes = 10): number[] {
  const byClass: number[][] = Array.from({length: classes}, () => []);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (c < classes && byClass[c].length < perClass) byClass[c].push(i);
  }
  byClass.forEach((list, c) => {
    if (list.length < perClass) throw new RangeError(`invalid labels: class ${c} has ${list.length} samples, expected at least ${perClass}`);
  });
  return byClass.flat();
}

/**
 * The input pixels the network diagram draws: a side × side lattice, every `stride` pixels
 * starting at `start`, of a width × width image. Default: 7 × 7 = 49 of MNIST's 784 pixels
 * (rows and columns 4, 7, …, 22), which covers where the strokes are.
 */
export function pixelLattice({width = 28, side = 7, start = 4, stride = 3}: {width?: number; side?: number; start?: number; stride?: number} = {}): number[] {
  if (start + stride * (side - 1) >= width) throw new RangeError(`invalid lattice: ${side} pixels from ${start} every ${stride} leave a ${width}-pixel image`);
  const out: number[] = [];
  for (let r = 0; r < side; r++) for (let c = 0; c < side; c++) out.push((start + r * stride) * width + start + c * stride);
  return out;
}

/** The first layer restricted to the input pixels `pixels` (indices into fanIn): for a diagram. */
export function restrictInputs(layer: Layer, pixels: readonly number[]): {fanIn: number; fanOut: number; weights: Float64Array} {
  const weights = new Float64Array(layer.fanOut * pixels.length);
  for (let j = 0; j < layer.fanOut; j++) for (let k = 0; k < pixels.length; k++) weights[j * pixels.length + k] = layer.weights[j * layer.fanIn + pixels[k]];
  return {fanIn: pixels.length, fanOut: layer.fanOut, weights};
}

/**
 * The contributions x_i · w_ji of every input i to unit j's pre-activation
 * z_j = b_j + Σ_i x_i w_ji: Float64Array of fanIn. With `positiveOnly`, negative terms are 0.
 */
export function contributions(layer: Layer, unit: number, input: ArrayLike<number>, {positiveOnly = false}: {positiveOnly?: boolean} = {}): Float64Array {
  if (input.length !== layer.fanIn) throw new RangeError(`invalid input: ${input.length} values, layer takes ${layer.fanIn}`);
  if (!(Number.isInteger(unit) && unit >= 0 && unit < layer.fanOut)) throw new RangeError(`invalid unit: ${unit} (layer has ${layer.fanOut})`);
  const out = new Float64Array(layer.fanIn);
  const row = unit * layer.fanIn;
  for (let i = 0; i < layer.fanIn; i++) {
    const c = input[i] * layer.weights[row + i];
    out[i] = positiveOnly && c < 0 ? 0 : c;
  }
  return out;
}

/**
 * Accuracy per class (0–1) from a confusion matrix (row = true class, column = guess, as
 * `evaluate` returns it: Uint32Array of classes × classes). NaN for a class with no samples.
 */
export function perClassAccuracy(confusion: ArrayLike<number>, classes = 10): number[] {
  return Array.from({length: classes}, (_, c) => {
    let total = 0;
    for (let k = 0; k < classes; k++) total += confusion[c * classes + k];
    return total ? confusion[c * classes + c] / total : NaN;
  });
}

/** A copy of every weight and bias, to measure an update against. */
export function snapshot(network: Network): {weights: Float64Array; biases: Float64Array}[] {
  return network.layers.map((l) => ({weights: l.weights.slice(), biases: l.biases.slice()}));
}

export interface UpdateSize {
  /** Layer l = 1 … L. */
  layer: number;
  /** ‖ΔW⁽ˡ⁾‖ and ‖Δb⁽ˡ⁾‖ together (Frobenius / Euclidean norm). */
  norm: number;
  /** ‖Δθ⁽ˡ⁾‖ / ‖θ⁽ˡ⁾‖ before the update (NaN when the layer was all zero). */
  relative: number;
  /** Largest |Δw| in the layer. */
  largest: number;
}

/** The size of the update that took `before` to the network's current weights, layer by layer. */
export function updateSizes(before: {weights: Float64Array; biases: Float64Array}[], network: Network): UpdateSize[] {
  return network.layers.map((layer, l) => {
    let d2 = 0,
      w2 = 0,
      largest = 0;
    const add = (now: Float64Array, then: Float64Array) => {
      for (let i = 0; i < now.length; i++) {
        const d = now[i] - then[i];
        d2 += d * d;
        w2 += then[i] * then[i];
        if (Math.abs(d) > largest) largest = Math.abs(d);
      }
    };
    add(layer.weights, before[l].weights);
    add(layer.biases, before[l].biases);
    return {layer: l + 1, norm: Math.sqrt(d2), relative: w2 > 0 ? Math.sqrt(d2 / w2) : NaN, largest};
  });
}

export interface SignalLayer {
  /** Hidden layer number (1-based) or the output layer (depth). */
  layer: number;
  /** Standard deviation of the activations a⁽ˡ⁾ over units and digits. */
  activationStd: number;
  /** Standard deviation of δ⁽ˡ⁾ = ∂L/∂z⁽ˡ⁾ over units and digits. */
  gradientStd: number;
  /** Share of the activations exactly 0 (silent ReLU units). */
  zeroShare: number;
}

/**
 * Signal propagation at initialisation: a deep stack of `depth` hidden layers of `width` units with
 * `activation` and `init` (seed `seed`), run forward and backward on the first `count` samples.
 * Returns the spread of a⁽ˡ⁾ and δ⁽ˡ⁾ per layer, so vanishing or exploding signals can be seen
 * (Glorot & Bengio, 2010; He et al., 2015). throws RangeError on a bad depth, width or count.
 */
export function signalPropagation(
  samples: Samples,
  {
    activation,
    init,
    depth = 10,
    width = 32,
    count = 200,
    seed = 1,
    classes = 10,
  }: {activation: ActivationName; init: InitName; depth?: number; width?: number; count?: number; seed?: number; classes?: number},
): SignalLayer[] {
  if (!(Number.isInteger(depth) && depth >= 1 && depth <= 50)) throw new RangeError(`invalid depth: ${depth} (expected 1 to 50)`);
  if (!(Number.isInteger(count) && count >= 1)) throw new RangeError(`invalid count: ${count}`);
  const network = new Network({layers: [samples.inputSize, ...Array(depth).fill(width), classes], activation, head: "softmax-cross-entropy", init, seed});
  const n = Math.min(count, samples.count);
  const L = network.depth;
  const sums = Array.from({length: L}, () => ({a: 0, a2: 0, d: 0, d2: 0, zero: 0, k: 0}));
  const x = new Float64Array(samples.inputSize);
  for (let i = 0; i < n; i++) {
    samples.input(i, x);
    const trace = network.traceStep(x, samples.labels[i]);
    for (let l = 0; l < L; l++) {
      const a = trace.a[l + 1],
        d = trace.delta[l],
        s = sums[l];
      for (let j = 0; j < a.length; j++) {
        s.a += a[j];
        s.a2 += a[j] * a[j];
        s.d += d[j];
        s.d2 += d[j] * d[j];
        if (a[j] === 0) s.zero++;
        s.k++;
      }
    }
  }
  const std = (sum: number, sum2: number, k: number) => Math.sqrt(Math.max(0, sum2 / k - (sum / k) ** 2));
  return sums.map((s, l) => ({layer: l + 1, activationStd: std(s.a, s.a2, s.k), gradientStd: std(s.d, s.d2, s.k), zeroShare: s.zero / s.k}));
}

/** The dead-layer diagnosis lives with the run diagnoses (runs/diagnoses.ts); re-exported for the page. */
export {deadLayerMessage} from "../runs/diagnoses.js";
