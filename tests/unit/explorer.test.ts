import {describe, expect, it} from "vitest";
import fc from "fast-check";
import {deadUnits, Network, pixelSamples, source, type Layer, type NetworkConfig} from "../../src/components/nn/index.js";
import {contributions, deadLayerMessage, heldOutIndices, perClassAccuracy, pixelLattice, restrictInputs, signalPropagation, snapshot, updateSizes} from "../../src/components/experiments/explorer.js";
import {defaultEta, ETA_GRID, type EtaTable} from "../../src/components/experiments/eta-defaults.js";
import {ETA_TABLE} from "../../src/components/experiments/eta-table.js";
import {centreOfMass, mnistPreprocess, MNIST_BOX} from "../../src/components/datasets/mnist-preprocess.js";

describe("heldOutIndices", () => {
  it("takes the first k of every class, class by class", () => {
    const labels = [3, 0, 1, 2, 0, 1, 2, 3, 0, 1, 2, 3];
    expect(heldOutIndices(labels, 2, 4)).toEqual([1, 4, 2, 5, 3, 6, 0, 7]);
  });
  it("names a class that is short", () => {
    expect(() => heldOutIndices([0, 0, 1], 2, 2)).toThrow(/class 1 has 1 samples/);
  });
});

describe("pixelLattice and restrictInputs", () => {
  it("draws 49 of 784 pixels on a 7 × 7 lattice, rows and columns 4 … 22", () => {
    const pixels = pixelLattice();
    expect(pixels).toHaveLength(49);
    expect(pixels[0]).toBe(4 * 28 + 4);
    expect(pixels[48]).toBe(22 * 28 + 22);
    expect(() => pixelLattice({side: 9})).toThrow(RangeError);
  });
  it("keeps the weights of the chosen inputs, row by row", () => {
    const layer: Layer = {fanIn: 4, fanOut: 2, weights: Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8]), biases: new Float64Array(2)};
    const r = restrictInputs(layer, [1, 3]);
    expect(r.fanIn).toBe(2);
    expect(Array.from(r.weights)).toEqual([2, 4, 6, 8]);
  });
});

describe("contributions", () => {
  const layer: Layer = {fanIn: 3, fanOut: 2, weights: Float64Array.from([1, -2, 3, 0.5, 0.5, -1]), biases: Float64Array.from([0.25, 0])};
  it("are x_i · w_ji and, with the bias, sum to the unit's z", () => {
    const x = [0.5, 1, 0.25];
    const c = contributions(layer, 0, x);
    expect(Array.from(c)).toEqual([0.5, -2, 0.75]);
    const net = new Network({layers: [3, 2], activation: "relu", head: "softmax-cross-entropy", init: "zeros", seed: 0}, [layer]);
    net.forward(x);
    expect(c.reduce((s, v) => s + v, 0) + layer.biases[0]).toBeCloseTo(net.z[0][0], 12);
  });
  it("drop the negative terms when asked, and refuse bad sizes", () => {
    expect(Array.from(contributions(layer, 0, [0.5, 1, 0.25], {positiveOnly: true}))).toEqual([0.5, 0, 0.75]);
    expect(() => contributions(layer, 0, [1, 2])).toThrow(/2 values, layer takes 3/);
    expect(() => contributions(layer, 2, [1, 2, 3])).toThrow(/invalid unit/);
  });
});

describe("perClassAccuracy", () => {
  it("reads the diagonal over each row's total", () => {
    // true 0: 3 right, 1 wrong; true 1: 0 of 2; true 2: none.
    expect(perClassAccuracy([3, 1, 0, 2, 0, 0, 0, 0, 0], 3)).toEqual([0.75, 0, NaN]);
  });
});

describe("updateSizes", () => {
  it("measure the change of every layer against a snapshot", () => {
    const net = new Network({layers: [2, 2, 2], activation: "tanh", head: "softmax-cross-entropy", init: "xavier-normal", seed: 4});
    const before = snapshot(net);
    net.layers[1].weights[0] += 3;
    net.layers[1].biases[1] -= 4;
    const sizes = updateSizes(before, net);
    expect(sizes[0]).toEqual({layer: 1, norm: 0, relative: 0, largest: 0});
    expect(sizes[1].norm).toBeCloseTo(5, 12);
    expect(sizes[1].largest).toBe(4);
  });
});

