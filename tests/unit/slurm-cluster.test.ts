// The cluster recipes on a real single-node Slurm (scripts/slurm-up.sh; .ci/run brings it up and
// sets DIGIT_REQUIRE_SLURM=1, so there a missing Slurm fails this file instead of skipping it).
// Each recipe is submitted from a fresh directory (the tracked files, no results, no journals) and
// its merged results must equal a local run of the same grid or search, fingerprint for fingerprint.
import {execFileSync, spawnSync} from "node:child_process";
import {cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync} from "node:fs";
import {tmpdir} from "node:os";
import {dirname, join} from "node:path";
import {afterAll, describe, expect, it} from "vitest";
import {sweep} from "../../bin/sweep.js";
import {readSweepFile, sweepFileText, validateGrid} from "../../src/components/runs/sweep.js";
import {validateSearch} from "../../src/components/runs/search.js";

const root = new URL("../../", import.meta.url).pathname;
const required = process.env.DIGIT_REQUIRE_SLURM === "1";

/** SLURM_CONF of a running cluster (the environment's, or scripts/slurm-up.sh's default), or null. */
function findSlurm(): string | null {
  for (const conf of [process.env.SLURM_CONF, "/var/tmp/digit-slurm/slurm.conf"]) {
    if (!conf || !existsSync(conf)) continue;
    const r = spawnSync("sinfo", ["-h", "-o", "%T"], {env: {...process.env, SLURM_CONF: conf}, encoding: "utf8", timeout: 10_000});
    if (r.status === 0 && /idle|mixed|allocated/.test(r.stdout)) return conf;
  }
  return null;
}

const conf = findSlurm();
if (!conf && required) throw new Error("DIGIT_REQUIRE_SLURM=1 but no Slurm answers: run scripts/slurm-up.sh (as root) first");
const env = {...process.env, SLURM_CONF: conf ?? ""};

/** A fresh directory holding the repository's tracked files, with node_modules linked (as after `npm install`). */
function freshCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), "digit-cluster-"));
  const files = execFileSync("git", ["ls-files"], {cwd: root, encoding: "utf8"}).split("\n").filter(Boolean);
  for (const file of files) {
    if (!existsSync(join(root, file))) continue;
    mkdirSync(join(dir, dirname(file)), {recursive: true});
    cpSync(join(root, file), join(dir, file));
  }
  symlinkSync(join(root, "node_modules"), join(dir, "node_modules"));
  // What `npm install` runs after installing (package.json "prepare"): the generated SIMD kernel.
  execFileSync("npm", ["run", "-s", "build:wasm"], {cwd: dir, stdio: "ignore"});
  return dir;
}

const sh = (cwd: string, command: string, args: string[]) => execFileSync(command, args, {cwd, env, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"]}).trim();

/** Waits until none of the jobs is queued or running; throws with the logs after `limit` ms. */
async function waitFor(cwd: string, ids: string[], limit = 15 * 60_000): Promise<void> {
  const start = Date.now();
  while (sh(cwd, "squeue", ["-h", "-j", ids.join(",")]) !== "") {
    if (Date.now() - start > limit) throw new Error(`jobs ${ids.join(", ")} still queued after ${limit / 1000} s`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, {recursive: true, force: true});
});

describe.skipIf(!conf)("the cluster recipes on a real Slurm", () => {
  it("examples/slurm/sweep.sbatch: the job array's merged shards equal a local run of examples/grid.json", {timeout: 20 * 60_000}, async () => {
    const dir = freshCopy();
    dirs.push(dir);
    const id = sh(dir, "sbatch", ["--parsable", "examples/slurm/sweep.sbatch"]).split(";")[0];
    const grid = validateGrid(JSON.parse(readFileSync(join(root, "examples/grid.json"), "utf8")));
    const [local] = await Promise.all([sweep(grid, {workers: 1, quiet: true}), waitFor(dir, [id])]);
    const parts = Array.from({length: 8}, (_, i) => `results/part-${i + 1}.json`);
    for (const part of parts) expect(existsSync(join(dir, part)), `${part} missing; logs: ${sh(dir, "bash", ["-c", "tail -n 5 slurm-*.log"])}`).toBe(true);
    sh(dir, "npm", ["run", "-s", "sweep", "--", "merge", ...parts, "--out", "results/all.json"]);
    const merged = readSweepFile(readFileSync(join(dir, "results/all.json"), "utf8"), "results/all.json");
    expect(merged.runs).toHaveLength(384);
    expect(merged.runs.map((r) => r.fingerprint)).toEqual(local.runs.map((r) => r.fingerprint));
    expect(sweepFileText(merged)).toBe(sweepFileText(local));
  });

  it("examples/slurm/search.sh: successive halving stage by stage through Slurm equals the search in one process", {timeout: 20 * 60_000}, async () => {
    const dir = freshCopy();
    dirs.push(dir);
    const last = sh(dir, "bash", ["examples/slurm/search.sh"]).split("\n").at(-1)!;
    const grid = validateGrid(JSON.parse(readFileSync(join(root, "examples/grid.json"), "utf8")));
    const search = validateSearch({kind: "asha", trials: 27, reduction: 3, rungs: 3, seed: 1, ranges: {lr: [0.001, 1]}});
    const [local] = await Promise.all([sweep(grid, {search, workers: 1, quiet: true}), waitFor(dir, [last])]);
    const file = join(dir, "results/search/stage-3.json");
    expect(existsSync(file), `no stage-3.json; logs: ${sh(dir, "bash", ["-c", "tail -n 5 slurm-*.log"])}`).toBe(true);
    const merged = readSweepFile(readFileSync(file, "utf8"), file);
    expect([0, 1, 2].map((k) => merged.runs.filter((r) => r.rung === k).length)).toEqual([81, 27, 9]);
    expect(sweepFileText(merged)).toBe(sweepFileText(local));
  });
});

it("says whether the cluster tests ran", () => {
  // Visible in the test list: skipped cluster tests are not a silent pass where Slurm is required.
  expect(conf !== null || !required).toBe(true);
});
