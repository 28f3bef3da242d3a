/**
 * Optimisers update parameters θ from the minibatch gradient g = (1/B) Σ_b ∇L_b.
 *
 * - sgd:       θ ← θ − η g
 * - momentum:  v ← μ v − η g;  θ ← θ + v                       (classical momentum, Polyak 1964)
 *   nesterov:  v ← μ v − η g;  θ ← θ + μ v − η g               (Nesterov momentum as Sutskever et
 *              al. 2013 write it, in the form of PyTorch's SGD(nesterov=True): the look-ahead
 *              gradient re-expressed at the current parameters; PyTorch keeps b = −v/η, the same
 *              update at constant η)
 * - adam:      m ← β₁m + (1−β₁)g;  v ← β₂v + (1−β₂)g²;
 *              θ ← θ − η m̂ / (√v̂ + ε), m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ)   (Kingma & Ba, 2015)
 * - adamw:     Adam with decoupled weight decay (Loshchilov & Hutter 2019):
 *              θ ← θ − η (m̂ / (√v̂ + ε) + λ θ), m̂ and v̂ from the gradient without decay.
 *
 * Weight decay λ (`weightDecay`, default 0) applies to the weights only; biases are never decayed.
 * For sgd, momentum and adam it is L2 regularisation added to the gradient, g ← g + λθ (the
 * gradient of ½λ‖W‖²); for adamw it is the decoupled term above. Either way it is multiplied by the
 * current η, so a schedule scales it too (as in PyTorch). With λ = 0 and without Nesterov each
 * update is bit for bit the one before these options existed; adamw with λ = 0 is adam bit for bit.
 *
 * The learning rate is the optimiser's `learningRate` field, which the trainer may change before
 * each step (learning-rate schedules). `step` receives the summed gradient and the factor 1/B, so
 * that no extra pass divides it. It returns false when any updated parameter is not finite (the
 * run has diverged); the check costs one addition per parameter, fused into the update loop.
 */
import {pow} from "./math.js";
import type {Layer, LayerGradients} from "./network.js";

export interface OptimizerOptions {
  /** Learning rate η > 0. */
  learningRate: number;
  /** momentum only: μ in [0, 1), default 0.9. */
  momentum?: number;
  /** momentum only: Nesterov momentum instead of classical (default false). */
  nesterov?: boolean;
  /** adam and adamw: β₁, β₂ in [0, 1) and ε > 0 (defaults 0.9, 0.999, 1e-8). */
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** Weight decay λ in [0, 1] (default 0), weights only: L2 for sgd, momentum, adam; decoupled for adamw. */
  weightDecay?: number;
}

/** First-layer columns whose gradient may be non-zero (the others are exactly 0). */
export interface Columns {
  readonly index: Int32Array;
  readonly count: number;
}

export interface Optimizer {
  readonly name: OptimizerName;
  /** The η of the next step; the trainer sets it from a schedule. */
  learningRate: number;
  /** λ (0 when off). */
  readonly weightDecay: number;
  /**
   * Applies one update from the gradient sum `gradients` scaled by `scale` (1/B). Returns false if
   * a parameter became non-finite. With `columns`, the first layer's gradient is known to be zero
   * outside those columns; SGD then leaves them alone (θ − η·0 = θ), which changes no bit. (With
   * weight decay every weight moves, so the columns are ignored.)
   */
  step(layers: Layer[], gradients: LayerGradients[], scale: number, columns?: Columns): boolean;
}

type Factory = (layers: Layer[], options: OptimizerOptions) => Optimizer;

const sgd: Factory = (_layers, {learningRate, weightDecay = 0}) => {
  const self: Optimizer = {
    name: "sgd",
    learningRate,
    weightDecay,
    step(layers, gradients, scale, columns) {
      const eta = self.learningRate;
      const k = -eta * scale;
      let check = 0;
      for (let l = 0; l < layers.length; l++) {
        if (weightDecay > 0) check += updateDecayed(layers[l].weights, gradients[l].weights, scale, eta, weightDecay);
        else if (l === 0 && columns) check += updateColumns(layers[0], gradients[0].weights, k, columns);
        else check += update(layers[l].weights, gradients[l].weights, k);
        check += update(layers[l].biases, gradients[l].biases, k);
      }
      return Number.isFinite(check);
    },
  };
  return self;
};

/** θ ← θ − η (g·scale + λθ); returns Σθ. */
function updateDecayed(theta: Float64Array, g: Float64Array, scale: number, eta: number, lambda: number): number {
  let s = 0;
  for (let i = 0; i < theta.length; i++) s += theta[i] -= eta * (g[i] * scale + lambda * theta[i]);
  return s;
}

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

