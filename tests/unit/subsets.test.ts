import {beforeAll, describe, expect, it} from "vitest";
import {decodeSubset, encodeSubset} from "../../src/components/datasets/codec.js";
import type {LabelledImages} from "../../src/components/datasets/idx.js";
import {readMnist} from "../../src/components/datasets/mnist-node.js";
import {balancedIndices, DATA_SEED, perClassFor, selectSubset, SUBSETS, take} from "../../src/components/datasets/subsets.js";

/** 10 classes × 50 images, labels interleaved: label of i is (i·7) mod 10. */
const labels = Uint8Array.from({length: 500}, (_, i) => (i * 7) % 10);

const histogram = (indices: ArrayLike<number>, of: ArrayLike<number>) => {
  const h = new Array(10).fill(0);
  for (let k = 0; k < indices.length; k++) h[of[indices[k]]]++;
  return h;
};
const isAscending = (a: ArrayLike<number>) => Array.from(a).every((v, i, all) => i === 0 || all[i - 1] < v);

describe("balancedIndices", () => {
  it("returns exactly perClass indices of each class, ascending and without repeats", () => {
    const idx = balancedIndices(labels, 7);
    expect(idx).toBeInstanceOf(Uint32Array);
    expect(idx.length).toBe(70);
    expect(histogram(idx, labels)).toEqual(new Array(10).fill(7));
    expect(isAscending(idx)).toBe(true);
  });

  it("accepts per-class counts", () => {
    const want = [0, 1, 2, 3, 4, 5, 6, 7, 8, 50];
    const idx = balancedIndices(labels, want, 3);
    expect(histogram(idx, labels)).toEqual(want);
    expect(isAscending(idx)).toBe(true);
  });

  it("is deterministic for a seed (default DATA_SEED) and different for another seed", () => {
    expect(Array.from(balancedIndices(labels, 5, 11))).toEqual(Array.from(balancedIndices(labels, 5, 11)));
    expect(Array.from(balancedIndices(labels, 5))).toEqual(Array.from(balancedIndices(labels, 5, DATA_SEED)));
    expect(Array.from(balancedIndices(labels, 5, 11))).not.toEqual(Array.from(balancedIndices(labels, 5, 12)));
  });

  it("is a random choice, not the first images of each class", () => {
    // The first 5 of each class in file order are exactly indices 0 … 49 (labels cycle through all 10 classes every 10 images).
    expect(Array.from(balancedIndices(labels, 5, 11))).not.toEqual(Array.from({length: 50}, (_, i) => i));
  });

  it("skipPerClass makes disjoint selections whose union is the larger selection", () => {
    const first = balancedIndices(labels, 10, 4, 0);
    const next = balancedIndices(labels, 10, 4, 10);
    const both = balancedIndices(labels, 20, 4, 0);
    const a = new Set(first),
      b = new Set(next);
    expect([...a].filter((i) => b.has(i))).toEqual([]);
    expect(histogram(next, labels)).toEqual(new Array(10).fill(10));
    expect([...first, ...next].sort((x, y) => x - y)).toEqual(Array.from(both));
  });

  it("selecting every image of every class returns all indices", () => {
    expect(Array.from(balancedIndices(labels, 50, 9))).toEqual(Array.from({length: 500}, (_, i) => i));
  });

  it("throws RangeError naming the class and the shortfall when a class has too few images", () => {
    expect(() => balancedIndices(labels, 51)).toThrow(RangeError);
    expect(() => balancedIndices(labels, 51)).toThrow(/class 0 has 50 images, 51 needed/);
    expect(() => balancedIndices(labels, 10, DATA_SEED, 45)).toThrow(/class 0 has 50 images, 55 needed/);
    const missingNine = labels.map((y) => (y === 9 ? 8 : y));
    expect(() => balancedIndices(missingNine, 1)).toThrow(/class 9 has 0 images, 1 needed/);
  });
});

