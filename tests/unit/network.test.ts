import {describe, expect, it} from "vitest";
import {affine, argmax, arraySamples, fingerprint, Network, Trainer, zeroGradients, type ActivationName, type HeadName, type Layer, type NetworkConfig} from "../../src/components/nn/index.js";
import {expectAllClose, expectClose} from "./tolerance.js";

const sigma = (z: number) => 1 / (1 + Math.exp(-z));

/** Builds a network with hand-set weights; W is given as rows (unit above) of columns (unit below). */
function handNetwork(config: Omit<NetworkConfig, "init" | "seed" | "layers">, weights: number[][][], biases: number[][]): Network {
  const sizes = [weights[0][0].length, ...weights.map((W) => W.length)];
  const layers: Layer[] = weights.map((W, l) => ({fanIn: sizes[l], fanOut: sizes[l + 1], weights: Float64Array.from(W.flat()), biases: Float64Array.from(biases[l])}));
  return new Network({...config, layers: sizes, init: "zeros", seed: 0}, layers);
}

// A 2→2→2 network used by several tests.
const W1 = [
    [0.1, 0.2],
    [0.3, -0.4],
  ],
  b1 = [0.05, 0.2];
const W2 = [
    [0.5, -0.6],
    [0.7, 0.8],
  ],
  b2 = [0.1, -0.2];
const x = [1, 0.5];

// Its hidden layer, by hand (sigmoid hidden units).
const z1 = [0.1 * 1 + 0.2 * 0.5 + 0.05, 0.3 * 1 + -0.4 * 0.5 + 0.2]; // [0.25, 0.3]
const a1 = [sigma(z1[0]), sigma(z1[1])];
const z2 = [0.5 * a1[0] + -0.6 * a1[1] + 0.1, 0.7 * a1[0] + 0.8 * a1[1] + -0.2];

