import {mkdtempSync, readFileSync, rmSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, it} from "vitest";
import fc from "fast-check";
import {main, sweep} from "../../bin/sweep.js";
import {drawTrials, MAX_TRIALS, promote, rungBudget, SearchError, validateSearch, type SearchSpec} from "../../src/components/runs/search.js";
import {DEFAULT_GRID, planStage, readSweepFile, runSweepRun, sweepFileText, trialConfigs, validateGrid, type SweepResult} from "../../src/components/runs/sweep.js";
import {arraySamples, source} from "../../src/components/nn/index.js";
import {capture} from "./capture.js";

const dir = mkdtempSync(join(tmpdir(), "search-"));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

const run = (args: string[]) => capture(() => main(args));

describe("validateSearch", () => {
  it.each([
    [{kind: "bayes"}, /^invalid search kind: "bayes" \(expected one of grid, random, asha\)$/],
    [{kind: "random", trials: 0}, /^invalid trials: 0 \(expected a whole number from 1 to 500\)$/],
    [{kind: "random", trials: MAX_TRIALS + 1}, /^invalid trials: 501/],
    [{kind: "random", trials: 2.5}, /^invalid trials: 2.5/],
    [{kind: "asha", trials: 9, reduction: 1}, /^invalid reduction factor: 1 \(expected a whole number from 2 to 10/],
    [{kind: "asha", trials: 9, reduction: 1.5}, /^invalid reduction factor: 1.5/],
    [{kind: "asha", trials: 9, rungs: 2, brackets: 3}, /^invalid brackets: 3 \(expected a whole number from 1 to 2\)$/],
    [{kind: "random", trials: 4, ranges: {lr: [0, 1]}}, /^invalid lr range: 0 \(expected a number from 0.0001 to 10\)$/],
    [{kind: "random", trials: 4, ranges: {weightDecay: [0, 0.1]}}, /^invalid weightDecay range: \[0,0.1\] \(drawn log-uniformly, so lo must be > 0/],
    [{kind: "random", trials: 4, ranges: {weightDecay: [1e-4, 2]}}, /^invalid weightDecay range: 2 \(expected a number from 0 to 1\)$/],
    [{kind: "random", trials: 4, ranges: {dropout: [0, 1]}}, /^invalid dropout range: 1 \(expected a number from 0 to below 1\)$/],
    [{kind: "random", trials: 4, ranges: {lr: [0.1, 0.01]}}, /^invalid lr range: \[0.1,0.01\] \(expected \[lo, hi\] with lo ≤ hi\)$/],
    [{kind: "random", trials: 4, ranges: {schedule: [0, 1]}}, /^invalid ranges: "schedule" has no range/],
    [{kind: "random", trials: 4, reduction: 3}, /^unknown search key for random: "reduction"/],
  ])("refuses %j naming the field", (input, message) => {
    expect(() => validateSearch(input)).toThrow(SearchError);
    expect(() => validateSearch(input)).toThrow(message);
  });

  it("fills in defaults", () => {
    expect(validateSearch(undefined)).toEqual({kind: "grid"});
    expect(validateSearch({kind: "asha", trials: 9})).toEqual({kind: "asha", trials: 9, seed: 1, ranges: {}, reduction: 3, rungs: 3, brackets: 1});
  });
});

describe("random draws", () => {
  const grid = validateGrid({...DEFAULT_GRID, optimizers: ["sgd", "adamw"], schedules: ["constant", "cosine"]});
  const search = {
    trials: 400,
    seed: 7,
    ranges: {lr: [0.001, 1] as [number, number], weightDecay: [1e-6, 1e-2] as [number, number], dropout: [0, 0.5] as [number, number], warmup: [0, 50] as [number, number]},
  };

  it("draw the same trials from the same seed, others from another, inside the ranges and lists", () => {
    const a = drawTrials(grid, search);
    expect(drawTrials(grid, search)).toEqual(a);
    expect(drawTrials(grid, {...search, seed: 8})).not.toEqual(a);
    for (const c of a) {
      expect(c.lr).toBeGreaterThanOrEqual(0.001);
      expect(c.lr).toBeLessThanOrEqual(1);
      expect(c.weightDecay).toBeGreaterThanOrEqual(1e-6);
      expect(c.dropout).toBeLessThanOrEqual(0.5);
      expect(Number.isInteger(c.warmup) && c.warmup >= 0 && c.warmup <= 50).toBe(true);
      expect(grid.inits).toContain(c.init);
      expect(["sgd", "adamw"]).toContain(c.optimizer);
      expect(+c.lr.toPrecision(3)).toBe(c.lr);
    }
    // Every choice and both ends of the integer range turn up in 400 draws.
    expect(new Set(a.map((c) => c.schedule)).size).toBe(2);
    expect(new Set(a.map((c) => c.init)).size).toBe(grid.inits.length);
    expect(Math.min(...a.map((c) => c.warmup))).toBe(0);
    expect(Math.max(...a.map((c) => c.warmup))).toBe(50);
  });

  it("η and λ are log-uniform: as many draws below the geometric middle of the range as above", () => {
    const a = drawTrials(grid, search);
    const below = (xs: number[], lo: number, hi: number) => xs.filter((x) => x < Math.sqrt(lo * hi)).length / xs.length;
    expect(
      below(
        a.map((c) => c.lr),
        0.001,
        1,
      ),
    ).toBeCloseTo(0.5, 1);
    expect(
      below(
        a.map((c) => c.weightDecay),
        1e-6,
        1e-2,
      ),
    ).toBeCloseTo(0.5, 1);
    // A linear draw would put almost every λ above the geometric middle (1e-4) of [1e-6, 1e-2].
    expect(a.filter((c) => c.dropout < 0.25).length / a.length).toBeCloseTo(0.5, 1);
  });

  it("a grid search tries the product of the lists, AXES order with init slowest", () => {
    const g = validateGrid({...DEFAULT_GRID, inits: ["he-normal", "uniform"], activations: ["relu"], lrs: [0.1], dropouts: [0, 0.2]});
    expect(trialConfigs(g).map((c) => `${c.init} ${c.dropout}`)).toEqual(["he-normal 0", "he-normal 0.2", "uniform 0", "uniform 0.2"]);
  });
});

describe("successive halving", () => {
  it("rung budgets are total / reduction^(K−1−k), rounded up", () => {
    const s = validateSearch({kind: "asha", trials: 9, reduction: 3, rungs: 3}) as SearchSpec;
    expect([0, 1, 2].map((k) => rungBudget(s, k, 900))).toEqual([100, 300, 900]);
    expect(rungBudget(s, 0, 1000)).toBe(112);
  });

  it("promotes the best ⌊n/η₀⌋ of each bracket (at least one), ties to the lower trial", () => {
    const scores = new Map([0.5, 0.9, 0.7, 0.9, 0.1, 0.3, 0.8, 0.2, 0.6].map((s, t) => [t, s]));
    expect(promote(scores, 3, 1)).toEqual([1, 3, 6]);
    expect(promote(new Map([[4, 0.2]]), 3, 1)).toEqual([4]);
    // Two brackets: even and odd trials halve separately (even: 6 alone; odd: 1 and 3 tie at 0.9, 1 wins).
    expect(promote(scores, 3, 2)).toEqual([1, 6]);
  });

  it("ranks a trial by its mean over seeds; a diverged seed counts −1", () => {
    fc.assert(
      fc.property(fc.array(fc.double({min: 0, max: 1, noNaN: true}), {minLength: 9, maxLength: 9}), (accuracies) => {
        const grid = validateGrid({...DEFAULT_GRID, train: 90, seeds: 1});
        const search = validateSearch({kind: "asha", trials: 9, reduction: 3, rungs: 2});
        const stage1 = planStage(grid, search, 1, []);
        const results = stage1.map((r, k) => ({...r, testAccuracy: k === 4 ? NaN : accuracies[k]}) as unknown as SweepResult);
        const stage2 = planStage(grid, search, 2, results);
        const ranked = [...results].sort((a, b) => (Number.isNaN(b.testAccuracy) ? -1 : b.testAccuracy) - (Number.isNaN(a.testAccuracy) ? -1 : a.testAccuracy) || a.trial - b.trial);
        expect(stage2.map((r) => r.trial)).toEqual(
          ranked
            .slice(0, 3)
            .map((r) => r.trial)
            .sort((a, b) => a - b),
        );
        expect(stage2.every((r) => r.rung === 1 && r.budget === 90)).toBe(true);
      }),
    );
  });

  it("a run at a low rung is the first part of the same run at the full budget (the schedule's horizon is the whole budget)", () => {
    const random = source(3);
    const labels = Array.from({length: 60}, (_, i) => i % 10);
    const samples = () =>
      arraySamples(
        labels.map((c) => Array.from({length: 784}, (_, j) => (j % 10 === c ? 1 : 0) * random())),
        labels,
      );
    const data = {train: samples(), test: samples()};
    const grid = validateGrid({
      ...DEFAULT_GRID,
      train: 60,
      test: 60,
      hidden: [6],
      batch: 6,
      epochs: 3,
      pointsPerEpoch: 2,
      schedules: ["cosine"],
      lrs: [0.1],
      inits: ["he-normal"],
      activations: ["relu"],
    });
    const search = validateSearch({kind: "asha", trials: 1, reduction: 3, rungs: 2});
    const [low] = planStage(grid, search, 1, []);
    const high = {...low, index: low.index + 1, rung: 1, budget: 180};
    const a = runSweepRun(grid, low, data),
      b = runSweepRun(grid, high, data);
    expect(a.budget).toBe(60);
    expect(a.curve.at(-1)!.samples).toBe(60);
    expect(b.curve.slice(0, a.curve.length)).toEqual(a.curve);
    expect(b.curve.at(-1)!.samples).toBe(180);
  });
});

describe("npm run sweep --search", () => {
  const base = ["--init", "he-normal,uniform", "--activation", "relu,sigmoid", "--train", "270", "--test", "50", "--hidden", "6", "--batch", "10", "--epochs", "1", "--quiet", "--workers", "0"];
  const asha = [...base, "--search", "asha", "--trials", "9", "--reduction", "3", "--rungs", "3", "--lr-range", "0.01,1"];

  it("a random search draws its trials and records them with their configurations", async () => {
    const out = join(dir, "random.json");
    const r = await run([...base, "--search", "random", "--trials", "5", "--search-seed", "4", "--dropout-range", "0,0.5", "--optimizer", "sgd,adamw", "--out", out]);
    expect(r.code, r.stderr).toBe(0);
    const file = readSweepFile(readFileSync(out, "utf8"), out);
    expect(file.search).toEqual({kind: "random", trials: 5, seed: 4, ranges: {lr: [0.001, 1], dropout: [0, 0.5]}});
    expect(file.runs.map((r) => r.trial)).toEqual([0, 1, 2, 3, 4]);
    expect(file.runs.map((r) => r.config)).toEqual(drawTrials(file.grid, file.search as never));
    expect(file.runs[0].key).toMatch(/\|optimizer=(sgd|adamw)\|dropout=/);
  });

  it("successive halving run stage by stage, sharded and merged, equals the whole search in one process, fingerprint for fingerprint", async () => {
    const whole = join(dir, "asha.json");
    const w = await run([...asha, "--out", whole]);
    expect(w.code, w.stderr).toBe(0);
    const all = readSweepFile(readFileSync(whole, "utf8"), whole);
    expect(all.stage).toBe(3);
    expect([0, 1, 2].map((k) => all.runs.filter((r) => r.rung === k).length)).toEqual([9, 3, 1]);
    expect([0, 1, 2].map((k) => all.runs.find((r) => r.rung === k)!.budget)).toEqual([30, 90, 270]);
    let from: string[] = [];
    for (const stage of [1, 2, 3]) {
      const parts = [1, 2].map((i) => join(dir, `s${stage}-${i}.json`));
      for (const [k, part] of parts.entries()) {
        const r = await run([...asha, "--stage", String(stage), ...from, "--shard", `${k + 1}/2`, "--out", part]);
        expect(r.code, r.stderr).toBe(0);
      }
      const merged = join(dir, `s${stage}.json`);
      const m = await run(["merge", ...parts, "--out", merged]);
      expect(m.code, m.stderr).toBe(0);
      from = ["--from", merged];
    }
    const staged = readSweepFile(readFileSync(join(dir, "s3.json"), "utf8"));
    expect(sweepFileText(staged)).toBe(sweepFileText(all));
  });

  it("refuses a stage out of order, a stage of another search and a missing shard, by name", async () => {
    const s1 = join(dir, "s1.json");
    const skip = await run([...asha, "--stage", "3", "--from", s1, "--out", join(dir, "x.json")]);
    expect(skip.code).toBe(2);
    expect(skip.stderr).toContain(`--from ${s1}: holds stage 1; stage 3 needs the merged stage 2 (stages run in order)`);
    const other = await run([...asha, "--search-seed", "9", "--stage", "2", "--from", s1, "--out", join(dir, "y.json")]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain(`--from ${s1}: a stage of another search`);
    const none = await run([...asha, "--stage", "2", "--out", join(dir, "z.json")]);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("--stage 2 needs --from <the merged results of stage 1>");
    const missing = await run(["merge", join(dir, "s2-1.json"), "--out", join(dir, "w.json")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/runs of stage 2 missing .*: shard 2\/2 missing/);
    const mixed = await run(["merge", join(dir, "s1-1.json"), join(dir, "s2-2.json")]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain("holds stage 2 and");
  });

  it.each([
    [["--search", "bayes"], "--search <kind>' argument 'bayes' is invalid"],
    [["--search", "random"], "invalid trials: --search random needs --trials N"],
    [["--search", "random", "--trials", "0"], "invalid trials: 0"],
    [["--search", "random", "--trials", "501"], "invalid trials: 501"],
    [["--search", "asha", "--trials", "9", "--reduction", "1"], "invalid reduction factor: 1"],
    [["--search", "grid", "--trials", "9"], "--trials does not apply to --search grid"],
    [["--search", "random", "--trials", "9", "--stage", "2"], "--stage does not apply to --search random"],
    [["--schedule", "sawtooth"], 'invalid schedules: "sawtooth" (η schedule: expected one of constant, step, cosine, one-cycle)'],
    [["--weight-decay", "0,2"], "invalid weightDecays: 2 (weight decay λ: expected a number from 0 to 1)"],
    [["--dropout", "1"], "invalid dropouts: 1 (dropout p: expected a number from 0 to below 1)"],
    [["--search", "random", "--trials", "3", "--dropout-range", "0,1"], "invalid dropout range: 1"],
    [["--nesterov"], "invalid nesterov: true needs optimizer momentum with a momentum μ > 0"],
    [["--search", "asha", "--trials", "9", "--shard", "1/2"], "sharded one stage at a time"],
    [["--search", "random", "--trials", "300", "--seeds", "2"], "too many runs: 300 trials × 2 seeds = 600 (at most 500 per stage)"],
  ])("%j exits 2 naming the field", async (args, message) => {
    const r = await run([...base, ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it("an interrupted search resumes from its journal to the same file", async () => {
    const grid = validateGrid({inits: ["he-normal", "uniform"], activations: ["relu", "sigmoid"], train: 270, test: 50, hidden: [6], batch: 10, lrs: [0.01]});
    const search = validateSearch({kind: "asha", trials: 9, reduction: 3, rungs: 3, ranges: {lr: [0.01, 1]}});
    const whole = await sweep(grid, {search, workers: 0, quiet: true});
    const first = whole.runs.filter((r) => r.rung === 0).slice(0, 5);
    const resumed = await sweep(grid, {search, workers: 0, quiet: true, done: first});
    expect(sweepFileText(resumed)).toBe(sweepFileText(whole));
  });
});
