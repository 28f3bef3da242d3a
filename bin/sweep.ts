#!/usr/bin/env -S npx tsx
/**
 * Hyperparameter sweeps on worker threads, and merging of sharded results.
 *
 *   npm run -s sweep -- --init he-normal,xavier-normal,uniform --activation relu,sigmoid \
 *     --lr 0.001,0.01,0.1 --seeds 2 --train 10000 --test 1000 --epochs 1 --batch 32 --workers 2 --out results.json
 *   npm run -s sweep -- --grid grid.json --shard 3/8 --out part-3.json
 *   npm run -s sweep -- merge part-*.json --out all.json
 *
 * A progress bar goes to stderr; the results file ({format, version, grid, shard, runs}) goes to
 * --out, or to stdout without it. Bad flags, grids and files exit 2 with a message naming the field.
 */
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from "node:fs";
import {tmpdir} from "node:os";
import {join} from "node:path";
import {build} from "esbuild";
import {availableParallelism} from "node:os";
import {fileURLToPath} from "node:url";
import {Command, InvalidArgumentError, Option} from "commander";
import cliProgress from "cli-progress";
import {Tinypool} from "tinypool";
import {
  DEFAULT_GRID,
  expandGrid,
  GridError,
  logSpace,
  mergeSweepFiles,
  parseShard,
  readSweepFile,
  runSweepRun,
  shardRuns,
  sweepFileText,
  SweepFileError,
  SWEEP_FORMAT,
  SWEEP_VERSION,
  validateGrid,
  type SweepFile,
  type SweepGrid,
  type SweepResult,
} from "../src/components/runs/sweep.js";
import {sweepSamples} from "../src/components/runs/sweep-data.js";
import {pageSubsets} from "../src/components/runs/sweep-node.js";

const names = (text: string) =>
  text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
const numbers = (flag: string) => (text: string) =>
  names(text).map((s) => {
    const v = Number(s);
    if (!Number.isFinite(v)) throw new InvalidArgumentError(`${flag}: ${JSON.stringify(s)} is not a number`);
    return v;
  });
const whole = (flag: string) => (text: string) => {
  const v = Number(text);
  if (!/^\d+$/.test(text.trim())) throw new InvalidArgumentError(`${flag} must be a whole number, got ${JSON.stringify(text)}`);
  return v;
};

function writeOut(text: string, out: string | undefined, force: boolean): void {
  if (!out) return void process.stdout.write(text + "\n");
  if (existsSync(out) && !force) throw new InvalidArgumentError(`--out ${out} exists; pass --force to overwrite it`);
  try {
    writeFileSync(out, text + "\n");
  } catch (error) {
    throw new Error(`cannot write --out ${out}: ${(error as Error).message}`);
  }
}

let bundled: string | null = null;

/**
 * The worker task bundled once per process into plain JavaScript (esbuild), so each thread starts
 * by loading one file instead of compiling the TypeScript sources again through tsx: that start-up
 * was paid per thread and held the 2-thread speed-up at 1.6×.
 */
async function workerBundle(): Promise<string> {
  if (bundled) return bundled;
  const dir = mkdtempSync(join(tmpdir(), "digit-sweep-"));
  const outfile = join(dir, "sweep-worker.mjs");
  await build({entryPoints: [fileURLToPath(new URL("./sweep-worker.ts", import.meta.url))], bundle: true, platform: "node", format: "esm", target: "node20", outfile, logLevel: "silent"});
  process.once("exit", () => rmSync(dir, {recursive: true, force: true}));
  return (bundled = outfile);
}

