import {describe, expect, it} from "vitest";
import {expectAllClose, expectBitIdentical, expectClose, isClose} from "./tolerance.js";

describe("isClose", () => {
  it("accepts differences within abs + rel·|expected| and rejects larger ones", () => {
    expect(isClose(1 + 1e-13, 1)).toBe(true);
    expect(isClose(1 + 1e-9, 1)).toBe(false);
    expect(isClose(1.01, 1, {rel: 0.02})).toBe(true);
    expect(isClose(1e-14, 0)).toBe(true);
    expect(isClose(1e-10, 0)).toBe(false);
  });
  it("never accepts NaN and accepts equal infinities", () => {
    expect(isClose(NaN, NaN)).toBe(false);
    expect(isClose(Infinity, Infinity)).toBe(true);
    expect(isClose(Infinity, -Infinity)).toBe(false);
  });
  it("makes expectClose / expectAllClose / expectBitIdentical fail on a mismatch", () => {
    expect(() => expectClose(1, 2)).toThrow();
    expect(() => expectAllClose([1, 2], [1, 2.1])).toThrow();
    expect(() => expectAllClose([1], [1, 2])).toThrow();
    expect(() => expectBitIdentical([0], [-0])).toThrow();
    expectBitIdentical([NaN, 1], [NaN, 1]);
  });
});