/** 300 random "digits" of 64 pixels in 10 classes (class c brightens pixels 6c … 6c + 5). */
function toyDigits(n = 300): ReturnType<typeof pixelSamples> {
  const random = source(9);
  const labels = Array.from({length: n}, (_, i) => i % 10);
  const pixels = new Uint8Array(n * 64);
  labels.forEach((c, i) => {
    for (let p = 0; p < 64; p++) pixels[i * 64 + p] = Math.floor(random() * 60) + (p >= 6 * c && p < 6 * c + 6 ? 180 : 0);
  });
  return pixelSamples(pixels, labels, 64);
}

describe("signalPropagation", () => {
  const digits = toyDigits();
  it("shows ReLU with He (Kaiming) init keeping its spread while naive uniform U(−0.5, 0.5) explodes", () => {
    const he = signalPropagation(digits, {activation: "relu", init: "he-normal", depth: 10, width: 32, count: 100});
    const naive = signalPropagation(digits, {activation: "relu", init: "uniform", depth: 10, width: 32, count: 100});
    expect(he).toHaveLength(11);
    const ratio = (layers: typeof he) => layers[9].activationStd / layers[0].activationStd;
    expect(ratio(he)).toBeGreaterThan(0.3);
    expect(ratio(he)).toBeLessThan(3);
    // U(±0.5) has variance 1/12 per weight, fan-in 32: each ReLU layer multiplies the spread by about
    // √(32 · 1/12 · 1/2) ≈ 1.15, so nine layers up it is about 1.15⁹ ≈ 3.6 times larger.
    expect(ratio(naive)).toBeGreaterThan(3);
    expect(ratio(naive)).toBeGreaterThan(2 * ratio(he));
  });
  it("shows sigmoid's backward signal shrinking layer by layer (its slope is at most 1/4)", () => {
    const s = signalPropagation(digits, {activation: "sigmoid", init: "xavier-normal", depth: 10, width: 32, count: 100});
    expect(s[0].gradientStd).toBeLessThan(s[9].gradientStd / 100);
  });
  it("refuses a bad depth", () => {
    expect(() => signalPropagation(digits, {activation: "relu", init: "he-normal", depth: 0})).toThrow(/invalid depth/);
  });
});

describe("deadLayerMessage", () => {
  const digits = toyDigits(50);
  const config: NetworkConfig = {layers: [64, 8, 8, 10], activation: "relu", head: "softmax-cross-entropy", init: "he-normal", seed: 2};
  it("is empty for a healthy network", () => {
    expect(deadLayerMessage(new Network(config), digits)).toBe("");
  });
  it("names the layer whose every unit is 0 on every digit", () => {
    const net = new Network(config);
    net.layers[1].biases.fill(-1e6); // H2 never fires
    expect(deadUnits(net, digits).perLayer).toEqual([0, 8]);
    expect(deadLayerMessage(net, digits)).toMatch(/^Every unit of H2 is dead .*press Reset/);
  });
  it("blames the zero initialisation when that is the cause", () => {
    expect(deadLayerMessage(new Network({...config, init: "zeros"}), digits)).toMatch(/H1 is 0 .*zero initial weights.*another initialisation/);
  });
});

describe("deadUnits", () => {
  it("counts the same with its early exit as a full pass over every sample", () => {
    fc.assert(
      fc.property(fc.integer({min: 0, max: 1000}), fc.double({min: -3, max: 1, noNaN: true}), (seed, bias) => {
        const net = new Network({layers: [64, 6, 6, 10], activation: "relu", head: "softmax-cross-entropy", init: "he-normal", seed});
        for (const l of net.layers.slice(0, 2)) l.biases.fill(bias);
        const digits = toyDigits(40);
        // Reference: a unit is dead when it is 0 on every digit.
        const x = new Float64Array(64);
        const alive = [new Uint8Array(6), new Uint8Array(6)];
        for (let i = 0; i < digits.count; i++) {
          digits.input(i, x);
          net.forward(x);
          for (let l = 0; l < 2; l++) net.a[l + 1].forEach((v, j) => v !== 0 && (alive[l][j] = 1));
        }
        const expected = alive.map((a) => a.reduce((s, v) => s + 1 - v, 0));
        expect(deadUnits(net, digits).perLayer).toEqual(expected);
      }),
      {numRuns: 40},
    );
  });
});

