import {describe, expect, it} from "vitest";
import fc from "fast-check";
import {
  arraySamples,
  drawDropoutMasks,
  fingerprint,
  gradientCheck,
  Network,
  optimizer,
  pixelSamples,
  source,
  STREAM,
  Trainer,
  zeroGradients,
  type Layer,
  type LayerGradients,
  type NetworkConfig,
  type OptimizerName,
  type Samples,
  type TrainingOptions,
} from "../../src/components/nn/index.js";
import {readMnist} from "../../src/components/datasets/mnist-node.js";
import {balancedIndices, take} from "../../src/components/datasets/subsets.js";
import {expectClose} from "./tolerance.js";

/** One weight and one bias, with gradients set by hand. */
function one(weight: number, bias: number) {
  const layers: Layer[] = [{fanIn: 1, fanOut: 1, weights: Float64Array.of(weight), biases: Float64Array.of(bias)}];
  const gradients: LayerGradients[] = [{weights: new Float64Array(1), biases: new Float64Array(1)}];
  const set = (gw: number, gb: number) => {
    gradients[0].weights[0] = gw;
    gradients[0].biases[0] = gb;
    return gradients;
  };
  return {layers, set, w: () => layers[0].weights[0], b: () => layers[0].biases[0]};
}

describe("weight decay in the optimisers (hand-computed, one weight and one bias)", () => {
  it("sgd: L2 adds λθ to the weight's gradient, the bias is not decayed", () => {
    const p = one(2, 3);
    optimizer("sgd", p.layers, {learningRate: 0.1, weightDecay: 0.1}).step(p.layers, p.set(0.5, 0.5), 1);
    expectClose(p.w(), 2 - 0.1 * (0.5 + 0.1 * 2), {abs: 1e-15}); // 1.93
    expect(p.b()).toBe(3 - 0.1 * 0.5);
  });

  it("adam + L2 vs adamw on θ = 1, g = 0.5, λ = 0.1, η = 0.01 (first step)", () => {
    const eps = 1e-8;
    // Adam + L2: g' = 0.6, m̂ = 0.6, v̂ = 0.36: θ ← 1 − η·0.6/(0.6 + ε) ≈ 0.99.
    const a = one(1, 0);
    optimizer("adam", a.layers, {learningRate: 0.01, weightDecay: 0.1}).step(a.layers, a.set(0.5, 0), 1);
    expectClose(a.w(), 1 - (0.01 * 0.6) / (0.6 + eps), {abs: 1e-15});
    // AdamW: m̂ = 0.5, v̂ = 0.25: θ ← 1 − η(0.5/(0.5 + ε) + λ·1) ≈ 0.989.
    const w = one(1, 0);
    optimizer("adamw", w.layers, {learningRate: 0.01, weightDecay: 0.1}).step(w.layers, w.set(0.5, 0), 1);
    expectClose(w.w(), 1 - 0.01 * (0.5 / (0.5 + eps) + 0.1), {abs: 1e-15});
    expectClose(a.w() - w.w(), 0.001, {abs: 1e-9});
    // A zero bias gradient leaves the bias where it was: no decay.
    expect([a.b(), w.b()]).toEqual([0, 0]);
  });

  it("adamw and adam differ after several steps as the formulas say: decoupled decay is not rescaled by √v̂", () => {
    // With a constant gradient g and λθ small, Adam+L2's decay is divided by √v̂ ≈ |g|, AdamW's is not.
    const a = one(1, 0),
      w = one(1, 0);
    const oa = optimizer("adam", a.layers, {learningRate: 0.01, weightDecay: 0.01});
    const ow = optimizer("adamw", w.layers, {learningRate: 0.01, weightDecay: 0.01});
    let thetaA = 1,
      thetaW = 1,
      mA = 0,
      vA = 0,
      mW = 0,
      vW = 0;
    for (let t = 1; t <= 5; t++) {
      const gA = 100 + 0.01 * thetaA,
        gW = 100;
      mA = 0.9 * mA + 0.1 * gA;
      vA = 0.999 * vA + 0.001 * gA * gA;
      thetaA -= (0.01 * (mA / (1 - 0.9 ** t))) / (Math.sqrt(vA / (1 - 0.999 ** t)) + 1e-8);
      mW = 0.9 * mW + 0.1 * gW;
      vW = 0.999 * vW + 0.001 * gW * gW;
      thetaW -= 0.01 * (mW / (1 - 0.9 ** t) / (Math.sqrt(vW / (1 - 0.999 ** t)) + 1e-8) + 0.01 * thetaW);
      oa.step(a.layers, a.set(100, 0), 1);
      ow.step(w.layers, w.set(100, 0), 1);
      expectClose(a.w(), thetaA, {abs: 1e-12}, `adam step ${t}`);
      expectClose(w.w(), thetaW, {abs: 1e-12}, `adamw step ${t}`);
    }
    expect(thetaA - thetaW).toBeGreaterThan(4e-4);
  });

  it("adamw with λ = 0 is adam bit for bit, and momentum/adam with λ = 0 are unchanged", () => {
    const a = one(0.7, -0.2),
      w = one(0.7, -0.2);
    const oa = optimizer("adam", a.layers, {learningRate: 0.03}),
      ow = optimizer("adamw", w.layers, {learningRate: 0.03, weightDecay: 0});
    for (let t = 0; t < 20; t++) {
      oa.step(a.layers, a.set(Math.sin(t), Math.cos(t)), 0.5);
      ow.step(w.layers, w.set(Math.sin(t), Math.cos(t)), 0.5);
    }
    expect([w.w(), w.b()]).toEqual([a.w(), a.b()]);
  });

  it("momentum + L2: v ← μv − η(g + λθ), θ ← θ + v", () => {
    const p = one(2, 1);
    const o = optimizer("momentum", p.layers, {learningRate: 0.1, momentum: 0.5, weightDecay: 0.2});
    o.step(p.layers, p.set(1, 1), 1);
    const v1 = -0.1 * (1 + 0.2 * 2);
    expectClose(p.w(), 2 + v1, {abs: 1e-15});
    o.step(p.layers, p.set(1, 1), 1);
    const v2 = 0.5 * v1 - 0.1 * (1 + 0.2 * (2 + v1));
    expectClose(p.w(), 2 + v1 + v2, {abs: 1e-15});
    expectClose(p.b(), 1 - 0.1 - (0.05 + 0.1), {abs: 1e-15});
  });
});

