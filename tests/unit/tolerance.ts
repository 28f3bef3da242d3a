/**
 * Float comparison helpers for the unit tests. |actual − expected| ≤ abs + rel·|expected|,
 * i.e. numpy's isclose. The defaults (abs 1e-12, rel 1e-12) suit values computed in float64
 * by two different orders of operations; pass looser ones for sampled statistics.
 */
import {expect} from "vitest";

export interface Tolerance {
  abs?: number;
  rel?: number;
}

export function isClose(actual: number, expected: number, {abs = 1e-12, rel = 1e-12}: Tolerance = {}): boolean {
  if (Number.isNaN(actual) || Number.isNaN(expected)) return false;
  if (actual === expected) return true; // also equal infinities
  if (!Number.isFinite(actual) || !Number.isFinite(expected)) return false;
  return Math.abs(actual - expected) <= abs + rel * Math.abs(expected);
}

/** Asserts |actual − expected| ≤ abs + rel·|expected|, with a message showing both and the gap. */
export function expectClose(actual: number, expected: number, tolerance: Tolerance = {}, what = "value"): void {
  const ok = isClose(actual, expected, tolerance);
  expect(ok, `${what}: got ${actual}, expected ${expected} (difference ${actual - expected}, tolerance ${JSON.stringify(tolerance)})`).toBe(true);
}

/** Element-wise expectClose over two equal-length arrays. */
export function expectAllClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tolerance: Tolerance = {}, what = "array"): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expectClose(actual[i], expected[i], tolerance, `${what}[${i}]`);
}

/** Bit-for-bit equality of two float arrays (distinguishes −0 from +0 and compares NaNs as equal). */
export function expectBitIdentical(actual: ArrayLike<number>, expected: ArrayLike<number>, what = "array"): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Object.is(actual[i], expected[i]), `${what}[${i}]: got ${actual[i]}, expected ${expected[i]}`).toBe(true);
  }
}
