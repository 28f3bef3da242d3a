import {describe, expect, it} from "vitest";
import {arraySamples, pixelSamples} from "../../src/components/nn/index.js";

describe("pixelSamples", () => {
  it("writes sample i's pixels scaled by 1/255 by default (0 → 0, 255 → 1)", () => {
    const pixels = Uint8Array.from([0, 255, 51, 102, 204, 255]);
    const s = pixelSamples(pixels, [3, 7], 3);
    expect(s.count).toBe(2);
    expect(s.inputSize).toBe(3);
    const out = new Float64Array(3);
    s.input(0, out);
    expect(Array.from(out)).toEqual([0, 1, 0.2]);
    s.input(1, out);
    expect(Array.from(out)).toEqual([0.4, 0.8, 1]);
    expect(Array.from(s.labels)).toEqual([3, 7]);
  });

  it("uses a custom scale", () => {
    const s = pixelSamples(Uint8Array.from([2, 4]), [0], 2, 0.5);
    const out = new Float64Array(2);
    s.input(0, out);
    expect(Array.from(out)).toEqual([1, 2]);
  });

  it("throws RangeError naming the lengths when pixels ≠ count × inputSize", () => {
    expect(() => pixelSamples(new Uint8Array(5), [0, 1], 3)).toThrow(RangeError);
    expect(() => pixelSamples(new Uint8Array(5), [0, 1], 3)).toThrow(/length 5, expected 2 × 3 = 6/);
  });
});

describe("arraySamples", () => {
  it("writes sample i's input", () => {
    const s = arraySamples(
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
      [0, 1, 0],
    );
    expect(s.count).toBe(3);
    expect(s.inputSize).toBe(2);
    const out = new Float64Array(2);
    s.input(2, out);
    expect(Array.from(out)).toEqual([5, 6]);
  });

  it("has input size 0 for no samples", () => {
    expect(arraySamples([], []).inputSize).toBe(0);
  });

  it("throws RangeError for ragged inputs, naming the input", () => {
    expect(() => arraySamples([[1, 2], [3]], [0, 1])).toThrow(/invalid input 1: length 1, expected 2/);
  });

  it("throws RangeError when the labels' count differs", () => {
    expect(() => arraySamples([[1, 2]], [0, 1])).toThrow(/1 inputs but 2 labels/);
  });
});
