// Faults injected into the sweep engine (issue 16): a run that always throws, a worker thread that
// exits mid-run, SIGINT / SIGTERM / SIGKILL mid-sweep and --resume, --out into a missing folder,
// --workers over its bound, torn journal lines. Nothing finished may be lost, nothing may hang.
import {spawn} from "node:child_process";
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {afterAll, describe, expect, it, vi} from "vitest";
import {journalPath, main, MAX_WORKERS, sweep} from "../../bin/sweep.js";
import {journalHeader, journalLine, readJournal, readSweepFile, sweepFileText, validateGrid} from "../../src/components/runs/sweep.js";
import {capture} from "./capture.js";

const root = fileURLToPath(new URL("../..", import.meta.url));
const faulty = fileURLToPath(new URL("./fixtures/faulty-sweep-worker.ts", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "sweep-faults-"));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

const run = (args: string[], options: {workerEntry?: string} = {}) => capture(() => main(args, options));

const flags = ["--init", "he-normal,uniform", "--activation", "relu", "--lr", "0.01,0.1", "--train", "300", "--test", "100", "--quiet"];
const grid = validateGrid({inits: ["he-normal", "uniform"], activations: ["relu"], lrs: [0.01, 0.1], train: 300, test: 100});
let reference: string | null = null;
/** The uninterrupted run's file text, as --out writes it. */
const uninterrupted = async () => (reference ??= sweepFileText(await sweep(grid, {workers: 0, quiet: true})) + "\n");

