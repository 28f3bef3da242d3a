// The conv extension of the page runs: a LiveRun / WorkerRun created from a ConvNetworkConfig trains
// a ConvNetwork with the same Trainer, so its fingerprint after N updates is a bare Trainer's; its
// state carries every parameter and the page-side mirror is a ConvNetwork. The dense path is
// tested unchanged in worker-run.test.ts and live-run.test.ts.
import {describe, expect, it} from "vitest";
import {ConvNetwork, fingerprint, Network, pixelSamples, source, Trainer, type ConvNetworkConfig, type NetworkConfig, type TrainingOptions} from "../../src/components/nn/index.js";
import {packParameters, TrainingWorker, unpackParameters, type TrainingWorkerInit} from "../../src/components/runs/worker-run.js";
import {architectureOf, buildNetwork, isConvConfig, LiveRun} from "../../src/components/runs/live-run.js";
import {fakeWorker, until} from "./fake-worker.js";

/** n random 8 × 8 "digits" in 10 classes (class c brightens row c mod 8, and column c for c ≥ 8). */
function digits(n: number, seed: number) {
  const random = source(seed);
  const labels = Uint8Array.from({length: n}, (_, i) => i % 10);
  const pixels = new Uint8Array(n * 64);
  labels.forEach((c, i) => {
    for (let p = 0; p < 64; p++) {
      const lit = c < 8 ? Math.floor(p / 8) === c : p % 8 === c - 8;
      pixels[i * 64 + p] = Math.floor(random() * 60) + (lit ? 180 : 0);
    }
  });
  return {pixels, labels, inputSize: 64};
}
const init: TrainingWorkerInit = {train: digits(300, 1), test: digits(100, 2)};
const config: ConvNetworkConfig = {
  input: [1, 8, 8],
  layers: [
    {type: "conv", channels: 4, kernel: 3},
    {type: "maxpool", size: 2},
    {type: "dense", units: 10},
  ],
  activation: "relu",
  head: "softmax-cross-entropy",
  init: "he-normal",
  seed: 3,
};
const training: TrainingOptions = {learningRate: 0.05, batchSize: 8, optimizer: "momentum", momentum: 0.9};

const reference = (steps: number) => {
  const network = new ConvNetwork(config);
  new Trainer(network, pixelSamples(init.train.pixels, init.train.labels, 64), training).run(steps);
  return network;
};

describe("isConvConfig / buildNetwork / architectureOf", () => {
  it("tell a conv config from a dense one and build the matching network", () => {
    const dense: NetworkConfig = {layers: [64, 10], activation: "relu", head: "softmax-cross-entropy", init: "he-normal", seed: 1};
    expect(isConvConfig(config)).toBe(true);
    expect(isConvConfig(dense)).toBe(false);
    expect(buildNetwork<ConvNetwork>(config)).toBeInstanceOf(ConvNetwork);
    expect(buildNetwork<Network>(dense)).toBeInstanceOf(Network);
    expect(architectureOf(dense)).toBe("64→10");
    // A config and the normalised config of the network built from it describe the same architecture.
    expect(architectureOf(new ConvNetwork(config).config)).toBe(architectureOf(config));
    expect(architectureOf({...config, layers: [{type: "conv", channels: 5, kernel: 3}, ...config.layers.slice(1)]})).not.toBe(architectureOf(config));
  });
});

describe("packParameters / unpackParameters on a ConvNetwork", () => {
  it("round-trip every kernel weight and bias", () => {
    const a = new ConvNetwork(config),
      b = new ConvNetwork({...config, seed: 4});
    const params = packParameters(a);
    expect(params.length).toBe(a.parameterCount);
    unpackParameters(b, params);
    expect(fingerprint(b.layers)).toBe(fingerprint(a.layers));
  });
});

describe("LiveRun of a ConvNetwork", () => {
  it("steps like a bare Trainer and reports the conv net's parameter count", () => {
    const train = pixelSamples(init.train.pixels, init.train.labels, 64),
      test = pixelSamples(init.test.pixels, init.test.labels, 64);
    const run = new LiveRun<ConvNetwork>(config, training, train, test, {schedule: () => undefined});
    expect(run.network).toBeInstanceOf(ConvNetwork);
    for (let k = 0; k < 5; k++) run.step();
    expect(run.state.fingerprint).toBe(fingerprint(reference(5).layers));
    expect(run.state.parameters).toBe(4 * 9 + 4 + 10 * 4 * 3 * 3 + 10);
    run.reset();
    expect(run.state.fingerprint).toBe(fingerprint(new ConvNetwork(config).layers));
    expect(() => run.adopt(new ConvNetwork({...config, layers: [{type: "conv", channels: 2, kernel: 3}, ...config.layers.slice(1)]}))).toThrow(/invalid network: layers/);
  });
});

describe("WorkerRun of a ConvNetwork", () => {
  it("trains in the worker to a bare Trainer's weights, and mirrors them in a ConvNetwork", async () => {
    const host = new TrainingWorker(fakeWorker, init);
    const run = host.createConvRun(config, training, {evalEvery: 100, maxEpochs: 3, notifyEveryMs: 0, details: true});
    expect(run.network).toBeInstanceOf(ConvNetwork);
    run.start();
    const done = await until(run, (s) => s.status === "paused" && s.samplesSeen >= 900);
    expect(done.fingerprint).toBe(fingerprint(reference(done.steps).layers));
    expect(fingerprint(run.network.layers)).toBe(done.fingerprint);
    expect(done.testAccuracy).toBeGreaterThan(0.3); // chance is 0.1
    // Details without dead units: the confusion matrix counts every test digit.
    expect(run.details!.dead).toEqual([]);
    expect(run.details!.confusion.reduce((a, b) => a + b, 0)).toBe(100);
    host.dispose();
  });

  it("steps, resets to the seed's weights, and adopts a conv network", async () => {
    const host = new TrainingWorker(fakeWorker, init);
    const run = host.createConvRun(config, training, {notifyEveryMs: 0});
    const initial = run.state.fingerprint;
    expect(initial).toBe(fingerprint(new ConvNetwork(config).layers));
    const info = await run.step();
    expect(info!.indices).toHaveLength(8);
    await until(run, (s) => s.steps === 1);
    expect(run.state.fingerprint).toBe(fingerprint(reference(1).layers));
    run.reset();
    await until(run, (s) => s.steps === 0 && s.status === "idle");
    expect(run.state.fingerprint).toBe(initial);
    const trained = reference(7);
    run.adopt(trained, {steps: 7, samplesSeen: 56});
    const adopted = await until(run, (s) => s.steps === 7);
    expect(adopted.fingerprint).toBe(fingerprint(trained.layers));
    host.dispose();
  });

  it("refuses a diagnosis and a bad config before anything is sent", () => {
    const host = new TrainingWorker(fakeWorker, init);
    expect(() => host.createConvRun(config, training, {diagnose: "dead-layer"})).toThrow(/fully-connected/);
    expect(() =>
      host.createConvRun(
        {
          ...config,
          layers: [
            {type: "conv", channels: 4, kernel: 9},
            {type: "dense", units: 10},
          ],
        },
        training,
      ),
    ).toThrow(/layers\[0\] \(conv\)/);
    host.dispose();
  });
});
