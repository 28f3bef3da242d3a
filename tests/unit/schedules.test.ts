import {describe, expect, it} from "vitest";
import fc from "fast-check";
import {arraySamples, learningRateAt, Network, scheduleNames, Trainer, type NetworkConfig, type ScheduleName} from "../../src/components/nn/index.js";
import {cospi} from "../../src/components/nn/math.js";
import {expectClose} from "./tolerance.js";

const at = (t: number, schedule: ScheduleName, totalSteps = 100, warmup = 0, base = 0.1) => learningRateAt(base, t, {schedule, totalSteps, warmup});

describe("cospi", () => {
  it("is exact at 0, ½, 1 and close to Math.cos elsewhere", () => {
    expect([cospi(0), cospi(0.5), cospi(1), cospi(2), cospi(-1)]).toEqual([1, 0, -1, 1, -1]);
    for (let i = 0; i <= 2000; i++) {
      const x = -2 + i / 500;
      expectClose(cospi(x), Math.cos(Math.PI * x), {abs: 4e-16}, `cospi(${x})`);
    }
    expect(cospi(NaN)).toBeNaN();
    expect(cospi(Infinity)).toBeNaN();
  });
});

describe("learningRateAt at hand-computed points (η₀ = 0.1, T = 100)", () => {
  it("lists the four schedules", () => {
    expect([...scheduleNames]).toEqual(["constant", "step", "cosine", "one-cycle"]);
  });

  it("constant is the base rate at every t, with or without a horizon", () => {
    for (const t of [0, 1, 50, 99, 100, 1000]) expect(at(t, "constant")).toBe(0.1);
    expect(learningRateAt(0.1, 7, {schedule: "constant"})).toBe(0.1);
    expect(learningRateAt(0.1, 7, {})).toBe(0.1);
  });

  it("step: ×0.1 from t = 50 (50 %), ×0.01 from t = 75 (75 %)", () => {
    expect(at(0, "step")).toBe(0.1);
    expect(at(49, "step")).toBe(0.1);
    expect(at(50, "step")).toBe(0.1 * 0.1);
    expect(at(74, "step")).toBe(0.1 * 0.1);
    expect(at(75, "step")).toBe(0.1 * 0.1 * 0.1);
    expect(at(100, "step")).toBe(0.1 * 0.1 * 0.1);
    // Milestones at fractions of an odd horizon: t ≥ 0.5·7 = 3.5 and t ≥ 5.25.
    expect([0, 1, 2, 3, 4, 5, 6].map((t) => at(t, "step", 7))).toEqual([0.1, 0.1, 0.1, 0.1, 0.1 * 0.1, 0.1 * 0.1, 0.1 * 0.1 * 0.1]);
  });

  it("cosine: η₀ at t = 0, η₀/2 half-way, η₀(1 + √½)/2 a quarter in, 0 at and after the horizon", () => {
    expect(at(0, "cosine")).toBe(0.1);
    expect(at(50, "cosine")).toBe(0.05);
    expectClose(at(25, "cosine"), 0.05 * (1 + Math.SQRT1_2), {abs: 1e-17});
    expectClose(at(75, "cosine"), 0.05 * (1 - Math.SQRT1_2), {abs: 1e-17});
    expect(at(100, "cosine")).toBe(0);
    expect(at(150, "cosine")).toBe(0);
    expect(at(99, "cosine")).toBeGreaterThan(0);
  });

  it("one-cycle: η₀/25 at t = 0, peak η₀ at t = 0.3T, η₀/(25·10⁴) at the horizon", () => {
    expect(at(0, "one-cycle")).toBe(0.1 / 25);
    expectClose(at(30, "one-cycle"), 0.1, {abs: 1e-17});
    expectClose(at(15, "one-cycle"), (0.1 / 25 + 0.1) / 2, {abs: 1e-17});
    // Half-way down the second phase (t = 30 + 35): the mean of the peak and the end.
    const end = 0.1 / 25 / 1e4;
    expectClose(at(65, "one-cycle"), (0.1 + end) / 2, {abs: 1e-17});
    expect(at(100, "one-cycle")).toBe(end);
    expect(at(500, "one-cycle")).toBe(end);
    for (let t = 0; t < 100; t++) expect(at(t, "one-cycle")).toBeLessThanOrEqual(at(30, "one-cycle"));
  });

  it("warm-up over W updates multiplies by (t + 1)/W: η/W at t = 0, full at t = W − 1, composing with any schedule", () => {
    expect(at(0, "constant", 100, 10)).toBe(0.1 / 10);
    expect(at(4, "constant", 100, 10)).toBe(0.05);
    expect(at(9, "constant", 100, 10)).toBe(0.1);
    expect(at(10, "constant", 100, 10)).toBe(0.1);
    // Cosine is not shifted: update 9 of a warmed-up cosine is cosine's own rate at t = 9.
    expect(at(9, "cosine", 100, 10)).toBe(at(9, "cosine"));
    expectClose(at(4, "cosine", 100, 10), (at(4, "cosine") * 5) / 10, {abs: 1e-18});
    expect(at(0, "step", 100, 4)).toBe(0.1 / 4);
    expect(at(0, "one-cycle", 100, 2)).toBe(0.1 / 25 / 2);
    // A warm-up needs no horizon with the constant schedule.
    expect(learningRateAt(1, 1, {warmup: 4})).toBe(0.5);
  });
});