describe("Network.forward", () => {
  it("computes z = W a + b and a = f(z) for a hand-computed 2→2→2 net (sigmoid hidden, softmax head)", () => {
    const net = handNetwork({activation: "sigmoid", head: "softmax-cross-entropy"}, [W1, W2], [b1, b2]);
    expectClose(z1[0], 0.25, {abs: 1e-15});
    expectClose(z1[1], 0.3, {abs: 1e-15});
    const out = net.forward(x);
    const e0 = Math.exp(z2[0]),
      e1 = Math.exp(z2[1]);
    expectAllClose(net.z[0], z1, {abs: 1e-15}, "z1");
    expectAllClose(net.a[1], a1, {abs: 1e-15}, "a1");
    expectAllClose(net.z[1], z2, {abs: 1e-15}, "z2");
    expectAllClose(out, [e0 / (e0 + e1), e1 / (e0 + e1)], {abs: 1e-15}, "softmax output");
    expectClose(net.loss(1), -Math.log(e1 / (e0 + e1)), {abs: 1e-14}, "cross-entropy");
    expectClose(net.loss(0), Math.log(1 + Math.exp(z2[1] - z2[0])), {abs: 1e-14}, "cross-entropy (label 0)");
  });

  it("computes the same 2→2→2 net with a sigmoid + squared-error head and targets 0.99 / 0.0", () => {
    const net = handNetwork({activation: "sigmoid", head: "sigmoid-mse", targets: {on: 0.99, off: 0}}, [W1, W2], [b1, b2]);
    const out = net.forward(x);
    const y = [sigma(z2[0]), sigma(z2[1])];
    expectAllClose(out, y, {abs: 1e-15}, "sigmoid output");
    expectClose(net.loss(0), 0.5 * ((y[0] - 0.99) ** 2 + (y[1] - 0) ** 2), {abs: 1e-15}, "loss label 0");
    expectClose(net.loss(1), 0.5 * ((y[0] - 0) ** 2 + (y[1] - 0.99) ** 2), {abs: 1e-15}, "loss label 1");
  });

  it("uses custom sigmoid-mse targets (0.9 / 0.1) in the loss", () => {
    const net = handNetwork({activation: "sigmoid", head: "sigmoid-mse", targets: {on: 0.9, off: 0.1}}, [W1, W2], [b1, b2]);
    const y = Array.from(net.forward(x));
    expectClose(net.loss(1), 0.5 * ((y[0] - 0.1) ** 2 + (y[1] - 0.9) ** 2), {abs: 1e-15});
  });

  it("gives exact values for an integer ReLU net: x = (1, 2) → z¹ = (−1, 3), a¹ = (0, 3) → z² = (6.5, 3)", () => {
    const net = handNetwork(
      {activation: "relu", head: "softmax-cross-entropy"},
      [
        [
          [1, -1],
          [2, 1],
        ],
        [
          [1, 2],
          [-1, 1],
        ],
      ],
      [
        [0, -1],
        [0.5, 0],
      ],
    );
    const out = net.forward([1, 2]);
    expect(Array.from(net.z[0])).toEqual([-1, 3]);
    expect(Array.from(net.a[1])).toEqual([0, 3]);
    expect(Array.from(net.z[1])).toEqual([6.5, 3]);
    expectAllClose(out, [1 / (1 + Math.exp(-3.5)), 1 / (1 + Math.exp(3.5))], {abs: 1e-15});
    expect(net.predict([1, 2])).toBe(0);
  });

  it("applies each hidden activation: leaky-ReLU, tanh and identity on the same integer net", () => {
    const W = [
        [
          [1, -1],
          [2, 1],
        ],
        [
          [1, 2],
          [-1, 1],
        ],
      ],
      b = [
        [0, -1],
        [0.5, 0],
      ];
    const cases: [ActivationName, number[]][] = [
      ["leaky-relu", [-0.01, 3]],
      ["tanh", [Math.tanh(-1), Math.tanh(3)]],
      ["identity", [-1, 3]],
      ["sigmoid", [sigma(-1), sigma(3)]],
    ];
    for (const [name, hidden] of cases) {
      const net = handNetwork({activation: name, head: "sigmoid-mse"}, W, b);
      const out = net.forward([1, 2]);
      expectAllClose(net.a[1], hidden, {abs: 1e-15}, `${name} hidden`);
      const z = [1 * hidden[0] + 2 * hidden[1] + 0.5, -1 * hidden[0] + 1 * hidden[1] + 0];
      expectAllClose(out, z.map(sigma), {abs: 1e-15}, `${name} output`);
    }
  });

  it("never applies the hidden activation to the output layer (one weight layer: output = head(W x + b))", () => {
    const net = handNetwork(
      {activation: "relu", head: "sigmoid-mse"},
      [
        [
          [1, 0],
          [0, 1],
        ],
      ],
      [[-5, 0]],
    );
    // z = (−4, 2): a ReLU would zero the first logit; the sigmoid head sees −4.
    expectAllClose(net.forward([1, 2]), [sigma(-4), sigma(2)], {abs: 1e-15});
  });

  it("stacked identity layers collapse into one affine map: head(W₂(W₁x + b₁) + b₂)", () => {
    const net = handNetwork(
      {activation: "identity", head: "sigmoid-mse"},
      [
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
        [
          [1, 0, -1],
          [0.5, 0.5, 0.5],
        ],
      ],
      [
        [0.1, 0.2, 0.3],
        [-1, 0],
      ],
    );
    // W₂W₁ = [[1−5, 2−6], [4.5, 6]] = [[−4, −4], [4.5, 6]]; W₂b₁ + b₂ = (0.1 − 0.3 − 1, 0.3) = (−1.2, 0.3).
    for (const input of [
      [1, 1],
      [-0.5, 2],
      [0, 0],
    ]) {
      const z = [-4 * input[0] - 4 * input[1] - 1.2, 4.5 * input[0] + 6 * input[1] + 0.3];
      expectAllClose(net.forward(input), z.map(sigma), {abs: 1e-14});
    }
  });

  it.each([[[1]], [[1, 2, 3]], [[]]])("throws RangeError naming the input length for an input of length %j", (input) => {
    const net = handNetwork({activation: "sigmoid", head: "softmax-cross-entropy"}, [W1, W2], [b1, b2]);
    expect(() => net.forward(input)).toThrow(RangeError);
    expect(() => net.forward(input)).toThrow(new RegExp(`input: length ${input.length}, expected 2`));
    expect(() => net.predict(input)).toThrow(RangeError);
  });
});