/** Runs the grid (or one shard of it) on `workers` threads; workers = 0 runs in this thread. */
export async function sweep(grid: SweepGrid, {shard, workers, quiet}: {shard?: {index: number; count: number}; workers: number; quiet?: boolean}): Promise<SweepFile> {
  const all = expandGrid(grid);
  const runs = shard ? shardRuns(all, shard.index, shard.count) : all;
  const bar = new cliProgress.SingleBar(
    {format: "sweep |{bar}| {value}/{total} runs | {eta_formatted} left | last: {last}", stream: process.stderr, noTTYOutput: !quiet, notTTYSchedule: 2000},
    cliProgress.Presets.shades_classic,
  );
  if (!quiet) bar.start(runs.length, 0, {last: "–"});
  const done = (r: SweepResult) => {
    if (!quiet) bar.increment({last: `${r.key} seed ${r.seed}: ${r.diverged ? "diverged" : `${(100 * r.testAccuracy).toFixed(1)} %`}`});
    return r;
  };
  let results: SweepResult[];
  if (workers === 0) {
    const {train, test} = pageSubsets();
    const data = sweepSamples(grid, train, test);
    results = runs.map((run) => done(runSweepRun(grid, run, data)));
  } else {
    // The images go to each thread once, as workerData (copied): the threads need not read MNIST.
    const {train, test} = pageSubsets();
    const first = (set: {pixels: Uint8Array; labels: Uint8Array}, n: number) => ({pixels: set.pixels.slice(0, n * 784), labels: set.labels.slice(0, n)});
    const workerData = {train: first(train, grid.train), test: first(test, grid.test)};
    const pool = new Tinypool({filename: await workerBundle(), minThreads: workers, maxThreads: workers, workerData});
    try {
      // A run whose thread crashes is retried once; a second failure is reported and the sweep goes on.
      const attempt = (run: (typeof runs)[number]) => pool.run({grid, run}) as Promise<SweepResult>;
      results = await Promise.all(
        runs.map((run) =>
          attempt(run)
            .catch((error) => {
              process.stderr.write(`sweep: run ${run.index} (${run.key} seed ${run.seed}) failed (${(error as Error).message}); retrying once\n`);
              return attempt(run);
            })
            .then(done),
        ),
      );
    } finally {
      await pool.destroy();
    }
  }
  if (!quiet) bar.stop();
  return {format: SWEEP_FORMAT, version: SWEEP_VERSION, grid, shard: shard ?? null, runs: results.sort((a, b) => a.index - b.index)};
}

export function program(): Command {
  const d = DEFAULT_GRID;
  const root = new Command("sweep").description("Run a grid of MNIST training runs on worker threads; one JSON results file.").showHelpAfterError().enablePositionalOptions();
  root
    .addOption(new Option("--grid <file>", "the grid as a JSON file (flags below are ignored)"))
    .addOption(new Option("--init <names>", "initialisers, comma-separated").default(d.inits.join(",")))
    .addOption(new Option("--activation <names>", "hidden activations, comma-separated").default(d.activations.join(",")))
    .addOption(new Option("--lr <list>", "learning rates η, comma-separated (1e-4 to 10)").argParser(numbers("--lr")))
    .addOption(new Option("--lr-range <lo,hi,n>", "n log-spaced learning rates from lo to hi").default([0.001, 1, 6], "0.001,1,6").argParser(numbers("--lr-range")))
    .addOption(new Option("--seeds <n>", "replicates: seeds 1 … n").default(d.seeds).argParser(whole("--seeds")))
    .addOption(new Option("--train <n>", "training images (the first n of the MNIST page's subset)").default(d.train).argParser(whole("--train")))
    .addOption(new Option("--test <n>", "test images (the first n of the page's test subset)").default(d.test).argParser(whole("--test")))
    .addOption(new Option("--hidden <sizes>", "hidden layer sizes, comma-separated").default(d.hidden.join(",")))
    .addOption(new Option("--epochs <n>").default(d.epochs).argParser(whole("--epochs")))
    .addOption(new Option("--batch <B>", "minibatch size").default(d.batch).argParser(whole("--batch")))
    .addOption(new Option("--optimizer <name>").choices(["sgd", "momentum", "adam"]).default(d.optimizer))
    .addOption(new Option("--momentum <mu>").default(d.momentum).argParser(Number))
    .addOption(new Option("--workers <n>", "worker threads (0: this thread)").default(Math.max(1, availableParallelism())).argParser(whole("--workers")))
    .addOption(new Option("--shard <i/n>", "run only the i-th of n deterministic shards"))
    .addOption(new Option("--out <file>", "write the results here instead of stdout"))
    .option("--force", "let --out overwrite an existing file")
    .option("--print-grid", "print the grid as JSON and exit (a starting point for --grid)")
    .option("--quiet", "no progress bar")
    .action(() => {});
  root
    .command("merge")
    .description("Join shard files of one grid into the whole grid's results")
    .argument("<files...>")
    .addOption(new Option("--out <file>"))
    .option("--force")
    .option("--partial", "allow runs to be missing")
    .action(() => {});
  return root;
}

