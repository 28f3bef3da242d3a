// @vitest-environment jsdom
// The neuron lab's "Inside the unit" terms and live "Known and learned" figures.
import {describe, expect, it} from "vitest";
import {unitTerms} from "../../src/components/views/unit-sum.js";
import {layerChanges} from "../../src/components/views/learned-table.js";

describe("unitTerms", () => {
  it("puts the bias first, then every non-zero aᵢ·wᵢ, largest first; the terms add up to z", () => {
    const weights = [0.5, -2, 3, 1],
      input = [1, 0.5, 0, 0.25],
      bias = -0.1;
    const terms = unitTerms({weights, bias, input});
    expect(terms.map((t) => t.source)).toEqual([-1, 0, 3, 1]);
    expect(terms.map((t) => t.value)).toEqual([-0.1, 0.5, 0.25, -1]);
    const z = bias + weights.reduce((s, w, i) => s + w * input[i], 0);
    expect(terms.reduce((s, t) => s + t.value, 0)).toBeCloseTo(z, 12);
  });
  it("refuses inputs that do not match the weights", () => {
    expect(() => unitTerms({weights: [1, 2], bias: 0, input: [1]})).toThrow(RangeError);
  });
});

describe("layerChanges", () => {
  const layer = (w: number[], b: number[]) => ({fanIn: w.length / b.length, fanOut: b.length, weights: Float64Array.from(w), biases: Float64Array.from(b)});
  it("is 0 for the starting weights and measures ‖W − W₀‖ / ‖W₀‖, mean and largest |Δw|, mean |Δb|", () => {
    const start = [layer([3, 4], [0])];
    expect(layerChanges(start, start)[0]).toEqual({relative: 0, meanAbs: 0, maxAbs: 0, biasMeanAbs: 0});
    const [c] = layerChanges(start, [layer([3, 4 + 5], [-2])]);
    expect(c.relative).toBeCloseTo(1, 12); // |(0, 5)| / |(3, 4)|
    expect(c.meanAbs).toBe(2.5);
    expect(c.maxAbs).toBe(5);
    expect(c.biasMeanAbs).toBe(2);
  });
  it("refuses layers of another shape", () => {
    expect(() => layerChanges([layer([1, 2], [0])], [layer([1, 2, 3], [0])])).toThrow(RangeError);
  });
});