describe("sweep --out is checked before any training", () => {
  it("refuses a missing folder and a folder, at once, and writes nothing", async () => {
    const started = Date.now();
    const missing = await run([...flags, "--out", "/no/such/dir/r.json"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--out /no/such/dir/r.json: folder /no/such/dir does not exist");
    const folder = await run([...flags, "--out", dir, "--force"]);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toContain(`--out ${dir} is a folder`);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("--workers over its bound exits 2; more workers than runs is fine", async () => {
    const many = await run([...flags, "--workers", "1000"]);
    expect(many.code).toBe(2);
    expect(many.stderr).toContain(`--workers must be a whole number from 0 to ${MAX_WORKERS}`);
    await expect(sweep(grid, {workers: 1000, quiet: true})).rejects.toThrow(RangeError);
    const out = join(dir, "many.json");
    const ok = await run([...flags, "--workers", String(MAX_WORKERS), "--out", out]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(await uninterrupted());
  });
});

describe("failed runs and dying worker threads", () => {
  it("a run that always throws is recorded as failed with its error; the sweep goes on and exits 3", async () => {
    process.env.SWEEP_FAULTS = JSON.stringify({throw: [1]});
    try {
      const out = join(dir, "throws.json");
      const {code, stderr} = await run([...flags, "--workers", "2", "--out", out], {workerEntry: faulty});
      expect(code).toBe(3);
      expect(stderr).toContain("4 runs, 1 failed");
      expect(stderr).toContain("run 1 (he-normal|relu|0.1 seed 1) failed: injected fault in run 1");
      expect(stderr).not.toContain("twice");
      const file = readSweepFile(readFileSync(out, "utf8"), out);
      expect(file.runs.map((r) => r.index)).toEqual([0, 2, 3]);
      expect(file.failed).toEqual([{index: 1, key: "he-normal|relu|0.1", seed: 1, error: "injected fault in run 1"}]);
      expect(existsSync(journalPath(out))).toBe(false);
      // --resume runs the failed run again (here it succeeds) and completes the file.
      delete process.env.SWEEP_FAULTS;
      const again = await run([...flags, "--workers", "1", "--out", out, "--resume"]);
      expect(again.code, again.stderr).toBe(0);
      expect(readFileSync(out, "utf8")).toBe(await uninterrupted());
    } finally {
      delete process.env.SWEEP_FAULTS;
    }
  });

  it("a worker thread that exits mid-run is detected, its run retried on a fresh thread, nothing lost", async () => {
    const marks = join(dir, "marks");
    mkdirSync(marks);
    process.env.SWEEP_FAULTS = JSON.stringify({exit: [2], marks});
    try {
      const out = join(dir, "exits.json");
      const {code, stderr} = await run([...flags, "--workers", "2", "--out", out], {workerEntry: faulty});
      expect(code, stderr).toBe(0);
      expect(stderr).toContain("run 2 (uniform|relu|0.01 seed 1): its worker thread exited (code 7); retrying it on a fresh thread");
      expect(readFileSync(out, "utf8")).toBe(await uninterrupted());
    } finally {
      delete process.env.SWEEP_FAULTS;
    }
  });
});

/** Starts the CLI as its own process (node + tsx), as a user or Slurm would. */
function spawnSweep(args: string[]) {
  const child = spawn(process.execPath, ["--import", "tsx", join(root, "bin/sweep.ts"), ...args], {cwd: root, stdio: ["ignore", "pipe", "pipe"]});
  let stderr = "";
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null; stderr: string}>((resolve) => child.on("exit", (code, signal) => resolve({code, signal, stderr})));
  return {child, exited};
}

const lines = (file: string) => (existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).length : 0);

describe("interrupted sweeps keep every finished run and --resume completes them", () => {
  // 8 runs of 2,000 images × 2 epochs: long enough to stop in the middle.
  const long = ["--init", "he-normal,uniform", "--activation", "relu,tanh", "--lr", "0.01,0.1", "--train", "2000", "--test", "100", "--epochs", "2", "--quiet"];
  const longGrid = validateGrid({inits: ["he-normal", "uniform"], activations: ["relu", "tanh"], lrs: [0.01, 0.1], train: 2000, test: 100, epochs: 2});
  let whole: string | null = null;
  const wholeText = async () => (whole ??= sweepFileText(await sweep(longGrid, {workers: 2, quiet: true})) + "\n");

  it.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
    ["SIGKILL", null],
  ] as const)("%s mid-sweep: the journal holds every finished run; --resume gives the uninterrupted file", async (signal, exitCode) => {
    const out = join(dir, `stopped-${signal}.json`);
    const journal = journalPath(out);
    const {child, exited} = spawnSweep([...long, "--workers", "1", "--out", out]);
    // Header + at least two finished runs, then the signal.
    await vi.waitFor(() => expect(lines(journal)).toBeGreaterThanOrEqual(3), {timeout: 30_000, interval: 20});
    child.kill(signal);
    const result = await exited;
    if (exitCode === null) expect(result.signal).toBe("SIGKILL");
    else {
      expect(result.code, result.stderr).toBe(exitCode);
      expect(result.stderr).toContain(`interrupted by ${signal}: every finished run is in ${journal}; run the same command with --resume`);
    }
    expect(existsSync(out)).toBe(false);
    const kept = readJournal(readFileSync(journal, "utf8"), journal);
    expect(kept.runs.length).toBeGreaterThanOrEqual(2);
    expect(kept.runs.length).toBeLessThan(8);
    // Without --resume the journal is not thrown away by accident.
    const careless = await run([...long, "--out", out]);
    expect(careless.code).toBe(2);
    expect(careless.stderr).toContain("holds an interrupted sweep: pass --resume");
    const resumed = await run([...long, "--workers", "2", "--out", out, "--resume"]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(await wholeText());
    expect(existsSync(journal)).toBe(false);
    // A requeued task that already finished runs nothing and leaves the file as it is.
    const requeued = await run([...long, "--workers", "2", "--out", out, "--resume"]);
    expect(requeued.code).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(await wholeText());
  });

  it("--resume refuses a journal of another grid, and needs --out", async () => {
    const out = join(dir, "other.json");
    writeFileSync(journalPath(out), journalHeader(validateGrid({...grid, lrs: [0.5]}), null));
    const other = await run([...flags, "--out", out, "--resume"]);
    expect(other.code).toBe(2);
    expect(other.stderr).toContain("is a sweep of another grid, search, stage or shard");
    // With --force (the Slurm recipe's resubmission of a changed grid) it starts afresh.
    const afresh = await run([...flags, "--workers", "0", "--out", out, "--resume", "--force"]);
    expect(afresh.code, afresh.stderr).toBe(0);
    expect(readFileSync(out, "utf8")).toBe(await uninterrupted());
    expect((await run([...flags, "--resume"])).stderr).toContain("--resume needs --out");
  });
});

describe("the journal", () => {
  it("drops a last line that a kill cut short and names the file and line of any other bad line", async () => {
    const file = await sweep(grid, {workers: 0, quiet: true});
    const text = journalHeader(grid, null) + journalLine({result: file.runs[0]}) + journalLine({failed: {index: 1, key: "he-normal|relu|0.1", seed: 1, error: "boom"}});
    const torn = text + journalLine({result: file.runs[2]}).slice(0, 40);
    const read = readJournal(torn, "j.jsonl");
    expect(read.runs.map((r) => r.fingerprint)).toEqual([file.runs[0].fingerprint]);
    expect(read.failed.map((f) => f.index)).toEqual([1]);
    const broken = text.replace('"testAccuracy":', '"testAccuracy":7.5,"x":') + journalLine({result: file.runs[2]});
    expect(() => readJournal(broken, "j.jsonl")).toThrow(/^j\.jsonl: line 2: run 0 \(he-normal\|relu\|0\.01 seed 1\): testAccuracy 7\.5 is not a number from 0 to 1/);
  });
});
