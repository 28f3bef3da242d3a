import {describe, expect, it} from "vitest";
import fc from "fast-check";
import {alignAxes, hiddenActivations, principalAxes, project, separation, tangles, neighbourTangles, type Axes} from "../../src/components/experiments/projection.js";
import {arraySamples, Network} from "../../src/components/nn/index.js";

describe("PCA of hidden activations", () => {
  it("finds the hand-computed axes of points on a tilted line with a little spread across it", () => {
    // Points along (1, 1)/√2 spread ±2, and ±0.5 along (1, −1)/√2: the first axis is (1, 1)/√2
    // with 4² / (4² + 1²)… of the variance (per-point: 4 and 0.25 along the axes).
    const r = Math.SQRT1_2;
    const pts = [
      [2, 0.5],
      [-2, 0.5],
      [2, -0.5],
      [-2, -0.5],
    ].map(([u, v]) => [u * r + v * r, u * r - v * r]);
    const values = Float64Array.from(pts.flat().map((x) => x + 3));
    const axes = principalAxes(values, 2);
    expect(Math.abs(axes.components[0][0])).toBeCloseTo(r, 10);
    expect(axes.components[0][0]).toBeCloseTo(axes.components[0][1], 10);
    expect(axes.components[1][0]).toBeCloseTo(-axes.components[1][1], 10);
    expect(axes.explained[0]).toBeCloseTo(4 / 4.25, 10);
    expect(Array.from(axes.mean)).toEqual([3, 3]);
    const p = project(values, 2, axes);
    expect(Math.abs(p[0])).toBeCloseTo(2, 10);
    expect(Math.abs(p[1])).toBeCloseTo(0.5, 10);
  });

  it("aligns each frame to the last: a flipped or swapped basis comes back as it was", () => {
    const prev: Axes = {components: [Float64Array.from([1, 0, 0]), Float64Array.from([0, 1, 0])], explained: [0.6, 0.3], mean: new Float64Array(3)};
    const flipped = alignAxes(prev, {...prev, components: [Float64Array.from([-1, 0, 0]), Float64Array.from([0, -0.9, 0.1])]});
    expect(Array.from(flipped.components[0])).toEqual([1, -0, -0]);
    expect(flipped.components[1][1]).toBeCloseTo(0.9);
    const swapped = alignAxes(prev, {...prev, explained: [0.5, 0.4], components: [Float64Array.from([0, -1, 0]), Float64Array.from([1, 0, 0])]});
    expect(Array.from(swapped.components[0])).toEqual([1, 0, 0]);
    expect(Array.from(swapped.components[1])).toEqual([-0, 1, -0]);
    expect(swapped.explained).toEqual([0.4, 0.5]);
  });

  it("consecutive frames of slightly moved data keep their orientation (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({min: -1, max: 1, noNaN: true}), {minLength: 40, maxLength: 40}), fc.integer({min: 1, max: 1000}), (noise, seed) => {
        const values = new Float64Array(40 * 3);
        for (let i = 0; i < 40; i++) {
          values[3 * i] = (i - 20) * 3 + noise[i];
          values[3 * i + 1] = ((i * seed) % 7) - 3;
          values[3 * i + 2] = noise[(i + 1) % 40] * 0.1;
        }
        const first = principalAxes(values, 3);
        const moved = values.map((v, k) => v + 0.01 * noise[k % 40]);
        const second = principalAxes(moved, 3, first);
        const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, x, j) => s + x * b[j], 0);
        expect(dot(first.components[0], second.components[0])).toBeGreaterThan(0.9);
      }),
      {numRuns: 50},
    );
  });

  it("reads the last hidden layer's activations and the guesses from the network", () => {
    const net = new Network({layers: [4, 3, 2, 3], activation: "relu", head: "softmax-cross-entropy", init: "he-normal", seed: 5});
    const samples = arraySamples(
      [
        [1, 0, 0, 1],
        [0, 1, 1, 0],
      ],
      [0, 2],
    );
    const {values, units, guesses} = hiddenActivations(net, samples);
    expect(units).toBe(2);
    const trace = net.trace([0, 1, 1, 0]);
    expect(Array.from(values.subarray(2, 4))).toEqual(Array.from(trace.a[2]));
    expect(guesses[1]).toBe(net.predict([0, 1, 1, 0]));
    expect(() => hiddenActivations(net, samples, {layer: 3})).toThrow(/invalid layer: 3 \(the network's hidden layers are 1 to 2\)/);
  });
});