describe("Nesterov momentum (hand-computed on f(θ) = θ²/2, μ = 0.9, η = 0.1)", () => {
  it("θ: 1 → 0.81 → 0.5751 (classical gives 1 → 0.9 → 0.72)", () => {
    const nesterov = one(1, 0),
      classical = one(1, 0);
    const on = optimizer("momentum", nesterov.layers, {learningRate: 0.1, momentum: 0.9, nesterov: true});
    const oc = optimizer("momentum", classical.layers, {learningRate: 0.1, momentum: 0.9});
    on.step(nesterov.layers, nesterov.set(nesterov.w(), 0), 1);
    oc.step(classical.layers, classical.set(classical.w(), 0), 1);
    expectClose(nesterov.w(), 0.81, {abs: 1e-15});
    expectClose(classical.w(), 0.9, {abs: 1e-15});
    on.step(nesterov.layers, nesterov.set(nesterov.w(), 0), 1);
    oc.step(classical.layers, classical.set(classical.w(), 0), 1);
    // PyTorch: b = 0.9·1 + 0.81 = 1.71; θ = 0.81 − 0.1(0.81 + 0.9·1.71).
    expectClose(nesterov.w(), 0.5751, {abs: 1e-15});
    expectClose(classical.w(), 0.72, {abs: 1e-15});
  });

  it("is refused with another optimiser, in optimizer() and in the Trainer", () => {
    const p = one(1, 0);
    for (const name of ["sgd", "adam", "adamw"]) expect(() => optimizer(name, p.layers, {learningRate: 0.1, nesterov: true})).toThrow(/invalid nesterov: true with optimizer/);
    const net = new Network({layers: [1, 2], activation: "relu", head: "softmax-cross-entropy", init: "he-normal", seed: 1});
    const samples = arraySamples([[1]], [0]);
    expect(() => new Trainer(net, samples, {learningRate: 0.1, batchSize: 1, nesterov: true})).toThrow(RangeError);
    expect(() => new Trainer(net, samples, {learningRate: 0.1, batchSize: 1, optimizer: "adam", nesterov: true})).toThrow(/invalid nesterov/);
    expect(() => new Trainer(net, samples, {learningRate: 0.1, batchSize: 1, momentum: 0.9, nesterov: true})).not.toThrow();
  });
});

const config: NetworkConfig = {layers: [4, 6, 5, 3], activation: "tanh", head: "softmax-cross-entropy", init: "xavier-normal", seed: 9, biasInit: 0.05};
const small = arraySamples(
  Array.from({length: 8}, (_, i) => [Math.sin(i + 1), Math.cos(2 * i), ((i * 7) % 5) / 5 - 0.4, i / 8]),
  Array.from({length: 8}, (_, i) => i % 3),
);