describe("Network.backward and one SGD step", () => {
  for (const headName of ["softmax-cross-entropy", "sigmoid-mse"] as HeadName[]) {
    it(`${headName}: hand-computed deltas, gradients, and weights after one SGD step (η = 0.5, label 1)`, () => {
      const net = handNetwork({activation: "sigmoid", head: headName}, [W1, W2], [b1, b2]);
      const label = 1,
        eta = 0.5;
      // Output delta ∂L/∂z² by hand.
      let d2: number[];
      if (headName === "softmax-cross-entropy") {
        const e0 = Math.exp(z2[0]),
          e1 = Math.exp(z2[1]);
        d2 = [e0 / (e0 + e1) - 0, e1 / (e0 + e1) - 1];
      } else {
        const y = [sigma(z2[0]), sigma(z2[1])],
          t = [0, 0.99];
        d2 = [(y[0] - t[0]) * y[0] * (1 - y[0]), (y[1] - t[1]) * y[1] * (1 - y[1])];
      }
      // Hidden delta: (W²ᵀ δ²) ⊙ σ'(z¹), σ' = a(1 − a).
      const d1 = [(W2[0][0] * d2[0] + W2[1][0] * d2[1]) * a1[0] * (1 - a1[0]), (W2[0][1] * d2[0] + W2[1][1] * d2[1]) * a1[1] * (1 - a1[1])];
      const gW2 = [d2[0] * a1[0], d2[0] * a1[1], d2[1] * a1[0], d2[1] * a1[1]];
      const gW1 = [d1[0] * x[0], d1[0] * x[1], d1[1] * x[0], d1[1] * x[1]];

      const trace = net.traceStep(x, label);
      expectAllClose(trace.delta[1], d2, {abs: 1e-15}, "δ²");
      expectAllClose(trace.delta[0], d1, {abs: 1e-15}, "δ¹");
      expectAllClose(trace.gradients[1].weights, gW2, {abs: 1e-15}, "∂L/∂W²");
      expectAllClose(trace.gradients[1].biases, d2, {abs: 1e-15}, "∂L/∂b²");
      expectAllClose(trace.gradients[0].weights, gW1, {abs: 1e-15}, "∂L/∂W¹");
      expectAllClose(trace.gradients[0].biases, d1, {abs: 1e-15}, "∂L/∂b¹");

      // backward() itself accumulates the same gradients.
      const g = zeroGradients(net);
      net.forward(x);
      net.backward(label, g);
      expectAllClose(g[1].weights, gW2, {abs: 1e-15}, "backward ∂L/∂W²");
      expectAllClose(g[0].weights, gW1, {abs: 1e-15}, "backward ∂L/∂W¹");

      // One SGD step through the Trainer (batch of one sample): θ ← θ − η g.
      const trainer = new Trainer(net, arraySamples([x], [label]), {learningRate: eta, batchSize: 1, optimizer: "sgd"});
      trainer.step();
      expectAllClose(
        net.layers[1].weights,
        W2.flat().map((w, k) => w - eta * gW2[k]),
        {abs: 1e-15},
        "W² after",
      );
      expectAllClose(
        net.layers[1].biases,
        b2.map((b, k) => b - eta * d2[k]),
        {abs: 1e-15},
        "b² after",
      );
      expectAllClose(
        net.layers[0].weights,
        W1.flat().map((w, k) => w - eta * gW1[k]),
        {abs: 1e-15},
        "W¹ after",
      );
      expectAllClose(
        net.layers[0].biases,
        b1.map((b, k) => b - eta * d1[k]),
        {abs: 1e-15},
        "b¹ after",
      );
    });
  }

  it("accumulates: two backward calls for the same sample give twice the gradient", () => {
    const net = handNetwork({activation: "tanh", head: "softmax-cross-entropy"}, [W1, W2], [b1, b2]);
    const once = zeroGradients(net),
      twice = zeroGradients(net);
    net.forward(x);
    net.backward(0, once);
    net.backward(0, twice);
    net.forward(x);
    net.backward(0, twice);
    expectAllClose(
      twice[0].weights,
      Array.from(once[0].weights, (g) => 2 * g),
      {abs: 1e-15},
    );
    expectAllClose(
      twice[1].biases,
      Array.from(once[1].biases, (g) => 2 * g),
      {abs: 1e-15},
    );
  });

  it("a dead ReLU unit passes no gradient to its incoming weights", () => {
    // Hidden unit 0 has z = −1 (dead): row 0 of ∂L/∂W¹ and ∂L/∂b¹[0] are exactly 0.
    const net = handNetwork(
      {activation: "relu", head: "softmax-cross-entropy"},
      [
        [
          [1, -1],
          [2, 1],
        ],
        [
          [1, 2],
          [-1, 1],
        ],
      ],
      [
        [0, -1],
        [0.5, 0],
      ],
    );
    const {gradients} = net.traceStep([1, 2], 1);
    expect(Array.from(gradients[0].weights.subarray(0, 2))).toEqual([0, 0]);
    expect(gradients[0].biases[0]).toBe(0);
    expect(gradients[0].biases[1]).not.toBe(0);
  });

  it("traceStep leaves the weights unchanged", () => {
    const net = new Network({layers: [4, 3, 2], activation: "tanh", head: "sigmoid-mse", init: "he-normal", seed: 3});
    const before = fingerprint(net.layers);
    net.traceStep([0.1, 0.2, 0.3, 0.4], 1);
    expect(fingerprint(net.layers)).toBe(before);
  });
});

