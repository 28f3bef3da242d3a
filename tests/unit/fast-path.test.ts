import {describe, expect, it} from "vitest";
import {arraySamples, fingerprint, Network, pixelSamples, source, sparseAffine, Trainer, type NetworkConfig, type Samples} from "../../src/components/nn/index.js";
import {firstLayerKernel} from "../../src/components/nn/simd.js";
import {readMnist} from "../../src/components/datasets/mnist-node.js";
import {balancedIndices, take} from "../../src/components/datasets/subsets.js";
import {expectBitIdentical} from "./tolerance.js";

// The engine's fast path (non-zero inputs only, first-layer columns updated only where they
// moved, backpropagation fused with the update for plain SGD at batch size 1) must give the
// reference path's results bit for bit. The reference path is `reference: true` on dense samples.
const mnist = readMnist("train");
const subset = take(mnist, balancedIndices(mnist.labels, 100));
const fast = pixelSamples(subset.pixels, subset.labels, 784);
const reference: Samples = {count: fast.count, inputSize: fast.inputSize, labels: fast.labels, input: fast.input};

const config = (overrides: Partial<NetworkConfig> = {}): NetworkConfig => ({layers: [784, 16, 16, 10], activation: "relu", head: "softmax-cross-entropy", init: "he-normal", seed: 5, ...overrides});

describe("Network.forwardSparse", () => {
  it("gives the dense forward pass's outputs bit for bit on MNIST digits", () => {
    const net = new Network(config({activation: "sigmoid"}));
    for (let i = 0; i < 50; i++) {
      fast.input(i, net.a[0]);
      const dense = net.forwardWorkspace().slice();
      fast.sparse!(i, net.sparse);
      expect(net.sparse.nnz).toBeLessThan(784 / 2);
      expectBitIdentical(net.forwardSparse().slice(), dense, `digit ${i}`);
    }
  });

  it("matches the dense pass when the input size is not a multiple of 4 (the tail goes to one partial sum)", () => {
    const random = source(11);
    const net = new Network({layers: [23, 5, 3], activation: "tanh", head: "sigmoid-mse", init: "xavier-uniform", seed: 2});
    for (let trial = 0; trial < 30; trial++) {
      const x = Array.from({length: 23}, () => (random() < 0.3 ? random() * 4 - 2 : 0));
      net.a[0].set(x);
      const dense = net.forwardWorkspace().slice();
      let nnz = 0;
      x.forEach((v, i) => v !== 0 && ((net.sparse.index[nnz] = i), (net.sparse.value[nnz++] = v)));
      net.sparse.nnz = nnz;
      expectBitIdentical(net.forwardSparse().slice(), dense, `trial ${trial}`);
      // forward() picks a kernel by density; either way the same bits.
      expectBitIdentical(net.forward(x).slice(), dense, `forward() trial ${trial}`);
    }
  });
});