describe("learningRateAt properties (fast-check)", () => {
  const args = fc.record({
    schedule: fc.constantFrom(...scheduleNames),
    totalSteps: fc.integer({min: 1, max: 10_000}),
    warmup: fc.integer({min: 0, max: 500}),
    base: fc.double({min: 1e-4, max: 10, noNaN: true}),
    t: fc.integer({min: 0, max: 20_000}),
  });

  it("stays within [0, η₀] and is finite", () => {
    fc.assert(
      fc.property(args, ({schedule, totalSteps, warmup, base, t}) => {
        const rate = learningRateAt(base, t, {schedule, totalSteps, warmup});
        return Number.isFinite(rate) && rate >= 0 && rate <= base * (1 + 1e-15);
      }),
    );
  });

  it("cosine and step never increase with t; warm-up never decreases the constant rate before W", () => {
    fc.assert(
      fc.property(args, ({totalSteps, base, t, warmup}) => {
        const cosine = learningRateAt(base, t + 1, {schedule: "cosine", totalSteps}) <= learningRateAt(base, t, {schedule: "cosine", totalSteps});
        const step = learningRateAt(base, t + 1, {schedule: "step", totalSteps}) <= learningRateAt(base, t, {schedule: "step", totalSteps});
        const warm = learningRateAt(base, t + 1, {warmup}) >= learningRateAt(base, t, {warmup});
        return cosine && step && warm;
      }),
    );
  });
});

describe("learningRateAt refuses bad input with a RangeError naming the field", () => {
  it.each(["step", "cosine", "one-cycle"] as const)("%s without a horizon names totalSteps", (schedule) => {
    expect(() => learningRateAt(0.1, 0, {schedule})).toThrow(RangeError);
    expect(() => learningRateAt(0.1, 0, {schedule})).toThrow(/invalid totalSteps: undefined/);
  });
  it.each([0, -1, 1.5, NaN, Infinity])("totalSteps %s", (totalSteps) => {
    expect(() => learningRateAt(0.1, 0, {schedule: "cosine", totalSteps})).toThrow(`invalid totalSteps: ${totalSteps}`);
  });
  it.each(["linear", "Cosine", "", "toString"])("schedule %j", (schedule) => {
    expect(() => learningRateAt(0.1, 0, {schedule: schedule as ScheduleName, totalSteps: 10})).toThrow(`invalid schedule: ${JSON.stringify(schedule)}`);
  });
  it.each([-1, 0.5, NaN])("warmup %s", (warmup) => {
    expect(() => learningRateAt(0.1, 0, {warmup})).toThrow(`invalid warmup: ${warmup}`);
  });
  it.each([-1, 0.5, NaN])("t %s", (t) => {
    expect(() => learningRateAt(0.1, t, {})).toThrow(`invalid update index t: ${t}`);
  });
  it.each([0, -0.1, NaN, Infinity])("base %s", (base) => {
    expect(() => learningRateAt(base, 0, {})).toThrow(`invalid learning rate: ${base}`);
  });
});

describe("Trainer with a schedule", () => {
  const samples = arraySamples(
    Array.from({length: 12}, (_, i) => [Math.sin(i), Math.cos(3 * i), (i % 5) / 5]),
    Array.from({length: 12}, (_, i) => i % 3),
  );
  const config: NetworkConfig = {layers: [3, 5, 3], activation: "relu", head: "softmax-cross-entropy", init: "he-normal", seed: 3};

  it("update t uses learningRateAt(η, t): SGD moves by exactly −η_t·g each step", () => {
    const options = {schedule: "cosine", totalSteps: 6, warmup: 2} as const;
    const trainer = new Trainer(new Network(config), samples, {learningRate: 0.5, batchSize: 12, shuffle: false, ...options});
    const shadow = new Network(config);
    for (let t = 0; t < 6; t++) {
      expect(trainer.currentLearningRate).toBe(learningRateAt(0.5, t, options));
      // The same update by hand: the reference path with a constant rate equal to η_t.
      const one = new Trainer(shadow, samples, {learningRate: learningRateAt(0.5, t, options), batchSize: 12, shuffle: false});
      one.step();
      trainer.step();
      expect(trainer.network.layers.map((l) => [...l.weights, ...l.biases])).toEqual(shadow.layers.map((l) => [...l.weights, ...l.biases]));
    }
  });

  it("the fused SGD path (batch 1) follows the schedule too, bit for bit with the reference path", () => {
    const options = {learningRate: 0.3, batchSize: 1, schedule: "one-cycle", totalSteps: 30, warmup: 3} as const;
    const fast = new Trainer(new Network(config), samples, options);
    const reference = new Trainer(new Network(config), samples, {...options, reference: true});
    fast.run(30);
    reference.run(30);
    expect(fast.network.layers.map((l) => [...l.weights])).toEqual(reference.network.layers.map((l) => [...l.weights]));
  });

  it("throws RangeError naming the field for a schedule without a horizon and bad schedule fields", () => {
    const net = new Network(config);
    expect(() => new Trainer(net, samples, {learningRate: 0.1, batchSize: 4, schedule: "cosine"})).toThrow(/invalid totalSteps: undefined/);
    expect(() => new Trainer(net, samples, {learningRate: 0.1, batchSize: 4, schedule: "exp" as ScheduleName, totalSteps: 5})).toThrow(/invalid schedule: "exp"/);
    expect(() => new Trainer(net, samples, {learningRate: 0.1, batchSize: 4, warmup: -2})).toThrow(/invalid warmup: -2/);
  });
});
