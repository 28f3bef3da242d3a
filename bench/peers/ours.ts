/**
 * Our engine (src/components/nn): Network (or ConvNetwork for a conv workload) + Trainer with
 * plain SGD, the epoch's order fed through a Samples view and `shuffle: false`.
 */
import {ConvNetwork, fingerprint, Network, pixelSamples, Trainer, type ConvLayerSpec, type NetworkConfig, type Samples} from "../../src/components/nn/index.js";
import {INPUT_SIZE, runPeer, type PeerContext, type PeerModel, type TrainData} from "./driver.js";

/** The engine's batched inference, where it exists: classes of `count` inputs stored back to back. */
interface BatchedApi {
  predictBatch?(inputs: ArrayLike<number>, count: number, out: Uint8Array): unknown;
}

/**
 * Batched inference, the one place to change when the engine's batched API changes: its
 * `predictBatch` when the Network has one, else a loop of the per-sample `predict`.
 */
function batchedPredictor(network: Network): {method: string; run(x: Float32Array, n: number, out: Uint8Array): void} {
  const engine = network as Network & BatchedApi;
  if (typeof engine.predictBatch === "function") {
    return {method: "Network.predictBatch", run: (x, n, out) => void engine.predictBatch!(x, n, out)};
  }
  return {
    method: "per-sample Network.predict loop (no batched API)",
    run(x, n, out) {
      for (let k = 0; k < n; k++) out[k] = network.predict(x.subarray(k * INPUT_SIZE, (k + 1) * INPUT_SIZE));
    },
  };
}

/**
 * The epoch as Samples: the epoch's images copied in its order (setup, like the other runners'
 * reading of the fixtures), then pixelSamples over them, as the MNIST page and the CLI use it.
 * Its sparse index (non-zero pixels only) is built on first use, so inside the timed epoch, and
 * covers exactly the images trained on.
 */
function orderedSamples({pixels, labels, order, count}: TrainData): Samples {
  const orderedPixels = new Uint8Array(count * INPUT_SIZE);
  const orderedLabels = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    orderedPixels.set(pixels.subarray(order[k] * INPUT_SIZE, (order[k] + 1) * INPUT_SIZE), k * INPUT_SIZE);
    orderedLabels[k] = labels[order[k]];
  }
  return pixelSamples(orderedPixels, orderedLabels, INPUT_SIZE);
}

/**
 * After a full epoch of W2, the same epoch again on the reference path (dense inputs, gradient
 * buffers; `reference: true`), untimed: the fast path must give the same weights bit for bit.
 */
function referenceCheck(config: NetworkConfig, init: PeerContext["init"], train: TrainData, options: {learningRate: number; batchSize: number}, fast: Network): string {
  const network = new Network(
    config,
    init.map(({fanIn, fanOut, weights, biases}) => ({fanIn, fanOut, weights: Float64Array.from(weights), biases: Float64Array.from(biases)})),
  );
  const trainer = new Trainer(network, orderedSamples(train), {...options, shuffle: false, reference: true});
  trainer.run(Math.ceil(train.count / options.batchSize));
  const a = fingerprint(fast.layers),
    b = fingerprint(network.layers);
  return a === b ? `weights after the epoch equal the reference path's bit for bit (fingerprint ${a})` : `MISMATCH: fast path ${a}, reference path ${b}`;
}

/** A conv workload: ConvNetwork from the shared initial weights, Trainer with plain SGD; inference one sample at a time. */
function buildConv({job, init, train}: PeerContext): PeerModel {
  const {workload} = job;
  const network = new ConvNetwork(
    {input: workload.conv!.input, layers: workload.conv!.layers as ConvLayerSpec[], activation: "relu", head: "softmax-cross-entropy", init: "he-normal", seed: 1},
    init.map(({fanIn, fanOut, weights, biases}) => ({fanIn, fanOut, weights: Float64Array.from(weights), biases: Float64Array.from(biases)})),
  );
  const batchSize = workload.batchSize ?? 1;
  const trainer = train ? new Trainer(network, orderedSamples(train), {learningRate: workload.learningRate!, batchSize, shuffle: false}) : null;
  return {
    train(start, end) {
      if (!trainer) throw new Error("not a training workload");
      trainer.run(Math.ceil((end - start) / batchSize));
      if (trainer.diverged) throw new Error(`diverged: ${trainer.diverged.reason}`);
    },
    predictOne: (x) => network.predict(x),
    predictBatch(x, n, out) {
      for (let k = 0; k < n; k++) out[k] = network.predict(x.subarray(k * INPUT_SIZE, (k + 1) * INPUT_SIZE));
    },
    batchedMethod: "per-sample ConvNetwork.predict loop",
    trainMethod: `ConvNetwork + Trainer, minibatch ${batchSize}, Float64`,
  };
}

function build(ctx: PeerContext): PeerModel {
  if (ctx.job.workload.conv) return buildConv(ctx);
  const {job, init, train} = ctx;
  const {workload} = job;
  const config: NetworkConfig = {layers: workload.sizes, activation: "relu", head: "softmax-cross-entropy", init: "he-normal", seed: 1};
  // Copies: the reference check below starts again from the same initial weights.
  const network = new Network(
    config,
    init.map(({fanIn, fanOut, weights, biases}) => ({fanIn, fanOut, weights: Float64Array.from(weights), biases: Float64Array.from(biases)})),
  );
  const batched = batchedPredictor(network);
  const batchSize = workload.batchSize ?? 1;
  const trainer = train ? new Trainer(network, orderedSamples(train), {learningRate: workload.learningRate!, batchSize, shuffle: false}) : null;
  const checkReference = train !== null && workload.id === "W2";
  return {
    train(start, end) {
      if (!trainer) throw new Error("not a training workload");
      trainer.run(Math.ceil((end - start) / batchSize));
      if (trainer.diverged) throw new Error(`diverged: ${trainer.diverged.reason}`);
    },
    // Read once, after timing.
    get notes() {
      if (!checkReference || !trainer || trainer.samplesSeen !== train!.count) return [];
      return [referenceCheck(config, init, train!, {learningRate: workload.learningRate!, batchSize}, network)];
    },
    predictOne: (x) => network.predict(x),
    predictBatch: (x, n, out) => batched.run(x, n, out),
    batchedMethod: batched.method,
    trainMethod: `Trainer, minibatch ${batchSize}, Float64`,
  };
}

runPeer(build);
