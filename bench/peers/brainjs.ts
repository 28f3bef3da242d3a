/**
 * brain.js 1.6.1, NeuralNetwork (the classic CPU network, Float32Array rows), activation "relu",
 * momentum 0, one trainPattern call per sample in the epoch's order (what train() does inside,
 * minus its data preparation and error checks).
 *
 * NOT the same model as the others: brain.js's NeuralNetwork has no softmax / cross-entropy
 * head (its output layer uses the hidden activation, here ReLU, with a squared-error delta)
 * and no minibatches (one update per sample). It starts from the same weights and order, so
 * its speed is comparable; its accuracy is not.
 */
import {createRequire} from "node:module";
import {argmax, CLASSES, fillInputs, INPUT_SIZE, runPeer, type PeerContext, type PeerModel} from "./driver.js";

/** The parts of brain.js 1.x's NeuralNetwork used here (its typings leave the internals out). */
interface BrainNetwork {
  sizes: number[] | null;
  /** weights[l][j]: row j of layer l ≥ 1 (one weight per unit of layer l − 1). */
  weights: Float32Array[][];
  biases: Float32Array[];
  trainOpts: {learningRate: number; momentum: number};
  initialize(): void;
  trainPattern(value: {input: Float32Array; output: Float32Array}, logErrorRate?: boolean): number | null;
  run(input: Float32Array): Float32Array;
}
interface Brain {
  NeuralNetwork: new (options: {activation: string; hiddenLayers: number[]}) => BrainNetwork;
}
const brain = createRequire(import.meta.url)("brain.js") as Brain;

export const BRAIN_NOTE = "different model: ReLU output + squared error (brain.js NeuralNetwork has no softmax/cross-entropy)";

function build({job, init, train}: PeerContext): PeerModel {
  const {batchSize = 1, learningRate = 0} = job.workload;
  if (job.workload.kind === "train" && batchSize !== 1) throw new Error("brain.js NeuralNetwork trains one sample at a time (no minibatches)");
  const net = new brain.NeuralNetwork({activation: "relu", hiddenLayers: init.slice(0, -1).map((l) => l.fanOut)});
  net.sizes = [init[0].fanIn, ...init.map((l) => l.fanOut)];
  net.initialize();
  init.forEach(({fanIn, fanOut, weights, biases}, l) => {
    for (let j = 0; j < fanOut; j++) net.weights[l + 1][j] = Float32Array.from(weights.subarray(j * fanIn, (j + 1) * fanIn));
    net.biases[l + 1] = Float32Array.from(biases);
  });
  // Plain SGD. Set directly: brain.js's option check rejects momentum 0 (and learning rate 0 for
  // the inference workloads) as out of range.
  net.trainOpts.learningRate = learningRate;
  net.trainOpts.momentum = 0;
  const input = new Float32Array(INPUT_SIZE),
    target = new Float32Array(CLASSES);
  return {
    train(start, end) {
      const data = train!;
      for (let k = start; k < end; k++) {
        fillInputs(data, k, 1, input);
        target.fill(0);
        target[data.labels[data.order[k]]] = 1;
        net.trainPattern({input, output: target});
      }
    },
    predictOne: (x) => argmax(net.run(x)),
    predictBatch(x, n, out) {
      for (let k = 0; k < n; k++) out[k] = argmax(net.run(x.subarray(k * INPUT_SIZE, (k + 1) * INPUT_SIZE)));
    },
    batchedMethod: "per-sample net.run loop (no batched API)",
    trainMethod: "trainPattern per sample",
    notes: job.workload.kind === "train" ? [BRAIN_NOTE] : [],
  };
}

runPeer(build);