/** Mean loss over the samples plus ½λ‖W‖² over the weights (not the biases). */
function objective(net: Network, samples: Samples, lambda: number): number {
  let loss = 0;
  for (let i = 0; i < samples.count; i++) {
    samples.input(i, net.a[0]);
    net.forwardWorkspace();
    loss += net.loss(samples.labels[i]);
  }
  let penalty = 0;
  for (const {weights} of net.layers) for (const w of weights) penalty += w * w;
  return loss / samples.count + 0.5 * lambda * penalty;
}

describe("the decay gradient (central differences)", () => {
  it("one SGD step with λ moves each weight by −η ∂/∂w (mean loss + ½λ‖W‖²) and each bias by −η ∂L/∂b", () => {
    const lambda = 0.3,
      eta = 0.05;
    const net = new Network(config);
    const before = net.clone();
    new Trainer(net, small, {learningRate: eta, batchSize: small.count, shuffle: false, weightDecay: lambda}).step();
    let worst = 0;
    before.layers.forEach((layer, l) => {
      for (const key of ["weights", "biases"] as const) {
        const theta = layer[key];
        for (let k = 0; k < theta.length; k++) {
          const original = theta[k];
          theta[k] = original + 1e-6;
          const plus = objective(before, small, key === "weights" ? lambda : 0);
          theta[k] = original - 1e-6;
          const minus = objective(before, small, key === "weights" ? lambda : 0);
          theta[k] = original;
          const numeric = (plus - minus) / 2e-6;
          const step = (original - net.layers[l][key][k]) / eta;
          worst = Math.max(worst, Math.abs(step - numeric) / Math.max(Math.abs(step) + Math.abs(numeric), 1e-8));
        }
      }
    });
    expect(worst).toBeLessThan(1e-6);
  });
});

describe("dropout", () => {
  it("backpropagation through a fixed mask passes the gradient check", () => {
    const net = new Network(config);
    const masks = [new Float64Array(6), new Float64Array(5)];
    drawDropoutMasks(masks, source(4, STREAM.dropout), 0.4);
    expect(masks.some((m) => m.includes(0))).toBe(true);
    net.dropoutMask = masks;
    for (const {maxRelativeError} of gradientCheck(net, small)) expect(maxRelativeError).toBeLessThan(1e-6);
    net.dropoutMask = null;
  });

  it("masks are 0 or 1/(1 − p), drawn per unit from the bottom layer up, u < p dropping, and keep the mean at 1", () => {
    const p = 0.3;
    const masks = [new Float64Array(50), new Float64Array(30)];
    const random = source(7, STREAM.dropout),
      check = source(7, STREAM.dropout);
    let sum = 0,
      n = 0;
    for (let draw = 0; draw < 400; draw++) {
      drawDropoutMasks(masks, random, p);
      for (const m of masks)
        for (const v of m) {
          expect(v).toBe(check() < p ? 0 : 1 / (1 - p));
          sum += v;
          n++;
        }
    }
    expectClose(sum / n, 1, {abs: 0.02}, "mean mask");
  });

  it("preserves the mean hidden activation (inverted dropout) and is off at evaluation", () => {
    const net = new Network({layers: [4, 200, 3], activation: "sigmoid", head: "softmax-cross-entropy", init: "xavier-normal", seed: 2});
    const x = [0.3, -0.8, 0.5, 1];
    net.forward(x);
    const clean = net.a[1].reduce((s, v) => s + v, 0);
    const masks = [new Float64Array(200)];
    const random = source(3, STREAM.dropout);
    let sum = 0;
    net.dropoutMask = masks;
    for (let k = 0; k < 300; k++) {
      drawDropoutMasks(masks, random, 0.5);
      net.forward(x);
      sum += net.a[1].reduce((s, v) => s + v, 0);
    }
    net.dropoutMask = null;
    expectClose(sum / 300 / clean, 1, {abs: 0.01}, "mean activation with dropout / without");
    // A trainer with dropout leaves no mask behind: prediction sees every unit.
    const trainer = new Trainer(net, small, {learningRate: 0.1, batchSize: 4, dropout: 0.5});
    trainer.step();
    expect(net.dropoutMask).toBeNull();
    const out = net.forward(x).slice();
    expect(net.forward(x)).toEqual(out);
    expect(net.clone().forward(x)).toEqual(out);
  });

  it("one trainer step follows the documented order: per sample in minibatch order, layer by layer, with the trainer's seed", () => {
    const net = new Network(config);
    const manual = net.clone();
    const options: TrainingOptions = {learningRate: 0.2, batchSize: 3, dropout: 0.35, seed: 12, shuffle: false};
    new Trainer(net, small, options).step();
    const random = source(12, STREAM.dropout);
    const masks = [new Float64Array(6), new Float64Array(5)];
    const gradients = zeroGradients(manual);
    manual.dropoutMask = masks;
    for (let i = 0; i < 3; i++) {
      drawDropoutMasks(masks, random, 0.35);
      small.input(i, manual.a[0]);
      manual.forwardWorkspace();
      manual.backward(small.labels[i], gradients);
    }
    manual.dropoutMask = null;
    optimizer("sgd", manual.layers, {learningRate: 0.2}).step(manual.layers, gradients, 1 / 3);
    expect(fingerprint(net.layers)).toBe(fingerprint(manual.layers));
    expect(net.layers.map((l) => [...l.weights, ...l.biases])).toEqual(manual.layers.map((l) => [...l.weights, ...l.biases]));
  });

  it("is reproducible from the seed, and another seed gives other masks", () => {
    const run = (seed: number) => {
      const net = new Network(config);
      new Trainer(net, small, {learningRate: 0.1, batchSize: 2, momentum: 0.9, dropout: 0.5, seed}).run(20);
      return fingerprint(net.layers);
    };
    expect(run(1)).toBe(run(1));
    expect(run(1)).not.toBe(run(2));
  });

  it("throws RangeError naming dropout for p outside [0, 1)", () => {
    const net = new Network(config);
    for (const dropout of [1, -0.1, 1.5, NaN, Infinity]) {
      expect(() => new Trainer(net, small, {learningRate: 0.1, batchSize: 2, dropout})).toThrow(RangeError);
      expect(() => new Trainer(net, small, {learningRate: 0.1, batchSize: 2, dropout})).toThrow(`invalid dropout: ${dropout}`);
    }
  });
});

