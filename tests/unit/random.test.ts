import {describe, expect, it} from "vitest";
import {shuffle, source, STREAM} from "../../src/components/nn/index.js";

const draw = (random: () => number, n: number) => Array.from({length: n}, random);

describe("source", () => {
  it("returns a uniform source on [0, 1): 20,000 draws stay in range with mean ½ and variance 1/12 within sampling error", () => {
    const n = 20_000;
    const xs = draw(source(42), n);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const mean = xs.reduce((s, x) => s + x, 0) / n;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
    // U(0,1): σ² = 1/12, SE(mean) = √(1/12/n); SE(s²) = √((μ₄ − σ⁴)/n) with μ₄ = 1/80.
    expect(Math.abs(mean - 0.5)).toBeLessThan(4 * Math.sqrt(1 / 12 / n));
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(4 * Math.sqrt((1 / 80 - 1 / 144) / n));
  });

  it("is deterministic: the same seed and stream give the same sequence", () => {
    expect(draw(source(7, 3), 50)).toEqual(draw(source(7, 3), 50));
    expect(draw(source(7), 50)).toEqual(draw(source(7, 0), 50));
  });

  it("gives different sequences for different seeds and for different streams of one seed", () => {
    const base = draw(source(7, STREAM.init), 20);
    expect(draw(source(8, STREAM.init), 20)).not.toEqual(base);
    expect(draw(source(7, STREAM.order), 20)).not.toEqual(base);
    expect(draw(source(7, STREAM.data), 20)).not.toEqual(base);
    expect(draw(source(7, STREAM.order), 20)).not.toEqual(draw(source(7, STREAM.data), 20));
  });

  it("accepts every seed from 0 to 2³² − 1, and distinct seeds start distinct sequences", () => {
    const firsts = [0, 1, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1].map((seed) => source(seed)());
    for (const x of firsts) {
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
    expect(new Set(firsts).size).toBe(firsts.length);
  });

  it.each([1.5, NaN, Infinity, -Infinity, -1, 2 ** 32, 2 ** 40])("throws RangeError naming a seed outside 0 … 2³² − 1: %s", (seed) => {
    expect(() => source(seed)).toThrow(RangeError);
    expect(() => source(seed)).toThrow(new RegExp(`seed: ${seed}`));
  });
});

describe("shuffle", () => {
  it("permutes in place and returns the same array", () => {
    const a = Uint32Array.from({length: 100}, (_, i) => i);
    const out = shuffle(a, source(1));
    expect(out).toBe(a);
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({length: 100}, (_, i) => i));
    expect(Array.from(a)).not.toEqual(Array.from({length: 100}, (_, i) => i));
  });

  it("is deterministic for a seed and differs between seeds", () => {
    const order = (seed: number) =>
      Array.from(
        shuffle(
          Array.from({length: 30}, (_, i) => i),
          source(seed),
        ),
      );
    expect(order(5)).toEqual(order(5));
    expect(order(5)).not.toEqual(order(6));
  });

  it("is roughly uniform: each of the 6 orders of 3 items appears about 1/6 of 6,000 shuffles", () => {
    const random = source(99);
    const counts = new Map<string, number>();
    const n = 6000;
    for (let k = 0; k < n; k++) {
      const key = shuffle([0, 1, 2], random).join("");
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    const se = Math.sqrt(n * (1 / 6) * (5 / 6));
    for (const c of counts.values()) expect(Math.abs(c - n / 6)).toBeLessThan(5 * se);
  });
});
