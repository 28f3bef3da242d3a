import {describe, expect, it} from "vitest";
import fc from "fast-check";
import {AUGMENT, CLEAN, generateDigits, renderDigit, sampleParams, SIZE} from "../../src/components/datasets/procedural.js";
import {downsample16, labSet, readStrokes} from "../../src/components/datasets/lab-node.js";
import {LAB_SETS} from "../../src/components/datasets/lab-sets.js";
import {readMnist} from "../../src/components/datasets/mnist-node.js";
import {take} from "../../src/components/datasets/subsets.js";

const strokes = readStrokes();
const ink = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);

describe("generateDigits(strokes, count, seed)", () => {
  it("is deterministic for a seed and differs between seeds", () => {
    const a = generateDigits(strokes, 50, 3),
      b = generateDigits(strokes, 50, 3),
      c = generateDigits(strokes, 50, 4);
    expect(a.pixels).toEqual(b.pixels);
    expect(a.labels).toEqual(b.labels);
    expect(a.pixels).not.toEqual(c.pixels);
  });
  it("keeps every augmentation parameter in its range", () => {
    fc.assert(
      fc.property(fc.integer({min: 0, max: 2 ** 31 - 1}), (seed) => {
        for (const p of generateDigits(strokes, 20, seed).params) {
          expect(Math.abs(p.dx)).toBeLessThanOrEqual(AUGMENT.shift[1]);
          expect(Math.abs(p.dy)).toBeLessThanOrEqual(AUGMENT.shift[1]);
          expect(p.rotation).toBeGreaterThanOrEqual(AUGMENT.rotation[0]);
          expect(p.rotation).toBeLessThanOrEqual(AUGMENT.rotation[1]);
          expect(p.height).toBeGreaterThanOrEqual(AUGMENT.height[0]);
          expect(p.height).toBeLessThanOrEqual(AUGMENT.height[1]);
          expect(p.aspect).toBeGreaterThanOrEqual(AUGMENT.aspect[0]);
          expect(p.aspect).toBeLessThanOrEqual(AUGMENT.aspect[1]);
          expect(p.width).toBeGreaterThanOrEqual(AUGMENT.width[0]);
          expect(p.width).toBeLessThanOrEqual(AUGMENT.width[1]);
          expect(p.noise).toBeGreaterThanOrEqual(AUGMENT.noise[0]);
          expect(p.noise).toBeLessThanOrEqual(AUGMENT.noise[1]);
        }
      }),
      {numRuns: 30},
    );
  });
  it("gives every class a balanced share of the fixed sets", () => {
    const set = generateDigits(strokes, 100, 1);
    for (let c = 0; c < 10; c++) expect(set.labels.filter((l) => l === c).length).toBe(10);
  });
});

describe("renderDigit(strokes, params)", () => {
  it("renders every class inside the frame at the extremes of the augmentation ranges", () => {
    // The stroke's soft edge (ink falls from 1 to 0 over one pixel) ends inside the frame, so the
    // outermost ring of pixels, whose centres lie half a pixel in, holds at most half ink.
    const extremes = [AUGMENT.shift[0], AUGMENT.shift[1]].flatMap((dx) =>
      [AUGMENT.shift[0], AUGMENT.shift[1]].flatMap((dy) =>
        [AUGMENT.rotation[0], AUGMENT.rotation[1]].map((rotation) => ({...CLEAN, dx, dy, rotation, height: AUGMENT.height[1], aspect: AUGMENT.aspect[1], width: AUGMENT.width[1]})),
      ),
    );
    for (let c = 0; c < 10; c++)
      for (const p of extremes) {
        const image = renderDigit(strokes[c], p);
        expect(ink(image)).toBeGreaterThan(10);
        for (let k = 0; k < SIZE; k++) {
          for (const v of [image[k], image[(SIZE - 1) * SIZE + k], image[k * SIZE], image[k * SIZE + SIZE - 1]]) expect(v, `class ${c} ${JSON.stringify(p)}`).toBeLessThanOrEqual(0.5 + 1e-9);
        }
      }
  });
  it("keeps ink in [0, 1] with noise", () => {
    const random = () => 0.999;
    const image = renderDigit(strokes[8], {...sampleParams(() => 0.5), noise: AUGMENT.noise[1]}, random);
    expect(Math.min(...image)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...image)).toBeLessThanOrEqual(1);
  });
});

describe("lab data sets", () => {
  it("procedural train and test sets have the configured sizes and 16×16 images", () => {
    const test = labSet("procedural", "test");
    expect(test.count).toBe(LAB_SETS.procedural.test.count);
    expect(test.pixels.length).toBe(test.count * 256);
  });
  it("downsample16 preserves each MNIST digit's total ink (to within 8-bit rounding)", () => {
    const file = readMnist("test");
    const some = take(
      file,
      Uint32Array.from({length: 20}, (_, i) => i * 37),
    );
    const small = downsample16(some);
    expect(small.rows).toBe(16);
    for (let i = 0; i < some.count; i++) {
      const before = ink(some.pixels.subarray(i * 784, (i + 1) * 784));
      const after = ink(small.pixels.subarray(i * 256, (i + 1) * 256)) * (28 / 16) ** 2;
      // Each of 256 outputs is rounded by at most 0.5, scaled by (28/16)².
      expect(Math.abs(after - before)).toBeLessThanOrEqual(256 * 0.5 * (28 / 16) ** 2);
      expect(Math.abs(after - before) / before).toBeLessThan(0.02);
    }
  });
});