describe("defaults change no bit (MNIST, fast paths included)", () => {
  const mnist = readMnist("train");
  const subset = take(mnist, balancedIndices(mnist.labels, 60));
  const samples = pixelSamples(subset.pixels, subset.labels, 784);
  const net = () => new Network({layers: [784, 16, 10], activation: "relu", head: "softmax-cross-entropy", init: "he-normal", seed: 4});
  const fp = (options: TrainingOptions) => {
    const n = net();
    new Trainer(n, samples, options).run(90);
    return fingerprint(n.layers);
  };

  const cases: [string, TrainingOptions][] = [
    ["sgd, batch 1 (fused)", {learningRate: 0.05, batchSize: 1}],
    ["sgd, batch 8 (sparse columns)", {learningRate: 0.05, batchSize: 8}],
    ["momentum", {learningRate: 0.02, batchSize: 8, momentum: 0.9}],
    ["adam", {learningRate: 0.001, batchSize: 8, optimizer: "adam"}],
  ];
  for (const [name, options] of cases) {
    it(`${name}: weightDecay 0, dropout 0, nesterov false, constant schedule, warmup 0 = no options`, () => {
      const explicit = fp({...options, weightDecay: 0, dropout: 0, nesterov: false, schedule: "constant", warmup: 0});
      expect(explicit).toBe(fp(options));
      expect(fp({...options, reference: true})).toBe(fp(options));
    });
  }

  it("with decay, dropout and a schedule the fast path still equals the reference path", () => {
    const options: TrainingOptions = {learningRate: 0.05, batchSize: 8, weightDecay: 1e-3, dropout: 0.2, schedule: "cosine", totalSteps: 90, warmup: 5};
    expect(fp(options)).toBe(fp({...options, reference: true}));
    expect(fp(options)).not.toBe(fp({learningRate: 0.05, batchSize: 8}));
    const single: TrainingOptions = {learningRate: 0.05, batchSize: 1, weightDecay: 1e-3};
    expect(fp(single)).toBe(fp({...single, reference: true}));
  });
});

describe("trainer validation of weight decay (fast-check)", () => {
  const net = new Network(config);
  it("accepts λ in [0, 1] and refuses everything else naming the weight decay and value", () => {
    fc.assert(
      fc.property(fc.double({noNaN: false}), fc.constantFrom<OptimizerName>("sgd", "momentum", "adam", "adamw"), (weightDecay, name) => {
        const make = () => new Trainer(net, small, {learningRate: 0.1, batchSize: 2, optimizer: name, weightDecay});
        if (weightDecay >= 0 && weightDecay <= 1) return (make(), true);
        expect(make).toThrow(`invalid weight decay: ${weightDecay} (expected a number in [0, 1])`);
        return true;
      }),
    );
  });
});
