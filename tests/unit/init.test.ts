import {describe, expect, it} from "vitest";
import {fingerprint, initialiser, initNames, initVariance, Network, source, type InitName} from "../../src/components/nn/index.js";
import {expectClose} from "./tolerance.js";

const FAN_IN = 784,
  FAN_OUT = 256,
  N = FAN_IN * FAN_OUT;

function sample(name: InitName, seed = 1, scale?: number): Float64Array {
  const draw = initialiser(name)(FAN_IN, FAN_OUT, source(seed), scale === undefined ? undefined : {scale});
  return Float64Array.from({length: N}, draw);
}

function stats(xs: Float64Array) {
  const n = xs.length;
  let sum = 0;
  for (const x of xs) sum += x;
  const mean = sum / n;
  let ss = 0,
    max = 0;
  for (const x of xs) {
    ss += (x - mean) ** 2;
    max = Math.max(max, Math.abs(x));
  }
  return {mean, variance: ss / (n - 1), max};
}

const fraction = (xs: Float64Array, pred: (x: number) => boolean) => xs.reduce((c, x) => c + (pred(x) ? 1 : 0), 0) / xs.length;

// Expected variances written out from the documented formulas (not from initVariance).
const formula: Record<Exclude<InitName, "zeros">, number> = {
  "he-normal": 2 / FAN_IN,
  "he-uniform": Math.sqrt(6 / FAN_IN) ** 2 / 3,
  "xavier-normal": 2 / (FAN_IN + FAN_OUT),
  "xavier-uniform": Math.sqrt(6 / (FAN_IN + FAN_OUT)) ** 2 / 3,
  "lecun-normal": 1 / FAN_IN,
  uniform: 0.5 ** 2 / 3,
};
const isNormal = (name: InitName) => name.endsWith("-normal");

describe("initVariance", () => {
  it("matches each documented formula (U(±a) has variance a²/3)", () => {
    for (const [name, v] of Object.entries(formula)) expectClose(initVariance(name as InitName, FAN_IN, FAN_OUT), v, {rel: 1e-12}, name);
    expect(initVariance("zeros", FAN_IN, FAN_OUT)).toBe(0);
    expectClose(initVariance("uniform", FAN_IN, FAN_OUT, {scale: 0.1}), 0.01 / 3);
  });

  it("orders He > Xavier > LeCun when fan-out < fan-in, as 2/n_in > 2/(n_in+n_out) > 1/n_in there", () => {
    const he = initVariance("he-normal", FAN_IN, FAN_OUT),
      xavier = initVariance("xavier-normal", FAN_IN, FAN_OUT),
      lecun = initVariance("lecun-normal", FAN_IN, FAN_OUT);
    expect(he).toBeGreaterThan(xavier);
    expect(xavier).toBeGreaterThan(lecun);
  });
});

describe("initialiser samplers (784 × 256 draws)", () => {
  for (const name of initNames.filter((n): n is Exclude<InitName, "zeros"> => n !== "zeros")) {
    it(`${name}: sample mean within 4 SE of 0 and sample variance within 4 SE of initVariance`, () => {
      const xs = sample(name);
      const {mean, variance} = stats(xs);
      const v = initVariance(name, FAN_IN, FAN_OUT);
      expectClose(v, formula[name], {rel: 1e-12});
      // SE of the mean: √(σ²/n). SE of s²: normal σ²·√(2/(n−1)) (chi-square); uniform U(±a): √((a⁴/5 − σ⁴)/n) = σ²·√(0.8/n).
      const seMean = Math.sqrt(v / N);
      const seVar = isNormal(name) ? v * Math.sqrt(2 / (N - 1)) : v * Math.sqrt(0.8 / N);
      expect(Math.abs(mean), `mean ${mean}`).toBeLessThan(4 * seMean);
      expect(Math.abs(variance - v), `variance ${variance} vs ${v}`).toBeLessThan(4 * seVar);
      expect(Math.abs(variance - v) / v).toBeLessThan(0.02);
    });
  }

  for (const name of ["he-normal", "xavier-normal", "lecun-normal"] as const) {
    it(`${name}: is Gaussian-shaped, with 68.27 % of draws within ±σ and 95.45 % within ±2σ`, () => {
      const xs = sample(name, 2);
      const sd = Math.sqrt(initVariance(name, FAN_IN, FAN_OUT));
      for (const [k, p] of [
        [1, 0.682689],
        [2, 0.9545],
      ] as const) {
        const f = fraction(xs, (x) => Math.abs(x) < k * sd);
        expect(Math.abs(f - p)).toBeLessThan(4 * Math.sqrt((p * (1 - p)) / N));
      }
    });
  }

  for (const [name, limit] of [
    ["he-uniform", Math.sqrt(6 / FAN_IN)],
    ["xavier-uniform", Math.sqrt(6 / (FAN_IN + FAN_OUT))],
    ["uniform", 0.5],
  ] as const) {
    it(`${name}: stays within ±${limit.toPrecision(4)}, reaches close to it, and half the draws are within ±limit/2`, () => {
      const xs = sample(name, 3);
      const {max} = stats(xs);
      expect(max).toBeLessThanOrEqual(limit);
      expect(max).toBeGreaterThan(0.999 * limit);
      expect(Math.abs(fraction(xs, (x) => Math.abs(x) < limit / 2) - 0.5)).toBeLessThan(4 * Math.sqrt(0.25 / N));
    });
  }

  it("uniform honours its scale option", () => {
    const xs = sample("uniform", 4, 0.05);
    const {max, variance} = stats(xs);
    expect(max).toBeLessThanOrEqual(0.05);
    expect(max).toBeGreaterThan(0.0499);
    expect(Math.abs(variance - 0.05 ** 2 / 3)).toBeLessThan(4 * (0.05 ** 2 / 3) * Math.sqrt(0.8 / N));
  });

  it("zeros gives exactly 0 every time", () => {
    const xs = sample("zeros");
    expect(xs.every((x) => Object.is(x, 0))).toBe(true);
  });

  it("sample variances are ordered He > Xavier > LeCun, as their formulas say", () => {
    const he = stats(sample("he-normal", 5)).variance,
      xavier = stats(sample("xavier-normal", 5)).variance,
      lecun = stats(sample("lecun-normal", 5)).variance;
    expect(he).toBeGreaterThan(xavier);
    expect(xavier).toBeGreaterThan(lecun);
  });
});

