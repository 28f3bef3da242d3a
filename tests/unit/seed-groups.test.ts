// Seed groups (runs/seed-groups.ts): means and 95 % Student t intervals against values worked by
// hand from a printed t table (t(0.975, 1) = 12.706, t(0.975, 2) = 4.303, t(0.975, 4) = 2.776),
// grouping by configuration and rung, the text the heatmap shows, and successive halving's latest rungs.
import {describe, expect, it} from "vitest";
import {ciText, latestRuns, meanCI, seedGroups} from "../../src/components/runs/seed-groups.js";
import type {SweepResult} from "../../src/components/runs/sweep.js";
import type {RunConfig} from "../../src/components/runs/space.js";
import {expectClose} from "./tolerance.js";

const table = {abs: 2e-3, rel: 0};

describe("meanCI", () => {
  it("gives the textbook interval of 1, 2, 3, 4, 5: 3 ± 1.963 (s = √2.5, t(0.975, 4) = 2.776)", () => {
    const ci = meanCI([1, 2, 3, 4, 5]);
    expect(ci.n).toBe(5);
    expectClose(ci.mean, 3);
    expectClose(ci.sd, Math.sqrt(2.5));
    expectClose(ci.half, (2.776 * Math.sqrt(2.5)) / Math.sqrt(5), table, "half");
    expectClose(ci.lo, 1.037, table, "lo");
    expectClose(ci.hi, 4.963, table, "hi");
  });

  it("three seeds at 91, 92, 93 %: 92 ± 2.48 (s = 1, t(0.975, 2) = 4.303)", () => {
    const ci = meanCI([0.91, 0.92, 0.93]);
    expectClose(ci.mean, 0.92, {abs: 1e-12});
    expectClose(ci.sd, 0.01, {abs: 1e-12});
    expectClose(ci.half, (4.303 * 0.01) / Math.sqrt(3), {abs: 2e-5}, "half");
    expect(ciText(ci)).toBe("92.0 ± 2.5");
  });

  it("two values are wide: 0 and 1 give 0.5 ± 6.353 (t(0.975, 1) = 12.706)", () => {
    expectClose(meanCI([0, 1]).half, (12.706 * Math.SQRT1_2) / Math.SQRT2, table);
  });

  it("has no interval for one value, nothing for none, and skips NaN (a diverged seed)", () => {
    expect(meanCI([0.5])).toMatchObject({n: 1, mean: 0.5, sd: 0});
    expect(meanCI([0.5]).half).toBeNaN();
    expect(ciText(meanCI([0.5]))).toBe("50.0");
    expect(meanCI([]).mean).toBeNaN();
    expect(ciText(meanCI([NaN]))).toBe("–");
    expect(meanCI([1, NaN, 2, 3, 4, 5]).n).toBe(5);
  });

  it("narrows with a lower level and refuses a level outside (0, 1)", () => {
    expect(meanCI([1, 2, 3, 4, 5], 0.9).half).toBeLessThan(meanCI([1, 2, 3, 4, 5]).half);
    expect(() => meanCI([1, 2], 1)).toThrow(/invalid level: 1/);
  });
});

const config: RunConfig = {init: "he-normal", activation: "relu", lr: 0.1, optimizer: "sgd", weightDecay: 0, dropout: 0, schedule: "constant", warmup: 0};
const run = (trial: number, seed: number, testAccuracy: number, over: Partial<SweepResult> = {}): SweepResult => ({
  index: trial * 3 + seed - 1,
  key: `k${trial}`,
  trial,
  rung: 0,
  budget: 100,
  config: {...config, lr: 0.01 * (trial + 1)},
  seed,
  fingerprint: "abcdef01",
  testAccuracy,
  testLoss: 1,
  trainLoss: 1,
  diverged: null,
  deadUnits: seed,
  hiddenUnits: 32,
  steps: 10,
  curve: [],
  ...over,
});

describe("seedGroups", () => {
  it("groups a configuration's seeds, leaves diverged seeds out of the mean and counts them", () => {
    const groups = seedGroups([run(0, 1, 0.91), run(1, 1, 0.5), run(0, 2, 0.92), run(0, 3, 0.93), run(1, 2, NaN, {diverged: "diverged at step 3: loss became NaN"})]);
    expect(groups.map((g) => g.key)).toEqual(["k0", "k1"]);
    expect(groups[0].accuracy.n).toBe(3);
    expectClose(groups[0].accuracy.mean, 0.92, {abs: 1e-12});
    expect(groups[0].deadUnits).toBe(2);
    expect(groups[1]).toMatchObject({diverged: 1, accuracy: {n: 1, mean: 0.5}});
  });

  it("keeps a trial's rungs apart, and latestRuns keeps each trial's highest rung", () => {
    const runs = [run(0, 1, 0.6), run(0, 1, 0.9, {rung: 1, index: 100}), run(1, 1, 0.5)];
    expect(seedGroups(runs).map((g) => g.id)).toEqual(["k0", "k0@1", "k1"]);
    expect(latestRuns(runs).map((r) => [r.trial, r.rung])).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });
});
