import fc from "fast-check";
import {describe, expect, it} from "vitest";
import {
  activation,
  activationNames,
  fingerprint,
  gradientTimesInput,
  headNames,
  inputGradientCheck,
  Network,
  occlusion,
  occlusionMap,
  source,
  type ActivationName,
  type HeadName,
} from "../../src/components/nn/index.js";

/** A 6→5→4→3 network (xavier-normal, biases 0.1) and an input in [0, 1), all from `seed`. */
function setup(act: ActivationName, headName: HeadName, seed: number, layers = [6, 5, 4, 3]) {
  const network = new Network({layers, activation: act, head: headName, init: "xavier-normal", seed, biasInit: 0.1});
  const random = source(seed, 9);
  return {network, input: Float64Array.from({length: layers[0]}, () => random())};
}

describe("Network.inputGradient (∂z_c/∂x, the saliency map)", () => {
  it("matches central differences of the logit for any seed, activation, head and class (property, relative error < 1e-6)", () => {
    fc.assert(
      fc.property(fc.integer({min: 0, max: 2 ** 32 - 1}), fc.constantFrom(...activationNames), fc.constantFrom(...headNames), fc.integer({min: 0, max: 2}), (seed, act, headName, c) => {
        const {network, input} = setup(act, headName, seed);
        // ReLU and leaky ReLU have a kink at z = 0, where the slope is not defined: a central
        // difference that straddles it measures neither side. Inputs that put a hidden unit within
        // 1e-3 of its kink are not this property's business (a perturbation of 1e-5 moves z by far less).
        if (act === "relu" || act === "leaky-relu")
          fc.pre(
            network
              .trace(input)
              .z.slice(0, -1)
              .every((z) => Array.from(z).every((v) => Math.abs(v) > 1e-3)),
          );
        // Floor 1e-4 on the relative error's denominator: a central difference carries rounding noise of
        // about 1e-16 · |z| / ε ≈ 1e-11, which over a gradient of 1e-9 (a saturated sigmoid) reads as a
        // large relative error; a real error on any slope above 1e-4 still shows.
        const check = inputGradientCheck(network, input, c, {floor: 1e-4});
        expect(check.checked).toBe(6);
        expect(check.maxRelativeError, `${act} ${headName} seed ${seed} class ${c}`).toBeLessThan(1e-6);
      }),
      {numRuns: 200},
    );
  });

  it("matches central differences on the MNIST page's 784 → 16 → 16 → 10 network, every class (100 pixels each)", () => {
    for (const act of ["relu", "tanh"] as const) {
      const {network, input} = setup(act, "softmax-cross-entropy", 5, [784, 16, 16, 10]);
      // A digit-like input: most pixels blank.
      for (let i = 0; i < input.length; i++) if (input[i] < 0.7) input[i] = 0;
      for (let c = 0; c < 10; c++) {
        const check = inputGradientCheck(network, input, c, {maxPerLayer: 100});
        expect(check.checked).toBeGreaterThanOrEqual(98);
        expect(check.maxRelativeError, `${act} class ${c}`).toBeLessThan(1e-6);
      }
    }
  });

  it("agrees with training's backward pass: Σ_k (p_k − [k = y]) ∂z_k/∂x = W⁽¹⁾ᵀ δ⁽¹⁾ of traceStep", () => {
    const {network, input} = setup("tanh", "softmax-cross-entropy", 11, [8, 6, 5, 4]);
    const label = 2;
    const {delta, a} = network.traceStep(input, label);
    const p = a[3];
    const expected = new Float64Array(8);
    for (let k = 0; k < 4; k++) {
      const g = network.inputGradient(input, k);
      for (let i = 0; i < 8; i++) expected[i] += (p[k] - (k === label ? 1 : 0)) * g[i];
    }
    const {weights} = network.layers[0];
    for (let i = 0; i < 8; i++) {
      let s = 0;
      for (let j = 0; j < 6; j++) s += weights[j * 8 + i] * delta[0][j];
      expect(expected[i]).toBeCloseTo(s, 12);
    }
  });

  it("changes no weight (same fingerprint) and leaves training's delta workspace alone; writes into `out`", () => {
    const {network, input} = setup("relu", "softmax-cross-entropy", 3);
    const before = fingerprint(network.layers);
    network.delta.forEach((d) => d.fill(7));
    const out = new Float64Array(6);
    expect(network.inputGradient(input, 1, out)).toBe(out);
    expect(fingerprint(network.layers)).toBe(before);
    for (const d of network.delta) expect([...d].every((v) => v === 7)).toBe(true);
    // The same answer twice (the scratch buffers are reset between calls).
    expect([...network.inputGradient(input, 1)]).toEqual([...out]);
  });

  it("is the logit's: the same map under either head", () => {
    const a = setup("sigmoid", "softmax-cross-entropy", 8);
    const b = setup("sigmoid", "sigmoid-mse", 8);
    expect([...a.network.inputGradient(a.input, 2)]).toEqual([...b.network.inputGradient(b.input, 2)]);
  });

  it("a one-layer network's saliency is its weight row", () => {
    const network = new Network({layers: [5, 3], activation: "relu", head: "softmax-cross-entropy", init: "he-normal", seed: 4});
    expect([...network.inputGradient([1, 0, 0.5, 0, 1], 2)]).toEqual([...network.layers[0].weights.subarray(10, 15)]);
  });

  it("the check catches a wrong activation derivative (tanh with f′ off by 1 %)", () => {
    const {network, input} = setup("tanh", "softmax-cross-entropy", 2);
    Object.defineProperty(network, "activation", {value: {...activation("tanh"), df: (_z: number, a: number) => 1.01 * (1 - a * a)}});
    expect(inputGradientCheck(network, input, 0).maxRelativeError).toBeGreaterThan(1e-3);
  });

  it.each([-1, 3, 1.5, NaN])("throws RangeError naming a bad class %s", (c) => {
    const {network, input} = setup("relu", "softmax-cross-entropy", 1);
    expect(() => network.inputGradient(input, c)).toThrow(RangeError);
    expect(() => network.inputGradient(input, c)).toThrow(`invalid class: ${c}`);
  });

  it("throws RangeError for an input or out of the wrong length", () => {
    const {network} = setup("relu", "softmax-cross-entropy", 1);
    expect(() => network.inputGradient([1, 2], 0)).toThrow(/invalid input: length 2, expected 6/);
    expect(() => network.inputGradient(new Float64Array(6), 0, new Float64Array(5))).toThrow(/invalid out: length 5, expected 6/);
  });
});