describe("Network.trace", () => {
  it("returns copies of z and a (later passes do not change them), with a[0] = input", () => {
    const net = handNetwork({activation: "sigmoid", head: "softmax-cross-entropy"}, [W1, W2], [b1, b2]);
    const t = net.trace(x);
    expect(Array.from(t.a[0])).toEqual(x);
    expectAllClose(t.z[0], z1, {abs: 1e-15});
    expect(t.a.length).toBe(3);
    expect(t.z.length).toBe(2);
    net.forward([5, -5]);
    expectAllClose(t.z[0], z1, {abs: 1e-15});
    expect(Array.from(t.a[0])).toEqual(x);
  });
});

describe("Network.predict / argmax", () => {
  it("returns the index of the largest output, the lowest index on ties", () => {
    expect(argmax([0.1, 0.7, 0.2])).toBe(1);
    expect(argmax([3, 3, 1])).toBe(0);
    expect(argmax([1, 2, 2])).toBe(1);
    expect(argmax([-5])).toBe(0);
    const zeros = new Network({layers: [3, 4], activation: "relu", head: "softmax-cross-entropy", init: "zeros", seed: 1});
    expect(zeros.predict([1, 2, 3])).toBe(0);
    const net = handNetwork(
      {activation: "identity", head: "softmax-cross-entropy"},
      [
        [
          [1, 0],
          [0, 1],
          [0, 0],
        ],
      ],
      [[0, 0, 0.5]],
    );
    expect(net.predict([2, 0])).toBe(0);
    expect(net.predict([0, 2])).toBe(1);
    expect(net.predict([0, 0])).toBe(2);
  });
});

describe("affine", () => {
  it("computes z = W x + b for fan-ins that are and are not multiples of 4", () => {
    for (const fanIn of [1, 3, 4, 7, 9]) {
      const fanOut = 3;
      const W = Float64Array.from({length: fanIn * fanOut}, (_, k) => ((k * 7) % 11) - 5);
      const xIn = Float64Array.from({length: fanIn}, (_, i) => (i % 3) - 0.5);
      const b = Float64Array.from([1, -2, 0.25]);
      const z = new Float64Array(fanOut);
      affine(W, b, xIn, z, fanIn, fanOut);
      for (let j = 0; j < fanOut; j++) {
        let s = b[j];
        for (let i = 0; i < fanIn; i++) s += W[j * fanIn + i] * xIn[i];
        expect(z[j]).toBe(s); // small integers and halves: exact in any order
      }
    }
  });
});

describe("Network", () => {
  const base: NetworkConfig = {layers: [784, 16, 16, 10], activation: "sigmoid", head: "softmax-cross-entropy", init: "he-normal", seed: 1};

  it("parameterCount counts weights and biases: 784·16+16 + 16·16+16 + 16·10+10 = 13,002", () => {
    expect(new Network(base).parameterCount).toBe(13002);
    const net = new Network(base);
    expect(net.inputSize).toBe(784);
    expect(net.outputSize).toBe(10);
    expect(net.depth).toBe(3);
  });

  it("fills config defaults: targets 0.99 / 0, initScale 0.5, biasInit 0", () => {
    const {config} = new Network(base);
    expect(config.targets).toEqual({on: 0.99, off: 0});
    expect(config.initScale).toBe(0.5);
    expect(config.biasInit).toBe(0);
  });

  it("copies the layer sizes of the config (mutating the caller's array later has no effect)", () => {
    const sizes = [3, 2];
    const net = new Network({...base, layers: sizes});
    sizes[1] = 9;
    expect(net.config.layers).toEqual([3, 2]);
  });

  it("clone() has the same parameters but its own arrays", () => {
    const net = new Network({...base, layers: [5, 4, 3]});
    const copy = net.clone();
    expect(fingerprint(copy.layers)).toBe(fingerprint(net.layers));
    copy.layers[0].weights[0] += 1;
    expect(fingerprint(copy.layers)).not.toBe(fingerprint(net.layers));
    const input = [0.1, 0.2, 0.3, 0.4, 0.5];
    expect(Array.from(copy.forward(input))).not.toEqual(Array.from(net.forward(input)));
  });

  it("uses given layers as they are (no copy), after checking their shapes", () => {
    const layers: Layer[] = [{fanIn: 2, fanOut: 1, weights: Float64Array.from([1, 2]), biases: Float64Array.from([0])}];
    const net = new Network({...base, layers: [2, 1]}, layers);
    expect(net.layers[0].weights).toBe(layers[0].weights);
  });

  it.each([
    [[{fanIn: 2, fanOut: 2, weights: new Float64Array(4), biases: new Float64Array(2)}], /layer 1: shape 2×2, expected 1×2/],
    [[{fanIn: 2, fanOut: 1, weights: new Float64Array(3), biases: new Float64Array(1)}], /layer 1: 3 weights, expected 2/],
    [[{fanIn: 2, fanOut: 1, weights: new Float64Array(2), biases: new Float64Array(2)}], /layer 1: 2 biases, expected 1/],
    [[], /expected 1 weight layers, got 0/],
  ] as [Layer[], RegExp][])("throws RangeError for given layers of the wrong shape (%#)", (layers, message) => {
    expect(() => new Network({...base, layers: [2, 1]}, layers)).toThrow(RangeError);
    expect(() => new Network({...base, layers: [2, 1]}, layers)).toThrow(message);
  });
});

