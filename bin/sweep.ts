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
import {existsSync, mkdtempSync, readFileSync, rmSync} from "node:fs";
import {availableParallelism, tmpdir} from "node:os";
import {join} from "node:path";
import {fileURLToPath} from "node:url";
import {build} from "esbuild";
import {Command, InvalidArgumentError, Option} from "commander";
import cliProgress from "cli-progress";
import {
  DEFAULT_GRID,
  expandGrid,
  GridError,
  journalHeader,
  journalLine,
  logSpace,
  MAX_RUNS,
  mergeSweepFiles,
  parseShard,
  readJournal,
  readSweepFile,
  runSweepRun,
  shardRuns,
  sweepFileText,
  SweepFileError,
  SWEEP_FORMAT,
  SWEEP_VERSION,
  validateGrid,
  type SweepFailure,
  type SweepFile,
  type SweepGrid,
  type SweepResult,
} from "../src/components/runs/sweep.js";
import {sweepSamples} from "../src/components/runs/sweep-data.js";
import {pageSubsets} from "../src/components/runs/sweep-node.js";
import {checkOut, LineLog, writeFileAtomic} from "./out-file.js";
import {PoolDestroyed, ThreadPool} from "./thread-pool.js";

/** Most worker threads a sweep starts (each holds its own copy of the images, up to 24 MB). */
export const MAX_WORKERS = 64;

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
/** "lo,hi,n": two learning rates and how many log-spaced values to take between them (1 to MAX_RUNS). */
export const lrRange = (text: string): [number, number, number] => {
  const parts = numbers("--lr-range")(text);
  if (parts.length !== 3) throw new InvalidArgumentError(`--lr-range must be three numbers lo,hi,n, got ${JSON.stringify(text)}`);
  const [lo, hi, n] = parts;
  if (!Number.isInteger(n) || n < 1 || n > MAX_RUNS) throw new InvalidArgumentError(`--lr-range: n must be a whole number from 1 to ${MAX_RUNS}, got ${JSON.stringify(names(text)[2])}`);
  return [lo, hi, n];
};
const whole =
  (flag: string, max = Number.MAX_SAFE_INTEGER) =>
  (text: string) => {
    const v = Number(text);
    if (!/^\d+$/.test(text.trim()) || v > max) throw new InvalidArgumentError(`${flag} must be a whole number from 0 to ${max}, got ${JSON.stringify(text)}`);
    return v;
  };

function writeOut(text: string, out: string | undefined): void {
  if (!out) return void process.stdout.write(text + "\n");
  writeFileAtomic(out, text + "\n");
}

const bundled = new Map<string, string>();

/**
 * The worker entry bundled once per process into plain JavaScript (esbuild), so each thread starts
 * by loading one file instead of compiling the TypeScript sources again through tsx: that start-up
 * was paid per thread and held the 2-thread speed-up at 1.6×.
 */
async function workerBundle(entry: string): Promise<string> {
  const known = bundled.get(entry);
  if (known) return known;
  const dir = mkdtempSync(join(tmpdir(), "digit-sweep-"));
  const outfile = join(dir, "sweep-worker.mjs");
  await build({entryPoints: [entry], bundle: true, platform: "node", format: "esm", target: "node20", outfile, logLevel: "silent"});
  process.once("exit", () => rmSync(dir, {recursive: true, force: true}));
  bundled.set(entry, outfile);
  return outfile;
}

/** The sweep was stopped by a signal; what finished before it has been reported to onSettled. */
export class Interrupted extends Error {
  override name = "Interrupted";
  constructor(readonly signal: string) {
    super(`interrupted by ${signal}`);
  }
}

export type SweepEntry = {result: SweepResult} | {failed: SweepFailure};

export interface SweepOptions {
  shard?: {index: number; count: number};
  /** Worker threads (0: this thread); at most MAX_WORKERS, and never more than there are runs to do. */
  workers: number;
  quiet?: boolean;
  /** Runs already finished (a resumed sweep): kept, not run again. */
  done?: SweepResult[];
  /** Called as each run finishes or fails, in completion order (the CLI's journal). */
  onSettled?: (entry: SweepEntry) => void;
  /** Aborting it stops the sweep: threads are terminated and sweep() rejects with Interrupted (the reason is the signal's name). */
  signal?: AbortSignal;
  /** The worker-thread entry (TypeScript, bundled once); tests pass one that injects faults. */
  workerEntry?: string;
}

