/**
 * Optimisers update parameters θ from the minibatch gradient g = (1/B) Σ_b ∇L_b.
 *
 * - sgd:       θ ← θ − η g
 * - momentum:  v ← μ v − η g;  θ ← θ + v                       (classical momentum, Polyak 1964)
 * - adam:      m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;
 *              θ ← θ − η m̂ / (√v̂ + ε), m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)   (Kingma & Ba, 2015)
 *
 * `step` receives the summed gradient and the factor 1/B, so that no extra pass divides it.
 * It returns false when any updated parameter is not finite (the run has diverged); the check
 * costs one addition per parameter, fused into the update loop.
 */
import {pow} from "./math.js";
import type {Layer, LayerGradients} from "./network.js";

export interface OptimizerOptions {
  /** Learning rate η > 0. */
  learningRate: number;
  /** momentum only: μ in [0, 1), default 0.9. */
  momentum?: number;
  /** adam only: β₁, β₂ in [0, 1) and ε > 0 (defaults 0.9, 0.999, 1e-8). */
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** First-layer columns whose gradient may be non-zero (the others are exactly 0). */
export interface Columns {
  readonly index: Int32Array;
  readonly count: number;
}

export interface Optimizer {
  readonly name: OptimizerName;
  /**
   * Applies one update from the gradient sum `gradients` scaled by `scale` (1/B). Returns false if
   * a parameter became non-finite. With `columns`, the first layer's gradient is known to be zero
   * outside those columns; SGD then leaves them alone (θ − η·0 = θ), which changes no bit.
   */
  step(layers: Layer[], gradients: LayerGradients[], scale: number, columns?: Columns): boolean;
}

type Factory = (layers: Layer[], options: OptimizerOptions) => Optimizer;

const sgd: Factory = (_layers, {learningRate}) => ({
  name: "sgd",
  step(layers, gradients, scale, columns) {
    const k = -learningRate * scale;
    let check = 0;
    for (let l = 0; l < layers.length; l++) {
      if (l === 0 && columns) check += updateColumns(layers[0], gradients[0].weights, k, columns);
      else check += update(layers[l].weights, gradients[l].weights, k);
      check += update(layers[l].biases, gradients[l].biases, k);
    }
    return Number.isFinite(check);
  },
});

/** θ[:, i] += k g[:, i] for the listed columns i of a row-major fanOut × fanIn matrix, row by row; returns their sum. */
function updateColumns({weights, fanIn, fanOut}: Layer, g: Float64Array, k: number, {index, count}: Columns): number {
  let s = 0;
  for (let j = 0, row = 0; j < fanOut; j++, row += fanIn) {
    for (let c = 0; c < count; c++) {
      const w = row + index[c];
      s += weights[w] += k * g[w];
    }
  }
  return s;
}

/** θ += k g; returns Σθ so a single non-finite parameter shows in the sum. */
function update(theta: Float64Array, g: Float64Array, k: number): number {
  let s = 0;
  for (let i = 0; i < theta.length; i++) s += theta[i] += k * g[i];
  return s;
}

const momentum: Factory = (layers, {learningRate, momentum: mu = 0.9}) => {
  const velocity = layers.map(({weights, biases}) => ({weights: new Float64Array(weights.length), biases: new Float64Array(biases.length)}));
  const apply = (theta: Float64Array, g: Float64Array, v: Float64Array, k: number): number => {
    let s = 0;
    for (let i = 0; i < theta.length; i++) s += theta[i] += v[i] = mu * v[i] + k * g[i];
    return s;
  };
  return {
    name: "momentum",
    step(layers, gradients, scale) {
      const k = -learningRate * scale;
      let check = 0;
      for (let l = 0; l < layers.length; l++) {
        check += apply(layers[l].weights, gradients[l].weights, velocity[l].weights, k) + apply(layers[l].biases, gradients[l].biases, velocity[l].biases, k);
      }
      return Number.isFinite(check);
    },
  };
};

const adam: Factory = (layers, {learningRate, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8}) => {
  const zeros = () => layers.map(({weights, biases}) => ({weights: new Float64Array(weights.length), biases: new Float64Array(biases.length)}));
  const m = zeros(),
    v = zeros();
  let t = 0;
  return {
    name: "adam",
    step(layers, gradients, scale) {
      t++;
      const c1 = 1 / (1 - pow(beta1, t)),
        c2 = 1 / (1 - pow(beta2, t));
      const apply = (theta: Float64Array, gs: Float64Array, ms: Float64Array, vs: Float64Array): number => {
        let s = 0;
        for (let i = 0; i < theta.length; i++) {
          const g = gs[i] * scale;
          const mi = (ms[i] = beta1 * ms[i] + (1 - beta1) * g);
          const vi = (vs[i] = beta2 * vs[i] + (1 - beta2) * g * g);
          s += theta[i] -= (learningRate * (mi * c1)) / (Math.sqrt(vi * c2) + epsilon);
        }
        return s;
      };
      let check = 0;
      for (let l = 0; l < layers.length; l++) {
        check += apply(layers[l].weights, gradients[l].weights, m[l].weights, v[l].weights) + apply(layers[l].biases, gradients[l].biases, m[l].biases, v[l].biases);
      }
      return Number.isFinite(check);
    },
  };
};

export const optimizers = {sgd, momentum, adam} satisfies Record<string, Factory>;
export type OptimizerName = keyof typeof optimizers;
export const optimizerNames = Object.keys(optimizers) as OptimizerName[];

const inUnitInterval = (name: string, value: number | undefined) => {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0 && value < 1)) {
    throw new RangeError(`invalid ${name}: ${value} (expected a number in [0, 1))`);
  }
};

/**
 * Creates an optimiser with state shaped like `layers`.
 * throws RangeError on an unknown name, a non-finite or non-positive learning rate, or a
 * momentum / β outside [0, 1).
 */
export function optimizer(name: string, layers: Layer[], options: OptimizerOptions): Optimizer {
  if (!Object.hasOwn(optimizers, name)) {
    throw new RangeError(`invalid optimizer: ${JSON.stringify(name)} (expected one of ${optimizerNames.join(", ")})`);
  }
  const {learningRate} = options;
  if (!(typeof learningRate === "number" && Number.isFinite(learningRate) && learningRate > 0)) {
    throw new RangeError(`invalid learning rate: ${learningRate} (expected a finite number > 0)`);
  }
  inUnitInterval("momentum", options.momentum);
  inUnitInterval("beta1", options.beta1);
  inUnitInterval("beta2", options.beta2);
  if (options.epsilon !== undefined && !(options.epsilon > 0)) throw new RangeError(`invalid epsilon: ${options.epsilon} (expected > 0)`);
  return optimizers[name as OptimizerName](layers, options);
}
