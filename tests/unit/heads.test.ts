import {describe, expect, it} from "vitest";
import fc from "fast-check";
import {head, headNames} from "../../src/components/nn/index.js";
import {expectAllClose, expectClose} from "./tolerance.js";

const softmax = head("softmax-cross-entropy");

function activate(h: ReturnType<typeof head>, z: number[]): Float64Array {
  const a = new Float64Array(z.length);
  h.activate(Float64Array.from(z), a, z.length);
  return a;
}

/** ∂L/∂z_k by central differences of the head's own activate + loss. */
function numericDelta(h: ReturnType<typeof head>, z: number[], label: number, eps = 1e-6): number[] {
  return z.map((_, k) => {
    const plus = z.slice(),
      minus = z.slice();
    plus[k] += eps;
    minus[k] -= eps;
    return (h.loss(activate(h, plus), label, z.length) - h.loss(activate(h, minus), label, z.length)) / (2 * eps);
  });
}

describe('head("softmax-cross-entropy").activate', () => {
  it("computes e^{z_k}/Σ e^{z_j}: logits (0, ln 2, ln 3) give (1/6, 2/6, 3/6)", () => {
    expectAllClose(activate(softmax, [0, Math.log(2), Math.log(3)]), [1 / 6, 2 / 6, 3 / 6], {abs: 1e-15});
  });

  it("does not overflow for huge logits: (1000, 0) gives (1, e^−1000 = 0) and (1000, 1000) gives (½, ½)", () => {
    expectAllClose(activate(softmax, [1000, 0]), [1, 0], {abs: 1e-300});
    expectAllClose(activate(softmax, [1000, 1000]), [0.5, 0.5]);
    expectAllClose(activate(softmax, [-1000, -1000, -1000, -1000]), [0.25, 0.25, 0.25, 0.25]);
  });

  it("property: for arbitrary finite logits (any magnitude) the outputs are in [0, 1], finite, sum to 1, and the largest logit has the largest output", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({noNaN: true, noDefaultInfinity: true}), fc.double({min: -1000, max: 1000, noNaN: true}), fc.constantFrom(1000, -1000)), {minLength: 1, maxLength: 12}),
        (z) => {
          const a = activate(softmax, z);
          let sum = 0;
          for (const v of a) {
            expect(Number.isFinite(v)).toBe(true);
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1);
            sum += v;
          }
          expectClose(sum, 1, {abs: 1e-14}, "Σ softmax");
          const top = z.indexOf(Math.max(...z));
          expect(a[top]).toBe(Math.max(...a));
        },
      ),
      {numRuns: 500},
    );
  });

  // Bounded so logits differ by at most 30: e^−30 ≈ 9e−14 still shows in 1 + e^−30 (double precision
  // resolves 1.1e−16), so no output rounds to exactly 1. At ±20, [20, −20] gives a₀ = 1 exactly.
  it("property: for moderate logits (|z| ≤ 15, n ≥ 2) every output is strictly inside (0, 1)", () => {
    fc.assert(
      fc.property(fc.array(fc.double({min: -15, max: 15, noNaN: true}), {minLength: 2, maxLength: 10}), (z) => {
        for (const v of activate(softmax, z)) {
          expect(v).toBeGreaterThan(0);
          expect(v).toBeLessThan(1);
        }
      }),
    );
  });

  it("property: adding a constant to every logit does not change the outputs", () => {
    fc.assert(
      fc.property(fc.array(fc.double({min: -50, max: 50, noNaN: true}), {minLength: 1, maxLength: 8}), fc.double({min: -500, max: 500, noNaN: true}), (z, c) => {
        expectAllClose(
          activate(
            softmax,
            z.map((v) => v + c),
          ),
          activate(softmax, z),
          {abs: 1e-12},
        );
      }),
    );
  });
});