describe("initialiser", () => {
  it("lists the seven documented initialisers", () => {
    expect([...initNames].sort()).toEqual(["he-normal", "he-uniform", "lecun-normal", "uniform", "xavier-normal", "xavier-uniform", "zeros"]);
  });

  it.each(["glorot", "He-Normal", "", "toString", "__proto__"])("throws RangeError naming an unknown init %j", (name) => {
    expect(() => initialiser(name)).toThrow(RangeError);
    expect(() => initialiser(name)).toThrow(/init/);
    expect(() => initialiser(name)).toThrow(JSON.stringify(name));
  });
});

describe("Network initial weights", () => {
  const config = (init: InitName, seed = 1) => ({layers: [FAN_IN, FAN_OUT, 10], activation: "relu" as const, head: "softmax-cross-entropy" as const, init, seed});

  for (const name of initNames.filter((n) => n !== "zeros")) {
    it(`${name}: each layer's weights have the variance of its own fan-in / fan-out`, () => {
      const net = new Network(config(name));
      net.layers.forEach(({weights, fanIn, fanOut}) => {
        const v = initVariance(name, fanIn, fanOut);
        const n = weights.length;
        const seVar = isNormal(name) ? v * Math.sqrt(2 / (n - 1)) : v * Math.sqrt(0.8 / n);
        const {mean, variance} = stats(weights);
        expect(Math.abs(mean)).toBeLessThan(4 * Math.sqrt(v / n));
        expect(Math.abs(variance - v), `layer ${fanIn}→${fanOut}: ${variance} vs ${v}`).toBeLessThan(4 * seVar);
      });
    });
  }

  it("zeros gives all-zero weights; biases start at biasInit (default 0)", () => {
    const net = new Network({...config("zeros"), layers: [5, 4, 3]});
    for (const {weights, biases} of net.layers) {
      expect(weights.every((w) => w === 0)).toBe(true);
      expect(biases.every((b) => b === 0)).toBe(true);
    }
    const biased = new Network({...config("he-normal"), layers: [5, 4, 3], biasInit: 0.1});
    for (const {biases} of biased.layers) expect(Array.from(biases)).toEqual(new Array(biases.length).fill(0.1));
  });

  it("initScale sets the half-width of the uniform initialiser", () => {
    const net = new Network({...config("uniform"), layers: [100, 100, 2], initScale: 0.01});
    const {max} = stats(net.layers[0].weights);
    expect(max).toBeLessThanOrEqual(0.01);
    expect(max).toBeGreaterThan(0.009);
  });

  it("same seed ⇒ bit-identical weights and equal fingerprint; different seed ⇒ different", () => {
    for (const name of initNames.filter((n) => n !== "zeros")) {
      const small = (seed: number) => new Network({...config(name, seed), layers: [20, 8, 3]});
      const a = small(11),
        b = small(11),
        c = small(12);
      expect(fingerprint(a.layers)).toBe(fingerprint(b.layers));
      a.layers.forEach((layer, l) => expect(Buffer.from(layer.weights.buffer).equals(Buffer.from(b.layers[l].weights.buffer))).toBe(true));
      expect(fingerprint(a.layers)).not.toBe(fingerprint(c.layers));
      expect(Array.from(a.layers[0].weights)).not.toEqual(Array.from(c.layers[0].weights));
    }
  });
});
