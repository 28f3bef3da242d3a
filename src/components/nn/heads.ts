/**
 * Output heads: the last layer's activation paired with its loss, because the gradient of
 * the pair with respect to the logits z is simpler (and numerically safer) than either alone.
 *
 * - softmax + cross-entropy: a_k = e^{z_k} / Σ_j e^{z_j}, L = −log a_y, ∂L/∂z_k = a_k − [k = y].
 * - sigmoid + squared error: a_k = σ(z_k), L = ½ Σ_k (a_k − t_k)², ∂L/∂z_k = (a_k − t_k)·a_k(1 − a_k),
 *   with targets t_k = `on` for the true class and `off` for the others (0.99 / 0.0 keeps σ off
 *   its flat asymptote, as in Rashid's 5×5 lesson).
 */
import {exp} from "./math.js";

export interface Head {
  readonly name: HeadName;
  /** Writes a = head(z) for the n logits in z. */
  activate(z: Float64Array, a: Float64Array, n: number): void;
  /** Loss of output a for the true class `label`. */
  loss(a: Float64Array, label: number, n: number): number;
  /** Writes ∂L/∂z into delta. */
  delta(a: Float64Array, label: number, delta: Float64Array, n: number): void;
}

export interface HeadOptions {
  /** sigmoid-mse only: target for the true class (default 0.99). */
  on?: number;
  /** sigmoid-mse only: target for the other classes (default 0). */
  off?: number;
}

/** Floor inside the log so a confidently wrong softmax gives a large but finite loss. */
const LOG_FLOOR = 1e-300;

function softmaxCrossEntropy(): Head {
  return {
    name: "softmax-cross-entropy",
    activate(z, a, n) {
      // Subtract the largest logit first: e^{z−m} cannot overflow and the result is unchanged.
      let m = -Infinity;
      for (let k = 0; k < n; k++) if (z[k] > m) m = z[k];
      let s = 0;
      for (let k = 0; k < n; k++) s += a[k] = exp(z[k] - m);
      for (let k = 0; k < n; k++) a[k] /= s;
    },
    loss(a, label) {
      // Math.log, not the engine-independent ln: the loss is reported and checked for being
      // finite but never feeds the weights, and Math.log is inlined where a library call would
      // box its result on the heap at every sample.
      return -Math.log(Math.max(a[label], LOG_FLOOR));
    },
    delta(a, label, delta, n) {
      for (let k = 0; k < n; k++) delta[k] = a[k] - (k === label ? 1 : 0);
    },
  };
}

function sigmoidSquaredError({on = 0.99, off = 0}: HeadOptions = {}): Head {
  if (!Number.isFinite(on)) throw new RangeError(`invalid target on: ${on}`);
  if (!Number.isFinite(off)) throw new RangeError(`invalid target off: ${off}`);
  return {
    name: "sigmoid-mse",
    activate(z, a, n) {
      for (let k = 0; k < n; k++) a[k] = 1 / (1 + exp(-z[k]));
    },
    loss(a, label, n) {
      let s = 0;
      for (let k = 0; k < n; k++) {
        const e = a[k] - (k === label ? on : off);
        s += e * e;
      }
      return 0.5 * s;
    },
    delta(a, label, delta, n) {
      for (let k = 0; k < n; k++) delta[k] = (a[k] - (k === label ? on : off)) * a[k] * (1 - a[k]);
    },
  };
}

export const heads = {
  "softmax-cross-entropy": softmaxCrossEntropy,
  "sigmoid-mse": sigmoidSquaredError,
} satisfies Record<string, (options?: HeadOptions) => Head>;

export type HeadName = keyof typeof heads;
export const headNames = Object.keys(heads) as HeadName[];

/** Builds a head; throws RangeError naming an unknown head or a non-finite target. */
export function head(name: string, options?: HeadOptions): Head {
  if (!Object.hasOwn(heads, name)) {
    throw new RangeError(`invalid head: ${JSON.stringify(name)} (expected one of ${headNames.join(", ")})`);
  }
  return heads[name as HeadName](options);
}