describe("Trainer fast path", () => {
  it.each([
    ["sgd, batch 1", {learningRate: 0.05, batchSize: 1}, config()],
    ["sgd, batch 32 (W2)", {learningRate: 0.1, batchSize: 32}, config()],
    ["momentum, batch 10", {learningRate: 0.01, batchSize: 10, momentum: 0.9}, config({activation: "sigmoid", init: "xavier-normal"})],
    ["adam, batch 4", {learningRate: 0.002, batchSize: 4, optimizer: "adam" as const}, config({activation: "leaky-relu"})],
    ["sgd, batch 32, 784-128-64-10 (W4)", {learningRate: 0.1, batchSize: 32}, config({layers: [784, 128, 64, 10]})],
  ])("%s: the same weights as the reference path, bit for bit, after more than an epoch", (_name, options, networkConfig) => {
    const a = new Network(networkConfig),
      b = new Network(networkConfig);
    const ta = new Trainer(a, fast, options),
      tb = new Trainer(b, reference, {...options, reference: true});
    const steps = Math.ceil((1.5 * fast.count) / options.batchSize);
    ta.run(steps);
    tb.run(steps);
    expect(ta.steps).toBe(steps);
    expect(ta.diverged).toBeNull();
    expect(fingerprint(a.layers)).toBe(fingerprint(b.layers));
    a.layers.forEach((layer, l) =>
      expectBitIdentical(
        layer.weights.map((w) => w + 0),
        b.layers[l].weights.map((w) => w + 0),
        `layer ${l + 1}`,
      ),
    );
    // It learned something, so the comparison is not between two untouched networks.
    expect(fingerprint(a.layers)).not.toBe(fingerprint(new Network(networkConfig).layers));
  });

  it("the fused SGD step on dense samples matches the reference path too", () => {
    const a = new Network(config({activation: "tanh"})),
      b = new Network(config({activation: "tanh"}));
    new Trainer(a, reference, {learningRate: 0.03, batchSize: 1}).run(700);
    new Trainer(b, reference, {learningRate: 0.03, batchSize: 1, reference: true}).run(700);
    expect(fingerprint(a.layers)).toBe(fingerprint(b.layers));
  });

  // pixelSamples scales by multiplying with 1/255 (not dividing by 255: the two round differently).
  it("arraySamples (no sparse path) and pixelSamples train the same network from the same pixels", () => {
    const images = Array.from({length: 40}, (_, i) => Array.from(subset.pixels.subarray(i * 784, (i + 1) * 784), (p) => p * (1 / 255)));
    const labels = Array.from(subset.labels.subarray(0, 40));
    const small = pixelSamples(subset.pixels.subarray(0, 40 * 784), subset.labels.subarray(0, 40), 784);
    const a = new Network(config()),
      b = new Network(config());
    new Trainer(a, small, {learningRate: 0.05, batchSize: 3}).run(30);
    new Trainer(b, arraySamples(images, labels), {learningRate: 0.05, batchSize: 3}).run(30);
    expect(fingerprint(a.layers)).toBe(fingerprint(b.layers));
  });
});

describe("Network.predictBatch", () => {
  it("gives the argmax of each forward pass's outputs, for sparse digits and for dense inputs", () => {
    const net = new Network(config({activation: "tanh", init: "xavier-normal"}));
    new Trainer(net, fast, {learningRate: 0.05, batchSize: 8}).run(100);
    const count = 200;
    const digits = Float32Array.from(subset.pixels.subarray(0, count * 784), (p) => p / 255);
    const random = source(3);
    const dense = Float64Array.from({length: 20 * 784}, () => random());
    for (const [inputs, n] of [
      [digits, count],
      [dense, 20],
    ] as const) {
      const out = net.predictBatch(inputs, n, new Uint8Array(n));
      for (let c = 0; c < n; c++) {
        const probabilities = Array.from(net.forward(inputs.subarray(c * 784, (c + 1) * 784)));
        const best = probabilities.indexOf(Math.max(...probabilities));
        expect(out[c], `sample ${c}`).toBe(best);
        expect(net.predict(inputs.subarray(c * 784, (c + 1) * 784))).toBe(best);
      }
    }
  });

  it("throws RangeError when the inputs or the output are too short", () => {
    const net = new Network(config());
    expect(() => net.predictBatch(new Float32Array(784 * 2 - 1), 2, new Uint8Array(2))).toThrow(/invalid inputs: length 1567, expected 2 × 784/);
    expect(() => net.predictBatch(new Float32Array(784 * 2), 2, new Uint8Array(1))).toThrow(/invalid out: length 1, expected ≥ 2/);
  });
});

