/**
 * Numerical gradient check: compares backpropagation's ∂L/∂θ with central differences
 *   (L(θ + ε) − L(θ − ε)) / 2ε,
 * whose error is O(ε²), for every weight and bias (or an evenly spaced subset of them in large
 * layers). L is the mean loss over the given samples, as in training.
 *
 * Relative error of one parameter: |g_bp − g_num| / max(|g_bp| + |g_num|, floor). The floor keeps
 * parameters whose true gradient is 0 (e.g. behind a dead ReLU) from dividing rounding noise by 0.
 * A correct implementation in float64 gives errors around 1e-9 or below; errors above ~1e-4 mean a bug.
 */
import type {Network} from "./network.js";
import type {Samples} from "./samples.js";
import {zeroGradientsOf, type TrainableNetwork} from "./trainable.js";

export interface GradientCheckOptions {
  /** Step ε of the central difference (default 1e-5). */
  epsilon?: number;
  /** Denominator floor of the relative error (default 1e-8). */
  floor?: number;
  /** At most this many parameters checked per layer (default all); evenly spaced when fewer. */
  maxPerLayer?: number;
}

export interface LayerCheck {
  /** 1-based layer index. */
  layer: number;
  /** Largest relative error over the checked weights and biases of the layer. */
  maxRelativeError: number;
  /** Parameters checked. */
  checked: number;
}

/** Mean loss over the samples, using the network's workspace. */
function meanLoss(network: TrainableNetwork, samples: Samples): number {
  let loss = 0;
  for (let i = 0; i < samples.count; i++) {
    samples.input(i, network.a[0]);
    network.forwardWorkspace();
    loss += network.loss(samples.labels[i]);
  }
  return loss / samples.count;
}

/**
 * Checks the gradient of the mean loss over `samples` at the network's current parameters: a
 * fully-connected Network, or a ConvNetwork (its conv kernels and biases are layers like the
 * dense ones; `layer` counts conv and dense layers from 1). The parameters are restored exactly afterwards.
 * throws RangeError when the samples do not fit the network or epsilon is not > 0.
 */
export function gradientCheck(network: TrainableNetwork, samples: Samples, {epsilon = 1e-5, floor = 1e-8, maxPerLayer = Infinity}: GradientCheckOptions = {}): LayerCheck[] {
  if (!(epsilon > 0)) throw new RangeError(`invalid epsilon: ${epsilon} (expected > 0)`);
  if (samples.inputSize !== network.inputSize) throw new RangeError(`invalid samples: input size ${samples.inputSize}, network expects ${network.inputSize}`);
  if (samples.count < 1) throw new RangeError("invalid samples: empty");
  const analytic = zeroGradientsOf(network.layers);
  for (let i = 0; i < samples.count; i++) {
    samples.input(i, network.a[0]);
    network.forwardWorkspace();
    network.backward(samples.labels[i], analytic);
  }
  const relative = (g: number, n: number) => Math.abs(g - n) / Math.max(Math.abs(g) + Math.abs(n), floor);
  return network.layers.map((layer, l) => {
    let max = 0,
      checked = 0;
    // Split the budget: biases get ⌊max/2⌋, weights the rest; evenly spaced within each array.
    const biasBudget = maxPerLayer === Infinity ? Infinity : Math.floor(maxPerLayer / 2);
    const budgets = [maxPerLayer === Infinity ? Infinity : maxPerLayer - biasBudget, biasBudget];
    for (const [index, [theta, grad]] of (
      [
        [layer.weights, analytic[l].weights],
        [layer.biases, analytic[l].biases],
      ] as const
    ).entries()) {
      const budget = budgets[index];
      if (budget < 1) continue;
      const stride = Math.max(1, Math.ceil(theta.length / budget));
      for (let k = 0; k < theta.length; k += stride) {
        const original = theta[k];
        theta[k] = original + epsilon;
        const plus = meanLoss(network, samples);
        theta[k] = original - epsilon;
        const minus = meanLoss(network, samples);
        theta[k] = original;
        const numeric = (plus - minus) / (2 * epsilon);
        max = Math.max(max, relative(grad[k] / samples.count, numeric));
        checked++;
      }
    }
    return {layer: l + 1, maxRelativeError: max, checked};
  });
}

export interface InputGradientCheck {
  /** Largest relative error |g − g_num| / max(|g| + |g_num|, floor) over the checked pixels. */
  maxRelativeError: number;
  /** Largest absolute error |g − g_num|. */
  maxAbsoluteError: number;
  /** Input entries checked. */
  checked: number;
}

/**
 * Checks `Network.inputGradient` (∂z⁽ᴸ⁾_c/∂x, the saliency map) against central differences of
 * the logit, (z_c(x + εe_i) − z_c(x − εe_i)) / 2ε, for every input entry i (or an evenly spaced
 * `maxPerLayer` of them). Options as `gradientCheck`. Neither the input nor the weights change.
 * throws RangeError when the input does not fit the network, c is not a class, or epsilon is not > 0.
 */
export function inputGradientCheck(network: Network, input: ArrayLike<number>, c: number, {epsilon = 1e-5, floor = 1e-8, maxPerLayer = Infinity}: GradientCheckOptions = {}): InputGradientCheck {
  if (!(epsilon > 0)) throw new RangeError(`invalid epsilon: ${epsilon} (expected > 0)`);
  const analytic = network.inputGradient(input, c);
  const x = Float64Array.from(input);
  const logit = () => {
    network.forward(x);
    return network.z[network.depth - 1][c];
  };
  const stride = Math.max(1, Math.ceil(x.length / maxPerLayer));
  let maxRelativeError = 0,
    maxAbsoluteError = 0,
    checked = 0;
  for (let i = 0; i < x.length; i += stride) {
    const original = x[i];
    x[i] = original + epsilon;
    const plus = logit();
    x[i] = original - epsilon;
    const minus = logit();
    x[i] = original;
    const numeric = (plus - minus) / (2 * epsilon);
    const error = Math.abs(analytic[i] - numeric);
    maxAbsoluteError = Math.max(maxAbsoluteError, error);
    maxRelativeError = Math.max(maxRelativeError, error / Math.max(Math.abs(analytic[i]) + Math.abs(numeric), floor));
    checked++;
  }
  return {maxRelativeError, maxAbsoluteError, checked};
}