function gridFromFlags(o: Record<string, unknown>): SweepGrid {
  if (o.grid) {
    let text: string;
    try {
      text = readFileSync(o.grid as string, "utf8");
    } catch (error) {
      throw new InvalidArgumentError(`--grid ${o.grid}: ${(error as Error).message}`);
    }
    try {
      return validateGrid(JSON.parse(text));
    } catch (error) {
      throw new InvalidArgumentError(`--grid ${o.grid}: ${(error as Error).message}`);
    }
  }
  const [lo, hi, n] = o.lrRange as number[];
  return validateGrid({
    ...DEFAULT_GRID,
    inits: names(o.init as string),
    activations: names(o.activation as string),
    lrs: (o.lr as number[] | undefined) ?? logSpace(lo, hi, n),
    seeds: o.seeds,
    train: o.train,
    test: o.test,
    hidden: names(o.hidden as string).map(Number),
    epochs: o.epochs,
    batch: o.batch,
    optimizer: o.optimizer,
    momentum: o.momentum,
  });
}

export async function main(argv: string[]): Promise<number> {
  const command = program().exitOverride();
  for (const sub of command.commands) sub.exitOverride();
  try {
    command.parse(argv, {from: "user"});
  } catch (error) {
    return (error as {exitCode?: number}).exitCode === 0 ? 0 : 2;
  }
  try {
    const merge = command.commands.find((c) => c.name() === "merge")!;
    if (argv[0] === "merge") {
      const mo = merge.opts();
      const files = merge.args.map((name) => {
        let text: string;
        try {
          text = readFileSync(name, "utf8");
        } catch (error) {
          throw new SweepFileError(`${name}: ${(error as Error).message}`);
        }
        return {name, file: readSweepFile(text, name)};
      });
      writeOut(sweepFileText(mergeSweepFiles(files, {allowPartial: !!mo.partial})), mo.out, !!mo.force);
      return 0;
    }
    const o = command.opts();
    const grid = gridFromFlags(o);
    if (o.printGrid) return (void process.stdout.write(JSON.stringify(grid, null, 2) + "\n"), 0);
    const shard = o.shard ? parseShard(o.shard) : undefined;
    if (o.out && existsSync(o.out) && !o.force) throw new InvalidArgumentError(`--out ${o.out} exists; pass --force to overwrite it`);
    const file = await sweep(grid, {shard, workers: o.workers, quiet: o.quiet});
    writeOut(sweepFileText(file), o.out, !!o.force);
    const diverged = file.runs.filter((r) => r.diverged).length;
    if (!o.quiet) process.stderr.write(`sweep: ${file.runs.length} runs${diverged ? `, ${diverged} diverged` : ""}${o.out ? ` → ${o.out}` : ""}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`sweep: ${(error as Error).message}\n`);
    return error instanceof InvalidArgumentError || error instanceof GridError || error instanceof SweepFileError || error instanceof RangeError ? 2 : 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("bin/sweep.ts")) {
  process.exitCode = await main(process.argv.slice(2));
}