describe("separation and tangles", () => {
  const cloud = (cx: number, cy: number, r: number) => [cx + r, cy, cx - r, cy, cx, cy + r, cx, cy - r];
  it("between- over within-class spread: 0 when classes coincide, larger as they part", () => {
    const labels = [0, 0, 0, 0, 1, 1, 1, 1];
    const together = Float64Array.from([...cloud(0, 0, 1), ...cloud(0, 0, 1)]);
    const apart = Float64Array.from([...cloud(0, 0, 1), ...cloud(4, 0, 1)]);
    expect(separation(together, labels, 2)).toBe(0);
    // Between: 8 points each 2 from the mean → 32; within: 8 points each 1 from their centroid → 8.
    expect(separation(apart, labels, 2)).toBeCloseTo(4, 12);
  });

  it("names the overlapping pair first, with its confusions", () => {
    const labels = [0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2];
    const points = Float64Array.from([...cloud(0, 0, 1), ...cloud(1, 0, 1), ...cloud(10, 0, 1)]);
    const guesses = [0, 1, 0, 0, 1, 0, 0, 1, 2, 2, 2, 2];
    const [first, second] = tangles(points, labels, guesses, {classes: 3, top: 2});
    expect([first.a, first.b]).toEqual([0, 1]);
    expect(first.gap).toBeCloseTo(0.5, 12);
    expect(first.confused).toBe(3);
    expect([second.a, second.b]).toEqual([1, 2]);
  });

  it("by neighbourhoods (for UMAP): a class split in two far clusters is not tangled; mixed neighbours are, counted exactly", () => {
    // Class 0 in two clusters far apart (its centre lies between them, on class 2); classes 1 and 2 interleaved.
    const labels = [0, 0, 0, 0, 0, 0, 1, 2, 1, 2];
    const points = Float64Array.from([0, 0, 0, 1, 1, 0, 100, 0, 100, 1, 101, 0, 50, 0, 50, 1, 51, 0, 51, 1]);
    const guesses = [0, 0, 0, 0, 0, 0, 2, 2, 1, 1];
    // The centroid rule ranks 0 with 1 or 2 first (class 0's centre sits among them)…
    expect(tangles(points, labels, guesses, {classes: 3, top: 1})[0].a).toBe(0);
    // …neighbourhoods rank 1 and 2. k = 1, ties to the lower index: (50, 0) → (50, 1) and (50, 1) → (50, 0)
    // cross classes, (51, 0) → (50, 0) and (51, 1) → (50, 1) do not: 2 links over 1 × 4 digits.
    const [first, second] = neighbourTangles(points, labels, guesses, {classes: 3, top: 2, k: 1});
    expect([first.a, first.b]).toEqual([1, 2]);
    expect(first.mixed).toBe(2 / 4);
    expect(first.confused).toBe(2);
    expect(Number.isNaN(first.gap)).toBe(true);
    expect(second.mixed).toBe(0);
    // k = 2: each of the four has its two neighbours at distance 1, one of each class: 4 links over 2 × 4.
    const [wider] = neighbourTangles(points, labels, guesses, {classes: 3, top: 1, k: 2});
    expect([wider.a, wider.b]).toEqual([1, 2]);
    expect(wider.mixed).toBe(4 / 8);
    expect(() => neighbourTangles(points, labels, guesses, {k: 10})).toThrow(RangeError);
    expect(() => neighbourTangles(points, labels, guesses, {k: 0})).toThrow(/k must be a whole number from 1 to 9/);
  });
});

describe("a layer whose activations do not vary", () => {
  it("projects every digit to (0, 0), rounding noise included, with no variance explained", () => {
    const values = Float64Array.from({length: 40 * 4}, (_, k) => 0.5 + (k % 7 === 0 ? 1e-15 : 0));
    const axes = principalAxes(values, 4);
    expect(axes.explained).toEqual([0, 0]);
    expect(Array.from(project(values, 4, axes)).every((v) => v === 0)).toBe(true);
  });
});
