import {describe, expect, it} from "vitest";
import {imageAt} from "../../src/components/datasets/images.js";

describe("imageAt", () => {
  const pixels = Uint8Array.from({length: 3 * 4}, (_, k) => (k * 20) % 256);

  it("returns image i as values in [0, 1]", () => {
    const image = imageAt(pixels, 1, 4);
    expect(image).toBeInstanceOf(Float64Array);
    expect(Array.from(image)).toEqual([80 / 255, 100 / 255, 120 / 255, 140 / 255]);
  });

  it("maps 0 to 0 and 255 to 1, and copies (the source is untouched)", () => {
    const full = new Uint8Array([0, 255, 128, 255]);
    const image = imageAt(full, 0, 4);
    expect(Array.from(image)).toEqual([0, 1, 128 / 255, 1]);
    image[0] = 0.5;
    expect(full[0]).toBe(0);
  });

  it("defaults to 28 × 28 images", () => {
    const two = new Uint8Array(2 * 784).fill(51, 784);
    expect(imageAt(two, 1)).toHaveLength(784);
    expect(imageAt(two, 1)[0]).toBeCloseTo(0.2);
    expect(imageAt(two, 0)[783]).toBe(0);
  });

  it("refuses an index outside the array or a bad size", () => {
    expect(() => imageAt(pixels, 3, 4)).toThrow(RangeError);
    expect(() => imageAt(pixels, -1, 4)).toThrow(/invalid index/);
    expect(() => imageAt(pixels, 0.5, 4)).toThrow(/invalid index/);
    expect(() => imageAt(pixels, 0, 0)).toThrow(/invalid size/);
  });
});
