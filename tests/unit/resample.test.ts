import {describe, expect, it} from "vitest";
import fc from "fast-check";
import {areaAverage} from "../../src/components/datasets/resample.js";

const sum = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);

describe("areaAverage(image, inSize, outSize)", () => {
  it("averages 2×2 blocks when the ratio is 2", () => {
    const image = [1, 3, 0, 0, 5, 7, 0, 0, 0, 0, 2, 2, 0, 0, 2, 2];
    expect(Array.from(areaAverage(image, 4, 2))).toEqual([4, 0, 0, 2]);
  });

  it("weights partial pixels by overlap (3 → 2)", () => {
    // Output cell 0 covers input [0, 1.5): pixel 0 fully, pixel 1 half: (1·a + 0.5·b) / 1.5 per axis.
    const image = [3, 0, 0, 0, 0, 0, 0, 0, 0];
    const out = areaAverage(image, 3, 2);
    expect(out[0]).toBeCloseTo(3 / 2.25, 12);
    expect(out[1]).toBe(0);
  });

  it("preserves total ink for 28 → 16 (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({min: 0, max: 255}), {minLength: 784, maxLength: 784}), (image) => {
        const out = areaAverage(image, 28, 16);
        expect(sum(out) * (28 / 16) ** 2).toBeCloseTo(sum(image), 6);
      }),
      {numRuns: 50},
    );
  });

  it("keeps a constant image constant", () => {
    const out = areaAverage(new Array(280 * 280).fill(0.5), 280, 28);
    for (const v of out) expect(v).toBeCloseTo(0.5, 12);
  });

  it("refuses wrong lengths and upsampling with the field's name", () => {
    expect(() => areaAverage([1, 2, 3], 2, 1)).toThrow(/invalid image: 3 values, expected 2×2/);
    expect(() => areaAverage([1, 2, 3, 4], 2, 3)).toThrow(/invalid outSize/);
    expect(() => areaAverage([1], 1, 0)).toThrow(/invalid outSize: 0/);
  });
});
