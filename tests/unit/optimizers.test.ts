import {describe, expect, it} from "vitest";
import {optimizer, optimizerNames, type Layer, type LayerGradients, type OptimizerName, type OptimizerOptions} from "../../src/components/nn/index.js";
import {expectAllClose} from "./tolerance.js";

/**
 * A fake "layer" whose 4 weights and 2 biases θ are the variables of the quadratic
 *   f(θ) = ½ Σ c_i (θ_i − t_i)², ∇f = c_i (θ_i − t_i),
 * minimised at θ = t.
 */
const c = {weights: [0.5, 1, 2, 4], biases: [1.5, 3]};
const t = {weights: [1, -2, 0.5, 3], biases: [-1, 0.25]};
const start = {weights: [0, 0, 0, 0], biases: [2, -2]};

function quadratic() {
  const layers: Layer[] = [{fanIn: 4, fanOut: 1, weights: Float64Array.from(start.weights), biases: Float64Array.from(start.biases)}];
  const gradients: LayerGradients[] = [{weights: new Float64Array(4), biases: new Float64Array(2)}];
  const grad = () => {
    for (const key of ["weights", "biases"] as const) {
      const theta = layers[0][key],
        g = gradients[0][key];
      for (let i = 0; i < theta.length; i++) g[i] = c[key][i] * (theta[i] - t[key][i]);
    }
    return gradients;
  };
  const theta = () => [...layers[0].weights, ...layers[0].biases];
  return {layers, gradients, grad, theta};
}

const target = [...t.weights, ...t.biases];
const cs = [...c.weights, ...c.biases];
const theta0 = [...start.weights, ...start.biases];
const g0 = theta0.map((v, i) => cs[i] * (v - target[i]));

describe("optimizer(name).step on a quadratic", () => {
  const settings: [OptimizerName, OptimizerOptions, number][] = [
    ["sgd", {learningRate: 0.2}, 500],
    ["momentum", {learningRate: 0.05, momentum: 0.9}, 1000],
    ["adam", {learningRate: 0.05}, 3000],
  ];
  for (const [name, options, steps] of settings) {
    it(`${name} converges to the minimum t`, () => {
      const q = quadratic();
      const opt = optimizer(name, q.layers, options);
      expect(opt.name).toBe(name);
      for (let k = 0; k < steps; k++) expect(opt.step(q.layers, q.grad(), 1)).toBe(true);
      expectAllClose(q.theta(), target, {abs: 1e-6}, `${name} θ`);
    });
  }

  it("sgd: the first step is exactly θ − η g", () => {
    const q = quadratic();
    optimizer("sgd", q.layers, {learningRate: 0.1}).step(q.layers, q.grad(), 1);
    expect(q.theta()).toEqual(theta0.map((v, i) => v - 0.1 * g0[i]));
  });

  it("sgd: scale multiplies the gradient (a summed batch gradient with scale 1/B = the mean gradient)", () => {
    const a = quadratic(),
      b = quadratic();
    // Gradient sum over a batch of 4 identical samples, scale 1/4, vs the single gradient with scale 1.
    const sum = a.grad().map(({weights, biases}) => ({weights: weights.map((g) => 4 * g), biases: biases.map((g) => 4 * g)}));
    optimizer("sgd", a.layers, {learningRate: 0.1}).step(a.layers, sum, 1 / 4);
    optimizer("sgd", b.layers, {learningRate: 0.1}).step(b.layers, b.grad(), 1);
    expectAllClose(a.theta(), b.theta(), {abs: 1e-15});
  });

  it("momentum: the first two steps follow v ← μv − ηg, θ ← θ + v", () => {
    const eta = 0.1,
      mu = 0.8;
    const q = quadratic();
    const opt = optimizer("momentum", q.layers, {learningRate: eta, momentum: mu});
    opt.step(q.layers, q.grad(), 1);
    const v1 = g0.map((g) => -eta * g);
    const theta1 = theta0.map((v, i) => v + v1[i]);
    expectAllClose(q.theta(), theta1, {abs: 1e-15}, "θ₁");
    opt.step(q.layers, q.grad(), 1);
    const g1 = theta1.map((v, i) => cs[i] * (v - target[i]));
    const v2 = v1.map((v, i) => mu * v - eta * g1[i]);
    expectAllClose(
      q.theta(),
      theta1.map((v, i) => v + v2[i]),
      {abs: 1e-15},
      "θ₂",
    );
  });

  it("momentum defaults to μ = 0.9", () => {
    const a = quadratic(),
      b = quadratic();
    const optA = optimizer("momentum", a.layers, {learningRate: 0.1});
    const optB = optimizer("momentum", b.layers, {learningRate: 0.1, momentum: 0.9});
    for (let k = 0; k < 3; k++) {
      optA.step(a.layers, a.grad(), 1);
      optB.step(b.layers, b.grad(), 1);
    }
    expect(a.theta()).toEqual(b.theta());
  });

  it("momentum with μ = 0 is plain SGD", () => {
    const a = quadratic(),
      b = quadratic();
    const optA = optimizer("momentum", a.layers, {learningRate: 0.1, momentum: 0});
    const optB = optimizer("sgd", b.layers, {learningRate: 0.1});
    for (let k = 0; k < 5; k++) {
      optA.step(a.layers, a.grad(), 1);
      optB.step(b.layers, b.grad(), 1);
    }
    expectAllClose(a.theta(), b.theta(), {abs: 1e-15});
  });

  it("adam: the first step moves each parameter by η·sign(g) (bias correction makes m̂ = g, v̂ = g²)", () => {
    const eta = 0.01;
    const q = quadratic();
    optimizer("adam", q.layers, {learningRate: eta}).step(q.layers, q.grad(), 1);
    // |Δθ| = η |g| / (|g| + ε) = η up to η·ε/|g| ≤ 1e-10 here.
    expectAllClose(
      q.theta(),
      theta0.map((v, i) => v - eta * Math.sign(g0[i])),
      {abs: 1e-9},
    );
  });

  it("adam: the first step does not depend on the gradient's scale", () => {
    const a = quadratic(),
      b = quadratic();
    optimizer("adam", a.layers, {learningRate: 0.01}).step(a.layers, a.grad(), 1);
    optimizer("adam", b.layers, {learningRate: 0.01}).step(b.layers, b.grad(), 1000);
    expectAllClose(a.theta(), b.theta(), {abs: 1e-9});
  });

  it("adam: the second step follows Kingma & Ba's formulas with custom β₁, β₂, ε", () => {
    const eta = 0.05,
      b1 = 0.8,
      b2 = 0.99,
      eps = 1e-3;
    const q = quadratic();
    const opt = optimizer("adam", q.layers, {learningRate: eta, beta1: b1, beta2: b2, epsilon: eps});
    let m = theta0.map(() => 0),
      v = theta0.map(() => 0),
      theta = theta0.slice();
    for (let step = 1; step <= 2; step++) {
      const g = theta.map((p, i) => cs[i] * (p - target[i]));
      opt.step(q.layers, q.grad(), 1);
      m = m.map((mi, i) => b1 * mi + (1 - b1) * g[i]);
      v = v.map((vi, i) => b2 * vi + (1 - b2) * g[i] ** 2);
      theta = theta.map((p, i) => p - (eta * (m[i] / (1 - b1 ** step))) / (Math.sqrt(v[i] / (1 - b2 ** step)) + eps));
      expectAllClose(q.theta(), theta, {abs: 1e-14}, `θ after step ${step}`);
    }
  });

  it("a zero gradient leaves the parameters unchanged (every optimiser, first step)", () => {
    for (const name of optimizerNames) {
      const q = quadratic();
      const zero: LayerGradients[] = [{weights: new Float64Array(4), biases: new Float64Array(2)}];
      optimizer(name, q.layers, {learningRate: 0.1}).step(q.layers, zero, 1);
      expect(q.theta()).toEqual(theta0);
    }
  });

  for (const name of ["sgd", "momentum"] as const) {
    it(`${name}: step returns false once a parameter becomes non-finite`, () => {
      const q = quadratic();
      const opt = optimizer(name, q.layers, {learningRate: 1e300});
      const huge: LayerGradients[] = [{weights: Float64Array.from([1e300, 0, 0, 0]), biases: new Float64Array(2)}];
      expect(opt.step(q.layers, huge, 1)).toBe(false);
      expect(Number.isFinite(q.layers[0].weights[0])).toBe(false);
    });
  }

  it("adam: step returns false when a gradient is NaN", () => {
    const q = quadratic();
    const opt = optimizer("adam", q.layers, {learningRate: 0.1});
    expect(opt.step(q.layers, [{weights: Float64Array.from([NaN, 0, 0, 0]), biases: new Float64Array(2)}], 1)).toBe(false);
  });
});

