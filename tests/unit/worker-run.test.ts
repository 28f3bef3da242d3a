import {describe, expect, it} from "vitest";
import {fingerprint, Network, pixelSamples, source, Trainer, type NetworkConfig, type TrainingOptions} from "../../src/components/nn/index.js";
import {packParameters, TrainingWorker, unpackParameters, type TrainingWorkerInit} from "../../src/components/runs/worker-run.js";
import type {RunState} from "../../src/components/runs/live-run.js";
import {fakeWorker, until} from "./fake-worker.js";

/** 400 random "digits" of 64 pixels in 10 classes (class c brightens pixels 6c … 6c + 5). */
function digits(n: number, seed: number) {
  const random = source(seed);
  const labels = Uint8Array.from({length: n}, (_, i) => i % 10);
  const pixels = new Uint8Array(n * 64);
  labels.forEach((c, i) => {
    for (let p = 0; p < 64; p++) pixels[i * 64 + p] = Math.floor(random() * 60) + (p >= 6 * c && p < 6 * c + 6 ? 180 : 0);
  });
  return {pixels, labels, inputSize: 64};
}
const init: TrainingWorkerInit = {train: digits(400, 1), test: digits(100, 2)};
const config: NetworkConfig = {layers: [64, 12, 10], activation: "relu", head: "softmax-cross-entropy", init: "he-normal", seed: 5};
const training: TrainingOptions = {learningRate: 0.05, batchSize: 8, optimizer: "momentum", momentum: 0.9};

describe("packParameters / unpackParameters", () => {
  it("round-trip every weight and bias, and refuse a size mismatch", () => {
    const a = new Network(config),
      b = new Network({...config, seed: 6});
    unpackParameters(b, packParameters(a));
    expect(fingerprint(b.layers)).toBe(fingerprint(a.layers));
    expect(() => unpackParameters(b, new Float64Array(3))).toThrow(/3 values, the network has/);
  });
});

describe("WorkerRun", () => {
  it("trains in the worker to the same weights as a bare Trainer, and mirrors them on the page", async () => {
    const host = new TrainingWorker(fakeWorker, init);
    const run = host.createRun(config, training, {evalEvery: 100, maxEpochs: 1, notifyEveryMs: 0});
    expect(run.state.status).toBe("idle");
    run.start();
    const done = await until(run, (s) => s.status === "paused" && s.samplesSeen >= 400);
    const reference = new Network(config);
    new Trainer(reference, pixelSamples(init.train.pixels, init.train.labels, 64), training).run(done.steps);
    expect(done.fingerprint).toBe(fingerprint(reference.layers));
    expect(fingerprint(run.network.layers)).toBe(done.fingerprint);
    expect(done.history.length).toBeGreaterThan(2);
    host.dispose();
  });

  it("steps one minibatch and reports it; reset returns to the seed's weights", async () => {
    const host = new TrainingWorker(fakeWorker, init);
    const run = host.createRun(config, training, {notifyEveryMs: 0});
    await until(run, (s) => s.history.length === 1);
    const first = run.state.fingerprint;
    const info = await run.step();
    expect(info!.indices).toHaveLength(8);
    expect(new Set(info!.indices).size).toBe(8);
    expect(Number.isFinite(info!.loss)).toBe(true);
    expect(run.state.steps).toBe(1);
    expect(run.state.fingerprint).not.toBe(first);
    run.reset();
    const back = await until(run, (s) => s.steps === 0);
    expect(back.fingerprint).toBe(first);
    host.dispose();
  });

  it("stops with the dead-layer diagnosis when a hidden layer is silent, as the main-thread run does", async () => {
    const host = new TrainingWorker(fakeWorker, init);
    const run = host.createRun({...config, init: "zeros"}, training, {diagnose: "dead-layer", notifyEveryMs: 0});
    const s = await until(run, (x) => x.status === "stopped");
    expect(s.message).toMatch(/H1 is 0 on every test digit/);
    expect(s.end).toMatchObject({kind: "stopped", diagnosis: {code: "zero-init", layer: 1}});
    host.dispose();
  });

  it("ignores a replaced run's messages and refuses a bad config before sending it", async () => {
    const host = new TrainingWorker(fakeWorker, init);
    const old = host.createRun(config, training, {notifyEveryMs: 0});
    const seen: RunState[] = [];
    old.subscribe((s) => seen.push(s));
    const next = host.createRun({...config, seed: 9}, training, {notifyEveryMs: 0});
    await until(next, (s) => s.history.length === 1);
    expect(seen).toHaveLength(1); // only the initial, local state
    expect(() => host.createRun({...config, layers: [64, 0, 10]}, training)).toThrow(/layer size/);
    host.dispose();
  });
});

describe("WorkerRun crash", () => {
  it("a crashed worker ends the run with a typed crash, and Reset starts a new worker from the seed", async () => {
    const workers: Worker[] = [];
    const host = new TrainingWorker(() => {
      const w = fakeWorker();
      workers.push(w);
      return w;
    }, init);
    const run = host.createRun(config, training, {notifyEveryMs: 0});
    const first = (await until(run, (s) => s.history.length === 1)).fingerprint;
    await run.step();
    // The worker dies: its onerror fires (what a browser does on an uncaught exception).
    (workers[0].onerror as (e: Partial<ErrorEvent>) => void)({message: "out of memory"});
    const crashed = run.state;
    expect(crashed.status).toBe("crashed");
    expect(crashed.end).toEqual({kind: "crashed", error: "out of memory"});
    expect(run.ended).toBe(true);
    run.reset();
    const back = await until(run, (s) => s.status === "idle" && s.history.length === 1);
    expect(workers).toHaveLength(2);
    expect(back.end).toBeNull();
    expect(back.fingerprint).toBe(first);
    host.dispose();
  });
});

describe("WorkerRun controls", () => {
  it("refuses a speed or epoch budget that is not > 0 with LiveRun's messages", () => {
    const host = new TrainingWorker(fakeWorker, init);
    const run = host.createRun(config, training);
    expect(() => run.setSpeed(0)).toThrow(/invalid speed: 0 \(expected samples per second > 0\)/);
    expect(() => run.setMaxEpochs(-1)).toThrow(/invalid maxEpochs: -1/);
    host.dispose();
  });
});