describe("gradientTimesInput", () => {
  it("is g ⊙ x: zero where there is no ink", () => {
    expect([...gradientTimesInput([2, -3, 4], [0.5, 0, 1])]).toEqual([1, -0, 4]);
    expect(() => gradientTimesInput([1, 2], [1])).toThrow(RangeError);
  });
});

/**
 * A 784 → 4 → 3 ReLU network that reads only one 4 × 4 patch (rows 8–11, columns 12–15: patch
 * (2, 3), index 2·7 + 3 = 17): hidden unit 0 sums that patch's ink, output 1 is 2 × that unit;
 * every other weight and bias is 0, so outputs 0 and 2 are constant logits 0.
 */
function patchNetwork() {
  const w1 = new Float64Array(4 * 784);
  for (let r = 8; r < 12; r++) for (let c = 12; c < 16; c++) w1[r * 28 + c] = 1;
  const w2 = new Float64Array(3 * 4);
  w2[1 * 4 + 0] = 2;
  return new Network({layers: [784, 4, 3], activation: "relu", head: "softmax-cross-entropy", init: "zeros", seed: 0}, [
    {fanIn: 784, fanOut: 4, weights: w1, biases: new Float64Array(4)},
    {fanIn: 4, fanOut: 3, weights: w2, biases: new Float64Array(3)},
  ]);
}

