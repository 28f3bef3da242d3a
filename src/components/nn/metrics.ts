/**
 * Loss, accuracy and the confusion matrix of a network over a set of samples.
 */
import {argmax, type Network} from "./network.js";
import type {Samples} from "./samples.js";
import type {EvaluableNetwork} from "./trainable.js";

/** Runs sample i forward through the network's workspace, through the sparse path where the samples have one. */
function forwardSample(network: EvaluableNetwork, samples: Samples, i: number, x: Float64Array): void {
  if (samples.sparse) {
    samples.sparse(i, network.sparse);
    network.forwardSparse();
  } else {
    samples.input(i, x);
    network.forwardWorkspace();
  }
}

export interface Evaluation {
  /** Mean loss per sample (the head's loss: cross-entropy in nats, or ½·squared error). */
  loss: number;
  /** Fraction of samples whose largest output is the true class, in [0, 1]. */
  accuracy: number;
  /** Number of samples evaluated. */
  count: number;
  /** classes × classes counts, row-major: confusion[true · classes + predicted]. */
  confusion: Uint32Array;
  /** Predicted class of each sample. */
  predictions: Uint8Array;
}

/**
 * Evaluates `network` (a Network, or a ConvNetwork) on the first `limit` samples (default all).
 * throws RangeError when the samples' input size differs from the network's.
 */
export function evaluate(network: EvaluableNetwork, samples: Samples, {limit = samples.count}: {limit?: number} = {}): Evaluation {
  if (samples.inputSize !== network.inputSize) {
    throw new RangeError(`invalid samples: input size ${samples.inputSize}, network expects ${network.inputSize}`);
  }
  const n = Math.min(limit, samples.count);
  const classes = network.outputSize;
  const confusion = new Uint32Array(classes * classes);
  const predictions = new Uint8Array(n);
  const x = network.a[0];
  let loss = 0,
    correct = 0;
  for (let i = 0; i < n; i++) {
    forwardSample(network, samples, i, x);
    const label = samples.labels[i];
    // Argmax of the logits, as Network.predict: the heads are increasing, and logits never round to ties.
    const predicted = argmax(network.z[network.depth - 1]);
    loss += network.loss(label);
    predictions[i] = predicted;
    if (predicted === label) correct++;
    confusion[label * classes + predicted]++;
  }
  return {loss: n ? loss / n : NaN, accuracy: n ? correct / n : NaN, count: n, confusion, predictions};
}

/**
 * Dead hidden units: units whose activation is exactly 0 on every one of the first `limit`
 * samples (default all). A dead ReLU unit passes no gradient back (f'(z) = 0 for z ≤ 0), so it
 * can never recover. Returns one Uint8Array per hidden layer (1 = dead), index l − 1 for layer l,
 * plus the counts. throws RangeError when the samples' input size differs from the network's.
 */
export function deadUnits(network: Network, samples: Samples, {limit = samples.count}: {limit?: number} = {}): {dead: Uint8Array[]; perLayer: number[]; total: number; units: number} {
  if (samples.inputSize !== network.inputSize) {
    throw new RangeError(`invalid samples: input size ${samples.inputSize}, network expects ${network.inputSize}`);
  }
  const hidden = network.depth - 1;
  // alive[l][j] = 1 once unit j of hidden layer l + 1 was non-zero on some sample.
  const alive = Array.from({length: hidden}, (_, l) => new Uint8Array(network.layers[l].fanOut));
  const n = Math.min(limit, samples.count);
  const x = network.a[0];
  // Units still silent; the pass stops early once every unit has fired (a healthy network: a few digits).
  let silent = alive.reduce((s, a) => s + a.length, 0);
  for (let i = 0; i < n && silent > 0; i++) {
    forwardSample(network, samples, i, x);
    for (let l = 0; l < hidden; l++) {
      const a = network.a[l + 1],
        seen = alive[l];
      for (let j = 0; j < a.length; j++)
        if (a[j] !== 0 && !seen[j]) {
          seen[j] = 1;
          silent--;
        }
    }
  }
  const dead = alive.map((seen) => seen.map((v) => 1 - v));
  const perLayer = dead.map((d) => d.reduce((s, v) => s + v, 0));
  return {dead, perLayer, total: perLayer.reduce((s, v) => s + v, 0), units: alive.reduce((s, a) => s + a.length, 0)};
}
