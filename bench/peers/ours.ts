/**
 * Our engine (src/components/nn): Network + Trainer with plain SGD, the epoch's order fed
 * through a Samples view and `shuffle: false`.
 */
import {Network, Trainer, type NetworkConfig, type Samples} from "../../src/components/nn/index.js";
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

/** The epoch as Samples: sample k is MNIST image order[k], scaled to [0, 1]. */
function orderedSamples({pixels, labels, order, count}: TrainData): Samples {
  const ordered = new Uint8Array(count);
  for (let k = 0; k < count; k++) ordered[k] = labels[order[k]];
  const scale = 1 / 255;
  return {
    count,
    inputSize: INPUT_SIZE,
    labels: ordered,
    input(k, out) {
      for (let j = 0, p = order[k] * INPUT_SIZE; j < INPUT_SIZE; j++) out[j] = pixels[p + j] * scale;
    },
  };
}

function build({job, init, train}: PeerContext): PeerModel {
  const {workload} = job;
  const config: NetworkConfig = {layers: workload.sizes, activation: "relu", head: "softmax-cross-entropy", init: "he-normal", seed: 1};
  const network = new Network(
    config,
    init.map(({fanIn, fanOut, weights, biases}) => ({fanIn, fanOut, weights, biases})),
  );
  const batched = batchedPredictor(network);
  const batchSize = workload.batchSize ?? 1;
  const trainer = train
    ? new Trainer(network, orderedSamples(train), {learningRate: workload.learningRate!, batchSize, shuffle: false})
    : null;
  return {
    train(start, end) {
      if (!trainer) throw new Error("not a training workload");
      trainer.run(Math.ceil((end - start) / batchSize));
      if (trainer.diverged) throw new Error(`diverged: ${trainer.diverged.reason}`);
    },
    predictOne: (x) => network.predict(x),
    predictBatch: (x, n, out) => batched.run(x, n, out),
    batchedMethod: batched.method,
    trainMethod: `Trainer, minibatch ${batchSize}, Float64`,
  };
}

runPeer(build);