describe("firstLayerKernel (WebAssembly SIMD)", () => {
  it("runs in Node and gives sparseAffine's z⁽¹⁾ bit for bit, for layer widths with and without a remainder of 8", () => {
    for (const width of [16, 13, 128]) {
      const net = new Network(config({layers: [784, width, 10], activation: "sigmoid"}));
      new Trainer(net, fast, {learningRate: 0.05, batchSize: 16}).run(20);
      const kernel = firstLayerKernel(net.layers[0].fanIn, net.layers[0].fanOut);
      expect(kernel, "Node 20 supports WebAssembly SIMD").not.toBeNull();
      kernel!.load(net.layers[0]);
      const {weights, biases, fanIn, fanOut} = net.layers[0];
      const z = new Float64Array(fanOut);
      for (let i = 0; i < 40; i++) {
        fast.sparse!(i, net.sparse);
        const {index, value, nnz} = net.sparse;
        kernel!.index.set(index.subarray(0, nnz));
        kernel!.value.set(value.subarray(0, nnz));
        kernel!.run(nnz);
        sparseAffine(weights, biases, index, value, nnz, z, fanIn, fanOut);
        expectBitIdentical(kernel!.z, z, `width ${width}, digit ${i}`);
      }
    }
  });

  it("runF32 finds the non-zero entries itself (−0 counts as zero, input size not a multiple of 4) and matches sparseAffine", () => {
    const net = new Network({layers: [23, 13, 3], activation: "tanh", head: "softmax-cross-entropy", init: "he-uniform", seed: 9});
    const kernel = firstLayerKernel(23, 13)!;
    kernel.load(net.layers[0]);
    expect(() => kernel.load(new Network({layers: [23, 12, 3], activation: "tanh", head: "softmax-cross-entropy", init: "he-uniform", seed: 9}).layers[0])).toThrow(/12×23, this kernel is 13×23/);
    const random = source(4);
    const count = 300;
    const inputs = Float32Array.from({length: count * 23}, () => (random() < 0.3 ? random() * 2 - 1 : random() < 0.5 ? -0 : 0));
    const {weights, biases} = net.layers[0];
    const z = new Float64Array(13),
      index = new Int32Array(23),
      value = new Float64Array(23);
    for (let start = 0; start < count; start += 256) {
      const m = Math.min(256, count - start);
      const zs = kernel.runF32(inputs, start, m);
      for (let c = 0; c < m; c++) {
        let nnz = 0;
        for (let i = 0; i < 23; i++) {
          const v = inputs[(start + c) * 23 + i];
          if (v !== 0) {
            index[nnz] = i;
            value[nnz++] = v;
          }
        }
        sparseAffine(weights, biases, index, value, nnz, z, 23, 13);
        expectBitIdentical(zs.subarray(c * 13, (c + 1) * 13), z, `input ${start + c}`);
      }
    }
    expect(() => kernel.runF32(inputs, 0, 257)).toThrow(/at most 256/);
  });

  it("predictBatch gives the same classes with and without SIMD", () => {
    const net = new Network(config({layers: [784, 128, 64, 10]}));
    new Trainer(net, fast, {learningRate: 0.1, batchSize: 32}).run(30);
    const inputs = Float32Array.from(subset.pixels, (p) => p / 255);
    const withSimd = net.predictBatch(inputs, fast.count, new Uint8Array(fast.count));
    const without = net.predictBatch(inputs, fast.count, new Uint8Array(fast.count), {simd: false});
    expect(Array.from(withSimd)).toEqual(Array.from(without));
    // A trained network, so the classes are not all one value.
    expect(new Set(withSimd).size).toBeGreaterThan(5);
    // The kernel is reused across calls but reloads the weights: train on, and the classes follow.
    new Trainer(net, fast, {learningRate: 0.1, batchSize: 32}).run(30);
    const again = net.predictBatch(inputs, fast.count, new Uint8Array(fast.count));
    expect(Array.from(again)).toEqual(Array.from(net.predictBatch(inputs, fast.count, new Uint8Array(fast.count), {simd: false})));
    expect(Array.from(again)).not.toEqual(Array.from(withSimd));
  });
});
