/**
 * `npm run bench`: our training engine against JavaScript peers on real MNIST.
 *
 * Draws the initial weights and the sample order once, then runs every (workload, library)
 * pair in its own child process, interleaved over rounds (round 1: every pair, round 2: …),
 * prints one table to stdout and writes the runs to bench/results/. See bench/README.md.
 */
import {spawn, spawnSync} from "node:child_process";
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {cpus, loadavg, tmpdir} from "node:os";
import {dirname, join} from "node:path";
import {fileURLToPath} from "node:url";
import {MultiBar, Presets, type SingleBar} from "cli-progress";
import {Command, InvalidArgumentError} from "commander";
import {writeInit, writeLayersInit, writeOrder} from "./lib/fixtures.js";
import {render, skipKey, summarise, type Failure, type Skips} from "./lib/report.js";
import type {ChildMessage, Job, RunResult, Workload} from "./lib/types.js";
import {LIBS, parameterShapes, select, WORKLOADS, type LibInfo} from "./lib/workloads.js";

const BENCH = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BENCH);
const TSX = import.meta.resolve("tsx");

const MNIST_TRAIN = 60_000;
const QUICK_TRAIN = 10_240; // a multiple of 32, so every library sees whole minibatches
const INIT_SEED = 20_240_601;
const ORDER_SEED = 7;
const INFER_BATCH = 1_000;
/** Accuracy-only workloads (one round) get this many times the training budget. */
const ACCURACY_BUDGET_FACTOR = 5;

interface Options {
  rounds: number;
  only?: string;
  workloads?: string;
  quick: boolean;
  budget: number;
}

const positiveInt = (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError("expected an integer ≥ 1");
  return n;
};

function parseOptions(): Options {
  return new Command()
    .name("npm run bench --")
    .description("Compare our training engine with JavaScript peers on MNIST (one child process per run).")
    .option("--rounds <n>", "repetitions, interleaved across libraries", positiveInt, 3)
    .option("--only <libs>", `comma list of libraries (${LIBS.map((l) => l.id).join(", ")}; "tfjs" = both backends)`)
    .option("--workloads <list>", `comma list of workloads (${WORKLOADS.map((w) => w.id).join(", ")}; "W3" = both W3 rows)`)
    .option("--quick", `smoke test: ${QUICK_TRAIN.toLocaleString("en-US")} training images, short inference timing`, false)
    .option("--budget <seconds>", "time budget of one training run; slower libraries stop early and are extrapolated", positiveInt, 30)
    .parse()
    .opts<Options>();
}

/** Names of bench's own dependencies (the peers), from bench/package.json. */
const peerPackages = (): string[] => Object.keys((JSON.parse(readFileSync(join(BENCH, "package.json"), "utf8")) as {dependencies: Record<string, string>}).dependencies);

/** Installs bench's own dependencies when any is missing (a fresh clone). */
function ensurePeersInstalled(): void {
  const missing = peerPackages().filter((name) => !existsSync(join(BENCH, "node_modules", name, "package.json")));
  if (!missing.length) return;
  console.error(`bench: installing peers (${missing.join(", ")}) in bench/ …`);
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const result = spawnSync(npm, ["install", "--no-audit", "--no-fund"], {cwd: BENCH, stdio: ["ignore", process.stderr, process.stderr]});
  if (result.status !== 0) throw new Error(`npm install in bench/ failed (${result.error?.message ?? `exit status ${result.status}`})`);
}

function peerVersions(): Record<string, string> {
  return Object.fromEntries(
    [...peerPackages(), "@tensorflow/tfjs-core", "@tensorflow/tfjs-backend-cpu"].map((name) => {
      const path = join(BENCH, "node_modules", name, "package.json");
      return [name, existsSync(path) ? (JSON.parse(readFileSync(path, "utf8")) as {version: string}).version : "missing"];
    }),
  );
}

/**
 * The engine under test: the last commit that touched src/components/nn, with "+modified" when
 * the folder has uncommitted changes (the tree is shared, so it can change between runs; every
 * run records it).
 */
