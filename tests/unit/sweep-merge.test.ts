// Merge checks every run against the schema and the grid, naming the file and the run; a partial
// merge says which runs it lacks, and a later merge with the missing shard completes it (issue 16).
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, beforeAll, describe, expect, it} from "vitest";
import {main, sweep} from "../../bin/sweep.js";
import {readSweepFile, sweepFileText, validateGrid} from "../../src/components/runs/sweep.js";
import {capture} from "./capture.js";

const dir = mkdtempSync(join(tmpdir(), "sweep-merge-"));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

const run = (args: string[]) => capture(() => main(args));

const grid = validateGrid({inits: ["he-normal", "uniform"], activations: ["relu"], lrs: [0.01, 0.1, 0.5], train: 200, test: 100});
const parts = [1, 2, 3].map((i) => join(dir, `part-${i}.json`));
let whole = "";

beforeAll(async () => {
  whole = sweepFileText(await sweep(grid, {workers: 0, quiet: true})) + "\n";
  for (const [k, part] of parts.entries()) writeFileSync(part, sweepFileText(await sweep(grid, {workers: 0, quiet: true, shard: {index: k + 1, count: 3}})) + "\n");
});

/** Part 2 with one field of its first run (run 1: he-normal|relu|0.1 seed 1) changed. */
function corrupt(name: string, change: (run: Record<string, unknown>) => void): string {
  const file = JSON.parse(readFileSync(parts[1], "utf8"));
  change(file.runs[0]);
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(file));
  return path;
}

describe("merge refuses corrupt parts by name", () => {
  it.each([
    ["accuracy.json", (r: Record<string, unknown>) => (r.testAccuracy = 7.5), "testAccuracy 7.5 is not a number from 0 to 1"],
    ["fingerprint.json", (r: Record<string, unknown>) => (r.fingerprint = 12345), "fingerprint 12345 is not a hexadecimal text"],
    [
      "eta.json",
      (r: Record<string, unknown>) => ((r.config as {lr: number}).lr = 0.5),
      'config {"init":"he-normal","activation":"relu","lr":0.5,"optimizer":"sgd","weightDecay":0,"dropout":0,"schedule":"constant","warmup":0} contradicts its key',
    ],
    ["curve.json", (r: Record<string, unknown>) => (r.curve = "not a list"), 'curve "not a list" is not a list'],
    ["point.json", (r: Record<string, unknown>) => ((r.curve as Record<string, unknown>[])[1].testAccuracy = -1), "curve[1].testAccuracy -1 is not a number from 0 to 1"],
  ])("%s", async (name, change, message) => {
    const bad = corrupt(name, change);
    const {code, stderr} = await run(["merge", parts[0], bad, parts[2]]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${bad}: runs[0]: run 1 (he-normal|relu|0.1 seed 1): ${message}`);
  });

  it("a bad shard is named as written, not undefined/undefined", async () => {
    const file = JSON.parse(readFileSync(parts[1], "utf8"));
    file.shard = {part: 2};
    const bad = join(dir, "shard.json");
    writeFileSync(bad, JSON.stringify(file));
    const {code, stderr} = await run(["merge", parts[0], bad]);
    expect(code).toBe(2);
    expect(stderr).toContain(`${bad}: shard {"part":2} is not {index, count}`);
    expect(stderr).not.toContain("undefined");
  });
});

describe("merge --partial", () => {
  it("marks its output partial (the runs it lacks), and a later merge with the missing shard completes it", async () => {
    const partial = join(dir, "partial.json");
    const refused = await run(["merge", parts[0], parts[2], "--out", partial]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("2 of 6 runs missing");
    const p = await run(["merge", parts[0], parts[2], "--partial", "--out", partial]);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stderr).toContain("partial: 2 of 6 runs missing");
    const file = readSweepFile(readFileSync(partial, "utf8"), partial);
    expect(file.missing).toEqual([1, 4]);
    expect(file.runs.map((r) => r.index)).toEqual([0, 2, 3, 5]);
    const all = join(dir, "all.json");
    const done = await run(["merge", partial, parts[1], "--out", all]);
    expect(done.code, done.stderr).toBe(0);
    expect(readFileSync(all, "utf8")).toBe(whole);
  });
});