describe("perClassFor", () => {
  it("gives ⌊n/10⌋ each and one more to the lowest n mod 10 classes", () => {
    expect(perClassFor(100)).toEqual(new Array(10).fill(10));
    expect(perClassFor(25)).toEqual([3, 3, 3, 3, 3, 2, 2, 2, 2, 2]);
    expect(perClassFor(7)).toEqual([1, 1, 1, 1, 1, 1, 1, 0, 0, 0]);
    expect(perClassFor(1)).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("always sums to n and differs by at most one between classes", () => {
    for (let n = 1; n <= 123; n++) {
      const counts = perClassFor(n);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(n);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
  });

  it("drives balancedIndices to exactly n images", () => {
    const idx = balancedIndices(labels, perClassFor(37));
    expect(idx.length).toBe(37);
    expect(histogram(idx, labels)).toEqual(perClassFor(37));
  });

  it.each([0, -5, 2.5, NaN])("throws RangeError naming the size %s", (n) => {
    expect(() => perClassFor(n)).toThrow(RangeError);
    expect(() => perClassFor(n)).toThrow(`invalid subset size: ${n}`);
  });
});

describe("take", () => {
  it("copies the images and labels at the given indices, in order", () => {
    const images: LabelledImages = {count: 4, rows: 1, cols: 2, pixels: Uint8Array.from([0, 1, 10, 11, 20, 21, 30, 31]), labels: Uint8Array.from([5, 6, 7, 8])};
    const s = take(images, Uint32Array.from([3, 1]), 99);
    expect(s.count).toBe(2);
    expect([s.rows, s.cols]).toEqual([1, 2]);
    expect(Array.from(s.pixels)).toEqual([30, 31, 10, 11]);
    expect(Array.from(s.labels)).toEqual([8, 6]);
    expect(Array.from(s.indices)).toEqual([3, 1]);
    expect(s.seed).toBe(99);
    images.pixels[6] = 255;
    expect(s.pixels[0]).toBe(30);
  });
});

describe("SUBSETS on the real MNIST files", () => {
  let test: LabelledImages;
  beforeAll(() => {
    test = readMnist("test");
  });

  it("SUBSETS.test and SUBSETS.grid are disjoint, class-balanced selections of the test file", () => {
    const testIdx = balancedIndices(test.labels, SUBSETS.test.perClass, DATA_SEED, SUBSETS.test.skipPerClass);
    const gridIdx = balancedIndices(test.labels, SUBSETS.grid.perClass, DATA_SEED, SUBSETS.grid.skipPerClass);
    expect(testIdx.length).toBe(10 * SUBSETS.test.perClass);
    expect(gridIdx.length).toBe(10 * SUBSETS.grid.perClass);
    expect(histogram(testIdx, test.labels)).toEqual(new Array(10).fill(SUBSETS.test.perClass));
    expect(histogram(gridIdx, test.labels)).toEqual(new Array(10).fill(SUBSETS.grid.perClass));
    // The grid skips at least as many per class as the test subset takes, which is what makes them disjoint.
    expect(SUBSETS.grid.skipPerClass).toBeGreaterThanOrEqual(SUBSETS.test.skipPerClass + SUBSETS.test.perClass);
    const inTest = new Set(testIdx);
    expect(Array.from(gridIdx).filter((i) => inTest.has(i))).toEqual([]);
  });

  it('selectSubset("grid") gives the images at its indices, and survives the codec', () => {
    const grid = selectSubset("grid", test);
    expect(grid.count).toBe(10 * SUBSETS.grid.perClass);
    expect(grid.seed).toBe(DATA_SEED);
    const size = 28 * 28;
    grid.indices.forEach((i, k) => {
      expect(grid.labels[k]).toBe(test.labels[i]);
      expect(grid.pixels[k * size + 400]).toBe(test.pixels[i * size + 400]);
    });
    const decoded = decodeSubset(encodeSubset(grid), "grid.bin");
    expect(Array.from(decoded.indices)).toEqual(Array.from(grid.indices));
    expect(decoded.pixels).toEqual(grid.pixels);
  });

  it("SUBSETS.train selects perClass of each class from the training labels", () => {
    const train = readMnist("train");
    const {perClass, skipPerClass} = SUBSETS.train;
    const idx = balancedIndices(train.labels, perClass, DATA_SEED, skipPerClass);
    expect(idx.length).toBe(10 * perClass);
    expect(histogram(idx, train.labels)).toEqual(new Array(10).fill(perClass));
    expect(isAscending(idx)).toBe(true);
  });
});