describe("Network config validation", () => {
  const base: NetworkConfig = {layers: [4, 3, 2], activation: "sigmoid", head: "softmax-cross-entropy", init: "he-normal", seed: 1};
  const bad = (patch: Record<string, unknown>) => () => new Network({...base, ...patch} as NetworkConfig);

  it.each([
    [[], "layers"],
    [[5], "layers"],
  ])("throws RangeError for layers %j (fewer than two sizes)", (layers, name) => {
    expect(bad({layers})).toThrow(RangeError);
    expect(bad({layers})).toThrow(new RegExp(`invalid ${name}: ${JSON.stringify(layers).replace(/[[\]]/g, "\\$&")}`));
  });

  it.each([
    [0, "0"],
    [-1, "-1"],
    [2.5, "2.5"],
    ["3", '"3"'],
  ])("throws RangeError naming layers[1] and the bad size %j", (size, shown) => {
    expect(bad({layers: [4, size, 2]})).toThrow(RangeError);
    expect(bad({layers: [4, size, 2]})).toThrow(`invalid layer size layers[1]: ${shown}`);
  });

  // Regression: messages were once built with JSON.stringify, which prints NaN and ±Infinity as "null".
  it.each([
    [NaN, "NaN"],
    [Infinity, "Infinity"],
  ])("throws RangeError naming layers[1] and the bad size %s [fails: JSON.stringify prints it as null]", (size, shown) => {
    expect(bad({layers: [4, size, 2]})).toThrow(`invalid layer size layers[1]: ${shown}`);
  });

  it.each([NaN, Infinity])("still rejects the size %s with a RangeError naming layers[1]", (size) => {
    expect(bad({layers: [4, size, 2]})).toThrow(RangeError);
    expect(bad({layers: [4, size, 2]})).toThrow("invalid layer size layers[1]");
  });

  it.each([
    [{activation: "softplus"}, /invalid activation: "softplus"/],
    [{head: "hinge"}, /invalid head: "hinge"/],
    [{init: "orthogonal"}, /invalid init: "orthogonal"/],
    [{seed: 1.5}, /invalid seed: 1.5/],
    [{initScale: 0}, /invalid initScale: 0/],
    [{initScale: -1}, /invalid initScale: -1/],
    [{initScale: NaN}, /invalid initScale: NaN/],
    [{biasInit: NaN}, /invalid biasInit: NaN/],
    [{biasInit: Infinity}, /invalid biasInit: Infinity/],
    [{head: "sigmoid-mse", targets: {on: NaN, off: 0}}, /invalid target on: NaN/],
  ])("throws RangeError naming the field and value for %o", (patch, message) => {
    expect(bad(patch)).toThrow(RangeError);
    expect(bad(patch)).toThrow(message);
  });

  // Regression: the seed message too must print NaN as NaN, not as JSON's "null".
  it("throws RangeError naming a NaN seed as NaN", () => {
    expect(bad({seed: NaN})).toThrow(/invalid seed: NaN/);
  });

  it("still rejects a NaN seed (with RangeError)", () => {
    expect(bad({seed: NaN})).toThrow(RangeError);
  });
});
