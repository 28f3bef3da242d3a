// Hyperparameter importance (runs/importance.ts): fANOVA main effects on hand-made grids whose
// answer is known (one axis explains everything; two additive axes split the variance by their
// own variances; a pure interaction leaves every main effect at 0), and permutation importance
// of a random forest ranking a planted axis first, the same way for the same seed.
import {describe, expect, it} from "vitest";
import {randomLcg} from "d3";
import {fanovaMainEffects, hyperparameterImportance, permutationImportance, type ImportancePoint} from "../../src/components/runs/importance.js";
import {DEFAULT_GRID, validateGrid, type SweepResult} from "../../src/components/runs/sweep.js";
import type {RunConfig} from "../../src/components/runs/space.js";
import {expectClose} from "./tolerance.js";

const base: RunConfig = {init: "he-normal", activation: "relu", lr: 0.1, optimizer: "sgd", weightDecay: 0, dropout: 0, schedule: "constant", warmup: 0};
const inits = ["he-normal", "xavier-normal", "uniform"] as const;
const lrs = [0.01, 0.03, 0.1, 0.3];

/** A 3 × 4 grid (init × η) with y = f(init index, η index). */
const grid = (f: (i: number, j: number) => number): ImportancePoint[] => inits.flatMap((init, i) => lrs.map((lr, j) => ({config: {...base, init, lr}, y: f(i, j)})));
const share = (r: ReturnType<typeof fanovaMainEffects>, name: string) => r.axes.find((a) => a.name === name)!.value;

describe("fanovaMainEffects", () => {
  it("gives η all the variance when y depends on η alone", () => {
    const r = fanovaMainEffects(
      grid((_, j) => [0.2, 0.5, 0.9, 0.4][j]),
      ["init", "lr"],
    );
    expect(r.method).toBe("fanova");
    expect(r.axes[0].name).toBe("lr");
    expectClose(share(r, "lr"), 1);
    expectClose(share(r, "init"), 0, {abs: 1e-12});
    expectClose(r.interactions, 0, {abs: 1e-12});
  });

  it("splits an additive y by each axis's own variance: init (0, 0, 3) and η (0, 1, 0, 1)", () => {
    // Var of (0, 0, 3) = 2; var of (0, 1, 0, 1) = 0.25; additive, so the total is 2.25.
    const r = fanovaMainEffects(
      grid((i, j) => [0, 0, 3][i] + (j % 2)),
      ["init", "lr"],
    );
    expectClose(share(r, "init"), 2 / 2.25);
    expectClose(share(r, "lr"), 0.25 / 2.25);
    expectClose(r.interactions, 0, {abs: 1e-12});
  });

  it("leaves a pure interaction to the interactions (an XOR of two axes has no main effect)", () => {
    const points = (["relu", "sigmoid"] as const).flatMap((activation, i) => [0.01, 0.1].map((lr, j) => ({config: {...base, activation, lr}, y: i === j ? 1 : 0})));
    const r = fanovaMainEffects(points, ["activation", "lr"]);
    expectClose(share(r, "activation"), 0, {abs: 1e-12});
    expectClose(share(r, "lr"), 0, {abs: 1e-12});
    expectClose(r.interactions, 1);
  });

  it("refuses points that are not a full grid", () => {
    expect(() => fanovaMainEffects(grid(() => 1).slice(1), ["init", "lr"])).toThrow(/not a full grid: 11 points/);
  });
});

describe("permutationImportance", () => {
  // 40 random configurations; y is a bump in log η (the planted axis), λ adds a little, dropout nothing, plus noise.
  const u = randomLcg(0.25);
  const points: ImportancePoint[] = Array.from({length: 40}, () => {
    const lr = 10 ** (-3 + 3 * u());
    const weightDecay = 10 ** (-5 + 3 * u());
    const dropout = 0.5 * u();
    const y = 0.9 - 0.25 * (Math.log10(lr) + 1.5) ** 2 - 10 * weightDecay + 0.01 * (u() - 0.5);
    return {config: {...base, lr, weightDecay, dropout}, y};
  });

  it("ranks the planted axis (η) first, far ahead, and an axis y ignores near 0", () => {
    const r = permutationImportance(points, ["lr", "weightDecay", "dropout"], {seed: 3});
    expect(r.method).toBe("permutation");
    expect(r.axes.map((a) => a.name)[0]).toBe("lr");
    const [lr, , dropout] = ["lr", "weightDecay", "dropout"].map((name) => r.axes.find((a) => a.name === name)!.value);
    expect(lr).toBeGreaterThan(0.5);
    expect(Math.abs(dropout)).toBeLessThan(0.05);
  });

  it("gives the same figures for the same seed", () => {
    expect(permutationImportance(points, ["lr", "dropout"], {seed: 7})).toEqual(permutationImportance(points, ["lr", "dropout"], {seed: 7}));
  });
});

describe("hyperparameterImportance", () => {
  const run = (config: RunConfig, testAccuracy: number, index: number): SweepResult => ({
    index,
    key: `${config.init}|${config.activation}|${config.lr}`,
    trial: index,
    rung: 0,
    budget: 10,
    config,
    seed: 1,
    fingerprint: "00000000",
    testAccuracy,
    testLoss: 1,
    trainLoss: 1,
    diverged: null,
    deadUnits: 0,
    hiddenUnits: 8,
    steps: 1,
    curve: [],
  });

  it("uses fANOVA on a complete grid and says why it cannot on an incomplete one", () => {
    const g = validateGrid({...DEFAULT_GRID, inits: ["he-normal", "uniform"], activations: ["relu"], lrs: [0.01, 0.1]});
    const runs = grid((i, j) => (i === 0 ? 0.9 : 0.5) + 0.01 * j)
      .filter((p) => p.config.init !== "xavier-normal" && p.config.lr <= 0.1 && p.config.lr !== 0.03)
      .map((p, i) => run(p.config, p.y, i));
    const r = hyperparameterImportance({grid: g, search: {kind: "grid"}, runs});
    expect("method" in r && r.method).toBe("fanova");
    expect("axes" in r && r.axes[0].name).toBe("init");
    expect(hyperparameterImportance({grid: g, search: {kind: "grid"}, runs: runs.slice(1)})).toEqual({why: "the grid is not complete (3 of 4 configurations have results)"});
  });
});
