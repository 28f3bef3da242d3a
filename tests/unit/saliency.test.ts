import {describe, expect, it} from "vitest";
import {amount, explainedClasses, legendExponent, saliencyCaption, saliencyMaps} from "../../src/components/views/saliency.js";
import {Network, occlusion, source} from "../../src/components/nn/index.js";

describe("explainedClasses", () => {
  it("the guess is the largest output, the runner-up the second largest; the second class is the runner-up or the reader's", () => {
    const outputs = [0.05, 0.1, 0.6, 0.02, 0.2, 0.03];
    expect(explainedClasses(outputs, "runner-up")).toEqual({guess: 2, runnerUp: 4, second: 4});
    expect(explainedClasses(outputs, 0)).toEqual({guess: 2, runnerUp: 4, second: 0});
    expect(explainedClasses(outputs, 2)).toEqual({guess: 2, runnerUp: 4, second: 2});
  });

  it("ties go to the lower index, and the runner-up is never the guess", () => {
    expect(explainedClasses([0.5, 0.5, 0], "runner-up")).toEqual({guess: 0, runnerUp: 1, second: 1});
    expect(explainedClasses([0.9, 0.05, 0.05], "runner-up")).toEqual({guess: 0, runnerUp: 1, second: 1});
    expect(explainedClasses([0.05, 0.05, 0.9], "runner-up")).toEqual({guess: 2, runnerUp: 0, second: 0});
  });
});

describe("saliencyMaps", () => {
  it("gives each class its input gradient, gradient × input and occlusion map, and the outputs", () => {
    const network = new Network({layers: [784, 16, 16, 10], activation: "relu", head: "softmax-cross-entropy", init: "he-normal", seed: 3});
    const random = source(3, 9);
    const x = Float64Array.from({length: 784}, () => (random() < 0.8 ? 0 : random()));
    const {outputs, maps} = saliencyMaps(network, x, [7, 1]);
    expect([...outputs]).toEqual([...network.forward(x)]);
    expect(maps.map((m) => m.c)).toEqual([7, 1]);
    const occ = occlusion(network, x);
    for (const m of maps) {
      expect([...m.gradient]).toEqual([...network.inputGradient(x, m.c)]);
      for (let i = 0; i < 784; i++) {
        expect(m.gradientInput[i]).toBe(m.gradient[i] * x[i]);
        expect(m.occlusion[i]).toBe(occ.drop[m.c * 49 + Math.floor(i / 28 / 4) * 7 + Math.floor((i % 28) / 4)]);
      }
    }
  });
});

describe("the figure's numbers in words", () => {
  it("amount: three decimals, or a power of ten below 0.001", () => {
    expect(amount(0.4123)).toBe("0.412");
    expect(amount(0)).toBe("0.000");
    expect(amount(5.7e-6)).toBe("5.7 × 10⁻⁶");
    expect(amount(2.6e-8)).toBe("2.6 × 10⁻⁸");
  });

  it("legendExponent keeps ramp ticks short: a multiple of 3 below 0.01, else 0", () => {
    expect(legendExponent(0.6)).toBe(0);
    expect(legendExponent(0.01)).toBe(0);
    expect(legendExponent(0.004)).toBe(-3);
    expect(legendExponent(5e-6)).toBe(-6);
    expect(legendExponent(0)).toBe(0);
  });

  it("the caption names the patches that argued most for and against", () => {
    const guessMap = new Float64Array(784),
      secondMap = new Float64Array(784);
    guessMap[9 * 28 + 13] = 0.3; // patch rows 8–11, columns 12–15
    guessMap[0] = -0.05;
    secondMap[27 * 28 + 27] = 0.1; // patch rows 24–27, columns 24–27
    const text = saliencyCaption({label: 7, guess: 7, second: 9, p: 0.91, guessMap, secondMap});
    expect(text).toBe(
      "This is a 7. The network says 7 (p = 0.910). Red pixels argued for the class of their row, blue ones against. " +
        "Blanking rows 8–11, columns 12–15 lowers p(7) most, by 0.300. Blanking rows 0–3, columns 0–3 raises it most, by 0.050. " +
        "The ink that argued most for 9 is at rows 24–27, columns 24–27 (blanked, p(9) falls by 0.100).",
    );
    expect(saliencyCaption({label: null, guess: 1, second: 1, p: 0.5, guessMap: new Float64Array(784), secondMap: new Float64Array(784)})).toBe(
      "The network says 1 (p = 0.500). Red pixels argued for the class of their row, blue ones against. No 4 × 4 patch lowers p(1).",
    );
  });
});
