import {describe, expect, it} from "vitest";
import {arraySamples, fingerprint, Network, Trainer, type NetworkConfig, type Samples} from "../../src/components/nn/index.js";
import {expectAllClose, expectClose} from "./tolerance.js";

const config: NetworkConfig = {layers: [3, 4, 2], activation: "tanh", head: "softmax-cross-entropy", init: "xavier-normal", seed: 5, biasInit: 0.1};

/** n samples of 3 inputs with labels alternating 0/1; `log` records every sample index read. */
function recording(n: number): Samples & {log: number[]} {
  const inputs = Array.from({length: n}, (_, i) => [Math.sin(i + 1), Math.cos(2 * i + 1), ((i * 37) % 11) / 11 - 0.5]);
  const base = arraySamples(
    inputs,
    Array.from({length: n}, (_, i) => i % 2),
  );
  const log: number[] = [];
  return {
    ...base,
    log,
    input(i, out) {
      log.push(i);
      base.input(i, out);
    },
  };
}

describe("Trainer.step", () => {
  it("batch of 2 applies the mean of the two single-sample gradients with SGD", () => {
    const x1 = [0.5, -1, 2],
      x2 = [-0.3, 0.8, 0.1];
    const net = new Network(config);
    const reference = net.clone();
    const g1 = reference.traceStep(x1, 0).gradients,
      g2 = reference.traceStep(x2, 1).gradients;
    const eta = 0.3;
    const trainer = new Trainer(net, arraySamples([x1, x2], [0, 1]), {learningRate: eta, batchSize: 2, optimizer: "sgd"});
    trainer.step();
    reference.layers.forEach((layer, l) => {
      const expectedW = Array.from(layer.weights, (w, k) => w - (eta * (g1[l].weights[k] + g2[l].weights[k])) / 2);
      const expectedB = Array.from(layer.biases, (b, k) => b - (eta * (g1[l].biases[k] + g2[l].biases[k])) / 2);
      expectAllClose(net.layers[l].weights, expectedW, {abs: 1e-15}, `W${l + 1}`);
      expectAllClose(net.layers[l].biases, expectedB, {abs: 1e-15}, `b${l + 1}`);
    });
  });

  it("returns the minibatch's mean loss before the update", () => {
    const x1 = [0.5, -1, 2],
      x2 = [-0.3, 0.8, 0.1];
    const net = new Network(config);
    const reference = net.clone();
    reference.forward(x1);
    const l1 = reference.loss(0);
    reference.forward(x2);
    const l2 = reference.loss(1);
    const trainer = new Trainer(net, arraySamples([x1, x2], [0, 1]), {learningRate: 0.3, batchSize: 2});
    expectClose(trainer.step(), (l1 + l2) / 2, {abs: 1e-15});
    expectClose(trainer.takeLoss(), (l1 + l2) / 2, {abs: 1e-15});
    expect(trainer.takeLoss()).toBeNaN();
  });

  it("an epoch visits every sample exactly once, in epochOrder, with a smaller last batch (10 samples, batch 3 → 3+3+3+1)", () => {
    const samples = recording(10);
    const trainer = new Trainer(new Network(config), samples, {learningRate: 0.01, batchSize: 3});
    const order = Array.from(trainer.epochOrder);
    expect(order.slice().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const sizes: number[] = [];
    for (let k = 0; k < 4; k++) {
      expect(trainer.epoch).toBe(0);
      const before = samples.log.length;
      trainer.step();
      sizes.push(samples.log.length - before);
    }
    expect(sizes).toEqual([3, 3, 3, 1]);
    expect(samples.log).toEqual(order);
    expect(trainer.epoch).toBe(1);
    expect(trainer.steps).toBe(4);
    expect(trainer.samplesSeen).toBe(10);
    expect(trainer.epochProgress).toBe(0);
  });

  it("reshuffles for the next epoch, which again visits every sample once", () => {
    const samples = recording(20);
    const trainer = new Trainer(new Network(config), samples, {learningRate: 0.01, batchSize: 6});
    const first = Array.from(trainer.epochOrder);
    trainer.run(4); // 6+6+6+2
    const second = Array.from(trainer.epochOrder);
    expect(second).not.toEqual(first);
    trainer.run(4);
    expect(samples.log.slice(0, 20)).toEqual(first);
    expect(samples.log.slice(20)).toEqual(second);
    expect(samples.log.slice(20).sort((a, b) => a - b)).toEqual(Array.from({length: 20}, (_, i) => i));
    expect(trainer.epoch).toBe(2);
  });

  it("epochProgress is the fraction of the epoch done", () => {
    const trainer = new Trainer(new Network(config), recording(8), {learningRate: 0.01, batchSize: 2});
    trainer.step();
    expect(trainer.epochProgress).toBe(0.25);
    trainer.step();
    expect(trainer.epochProgress).toBe(0.5);
  });

  it("caps the batch size at the number of samples", () => {
    const samples = recording(5);
    const trainer = new Trainer(new Network(config), samples, {learningRate: 0.01, batchSize: 64});
    expect(trainer.batchSize).toBe(5);
    trainer.step();
    expect(samples.log.length).toBe(5);
    expect(trainer.epoch).toBe(1);
  });

  it("reduces the training loss on a separable toy problem", () => {
    const samples = recording(16);
    const net = new Network(config);
    const trainer = new Trainer(net, samples, {learningRate: 0.5, batchSize: 4, optimizer: "momentum", momentum: 0.9});
    trainer.run(4);
    const early = trainer.takeLoss();
    trainer.run(400);
    trainer.takeLoss();
    trainer.run(4);
    expect(trainer.takeLoss()).toBeLessThan(early / 2);
  });
});

describe("Trainer sample order", () => {
  const samples = recording(50);

  it("does not depend on the init name: same seed, he-normal vs xavier-normal give the same epochOrder", () => {
    const a = new Trainer(new Network({...config, init: "he-normal", seed: 9}), samples, {learningRate: 0.1, batchSize: 5});
    const b = new Trainer(new Network({...config, init: "xavier-normal", seed: 9}), samples, {learningRate: 0.1, batchSize: 5});
    expect(Array.from(a.epochOrder)).toEqual(Array.from(b.epochOrder));
    expect(fingerprint(a.network.layers)).not.toBe(fingerprint(b.network.layers));
  });

  it("follows the network's seed by default, and the `seed` option when given", () => {
    const order = (netSeed: number, seed?: number) => Array.from(new Trainer(new Network({...config, seed: netSeed}), samples, {learningRate: 0.1, batchSize: 5, seed}).epochOrder);
    expect(order(9)).toEqual(order(9));
    expect(order(9)).not.toEqual(order(10));
    expect(order(9, 10)).toEqual(order(10));
    expect(order(9, 123)).toEqual(order(10, 123));
  });

  it("is a permutation of 0 … count − 1", () => {
    const t = new Trainer(new Network(config), samples, {learningRate: 0.1, batchSize: 5});
    expect(Array.from(t.epochOrder).sort((a, b) => a - b)).toEqual(Array.from({length: 50}, (_, i) => i));
  });

  it("two trainers with the same seeds give bit-identical weights after the same steps", () => {
    const run = () => {
      const t = new Trainer(new Network(config), recording(30), {learningRate: 0.05, batchSize: 4, optimizer: "adam"});
      t.run(25);
      return fingerprint(t.network.layers);
    };
    expect(run()).toBe(run());
  });
});

describe("Trainer.run and divergence", () => {
  it("run(n) returns the number of updates applied", () => {
    const trainer = new Trainer(new Network(config), recording(10), {learningRate: 0.01, batchSize: 3});
    expect(trainer.run(7)).toBe(7);
    expect(trainer.steps).toBe(7);
    expect(trainer.run(0)).toBe(0);
    expect(trainer.diverged).toBeNull();
  });

  it("sets diverged at step 1 when the very first update overflows, takes no further steps, and leaves the weights alone", () => {
    // One weight layer 1→2, input 1e10: |∂L/∂w| ≈ 0.5e10, so η·g = 1e300·0.5e10 overflows to ±Infinity.
    const net = new Network({layers: [1, 2], activation: "identity", head: "softmax-cross-entropy", init: "zeros", seed: 1});
    const trainer = new Trainer(net, arraySamples([[1e10]], [0]), {learningRate: 1e300, batchSize: 1});
    expect(trainer.run(5)).toBe(1);
    expect(trainer.diverged).not.toBeNull();
    expect(trainer.diverged!.step).toBe(1);
    expect(trainer.diverged!.reason).toMatch(/step 1/);
    expect(trainer.steps).toBe(1);
    const frozen = fingerprint(net.layers);
    expect(trainer.step()).toBeNaN();
    expect(trainer.run(10)).toBe(0);
    expect(trainer.steps).toBe(1);
    expect(fingerprint(net.layers)).toBe(frozen);
  });

  it("sets diverged with the step number for an absurd learning rate (1e6, identity hidden layers, large inputs)", () => {
    const net = new Network({layers: [3, 8, 8, 2], activation: "identity", head: "softmax-cross-entropy", init: "he-normal", seed: 2});
    const inputs = [
      [100, -200, 300],
      [-400, 50, 250],
      [150, 150, -300],
      [10, -500, 20],
    ];
    const trainer = new Trainer(net, arraySamples(inputs, [0, 1, 0, 1]), {learningRate: 1e6, batchSize: 2});
    const applied = trainer.run(1000);
    expect(trainer.diverged).not.toBeNull();
    expect(applied).toBeLessThan(1000);
    expect(applied).toBe(trainer.steps);
    // The divergent step is the last applied one (non-finite weight) or the next one (non-finite loss, not applied).
    expect([trainer.steps, trainer.steps + 1]).toContain(trainer.diverged!.step);
    expect(trainer.diverged!.reason).toContain(`step ${trainer.diverged!.step}`);
    const frozen = fingerprint(net.layers);
    expect(trainer.run(10)).toBe(0);
    expect(fingerprint(net.layers)).toBe(frozen);
  });

  it("the same network does not diverge at a sane learning rate", () => {
    const net = new Network({layers: [3, 8, 8, 2], activation: "identity", head: "softmax-cross-entropy", init: "he-normal", seed: 2});
    const inputs = [
      [1, -2, 3],
      [-4, 0.5, 2.5],
      [1.5, 1.5, -3],
      [0.1, -5, 0.2],
    ];
    const trainer = new Trainer(net, arraySamples(inputs, [0, 1, 0, 1]), {learningRate: 0.001, batchSize: 2});
    expect(trainer.run(200)).toBe(200);
    expect(trainer.diverged).toBeNull();
  });
});

describe("Trainer options", () => {
  const samples = recording(6);

  it("defaults to sgd, to momentum when momentum > 0, and honours an explicit optimizer", () => {
    expect(new Trainer(new Network(config), samples, {learningRate: 0.1, batchSize: 2}).optimizer.name).toBe("sgd");
    expect(new Trainer(new Network(config), samples, {learningRate: 0.1, batchSize: 2, momentum: 0.5}).optimizer.name).toBe("momentum");
    expect(new Trainer(new Network(config), samples, {learningRate: 0.1, batchSize: 2, optimizer: "adam"}).optimizer.name).toBe("adam");
  });

  it.each([NaN, Infinity, -Infinity, 0, -1])("throws RangeError naming the learning rate %s", (learningRate) => {
    expect(() => new Trainer(new Network(config), samples, {learningRate, batchSize: 2})).toThrow(RangeError);
    expect(() => new Trainer(new Network(config), samples, {learningRate, batchSize: 2})).toThrow(`invalid learning rate: ${learningRate}`);
  });

  it.each([0, -2, 1.5, NaN])("throws RangeError naming the batch size %s", (batchSize) => {
    expect(() => new Trainer(new Network(config), samples, {learningRate: 0.1, batchSize})).toThrow(RangeError);
    expect(() => new Trainer(new Network(config), samples, {learningRate: 0.1, batchSize})).toThrow(`invalid batch size: ${batchSize}`);
  });

  it("throws RangeError naming an unknown optimizer", () => {
    expect(() => new Trainer(new Network(config), samples, {learningRate: 0.1, batchSize: 2, optimizer: "lion" as "sgd"})).toThrow(/invalid optimizer: "lion"/);
  });

  it("throws RangeError when the samples' input size differs from the network's", () => {
    expect(() => new Trainer(new Network(config), arraySamples([[1, 2]], [0]), {learningRate: 0.1, batchSize: 1})).toThrow(/input size 2, network expects 3/);
  });

  it.each([2, -1, 0.5, NaN])("throws RangeError naming the bad label %s and its sample", (label) => {
    const bad = arraySamples(
      [
        [0, 0, 0],
        [1, 1, 1],
      ],
      [0, label],
    );
    expect(() => new Trainer(new Network(config), bad, {learningRate: 0.1, batchSize: 1})).toThrow(RangeError);
    expect(() => new Trainer(new Network(config), bad, {learningRate: 0.1, batchSize: 1})).toThrow(`invalid label ${label} at sample 1`);
  });

  it("throws RangeError for empty samples", () => {
    expect(() => new Trainer(new Network(config), {count: 0, inputSize: 3, labels: [], input() {}}, {learningRate: 0.1, batchSize: 1})).toThrow(/empty/);
  });
});