function engineRevision(): string {
  const git = (...args: string[]): string => spawnSync("git", args, {cwd: ROOT, encoding: "utf8"}).stdout?.trim() ?? "";
  const commit = git("log", "-1", "--format=%h", "--", "src/components/nn") || "unknown";
  return git("status", "--porcelain", "--", "src/components/nn").length > 0 ? `${commit}+modified` : commit;
}

/** The error line of a child's output (its last line when none looks like one). */
const errorLine = (text: string): string => {
  const lines = text.trim().split("\n");
  return lines.find((l) => /^\w*Error\b/.test(l)) ?? lines[lines.length - 1] ?? "";
};

/** Runs one job in a child process; resolves with its result or rejects with its error output. */
function runChild(lib: LibInfo, job: Job, onProgress: (m: ChildMessage) => void): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", TSX, join(BENCH, "peers", lib.runner), JSON.stringify(job)], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe", "ipc"],
    });
    let output = "";
    child.stdout!.on("data", (d: Buffer) => (output += d));
    child.stderr!.on("data", (d: Buffer) => (output += d));
    child.on("message", (m: ChildMessage) => onProgress(m));
    // A hung child is killed well after its budget (inference runs are short).
    const timer = setTimeout(() => child.kill("SIGKILL"), 2 * job.budgetMs + 300_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && existsSync(job.resultPath)) resolve(JSON.parse(readFileSync(job.resultPath, "utf8")) as RunResult);
      else reject(new Error(`${signal ? `killed by ${signal}` : `exit status ${code}`}: ${errorLine(output) || "no output"}`));
    });
  });
}

/** Progress on stderr: bars on a terminal, one line per finished run otherwise. */
class Progress {
  private readonly bars: MultiBar | null;
  private readonly overall: SingleBar | null;
  private current: SingleBar | null = null;
  private done = 0;

  constructor(private readonly total: number) {
    this.bars = process.stderr.isTTY ? new MultiBar({format: "{bar} {percentage}% | {label}", hideCursor: true, clearOnComplete: true, stream: process.stderr}, Presets.shades_classic) : null;
    this.overall = this.bars?.create(total, 0, {label: ""}) ?? null;
  }

  start(name: string): void {
    this.overall?.update(this.done, {label: `run ${this.done + 1} of ${this.total}`});
    this.current = this.bars?.create(1, 0, {label: name}) ?? null;
  }

  update(done: number, total: number): void {
    this.current?.setTotal(total);
    this.current?.update(done);
  }

  /** Ends the current run with a line for the log. */
  end(line: string): void {
    this.done++;
    if (this.bars && this.current) this.bars.remove(this.current);
    this.current = null;
    this.overall?.update(this.done);
    const text = `[${this.done}/${this.total}] ${line}`;
    if (this.bars) this.bars.log(`${text}\n`);
    else console.error(text);
  }

  stop(): void {
    this.bars?.stop();
  }
}

