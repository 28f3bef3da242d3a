import {mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {afterAll, describe, expect, it} from "vitest";
import {main, sweep} from "../../bin/sweep.js";
import {readSweepFile, sweepFileText, validateGrid} from "../../src/components/runs/sweep.js";
import {reportFile} from "../../src/components/runs/sweep-node.js";
import {capture} from "./capture.js";

const dir = mkdtempSync(join(tmpdir(), "sweep-cli-"));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

const run = (args: string[]) => capture(() => main(args));

const base = ["--init", "he-normal,uniform", "--activation", "relu", "--train", "300", "--test", "100", "--quiet"];
const small = [...base, "--lr", "0.01,0.1,0.5"];
const grid = validateGrid({inits: ["he-normal", "uniform"], activations: ["relu"], lrs: [0.01, 0.1, 0.5], train: 300, test: 100});

describe("npm run sweep", () => {
  it("gives the same fingerprints in this thread and on two worker threads", async () => {
    const [here, threads] = await Promise.all([sweep(grid, {workers: 0, quiet: true}), sweep(grid, {workers: 2, quiet: true})]);
    expect(threads.runs.map((r) => r.fingerprint)).toEqual(here.runs.map((r) => r.fingerprint));
    expect(here.runs).toHaveLength(6);
  });

  it("the build-time loader's path and the CLI's worker threads give the same results file", async () => {
    const seen: number[] = [];
    const loader = reportFile(grid, (done, total) => seen.push(done / total));
    const cli = await sweep(grid, {workers: 2, quiet: true});
    expect(seen).toEqual([1, 2, 3, 4, 5, 6].map((k) => k / 6));
    expect(new Set(loader.runs.map((r) => r.fingerprint)).size).toBe(6);
    expect(sweepFileText(loader)).toBe(sweepFileText(cli));
  });

  it("writes one results file; three shards merged equal the unsharded run, run by run", async () => {
    const whole = join(dir, "whole.json");
    expect((await run([...small, "--workers", "0", "--out", whole])).code).toBe(0);
    const parts = [1, 2, 3].map((i) => join(dir, `part-${i}.json`));
    for (const [k, part] of parts.entries()) expect((await run([...small, "--workers", "1", "--shard", `${k + 1}/3`, "--out", part])).code).toBe(0);
    const merged = join(dir, "all.json");
    const m = await run(["merge", ...parts, "--out", merged]);
    expect(m.code, m.stderr).toBe(0);
    expect(readSweepFile(readFileSync(merged, "utf8")).runs).toEqual(readSweepFile(readFileSync(whole, "utf8")).runs);
    // The same shard twice, or shards of another grid, are refused.
    const twice = await run(["merge", parts[0], parts[0], parts[1], "--out", join(dir, "x.json")]);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain("repeats shard 1/3");
    const other = join(dir, "other.json");
    expect((await run([...base, "--lr", "0.02,0.2", "--workers", "0", "--shard", "2/3", "--out", other])).code).toBe(0);
    const mixed = await run(["merge", parts[0], other, parts[2]]);
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toContain("is a different grid");
  });

  it("prints the results file on stdout without --out", async () => {
    const {code, stdout} = await run([...small, "--workers", "0", "--lr", "0.1"]);
    expect(code).toBe(0);
    expect(readSweepFile(stdout).runs).toHaveLength(2);
  });

  it.each([
    [["--init", "he-normal,magic", "--lr", "0.1"], 'invalid inits: "magic"'],
    [["--lr", "0.1,0"], "invalid lrs: 0"],
    [["--lr", "-1"], "invalid lrs: -1"],
    [["--activation", "", "--lr", "0.1"], "invalid activations: the list is empty"],
    [["--lr-range", "0.0001,10,200", "--seeds", "3"], "too many runs: 1200 (inits × activations × lrs × optimizers × weightDecays × dropouts × schedules × warmups × seeds; at most 500)"],
    [["--shard", "4/3", "--lr", "0.1"], "invalid shard: 4/3"],
    [["--shard", "abc", "--lr", "0.1"], 'invalid shard: "abc" (expected i/n, e.g. 2/8)'],
    [["--lr-range", "0.001,1,2.5"], '--lr-range: n must be a whole number from 1 to 500, got "2.5"'],
    [["--lr-range", "0.001,1,1e10"], '--lr-range: n must be a whole number from 1 to 500, got "1e10"'],
    [["--lr-range", "0.001,1,0"], "--lr-range: n must be a whole number from 1 to 500"],
    [["--lr-range", "0.001"], '--lr-range must be two or three numbers lo,hi[,n], got "0.001"'],
    [["--optimizer", "adam", "--momentum", "0.9", "--lr", "0.1"], "invalid momentum: 0.9 with optimizers adam"],
    [["--optimizer", "sgd", "--momentum", "0.9", "--lr", "0.1"], "invalid momentum: 0.9 with optimizers sgd"],
  ])("%j exits 2 naming the field", async (args, message) => {
    const {code, stderr} = await run([...base, ...args, "--workers", "0"]);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it("--grid takes the grid from a file and refuses an unknown key naming it", async () => {
    const file = join(dir, "grid.json");
    writeFileSync(file, JSON.stringify({...grid, lrs: [0.1]}));
    const ok = await run(["--grid", file, "--workers", "0", "--quiet"]);
    expect(ok.code).toBe(0);
    expect(readSweepFile(ok.stdout).runs).toHaveLength(2);
    writeFileSync(file, JSON.stringify({...grid, colour: "red"}));
    const bad = await run(["--grid", file, "--quiet"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`--grid ${file}: unknown grid key: "colour"`);
  });
});
