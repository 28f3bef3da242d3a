/**
 * Hidden-layer activation functions, each written beside its derivative.
 *
 * A neuron computes its pre-activation z = Σ_i w_i·a_i + b and its activation a = f(z).
 * Backpropagation needs f'(z); `df` receives both z and a = f(z) so that sigmoid and tanh
 * can reuse the activation they already computed (σ' = a(1 − a), tanh' = 1 − a²).
 */
import {exp, tanh} from "./math.js";

export interface Activation {
  /** a = f(z). */
  readonly f: (z: number) => number;
  /** f'(z), given z and a = f(z). */
  readonly df: (z: number, a: number) => number;
  /** One line for readers, in the field's words. */
  readonly description: string;
}

/** Slope of leaky ReLU for z < 0 (Maas et al., 2013 use 0.01). */
export const LEAKY_SLOPE = 0.01;

export const activations = {
  sigmoid: {
    f: (z: number) => 1 / (1 + exp(-z)),
    df: (_z: number, a: number) => a * (1 - a),
    description: "logistic σ(z) = 1/(1+e^−z), output in (0, 1), slope at most 1/4",
  },
  tanh: {
    f: (z: number) => tanh(z),
    df: (_z: number, a: number) => 1 - a * a,
    description: "hyperbolic tangent, output in (−1, 1), zero-centred",
  },
  relu: {
    f: (z: number) => (z > 0 ? z : 0),
    df: (z: number) => (z > 0 ? 1 : 0),
    description: "rectified linear unit max(0, z): slope 1 when active, 0 (a dead unit) when not",
  },
  "leaky-relu": {
    f: (z: number) => (z > 0 ? z : LEAKY_SLOPE * z),
    df: (z: number) => (z > 0 ? 1 : LEAKY_SLOPE),
    description: "max(0.01·z, z): like ReLU but never fully silent",
  },
  identity: {
    f: (z: number) => z,
    df: () => 1,
    description: "a = z: stacks of identity layers collapse into one linear map",
  },
} satisfies Record<string, Activation>;

export type ActivationName = keyof typeof activations;
export const activationNames = Object.keys(activations) as ActivationName[];

/** Looks up an activation; throws RangeError naming the bad value. */
export function activation(name: string): Activation {
  if (!Object.hasOwn(activations, name)) {
    throw new RangeError(`invalid activation: ${JSON.stringify(name)} (expected one of ${activationNames.join(", ")})`);
  }
  return activations[name as ActivationName];
}