describe("defaultEta", () => {
  const table: EtaTable = {
    measuredWith: "test",
    train: 1,
    test: 1,
    seeds: 1,
    epochs: 1,
    momentum: 0.9,
    lrs: ETA_GRID,
    cells: [
      {activation: "relu", optimizer: "momentum", batch: 1, lr: 0.001, accuracy: 0.9, scores: []},
      {activation: "relu", optimizer: "momentum", batch: 32, lr: 0.03, accuracy: 0.9, scores: []},
      {activation: "relu", optimizer: "adam", batch: 32, lr: 0.003, accuracy: 0.9, scores: []},
    ],
  };
  it("reads the cell of the nearest measured minibatch size on a log scale", () => {
    expect(defaultEta("relu", "sgd", 32, 0.9, table)).toBe(0.03);
    expect(defaultEta("relu", "sgd", 4, 0.9, table)).toBe(0.001); // |log 4/1| < |log 32/4|
    expect(defaultEta("relu", "sgd", 8, 0.9, table)).toBe(0.03);
    expect(defaultEta("relu", "adam", 1, 0, table)).toBe(0.003);
  });
  it("keeps the effective step η/(1 − μ) for another momentum, inside η's range", () => {
    expect(defaultEta("relu", "sgd", 32, 0, table)).toBe(0.3);
    expect(defaultEta("relu", "sgd", 32, 0.99, table)).toBe(0.003);
    expect(defaultEta("relu", "sgd", 1, 0.99, table)).toBe(0.0001);
  });
  it("refuses an activation without a measurement", () => {
    expect(() => defaultEta("identity", "sgd", 32, 0.9, table)).toThrow(/no measured η/);
  });
  it("has a measured cell for every explorer activation, optimiser and batch", () => {
    for (const a of ["relu", "leaky-relu", "tanh", "sigmoid"]) for (const o of ["sgd", "adam"] as const) expect(ETA_GRID).toContain(defaultEta(a, o, 32, 0.9));
    expect(ETA_TABLE.cells).toHaveLength(4 * 2 * 4);
  });
});

describe("mnistPreprocess", () => {
  const side = 100;
  /** A filled rectangle of ink (w × h) at (x, y) on a side × side pad. */
  const rect = (x: number, y: number, w: number, h: number) => {
    const ink = new Float64Array(side * side);
    for (let r = y; r < y + h; r++) for (let c = x; c < x + w; c++) ink[r * side + c] = 1;
    return ink;
  };
  const inkBox = (p: Float64Array) => {
    let x0 = 28,
      y0 = 28,
      x1 = -1,
      y1 = -1;
    p.forEach((v, i) => {
      if (v <= 0) return;
      const x = i % 28,
        y = Math.floor(i / 28);
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    });
    return {w: x1 - x0 + 1, h: y1 - y0 + 1};
  };
  it("gives no digit for an empty pad", () => {
    const r = mnistPreprocess(new Float64Array(side * side), side);
    expect(r.empty).toBe(true);
    expect(r.pixels.every((v) => v === 0)).toBe(true);
  });
  it("fits the ink in 20 × 20 keeping its aspect, centres its mass in 28 × 28, and ignores where on the pad it was drawn", () => {
    fc.assert(
      fc.property(fc.integer({min: 20, max: 90}), fc.integer({min: 20, max: 90}), fc.nat(), fc.nat(), (w, h, px, py) => {
        const x = px % (side - w + 1),
          y = py % (side - h + 1);
        const r = mnistPreprocess(rect(x, y, w, h), side);
        expect(r.empty).toBe(false);
        const box = inkBox(r.pixels);
        expect(Math.max(box.w, box.h)).toBeLessThanOrEqual(MNIST_BOX + 1);
        // Aspect: the long side fills the 20-pixel box; the short side scales with it (±2 pixels of partial coverage).
        const long = Math.max(w, h),
          short = Math.min(w, h);
        expect(Math.min(box.w, box.h)).toBeGreaterThanOrEqual(Math.floor((MNIST_BOX * short) / long) - 1);
        expect(Math.min(box.w, box.h)).toBeLessThanOrEqual(Math.ceil((MNIST_BOX * short) / long) + 2);
        const [cx, cy] = centreOfMass(r.pixels, 28)!;
        expect(Math.abs(cx - 14)).toBeLessThanOrEqual(0.5 + 1e-9);
        expect(Math.abs(cy - 14)).toBeLessThanOrEqual(0.5 + 1e-9);
        // The same ink anywhere else on the pad gives the same digit.
        expect(mnistPreprocess(rect(0, 0, w, h), side).pixels).toEqual(r.pixels);
      }),
      {numRuns: 60},
    );
  });
  it("keeps the ink's share: a full box averages to coverage 1", () => {
    const r = mnistPreprocess(rect(10, 10, 80, 80), side);
    expect(r.pixels.reduce((s, v) => s + v, 0)).toBeCloseTo(400, 9);
  });
  it("refuses a pad of the wrong size", () => {
    expect(() => mnistPreprocess(new Float64Array(10), side)).toThrow(/10 values, expected 100×100/);
    expect(() => mnistPreprocess(new Float64Array(100), 10)).toThrow(/invalid side/);
  });
});