describe("occlusion", () => {
  const PATCH = 2 * 7 + 3;

  it("on a network whose class-1 logit reads one 4 × 4 patch: blanking that patch drops p(1), no other patch changes anything", () => {
    const network = patchNetwork();
    // Ink everywhere, so every patch is run.
    const input = new Float64Array(784).fill(0.5);
    const o = occlusion(network, input);
    expect([o.width, o.height, o.patch, o.rows, o.cols]).toEqual([28, 28, 4, 7, 7]);
    expect(o.drop.length).toBe(3 * 49);
    // z₁ = 2 · 16 · 0.5 = 16: p(1) ≈ 1; blanked, all logits are 0 and p(1) = 1/3.
    expect(o.base[1]).toBeCloseTo(1, 6);
    expect(o.drop[1 * 49 + PATCH]).toBeCloseTo(o.base[1] - 1 / 3, 12);
    // The other classes gain what class 1 loses (probabilities add up to 1).
    expect(o.drop[0 * 49 + PATCH]).toBeLessThan(0);
    expect(o.drop[2 * 49 + PATCH]).toBeLessThan(0);
    expect(o.drop[0 * 49 + PATCH] + o.drop[1 * 49 + PATCH] + o.drop[2 * 49 + PATCH]).toBeCloseTo(0, 12);
    for (let k = 0; k < 49; k++) if (k !== PATCH) for (let c = 0; c < 3; c++) expect(o.drop[c * 49 + k], `patch ${k} class ${c}`).toBe(0);
  });

  it("occlusionMap spreads each patch's drop over its 16 pixels", () => {
    const o = occlusion(patchNetwork(), new Float64Array(784).fill(0.5));
    const map = occlusionMap(o, 1);
    expect(map.length).toBe(784);
    for (let r = 0; r < 28; r++)
      for (let c = 0; c < 28; c++) {
        const inside = r >= 8 && r < 12 && c >= 12 && c < 16;
        expect(map[r * 28 + c]).toBe(inside ? o.drop[49 + PATCH] : 0);
      }
    expect(() => occlusionMap(o, 3)).toThrow(RangeError);
  });

  it("a blank patch drops nothing (it is not run), and the input is left as it was", () => {
    const input = new Float64Array(784);
    for (let r = 8; r < 12; r++) for (let c = 12; c < 16; c++) input[r * 28 + c] = 1;
    const copy = input.slice();
    const o = occlusion(patchNetwork(), input);
    expect([...input]).toEqual([...copy]);
    expect(o.drop[49 + PATCH]).toBeGreaterThan(0.6);
    expect(o.drop.filter((v) => v !== 0).length).toBe(3);
  });

  it("agrees with forward passes on a random network (every class, every patch)", () => {
    const {network, input} = setup("tanh", "softmax-cross-entropy", 6, [64, 8, 5]);
    const o = occlusion(network, input, {patch: 3});
    expect([o.rows, o.cols]).toEqual([3, 3]);
    const base = network.forward(input).slice();
    for (let k = 0; k < 9; k++) {
      const x = input.slice();
      const pr = Math.floor(k / 3),
        pc = k % 3;
      for (let r = pr * 3; r < Math.min(8, pr * 3 + 3); r++) for (let c = pc * 3; c < Math.min(8, pc * 3 + 3); c++) x[r * 8 + c] = 0;
      const out = network.forward(x);
      for (let c = 0; c < 5; c++) expect(o.drop[c * 9 + k]).toBe(base[c] - out[c]);
    }
  });

  it("takes non-square images by width; throws RangeError on a bad width or patch", () => {
    const {network, input} = setup("relu", "softmax-cross-entropy", 1, [30, 4, 3]);
    const o = occlusion(network, input, {width: 6});
    expect([o.width, o.height, o.rows, o.cols]).toEqual([6, 5, 2, 2]);
    expect(() => occlusion(network, input, {width: 7})).toThrow(/invalid width: 7/);
    expect(() => occlusion(network, input, {width: 6, patch: 0})).toThrow(/invalid patch: 0/);
    expect(() => occlusion(network, [1, 2], {width: 6})).toThrow(/invalid input: length 2/);
  });
});