/**
 * Runs the grid (or one shard of it). A run that throws, or whose thread dies twice, is recorded in
 * `failed` with the error and the sweep goes on; a thread that dies is replaced and its run retried
 * once. Results come back in grid order, with `done` among them.
 */
export async function sweep(grid: SweepGrid, {shard, workers, quiet, done = [], onSettled, signal, workerEntry}: SweepOptions): Promise<SweepFile> {
  if (!(Number.isInteger(workers) && workers >= 0 && workers <= MAX_WORKERS)) throw new RangeError(`invalid workers: ${workers} (expected a whole number from 0 to ${MAX_WORKERS})`);
  const all = expandGrid(grid);
  const runs = shard ? shardRuns(all, shard.index, shard.count) : all;
  const finished = new Map(done.map((r) => [r.index, r]));
  const todo = runs.filter((r) => !finished.has(r.index));
  const failed = new Map<number, SweepFailure>();
  const bar = new cliProgress.SingleBar(
    {format: "sweep |{bar}| {value}/{total} runs | {eta_formatted} left | last: {last}", stream: process.stderr, noTTYOutput: !quiet, notTTYSchedule: 2000},
    cliProgress.Presets.shades_classic,
  );
  if (!quiet) bar.start(runs.length, runs.length - todo.length, {last: "–"});
  // Warnings, said even with --quiet.
  const say = (text: string) => process.stderr.write(`${quiet ? "" : "\n"}sweep: ${text}\n`);
  const settle = (entry: SweepEntry) => {
    if ("result" in entry) finished.set(entry.result.index, entry.result);
    else failed.set(entry.failed.index, entry.failed);
    onSettled?.(entry);
    const r = "result" in entry ? entry.result : entry.failed;
    if (!quiet) bar.increment({last: `${r.key} seed ${r.seed}: ${"failed" in entry ? "failed" : entry.result.diverged ? "diverged" : `${(100 * entry.result.testAccuracy).toFixed(1)} %`}`});
  };
  const failure = (run: (typeof runs)[number], error: unknown): SweepFailure => ({index: run.index, key: run.key, seed: run.seed, error: error instanceof Error ? error.message : String(error)});
  const interrupted = () => new Interrupted(String(signal?.reason ?? "abort"));
  try {
    if (signal?.aborted) throw interrupted();
    if (todo.length && workers === 0) {
      const {train, test} = pageSubsets();
      const data = sweepSamples(grid, train, test);
      for (const run of todo) {
        // Between runs the event loop turns, so a signal stops the sweep there.
        await new Promise((resolve) => setImmediate(resolve));
        if (signal?.aborted) throw interrupted();
        try {
          settle({result: runSweepRun(grid, run, data)});
        } catch (error) {
          settle({failed: failure(run, error)});
        }
      }
    } else if (todo.length) {
      // The images go to each thread once, as workerData (copied): the threads need not read MNIST.
      const {train, test} = pageSubsets();
      const first = (set: {pixels: Uint8Array; labels: Uint8Array}, n: number) => ({pixels: set.pixels.slice(0, n * 784), labels: set.labels.slice(0, n)});
      const workerData = {train: first(train, grid.train), test: first(test, grid.test)};
      const entry = workerEntry ?? fileURLToPath(new URL("./sweep-worker.ts", import.meta.url));
      const pool = new ThreadPool(await workerBundle(entry), {
        size: Math.min(workers, todo.length),
        workerData,
        onDeath: (message, payload, retry) => {
          const {run} = payload as {run: (typeof runs)[number]};
          say(`run ${run.index} (${run.key} seed ${run.seed}): ${message}${retry ? "; retrying it on a fresh thread" : ", twice: recorded as failed"}`);
        },
      });
      let stop: (() => void) | undefined;
      const stopped = new Promise<never>((_, reject) => {
        stop = () => reject(interrupted());
        signal?.addEventListener("abort", stop, {once: true});
      });
      stopped.catch(() => {});
      try {
        const all = Promise.all(
          todo.map((run) =>
            pool.run<SweepResult>({grid, run}).then(
              (result) => settle({result}),
              (error) => {
                if (!(error instanceof PoolDestroyed)) settle({failed: failure(run, error)});
              },
            ),
          ),
        );
        await Promise.race([all, stopped]);
      } finally {
        if (stop) signal?.removeEventListener("abort", stop);
        await pool.destroy();
      }
    }
  } finally {
    if (!quiet) bar.stop();
  }
  const file: SweepFile = {format: SWEEP_FORMAT, version: SWEEP_VERSION, grid, shard: shard ?? null, runs: [...finished.values()].sort((a, b) => a.index - b.index)};
  if (failed.size) file.failed = [...failed.values()].sort((a, b) => a.index - b.index);
  return file;
}