describe("optimizer validation", () => {
  const layers = quadratic().layers;

  it("lists sgd, momentum, adam and adamw", () => {
    expect([...optimizerNames].sort()).toEqual(["adam", "adamw", "momentum", "sgd"]);
  });

  it.each(["rmsprop", "SGD", "", "toString", "__proto__"])("throws RangeError naming an unknown optimizer %j", (name) => {
    expect(() => optimizer(name, layers, {learningRate: 0.1})).toThrow(RangeError);
    expect(() => optimizer(name, layers, {learningRate: 0.1})).toThrow(`invalid optimizer: ${JSON.stringify(name)}`);
  });

  for (const name of ["sgd", "momentum", "adam"]) {
    it.each([NaN, Infinity, -Infinity, 0, -1])(`${name}: throws RangeError naming the learning rate %s`, (learningRate) => {
      expect(() => optimizer(name, layers, {learningRate})).toThrow(RangeError);
      expect(() => optimizer(name, layers, {learningRate})).toThrow(`invalid learning rate: ${learningRate}`);
    });
  }

  it("throws RangeError for a learning rate that is not a number", () => {
    expect(() => optimizer("sgd", layers, {learningRate: "0.1" as unknown as number})).toThrow(/invalid learning rate/);
  });

  it.each([
    [{momentum: 1}, "momentum: 1"],
    [{momentum: -0.1}, "momentum: -0.1"],
    [{momentum: NaN}, "momentum: NaN"],
    [{beta1: 1}, "beta1: 1"],
    [{beta2: 1.5}, "beta2: 1.5"],
    [{beta2: -1}, "beta2: -1"],
    [{epsilon: 0}, "epsilon: 0"],
    [{epsilon: -1e-8}, "epsilon: -1e-8"],
    [{epsilon: NaN}, "epsilon: NaN"],
  ])("throws RangeError naming the bad option %o", (patch, shown) => {
    expect(() => optimizer("adam", layers, {learningRate: 0.1, ...patch})).toThrow(RangeError);
    expect(() => optimizer("adam", layers, {learningRate: 0.1, ...patch})).toThrow(`invalid ${shown}`);
  });

  it("accepts momentum 0 and β values at 0", () => {
    expect(() => optimizer("momentum", layers, {learningRate: 0.1, momentum: 0})).not.toThrow();
    expect(() => optimizer("adam", layers, {learningRate: 0.1, beta1: 0, beta2: 0})).not.toThrow();
  });
});
