import {describe, expect, it} from "vitest";
import {randomLcg, randomNormal} from "d3-random";
import {procrustes, separation} from "../../src/components/experiments/projection.js";
import {umapEmbedding} from "../../src/components/experiments/embedding.js";

/** `n` points of a seeded 2-D cloud, x and y interleaved. */
const cloud = (n: number, seed = 3) => {
  const r = randomNormal.source(randomLcg(seed))(0, 1);
  return Float64Array.from({length: 2 * n}, (_, i) => r() * (i % 2 ? 0.5 : 2) + (i % 2 ? -1 : 4));
};

/** Each point turned by θ (then mirrored in the x axis when `reflect`), scaled by `scale`, shifted by (dx, dy). */
const transform = (p: Float64Array, {theta, reflect, scale, dx, dy}: {theta: number; reflect: boolean; scale: number; dx: number; dy: number}) => {
  const out = new Float64Array(p.length);
  const c = Math.cos(theta),
    s = Math.sin(theta);
  for (let i = 0; i < p.length / 2; i++) {
    const x = c * p[2 * i] - s * p[2 * i + 1],
      y = s * p[2 * i] + c * p[2 * i + 1];
    out[2 * i] = scale * x + dx;
    out[2 * i + 1] = scale * (reflect ? -y : y) + dy;
  }
  return out;
};

const maxDiff = (a: Float64Array, b: Float64Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe("Procrustes alignment of 2-D frames", () => {
  const original = cloud(200);

  it("brings a rotated, reflected, scaled and shifted copy back onto the original within 1e-9", () => {
    for (const reflect of [false, true])
      for (const theta of [0.3, 2.1, -2.9, Math.PI]) {
        const moved = transform(original, {theta, reflect, scale: 7.5, dx: -30, dy: 12});
        expect(maxDiff(procrustes(original, moved), original)).toBeLessThan(1e-9);
      }
  });

  it("shrinks as well as grows, and leaves an already aligned frame as it is", () => {
    const moved = transform(original, {theta: 1, reflect: true, scale: 0.01, dx: 0.5, dy: 0.5});
    expect(maxDiff(procrustes(original, moved), original)).toBeLessThan(1e-9);
    expect(maxDiff(procrustes(original, original), original)).toBeLessThan(1e-12);
  });

  it("gives the least-squares fit for a noisy copy: no rotation or scale fits better", () => {
    const r = randomNormal.source(randomLcg(9))(0, 0.3);
    const noisy = transform(original, {theta: 0.8, reflect: false, scale: 3, dx: 1, dy: 2}).map((v) => v + r());
    const aligned = procrustes(original, noisy);
    const cost = (p: Float64Array) => p.reduce((s, v, i) => s + (v - original[i]) ** 2, 0);
    const best = cost(aligned);
    for (const theta of [-0.01, 0.01])
      for (const scale of [0.99, 1.01]) {
        // Perturb around the aligned frame's centroid.
        const n = aligned.length / 2;
        let cx = 0,
          cy = 0;
        for (let i = 0; i < n; i++) {
          cx += aligned[2 * i] / n;
          cy += aligned[2 * i + 1] / n;
        }
        const centred = aligned.map((v, i) => v - (i % 2 ? cy : cx));
        const moved = transform(centred, {theta, reflect: false, scale, dx: cx, dy: cy});
        expect(cost(moved)).toBeGreaterThan(best);
      }
  });

  it("returns a copy when there is nothing to align to: no spread, or a different number of points", () => {
    const still = new Float64Array(original.length).fill(2);
    expect(Array.from(procrustes(still, original))).toEqual(Array.from(original));
    expect(Array.from(procrustes(original, still))).toEqual(Array.from(still));
    expect(Array.from(procrustes(original.subarray(0, 10), original))).toEqual(Array.from(original));
    expect(procrustes(original, original)).not.toBe(original);
  });
});

describe("seeded UMAP of the hidden space (the worker's function)", () => {
  // Two well-separated Gaussian blobs in 8 dimensions, 60 points each, alternating.
  const units = 8,
    rows = 120;
  const r = randomNormal.source(randomLcg(42))(0, 1);
  const labels = Uint8Array.from({length: rows}, (_, i) => i % 2);
  const values = Float64Array.from({length: rows * units}, (_, k) => r() + (labels[Math.floor(k / units)] ? 10 : 0));

  it("gives the same points twice for the same seed, and other points for another seed", () => {
    const a = umapEmbedding(values, units, {seed: 7, nEpochs: 100});
    const b = umapEmbedding(values, units, {seed: 7, nEpochs: 100});
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a.every(Number.isFinite)).toBe(true);
    const c = umapEmbedding(values, units, {seed: 8, nEpochs: 100});
    expect(Array.from(c)).not.toEqual(Array.from(a));
  });

  it("separates the two blobs: every point is nearer its own blob's centre than the other's", () => {
    const p = umapEmbedding(values, units, {seed: 1, nEpochs: 150});
    const centre = [0, 1].map((c) => {
      let x = 0,
        y = 0;
      for (let i = c; i < rows; i += 2) {
        x += p[2 * i] / (rows / 2);
        y += p[2 * i + 1] / (rows / 2);
      }
      return [x, y];
    });
    for (let i = 0; i < rows; i++) {
      const own = centre[labels[i]],
        other = centre[1 - labels[i]];
      expect(Math.hypot(p[2 * i] - own[0], p[2 * i + 1] - own[1])).toBeLessThan(Math.hypot(p[2 * i] - other[0], p[2 * i + 1] - other[1]));
    }
    expect(separation(p, labels, 2)).toBeGreaterThan(5);
  });

  it("maps a dead layer (every row equal) to one point, and refuses bad options", () => {
    const dead = new Float64Array(50 * 4).fill(0.25);
    expect(umapEmbedding(dead, 4).every((v) => v === 0)).toBe(true);
    expect(() => umapEmbedding(values, 7)).toThrow(RangeError);
    expect(() => umapEmbedding(values, units, {nNeighbors: 1})).toThrow(RangeError);
    expect(() => umapEmbedding(values, units, {minDist: -1})).toThrow(RangeError);
    const bad = Float64Array.from(values);
    bad[5] = NaN;
    expect(() => umapEmbedding(bad, units)).toThrow(/not finite/);
  });

  it("reports progress and beats while it works", () => {
    const fractions: number[] = [];
    let beats = 0;
    umapEmbedding(values, units, {nEpochs: 50}, {progress: (f) => fractions.push(f), beat: () => beats++});
    expect(fractions.at(-1)).toBe(1);
    expect(beats).toBeGreaterThanOrEqual(fractions.length);
  });
});