export function program(): Command {
  const d = DEFAULT_GRID;
  const root = new Command("sweep").description("Run a grid of MNIST training runs on worker threads; one JSON results file.").showHelpAfterError().enablePositionalOptions();
  root
    .addOption(new Option("--grid <file>", "the grid as a JSON file (flags below are ignored)"))
    .addOption(new Option("--init <names>", "initialisers, comma-separated").default(d.inits.join(",")))
    .addOption(new Option("--activation <names>", "hidden activations, comma-separated").default(d.activations.join(",")))
    .addOption(new Option("--lr <list>", "learning rates η, comma-separated (1e-4 to 10)").argParser(numbers("--lr")))
    .addOption(new Option("--lr-range <lo,hi,n>", "n log-spaced learning rates from lo to hi").default([0.001, 1, 6], "0.001,1,6").argParser(lrRange))
    .addOption(new Option("--seeds <n>", "replicates: seeds 1 … n").default(d.seeds).argParser(whole("--seeds")))
    .addOption(new Option("--train <n>", "training images (the first n of the MNIST page's subset)").default(d.train).argParser(whole("--train")))
    .addOption(new Option("--test <n>", "test images (the first n of the page's test subset)").default(d.test).argParser(whole("--test")))
    .addOption(new Option("--hidden <sizes>", "hidden layer sizes, comma-separated").default(d.hidden.join(",")))
    .addOption(new Option("--epochs <n>").default(d.epochs).argParser(whole("--epochs")))
    .addOption(new Option("--batch <B>", "minibatch size").default(d.batch).argParser(whole("--batch")))
    .addOption(new Option("--optimizer <name>").choices(["sgd", "momentum", "adam"]).default(d.optimizer))
    .addOption(new Option("--momentum <mu>", "μ of --optimizer momentum (must stay 0 with sgd or adam)").default(d.momentum).argParser(Number))
    .addOption(
      new Option("--workers <n>", `worker threads (0: this thread; at most ${MAX_WORKERS}, and never more than there are runs)`)
        .default(Math.min(MAX_WORKERS, Math.max(1, availableParallelism())))
        .argParser(whole("--workers", MAX_WORKERS)),
    )
    .addOption(new Option("--shard <i/n>", "run only the i-th of n deterministic shards"))
    .addOption(new Option("--out <file>", "write the results here instead of stdout (checked before any training); each finished run also goes to <file>.journal.jsonl at once"))
    .option("--force", "let --out overwrite an existing file (and drop an interrupted sweep's journal)")
    .option("--resume", "finish an interrupted sweep: run only what <out>.journal.jsonl (or <out>) lacks; starts afresh when neither exists")
    .option("--print-grid", "print the grid as JSON and exit (a starting point for --grid)")
    .option("--quiet", "no progress bar")
    .action(() => {});
  root
    .command("merge")
    .description("Join shard files of one grid into the whole grid's results")
    .argument("<files...>")
    .addOption(new Option("--out <file>"))
    .option("--force")
    .option("--partial", "allow runs to be missing; the output lists them (missing) and a later merge with the missing shards completes it")
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

/** The journal beside a results file. */
export const journalPath = (out: string) => `${out}.journal.jsonl`;

const sameSweep = (a: {grid: SweepGrid; shard: unknown}, b: {grid: SweepGrid; shard: unknown}) => JSON.stringify([a.grid, a.shard ?? null]) === JSON.stringify([b.grid, b.shard ?? null]);

/**
 * What an interrupted sweep already finished: the runs in its journal and in an earlier results
 * file at `out` (a requeued task whose first attempt completed), both checked against the grid.
 */
function finishedBefore(grid: SweepGrid, shard: {index: number; count: number} | null, out: string, force: boolean): SweepResult[] {
  const found = new Map<number, SweepResult>();
  const journal = journalPath(out);
  // Another grid's or shard's work is refused, or with --force left out (the sweep starts afresh).
  const mismatch = (file: string) => {
    if (!force) throw new InvalidArgumentError(`--resume: ${file} is a sweep of another grid or shard; run the command that started it, or add --force to start again`);
  };
  if (existsSync(out)) {
    const file = readSweepFile(readFileSync(out, "utf8"), out);
    if (!sameSweep(file, {grid, shard})) mismatch(out);
    else for (const r of file.runs) found.set(r.index, r);
  }
  if (existsSync(journal)) {
    const log = readJournal(readFileSync(journal, "utf8"), journal);
    if (!sameSweep(log, {grid, shard})) {
      mismatch(journal);
      rmSync(journal);
    } else for (const r of log.runs) found.set(r.index, r);
  }
  return [...found.values()];
}

const SIGNAL_CODES: Record<string, number> = {SIGINT: 130, SIGTERM: 143};

export async function main(argv: string[], {workerEntry}: {workerEntry?: string} = {}): Promise<number> {
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
      const out = mo.out ? checkOut(mo.out, !!mo.force) : undefined;
      const merged = mergeSweepFiles(files, {allowPartial: !!mo.partial});
      writeOut(sweepFileText(merged), out);
      if (merged.missing)
        process.stderr.write(
          `sweep: merge: partial: ${merged.missing.length} of ${expandGrid(merged.grid).length} runs missing (listed in "missing"); merge this file with the missing shards to complete it\n`,
        );
      return 0;
    }
    const o = command.opts();
    const grid = gridFromFlags(o);
    if (o.printGrid) return (void process.stdout.write(JSON.stringify(grid, null, 2) + "\n"), 0);
    const shard = o.shard ? parseShard(o.shard) : undefined;
    if (o.resume && !o.out) throw new InvalidArgumentError("--resume needs --out: the journal it continues lives beside the results file");
    // A typo in --out must not cost a sweep: check it (and the journal) before any training.
    const out = o.out ? checkOut(o.out, !!(o.force || o.resume)) : undefined;
    let done: SweepResult[] = [];
    let journal: LineLog | null = null;
    if (out) {
      const path = journalPath(out);
      if (existsSync(path) && !o.resume && !o.force) throw new InvalidArgumentError(`${path} holds an interrupted sweep: pass --resume to finish it, or --force to start again`);
      if (o.resume) done = finishedBefore(grid, shard ?? null, out, !!o.force);
      else rmSync(path, {force: true});
      const fresh = !existsSync(path);
      journal = new LineLog(path);
      if (fresh) journal.append(journalHeader(grid, shard ?? null));
      if (o.resume && !o.quiet) process.stderr.write(`sweep: resuming: ${done.length} runs already finished\n`);
    }
    const controller = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => controller.abort(signal);
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    let file: SweepFile;
    try {
      file = await sweep(grid, {shard, workers: o.workers, quiet: o.quiet, done, signal: controller.signal, workerEntry, onSettled: (entry) => journal?.append(journalLine(entry))});
    } catch (error) {
      if (!(error instanceof Interrupted)) throw error;
      journal?.close();
      process.stderr.write(
        out
          ? `sweep: ${error.message}: every finished run is in ${journalPath(out)}; run the same command with --resume to finish the sweep\n`
          : `sweep: ${error.message}; nothing written (with --out, finished runs are kept in a journal)\n`,
      );
      return SIGNAL_CODES[error.signal] ?? 1;
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
    }
    writeOut(sweepFileText(file), out);
    journal?.close();
    if (out) rmSync(journalPath(out), {force: true});
    const diverged = file.runs.filter((r) => r.diverged).length;
    const failed = file.failed ?? [];
    if (!o.quiet || failed.length)
      process.stderr.write(
        `sweep: ${file.runs.length + failed.length} runs${diverged ? `, ${diverged} diverged` : ""}${failed.length ? `, ${failed.length} failed` : ""}${out ? ` → ${o.out}` : ""}\n`,
      );
    for (const f of failed) process.stderr.write(`sweep: run ${f.index} (${f.key} seed ${f.seed}) failed: ${f.error}\n`);
    // 3: the sweep finished, but some runs failed (listed in the file's "failed"; --resume runs them again).
    return failed.length ? 3 : 0;
  } catch (error) {
    process.stderr.write(`sweep: ${(error as Error).message}\n`);
    return error instanceof InvalidArgumentError || error instanceof GridError || error instanceof SweepFileError || error instanceof RangeError ? 2 : 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("bin/sweep.ts")) {
  process.exitCode = await main(process.argv.slice(2));
}