async function main(): Promise<void> {
  const options = parseOptions();
  const workloads = select(WORKLOADS, options.workloads, "workload");
  const libs = select(LIBS, options.only, "library");
  ensurePeersInstalled();

  const loadAtStart = loadavg(),
    engineAtStart = engineRevision();
  const trainCount = options.quick ? QUICK_TRAIN : MNIST_TRAIN;
  const budgetMs = options.budget * 1000;
  const minInferMs = options.quick ? 300 : 2000;

  const temp = mkdtempSync(join(tmpdir(), "digit-bench-"));
  const orderPath = writeOrder(temp, MNIST_TRAIN, ORDER_SEED);
  const initPaths = new Map<string, string>();
  const initKey = (w: Workload): string => (w.conv ? `conv-${w.id}` : w.sizes.join("-"));
  for (const w of workloads) {
    const key = initKey(w);
    if (!initPaths.has(key)) initPaths.set(key, w.conv ? writeLayersInit(temp, `init-${key}`, parameterShapes(w), INIT_SEED) : writeInit(temp, w.sizes, INIT_SEED));
  }

  const skips: Skips = new Map();
  const pairs: {w: Workload; lib: LibInfo}[] = [];
  for (const w of workloads) {
    for (const lib of libs) {
      const why = lib.skip(w);
      if (why) skips.set(skipKey(w.id, lib.id), why);
      else pairs.push({w, lib});
    }
  }

  const schedule: {w: Workload; lib: LibInfo; round: number}[] = [];
  for (let round = 1; round <= options.rounds; round++) {
    for (const {w, lib} of pairs) if (round === 1 || !w.accuracyOnly) schedule.push({w, lib, round});
  }

  const runs: RunResult[] = [];
  const failures: Failure[] = [];
  const progress = new Progress(schedule.length);
  try {
    for (const {w, lib, round} of schedule) {
      const job: Job = {
        lib: lib.id,
        workload: w,
        round,
        initPath: initPaths.get(initKey(w))!,
        orderPath,
        trainCount,
        budgetMs: (w.accuracyOnly ? ACCURACY_BUDGET_FACTOR : (w.budgetFactor ?? 1)) * budgetMs,
        minInferMs,
        inferBatch: INFER_BATCH,
        resultPath: join(temp, `result-${w.id}-${lib.id}-${round}.json`),
      };
      const name = `${w.label} · ${lib.id} · round ${round}/${w.accuracyOnly ? 1 : options.rounds}`;
      progress.start(name);
      const loadBefore = loadavg()[0],
        engine = engineRevision();
      try {
        const result = {...(await runChild(lib, job, (m) => progress.update(m.done, m.total))), loadBefore, engine};
        runs.push(result);
        const acc = result.accuracy === null ? "" : `, test accuracy ${(100 * result.accuracy).toFixed(2)}%`;
        progress.end(`${name}: ${Math.round(result.samplesPerSec).toLocaleString("en-US")} samples/s${result.partial ? ` (partial: ${result.samples} samples)` : ""}${acc}`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        failures.push({lib: lib.id, workload: w.id, round, error: message});
        progress.end(`${name}: FAILED: ${message}`);
      }
    }
  } finally {
    progress.stop();
    rmSync(temp, {recursive: true, force: true});
  }

  const {rows, verdicts} = summarise(workloads, libs, runs);
  console.log(
    render({workloads, libs, rows, verdicts, failures, skips, trainCount, rounds: options.rounds, budgetSeconds: options.budget, accuracyBudgetSeconds: ACCURACY_BUDGET_FACTOR * options.budget}),
  );

  const results = {
    meta: {
      date: new Date().toISOString(),
      node: process.version,
      cpu: cpus()[0]?.model ?? "unknown",
      cores: cpus().length,
      platform: `${process.platform}-${process.arch}`,
      engine: {start: engineAtStart, end: engineRevision()},
      peers: peerVersions(),
      options,
      trainCount,
      testCount: 10_000,
      seeds: {init: INIT_SEED, order: ORDER_SEED},
      inferBatch: INFER_BATCH,
      minInferMs,
      loadAverage: {start: loadAtStart, end: loadavg()},
    },
    workloads,
    libraries: libs.map(({id, peer, sameModel}) => ({id, peer, sameModel})),
    skipped: [...skips].map(([key, reason]) => ({workload: key.split("\u0000")[0], lib: key.split("\u0000")[1], reason})),
    rows,
    verdicts,
    runs,
    failures,
  };
  const dir = join(BENCH, "results");
  mkdirSync(dir, {recursive: true});
  const stamp = results.meta.date.replace(/[:.]/g, "-");
  const json = JSON.stringify(results, null, 2);
  writeFileSync(join(dir, `bench-${stamp}.json`), json);
  writeFileSync(join(dir, "latest.json"), json);
  console.error(`bench: results in bench/results/bench-${stamp}.json and bench/results/latest.json`);
  if (failures.length) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