const momentum: Factory = (layers, {learningRate, momentum: mu = 0.9, nesterov = false, weightDecay = 0}) => {
  const velocity = layers.map(({weights, biases}) => ({weights: new Float64Array(weights.length), biases: new Float64Array(biases.length)}));
  /** Classical momentum without decay: the original loop, kept for its bits. */
  const apply = (theta: Float64Array, g: Float64Array, v: Float64Array, k: number): number => {
    let s = 0;
    for (let i = 0; i < theta.length; i++) s += theta[i] += v[i] = mu * v[i] + k * g[i];
    return s;
  };
  /** With decay λ (weights) and/or Nesterov: g' = g·scale + λθ; v ← μv − ηg'; θ ← θ + v, or θ + μv − ηg' (Nesterov). */
  const general = (theta: Float64Array, gs: Float64Array, v: Float64Array, scale: number, eta: number, lambda: number): number => {
    let s = 0;
    for (let i = 0; i < theta.length; i++) {
      const g = lambda > 0 ? gs[i] * scale + lambda * theta[i] : gs[i] * scale;
      const vi = (v[i] = mu * v[i] - eta * g);
      s += theta[i] += nesterov ? mu * vi - eta * g : vi;
    }
    return s;
  };
  const plain = !nesterov && weightDecay === 0;
  const self: Optimizer = {
    name: "momentum",
    learningRate,
    weightDecay,
    step(layers, gradients, scale) {
      const eta = self.learningRate;
      const k = -eta * scale;
      let check = 0;
      for (let l = 0; l < layers.length; l++) {
        if (plain) check += apply(layers[l].weights, gradients[l].weights, velocity[l].weights, k) + apply(layers[l].biases, gradients[l].biases, velocity[l].biases, k);
        else
          check += general(layers[l].weights, gradients[l].weights, velocity[l].weights, scale, eta, weightDecay) + general(layers[l].biases, gradients[l].biases, velocity[l].biases, scale, eta, 0);
      }
      return Number.isFinite(check);
    },
  };
  return self;
};

/** Adam, with L2 decay (`decoupled` false) or AdamW's decoupled decay (`decoupled` true) of the weights. */
const adamFactory =
  (decoupled: boolean): Factory =>
  (layers, {learningRate, beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8, weightDecay = 0}) => {
    const zeros = () => layers.map(({weights, biases}) => ({weights: new Float64Array(weights.length), biases: new Float64Array(biases.length)}));
    const m = zeros(),
      v = zeros();
    let t = 0;
    const self: Optimizer = {
      name: decoupled ? "adamw" : "adam",
      learningRate,
      weightDecay,
      step(layers, gradients, scale) {
        t++;
        const eta = self.learningRate;
        const c1 = 1 / (1 - pow(beta1, t)),
          c2 = 1 / (1 - pow(beta2, t));
        const apply = (theta: Float64Array, gs: Float64Array, ms: Float64Array, vs: Float64Array, lambda: number): number => {
          let s = 0;
          const l2 = decoupled ? 0 : lambda,
            dw = decoupled ? lambda : 0;
          for (let i = 0; i < theta.length; i++) {
            const th = theta[i];
            const g = l2 > 0 ? gs[i] * scale + l2 * th : gs[i] * scale;
            const mi = (ms[i] = beta1 * ms[i] + (1 - beta1) * g);
            const vi = (vs[i] = beta2 * vs[i] + (1 - beta2) * g * g);
            const adaptive = (eta * (mi * c1)) / (Math.sqrt(vi * c2) + epsilon);
            s += theta[i] = dw > 0 ? th - (adaptive + eta * dw * th) : th - adaptive;
          }
          return s;
        };
        let check = 0;
        for (let l = 0; l < layers.length; l++) {
          check += apply(layers[l].weights, gradients[l].weights, m[l].weights, v[l].weights, weightDecay) + apply(layers[l].biases, gradients[l].biases, m[l].biases, v[l].biases, 0);
        }
        return Number.isFinite(check);
      },
    };
    return self;
  };

const adam = adamFactory(false);
const adamw = adamFactory(true);

export const optimizers = {sgd, momentum, adam, adamw} satisfies Record<string, Factory>;
export type OptimizerName = keyof typeof optimizers;
export const optimizerNames = Object.keys(optimizers) as OptimizerName[];

const inUnitInterval = (name: string, value: number | undefined) => {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0 && value < 1)) {
    throw new RangeError(`invalid ${name}: ${value} (expected a number in [0, 1))`);
  }
};

/**
 * Creates an optimiser with state shaped like `layers`.
 * throws RangeError on an unknown name, a non-finite or non-positive learning rate, a
 * momentum / β outside [0, 1), a weight decay outside [0, 1], or Nesterov with another optimiser.
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
  const {weightDecay} = options;
  if (weightDecay !== undefined && !(typeof weightDecay === "number" && Number.isFinite(weightDecay) && weightDecay >= 0 && weightDecay <= 1)) {
    throw new RangeError(`invalid weight decay: ${weightDecay} (expected a number in [0, 1])`);
  }
  if (options.nesterov !== undefined && typeof options.nesterov !== "boolean") throw new RangeError(`invalid nesterov: ${JSON.stringify(options.nesterov)} (expected true or false)`);
  if (options.nesterov && name !== "momentum") throw new RangeError(`invalid nesterov: true with optimizer ${JSON.stringify(name)} (Nesterov momentum needs optimizer "momentum")`);
  return optimizers[name as OptimizerName](layers, options);
}
