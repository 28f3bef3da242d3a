import {describe, expect, it} from "vitest";
import {arraySamples, evaluate, Network, type Layer} from "../../src/components/nn/index.js";
import {expectClose} from "./tolerance.js";

/**
 * One weight layer 2→3 with softmax: z = (x₀, x₁, 0.5). The prediction is class 0 when x₀ is the
 * largest, class 1 when x₁ is, class 2 when both are below 0.5.
 */
function handNetwork(): Network {
  const layers: Layer[] = [{fanIn: 2, fanOut: 3, weights: Float64Array.from([1, 0, 0, 1, 0, 0]), biases: Float64Array.from([0, 0, 0.5])}];
  return new Network({layers: [2, 3], activation: "identity", head: "softmax-cross-entropy", init: "zeros", seed: 0}, layers);
}

const inputs = [
  [2, 0],
  [0, 2],
  [0, 0],
  [3, 1],
  [0, 0],
  [1, 4],
];
const labels = [0, 1, 2, 1, 0, 1];
const predicted = [0, 1, 2, 0, 2, 1];

/** Cross-entropy of logits z for label y: log Σ e^{z_k} − z_y. */
const crossEntropy = (z: number[], y: number) => Math.log(z.reduce((s, v) => s + Math.exp(v), 0)) - z[y];

describe("evaluate", () => {
  it("gives accuracy, predictions and the confusion matrix of a hand-built network with known predictions", () => {
    const result = evaluate(handNetwork(), arraySamples(inputs, labels));
    expect(result.count).toBe(6);
    expect(Array.from(result.predictions)).toEqual(predicted);
    expect(result.accuracy).toBe(4 / 6);
    // confusion[true · 3 + predicted]: (0→0) 1, (0→2) 1, (1→0) 1, (1→1) 2, (2→2) 1.
    expect(Array.from(result.confusion)).toEqual([1, 0, 1, 1, 2, 0, 0, 0, 1]);
  });

  it("gives the mean cross-entropy computed from the logits by hand", () => {
    const result = evaluate(handNetwork(), arraySamples(inputs, labels));
    const expected = inputs.map(([a, b], i) => crossEntropy([a, b, 0.5], labels[i])).reduce((s, v) => s + v, 0) / inputs.length;
    expectClose(result.loss, expected, {abs: 1e-14});
  });

  it("evaluates only the first `limit` samples", () => {
    const result = evaluate(handNetwork(), arraySamples(inputs, labels), {limit: 3});
    expect(result.count).toBe(3);
    expect(result.accuracy).toBe(1);
    expect(Array.from(result.confusion)).toEqual([1, 0, 0, 0, 1, 0, 0, 0, 1]);
    expect(evaluate(handNetwork(), arraySamples(inputs, labels), {limit: 100}).count).toBe(6);
  });

  it("gives NaN loss and accuracy for no samples", () => {
    const result = evaluate(handNetwork(), arraySamples(inputs, labels), {limit: 0});
    expect(result.count).toBe(0);
    expect(result.loss).toBeNaN();
    expect(result.accuracy).toBeNaN();
    expect(Array.from(result.confusion).every((c) => c === 0)).toBe(true);
  });

  it("confusion rows sum to each class's count and its diagonal to the number correct (random network)", () => {
    const net = new Network({layers: [4, 5, 3], activation: "relu", head: "softmax-cross-entropy", init: "he-normal", seed: 8});
    const xs = Array.from({length: 60}, (_, i) => [Math.sin(i), Math.cos(3 * i), (i % 7) / 7, ((i * 13) % 5) / 5]);
    const ys = xs.map((_, i) => (i * 7) % 3);
    const {confusion, accuracy, count, predictions} = evaluate(net, arraySamples(xs, ys));
    for (let c = 0; c < 3; c++) {
      const row = confusion[c * 3] + confusion[c * 3 + 1] + confusion[c * 3 + 2];
      expect(row).toBe(ys.filter((y) => y === c).length);
    }
    const correct = confusion[0] + confusion[4] + confusion[8];
    expect(accuracy).toBe(correct / count);
    xs.forEach((x, i) => expect(predictions[i]).toBe(net.predict(x)));
  });

  it("uses the head's loss: ½ squared error for sigmoid-mse", () => {
    const layers: Layer[] = [{fanIn: 2, fanOut: 2, weights: Float64Array.from([1, 0, 0, 1]), biases: new Float64Array(2)}];
    const net = new Network({layers: [2, 2], activation: "identity", head: "sigmoid-mse", targets: {on: 0.9, off: 0.1}, init: "zeros", seed: 0}, layers);
    const sigma = (z: number) => 1 / (1 + Math.exp(-z));
    const result = evaluate(net, arraySamples([[1, -1]], [0]));
    expectClose(result.loss, 0.5 * ((sigma(1) - 0.9) ** 2 + (sigma(-1) - 0.1) ** 2), {abs: 1e-15});
    expect(result.accuracy).toBe(1);
  });

  it("throws RangeError when the samples' input size differs from the network's", () => {
    expect(() => evaluate(handNetwork(), arraySamples([[1, 2, 3]], [0]))).toThrow(RangeError);
    expect(() => evaluate(handNetwork(), arraySamples([[1, 2, 3]], [0]))).toThrow(/input size 3, network expects 2/);
  });
});

describe("deadUnits(network, samples)", async () => {
  const {deadUnits, Network, arraySamples} = await import("../../src/components/nn/index.js");
  it("finds exactly the ReLU units that output 0 on every sample", () => {
    const network = new Network({layers: [3, 4, 2], activation: "relu", head: "softmax-cross-entropy", init: "he-normal", seed: 1});
    const [first] = network.layers;
    // Inputs are non-negative, so unit 1 (all weights −1, bias −0.5) and unit 3 (zero weights, bias −1) never fire.
    for (const unit of [1, 3]) {
      for (let i = 0; i < 3; i++) first.weights[unit * 3 + i] = unit === 1 ? -1 : 0;
      first.biases[unit] = unit === 1 ? -0.5 : -1;
    }
    // Units 0 and 2 fire on the first sample.
    for (const unit of [0, 2]) {
      for (let i = 0; i < 3; i++) first.weights[unit * 3 + i] = 1;
      first.biases[unit] = 0;
    }
    const samples = arraySamples(
      [
        [1, 0, 0],
        [0, 0.5, 2],
        [0, 0, 0],
      ],
      [0, 1, 0],
    );
    const result = deadUnits(network, samples);
    expect(Array.from(result.dead[0])).toEqual([0, 1, 0, 1]);
    expect(result.perLayer).toEqual([2]);
    expect(result.total).toBe(2);
    expect(result.units).toBe(4);
    // On the all-zero sample alone every unit with bias ≤ 0 is dead.
    expect(deadUnits(network, samples, {limit: 0}).total).toBe(4);
  });
});