describe('head("softmax-cross-entropy").loss and .delta', () => {
  it("loss is −ln a_y", () => {
    const a = Float64Array.from([0.2, 0.5, 0.3]);
    expectClose(softmax.loss(a, 1, 3), -Math.log(0.5));
    expectClose(softmax.loss(a, 0, 3), Math.log(5));
  });

  it("loss of a confidently wrong output is large but finite (a_y underflows to 0)", () => {
    const a = activate(softmax, [1000, 0]);
    const loss = softmax.loss(a, 1, 2);
    expect(Number.isFinite(loss)).toBe(true);
    expect(loss).toBeGreaterThan(600);
  });

  it("delta is a − onehot(y), and equals the numerical ∂L/∂z", () => {
    const z = [0.3, -1.2, 2.0, 0.1];
    const a = activate(softmax, z);
    const delta = new Float64Array(4);
    softmax.delta(a, 2, delta, 4);
    expectAllClose(delta, [a[0], a[1], a[2] - 1, a[3]], {abs: 1e-15});
    expectAllClose(delta, numericDelta(softmax, z, 2), {abs: 1e-8});
  });
});

describe('head("sigmoid-mse")', () => {
  const sigma = (z: number) => 1 / (1 + Math.exp(-z));

  it("activate is the element-wise logistic σ(z)", () => {
    const h = head("sigmoid-mse");
    expectAllClose(activate(h, [0, Math.log(3), -Math.log(3), 2]), [0.5, 0.75, 0.25, sigma(2)]);
  });

  it("loss is ½ Σ (a_k − t_k)² with default targets on = 0.99 for the label, off = 0 elsewhere", () => {
    const h = head("sigmoid-mse");
    const a = Float64Array.from([0.1, 0.8, 0.3]);
    // label 1: t = (0, 0.99, 0)
    const expected = 0.5 * ((0.1 - 0) ** 2 + (0.8 - 0.99) ** 2 + (0.3 - 0) ** 2);
    expectClose(h.loss(a, 1, 3), expected);
  });

  it("uses custom targets on / off", () => {
    const h = head("sigmoid-mse", {on: 0.9, off: 0.1});
    const a = Float64Array.from([0.1, 0.8, 0.3]);
    const expected = 0.5 * ((0.1 - 0.1) ** 2 + (0.8 - 0.1) ** 2 + (0.3 - 0.9) ** 2);
    expectClose(h.loss(a, 2, 3), expected);
  });

  it("delta is (a − t)·a(1 − a) and equals the numerical ∂L/∂z, for default and custom targets", () => {
    for (const options of [undefined, {on: 0.9, off: 0.1}, {on: 1, off: -0.5}]) {
      const h = head("sigmoid-mse", options);
      const on = options?.on ?? 0.99,
        off = options?.off ?? 0;
      const z = [0.4, -0.7, 1.5];
      const a = activate(h, z);
      const delta = new Float64Array(3);
      h.delta(a, 0, delta, 3);
      const t = [on, off, off];
      expectAllClose(
        delta,
        [0, 1, 2].map((k) => (a[k] - t[k]) * a[k] * (1 - a[k])),
        {abs: 1e-15},
      );
      expectAllClose(delta, numericDelta(h, z, 0), {abs: 1e-8});
    }
  });

  it("loss is 0 when the outputs equal the targets", () => {
    const h = head("sigmoid-mse", {on: 0.75, off: 0.25});
    expect(h.loss(Float64Array.from([0.25, 0.75]), 1, 2)).toBe(0);
  });
});

describe("head", () => {
  it("lists exactly the two documented heads and names each", () => {
    expect([...headNames].sort()).toEqual(["sigmoid-mse", "softmax-cross-entropy"]);
    for (const name of headNames) expect(head(name).name).toBe(name);
  });

  it.each(["softmax", "mse", "", "toString", "__proto__"])("throws RangeError naming an unknown head %j", (name) => {
    expect(() => head(name)).toThrow(RangeError);
    expect(() => head(name)).toThrow(/head/);
    expect(() => head(name)).toThrow(JSON.stringify(name));
  });

  it.each([
    [{on: NaN}, /on: NaN/],
    [{on: Infinity}, /on: Infinity/],
    [{off: -Infinity}, /off: -Infinity/],
    [{off: NaN}, /off: NaN/],
  ])("throws RangeError naming a non-finite sigmoid-mse target %o", (options, message) => {
    expect(() => head("sigmoid-mse", options)).toThrow(RangeError);
    expect(() => head("sigmoid-mse", options)).toThrow(message);
  });
});
