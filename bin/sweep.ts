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
  GridError,
  journalHeader,
  journalLine,
  logSpace,
  MAX_RUNS,
  mergeSweepFiles,
  checkSearchSize,
  parseShard,
  planStage,
  readJournal,
  readSweepFile,
  runSweepRun,
  shardRuns,
  sweepFileText,
  SweepFileError,
  SWEEP_FORMAT,
  SWEEP_VERSION,
  trialConfigs,
  validateGrid,
  type SweepFailure,
  type SweepFile,
  type SweepGrid,
  type SweepResult,
  type SweepRun,
} from "../src/components/runs/sweep.js";
import {GRID_SEARCH, SEARCH_KINDS, SearchError, stageCount, validateSearch, type SearchSpec} from "../src/components/runs/search.js";
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
/** "lo,hi[,n]": two learning rates and, for a grid, how many log-spaced values to take between them (1 to MAX_RUNS; default 6). */
export const lrRange = (text: string): [number, number, number] => {
  const parts = numbers("--lr-range")(text);
  if (parts.length !== 3 && parts.length !== 2) throw new InvalidArgumentError(`--lr-range must be two or three numbers lo,hi[,n], got ${JSON.stringify(text)}`);
  const [lo, hi, n = 6] = parts;
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
  /** How the runs are chosen (default: the whole grid). */
  search?: SearchSpec;
  /** Successive halving: run only this stage (1-based), after `from`; without it every stage runs here in turn. */
  stage?: number;
  /** The results of the stages before `stage` (the merged file of stage − 1). */
  from?: SweepResult[];
  /** Only this shard of the (last) stage's runs. */
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
 * Runs the search (by default the whole grid; or one shard, or one stage of successive halving).
 * A run that throws, or whose thread dies twice, is recorded in `failed` with the error and the
 * stage goes on; a thread that dies is replaced and its run retried once. Successive halving
 * without `stage` runs every stage here in turn and stops after a stage with failed runs (its
 * promotions would not be replayable; --resume runs them again). Results come back in order, with
 * `done` and `from` among them.
 */
export async function sweep(grid: SweepGrid, {search = GRID_SEARCH, stage, from = [], shard, workers, quiet, done = [], onSettled, signal, workerEntry}: SweepOptions): Promise<SweepFile> {
  if (!(Number.isInteger(workers) && workers >= 0 && workers <= MAX_WORKERS)) throw new RangeError(`invalid workers: ${workers} (expected a whole number from 0 to ${MAX_WORKERS})`);
  const stages = stageCount(search);
  if (stage !== undefined && (search.kind !== "asha" || !(Number.isInteger(stage) && stage >= 1 && stage <= stages)))
    throw new RangeError(search.kind === "asha" ? `invalid stage: ${stage} (expected a whole number from 1 to ${stages})` : `invalid stage: a ${search.kind} search has no stages`);
  if (shard && search.kind === "asha" && stage === undefined) throw new RangeError("invalid shard: a successive-halving search is sharded one stage at a time (add --stage k)");
  const first = stage ?? 1,
    last = stage ?? stages;
  const finished = new Map(done.map((r) => [r.index, r]));
  const failed = new Map<number, SweepFailure>();
  const configs = trialConfigs(grid, search);
  // Warnings, said even with --quiet.
  const say = (text: string) => process.stderr.write(`${quiet ? "" : "\n"}sweep: ${text}\n`);
  const failure = (run: SweepRun, error: unknown): SweepFailure => ({index: run.index, key: run.key, seed: run.seed, error: error instanceof Error ? error.message : String(error)});
  const interrupted = () => new Interrupted(String(signal?.reason ?? "abort"));
  let pool: ThreadPool | undefined;
  let data: ReturnType<typeof sweepSamples> | undefined;
  let reached = first;
  try {
    for (let s = first; s <= last; s++) {
      reached = s;
      const planned = planStage(grid, search, s, [...from, ...finished.values()], configs);
      const runs = s === last && shard ? shardRuns(planned, shard.index, shard.count) : planned;
      const todo = runs.filter((r) => !finished.has(r.index));
      const label = search.kind === "asha" ? `stage ${s}/${stages} (rung ${s - 1}, ${runs[0]?.budget.toLocaleString("en")} samples)` : "sweep";
      const bar = new cliProgress.SingleBar(
        {format: `${label} |{bar}| {value}/{total} runs | {eta_formatted} left | last: {last}`, stream: process.stderr, noTTYOutput: !quiet, notTTYSchedule: 2000},
        cliProgress.Presets.shades_classic,
      );
      if (!quiet) bar.start(runs.length, runs.length - todo.length, {last: "–"});
      const settle = (entry: SweepEntry) => {
        if ("result" in entry) finished.set(entry.result.index, entry.result);
        else failed.set(entry.failed.index, entry.failed);
        onSettled?.(entry);
        const r = "result" in entry ? entry.result : entry.failed;
        if (!quiet) bar.increment({last: `${r.key} seed ${r.seed}: ${"failed" in entry ? "failed" : entry.result.diverged ? "diverged" : `${(100 * entry.result.testAccuracy).toFixed(1)} %`}`});
      };
      try {
        if (signal?.aborted) throw interrupted();
        if (todo.length && workers === 0) {
          if (!data) {
            const {train, test} = pageSubsets();
            data = sweepSamples(grid, train, test);
          }
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
          if (!pool) {
            // The images go to each thread once, as workerData (copied): the threads need not read MNIST.
            const {train, test} = pageSubsets();
            const firstN = (set: {pixels: Uint8Array; labels: Uint8Array}, n: number) => ({pixels: set.pixels.slice(0, n * 784), labels: set.labels.slice(0, n)});
            const workerData = {train: firstN(train, grid.train), test: firstN(test, grid.test)};
            const entry = workerEntry ?? fileURLToPath(new URL("./sweep-worker.ts", import.meta.url));
            pool = new ThreadPool(await workerBundle(entry), {
              size: Math.min(workers, todo.length),
              workerData,
              onDeath: (message, payload, retry) => {
                const {run} = payload as {run: SweepRun};
                say(`run ${run.index} (${run.key} seed ${run.seed}): ${message}${retry ? "; retrying it on a fresh thread" : ", twice: recorded as failed"}`);
              },
            });
          }
          const threads = pool;
          let stop: (() => void) | undefined;
          const stopped = new Promise<never>((_, reject) => {
            stop = () => reject(interrupted());
            signal?.addEventListener("abort", stop, {once: true});
          });
          stopped.catch(() => {});
          try {
            const all = Promise.all(
              todo.map((run) =>
                threads.run<SweepResult>({grid, run}).then(
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
          }
        }
      } finally {
        if (!quiet) bar.stop();
      }
      const stageFailed = runs.filter((r) => failed.has(r.index)).length;
      if (stageFailed && s < last) {
        say(`stage ${s}: ${stageFailed} runs failed; the next stage's promotions need every result, so the search stops here (--resume runs them again)`);
        break;
      }
    }
  } finally {
    await pool?.destroy();
  }
  const runs = [...from, ...finished.values()].filter((r, i, all) => all.findIndex((q) => q.index === r.index) === i).sort((a, b) => a.index - b.index);
  const file: SweepFile = {format: SWEEP_FORMAT, version: SWEEP_VERSION, grid, search, stage: search.kind === "asha" ? reached : null, shard: shard ?? null, runs};
  if (failed.size) file.failed = [...failed.values()].sort((a, b) => a.index - b.index);
  return file;
}

/** "lo,hi" (or "lo,hi,n", n ignored): a range of a random search. */
const range = (flag: string) => (text: string) => {
  const parts = numbers(flag)(text);
  if (parts.length < 2 || parts.length > 3) throw new InvalidArgumentError(`${flag} must be two numbers lo,hi, got ${JSON.stringify(text)}`);
  return [parts[0], parts[1]] as [number, number];
};

export function program(): Command {
  const d = DEFAULT_GRID;
  const root = new Command("sweep").description("Run a grid or a search of MNIST training runs on worker threads; one JSON results file.").showHelpAfterError().enablePositionalOptions();
  root
    .addOption(new Option("--grid <file>", "the grid as a JSON file (the grid flags below are ignored)"))
    .addOption(new Option("--init <names>", "initialisers, comma-separated").default(d.inits.join(",")))
    .addOption(new Option("--activation <names>", "hidden activations, comma-separated").default(d.activations.join(",")))
    .addOption(new Option("--lr <list>", "learning rates η, comma-separated (1e-4 to 10)").argParser(numbers("--lr")))
    .addOption(
      new Option("--lr-range <lo,hi[,n]>", "grid: n log-spaced learning rates from lo to hi; random and asha: η drawn log-uniformly from lo to hi")
        .default([0.001, 1, 6], "0.001,1,6")
        .argParser(lrRange),
    )
    .addOption(new Option("--optimizer <names>", "optimisers, comma-separated: sgd, momentum, adam, adamw").default(d.optimizers.join(",")))
    .addOption(new Option("--momentum <mu>", "μ of --optimizer momentum (must stay 0 without it)").default(d.momentum).argParser(Number))
    .option("--nesterov", "Nesterov momentum for the momentum optimiser")
    .addOption(new Option("--weight-decay <list>", "weight decays λ, comma-separated (0 to 1)").default(d.weightDecays, "0").argParser(numbers("--weight-decay")))
    .addOption(new Option("--dropout <list>", "dropout probabilities p on hidden layers, comma-separated (0 ≤ p < 1)").default(d.dropouts, "0").argParser(numbers("--dropout")))
    .addOption(new Option("--schedule <names>", "η schedules, comma-separated: constant, step, cosine, one-cycle").default(d.schedules.join(",")))
    .addOption(new Option("--warmup <list>", "linear η warm-ups in updates, comma-separated").default(d.warmups, "0").argParser(numbers("--warmup")))
    .addOption(new Option("--seeds <n>", "replicates: seeds 1 … n").default(d.seeds).argParser(whole("--seeds")))
    .addOption(new Option("--train <n>", "training images (the first n of the MNIST page's subset)").default(d.train).argParser(whole("--train")))
    .addOption(new Option("--test <n>", "test images (the first n of the page's test subset)").default(d.test).argParser(whole("--test")))
    .addOption(new Option("--hidden <sizes>", "hidden layer sizes, comma-separated").default(d.hidden.join(",")))
    .addOption(new Option("--epochs <n>").default(d.epochs).argParser(whole("--epochs")))
    .addOption(new Option("--batch <B>", "minibatch size").default(d.batch).argParser(whole("--batch")))
    .addOption(new Option("--search <kind>", "grid: every combination; random: --trials draws; asha: successive halving over those draws").choices(SEARCH_KINDS).default("grid"))
    .addOption(new Option("--trials <n>", "random and asha: configurations drawn").argParser(numbers("--trials")))
    .addOption(new Option("--search-seed <n>", "random and asha: the seed of the draws").default(1).argParser(whole("--search-seed")))
    .addOption(new Option("--weight-decay-range <lo,hi>", "random and asha: λ drawn log-uniformly from lo > 0 to hi").argParser(range("--weight-decay-range")))
    .addOption(new Option("--dropout-range <lo,hi>", "random and asha: p drawn uniformly").argParser(range("--dropout-range")))
    .addOption(new Option("--warmup-range <lo,hi>", "random and asha: warm-up drawn uniformly (whole updates)").argParser(range("--warmup-range")))
    .addOption(new Option("--reduction <n>", "asha: each rung keeps the best 1/n of its trials (2 to 10)").argParser(numbers("--reduction")))
    .addOption(new Option("--rungs <n>", "asha: budgets total/n^(K−1) … total").argParser(numbers("--rungs")))
    .addOption(new Option("--brackets <n>", "asha: Hyperband brackets (1: plain successive halving)").argParser(numbers("--brackets")))
    .addOption(new Option("--stage <k>", "asha: run only stage k (rung k − 1), e.g. as a job array; stage k > 1 needs --from").argParser(whole("--stage")))
    .addOption(new Option("--from <file>", "asha: the merged results of stage k − 1, which decide stage k's runs"))
    .addOption(
      new Option("--workers <n>", `worker threads (0: this thread; at most ${MAX_WORKERS}, and never more than there are runs)`)
        .default(Math.min(MAX_WORKERS, Math.max(1, availableParallelism())))
        .argParser(whole("--workers", MAX_WORKERS)),
    )
    .addOption(new Option("--shard <i/n>", "run only the i-th of n deterministic shards (of the stage, with --stage)"))
    .addOption(new Option("--out <file>", "write the results here instead of stdout (checked before any training); each finished run also goes to <file>.journal.jsonl at once"))
    .option("--force", "let --out overwrite an existing file (and drop an interrupted sweep's journal)")
    .option("--resume", "finish an interrupted sweep: run only what <out>.journal.jsonl (or <out>) lacks; starts afresh when neither exists")
    .option("--print-grid", "print the grid as JSON and exit (a starting point for --grid)")
    .option("--quiet", "no progress bar")
    .action(() => {});
  root
    .command("merge")
    .description("Join shard files of one grid, or of one stage of a search, into its whole results")
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
    lrs: (o.lr as number[] | undefined) ?? (o.search === "grid" ? logSpace(lo, hi, n) : [lo]),
    optimizers: names(o.optimizer as string),
    weightDecays: o.weightDecay,
    dropouts: o.dropout,
    schedules: names(o.schedule as string),
    warmups: o.warmup,
    seeds: o.seeds,
    train: o.train,
    test: o.test,
    hidden: names(o.hidden as string).map(Number),
    epochs: o.epochs,
    batch: o.batch,
    momentum: o.momentum,
    nesterov: !!o.nesterov,
  });
}

/**
 * The search the flags describe. random and asha draw η from --lr-range (unless --lr lists
 * choices) and λ, p and warm-up from their --…-range flags (else from their lists). throws
 * SearchError naming the field; search flags beside a grid search are refused.
 */
function searchFromFlags(o: Record<string, unknown>): SearchSpec {
  const kind = o.search as string;
  const asha = ["reduction", "rungs", "brackets", "stage", "from"];
  const random = ["trials", "weightDecayRange", "dropoutRange", "warmupRange"];
  const flag = (key: string) => `--${key.replace(/[A-Z]/g, (c) => "-" + c.toLowerCase())}`;
  const misplaced = (kind === "grid" ? [...random, ...asha] : kind === "random" ? asha : []).find((k) => o[k] !== undefined);
  if (misplaced) throw new SearchError(`${flag(misplaced)} does not apply to --search ${kind}`);
  if (kind === "grid") return GRID_SEARCH;
  const single = (key: string) => {
    const v = o[key] as number[] | undefined;
    if (v === undefined) return undefined;
    if (v.length !== 1) throw new SearchError(`${flag(key)} takes one number, got ${v.join(",")}`);
    return v[0];
  };
  const [lo, hi] = o.lrRange as number[];
  const ranges: Record<string, [number, number]> = {};
  if (!o.lr) ranges.lr = [lo, hi];
  if (o.weightDecayRange) ranges.weightDecay = o.weightDecayRange as [number, number];
  if (o.dropoutRange) ranges.dropout = o.dropoutRange as [number, number];
  if (o.warmupRange) ranges.warmup = o.warmupRange as [number, number];
  const trials = single("trials");
  if (trials === undefined) throw new SearchError(`invalid trials: --search ${kind} needs --trials N`);
  return validateSearch({kind, trials, seed: o.searchSeed, ranges, ...(kind === "asha" ? {reduction: single("reduction"), rungs: single("rungs"), brackets: single("brackets")} : {})});
}

/** The journal beside a results file. */
export const journalPath = (out: string) => `${out}.journal.jsonl`;

type Shard = {index: number; count: number} | null;
const sameSweep = (a: {grid: SweepGrid; search: SearchSpec; stage: number | null; shard: unknown}, b: typeof a) =>
  JSON.stringify([a.grid, a.search, a.stage, a.shard ?? null]) === JSON.stringify([b.grid, b.search, b.stage, b.shard ?? null]);

/**
 * What an interrupted sweep already finished: the runs in its journal and in an earlier results
 * file at `out` (a requeued task whose first attempt completed), both checked against the search.
 */
function finishedBefore(want: {grid: SweepGrid; search: SearchSpec; stage: number | null; shard: Shard}, earlier: SweepResult[], out: string, force: boolean): SweepResult[] {
  const found = new Map<number, SweepResult>();
  const journal = journalPath(out);
  const fromStage = new Set(earlier.map((r) => r.index));
  // Another grid's, search's or shard's work is refused, or with --force left out (the sweep starts afresh).
  const mismatch = (file: string) => {
    if (!force) throw new InvalidArgumentError(`--resume: ${file} is a sweep of another grid, search, stage or shard; run the command that started it, or add --force to start again`);
  };
  if (existsSync(out)) {
    const file = readSweepFile(readFileSync(out, "utf8"), out);
    // A whole search in one process may have stopped after an earlier stage: its file says that stage.
    const comparable = want.search.kind === "asha" && want.stage === null ? {...file, stage: null} : file;
    if (!sameSweep(comparable, want)) mismatch(out);
    else for (const r of file.runs) if (!fromStage.has(r.index)) found.set(r.index, r);
  }
  if (existsSync(journal)) {
    const log = readJournal(readFileSync(journal, "utf8"), journal, earlier);
    const comparable = want.search.kind === "asha" && want.stage === null ? {...log, stage: null} : log;
    if (!sameSweep(comparable, want)) {
      mismatch(journal);
      rmSync(journal);
    } else for (const r of log.runs) found.set(r.index, r);
  }
  return [...found.values()];
}

/**
 * The merged results of stage k − 1 that --stage k builds on, checked: the same grid and search,
 * exactly stage k − 1, whole (no missing or failed runs). throws InvalidArgumentError naming the file.
 */
function readFrom(path: string | undefined, grid: SweepGrid, search: SearchSpec, stage: number | undefined): SweepResult[] {
  if (stage === undefined || stage === 1) {
    if (path) throw new InvalidArgumentError(`--from ${path}: ${stage === 1 ? "stage 1 builds on nothing" : "needs --stage k"}`);
    return [];
  }
  if (!path) throw new InvalidArgumentError(`--stage ${stage} needs --from <the merged results of stage ${stage - 1}>`);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new InvalidArgumentError(`--from ${path}: ${(error as Error).message}`);
  }
  const file = readSweepFile(text, path);
  if (JSON.stringify([file.grid, file.search]) !== JSON.stringify([grid, search]))
    throw new InvalidArgumentError(`--from ${path}: a stage of another search (its grid or search differs from these flags')`);
  if (file.stage !== stage - 1) throw new InvalidArgumentError(`--from ${path}: holds stage ${file.stage}; stage ${stage} needs the merged stage ${stage - 1} (stages run in order)`);
  if (file.shard) throw new InvalidArgumentError(`--from ${path}: is shard ${file.shard.index}/${file.shard.count} of stage ${file.stage}; merge the stage's shards first (sweep merge)`);
  if (file.missing || file.failed)
    throw new InvalidArgumentError(
      `--from ${path}: stage ${file.stage} is not whole (${file.missing ? `${file.missing.length} runs missing` : `${file.failed!.length} runs failed`}); finish it before stage ${stage}`,
    );
  return file.runs;
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
          `sweep: merge: partial: ${merged.missing.length} of ${merged.missing.length + merged.runs.filter((r) => r.rung === (merged.stage ?? 1) - 1).length} runs${merged.stage ? ` of stage ${merged.stage}` : ""} missing (listed in "missing"); merge this file with the missing shards to complete it\n`,
        );
      return 0;
    }
    const o = command.opts();
    const grid = gridFromFlags(o);
    const search = searchFromFlags(o);
    checkSearchSize(grid, search);
    if (o.printGrid) return (void process.stdout.write(JSON.stringify(grid, null, 2) + "\n"), 0);
    const stage = o.stage as number | undefined;
    if (stage !== undefined && search.kind === "asha" && !(stage >= 1 && stage <= stageCount(search)))
      throw new SearchError(`invalid stage: ${stage} (expected 1 to ${stageCount(search)}, one per rung)`);
    const shard = o.shard ? parseShard(o.shard) : undefined;
    if (shard && search.kind === "asha" && stage === undefined) throw new SearchError("--shard: a successive-halving search is sharded one stage at a time; add --stage k");
    const from = readFrom(o.from, grid, search, stage);
    if (o.resume && !o.out) throw new InvalidArgumentError("--resume needs --out: the journal it continues lives beside the results file");
    // A typo in --out must not cost a sweep: check it (and the journal) before any training.
    const out = o.out ? checkOut(o.out, !!(o.force || o.resume)) : undefined;
    let done: SweepResult[] = [];
    let journal: LineLog | null = null;
    if (out) {
      const path = journalPath(out);
      if (existsSync(path) && !o.resume && !o.force) throw new InvalidArgumentError(`${path} holds an interrupted sweep: pass --resume to finish it, or --force to start again`);
      const fileStage = search.kind === "asha" ? (stage ?? null) : null;
      if (o.resume) done = finishedBefore({grid, search, stage: fileStage, shard: shard ?? null}, from, out, !!o.force);
      else rmSync(path, {force: true});
      const fresh = !existsSync(path);
      journal = new LineLog(path);
      if (fresh) journal.append(journalHeader(grid, shard ?? null, search, search.kind === "asha" ? (stage ?? stageCount(search)) : null, stage ?? 1));
      if (o.resume && !o.quiet) process.stderr.write(`sweep: resuming: ${done.length} runs already finished\n`);
    }
    const controller = new AbortController();
    const onSignal = (signal: NodeJS.Signals) => controller.abort(signal);
    process.on("SIGINT", onSignal);
    process.on("SIGTERM", onSignal);
    let file: SweepFile;
    try {
      file = await sweep(grid, {
        search,
        stage,
        from,
        shard,
        workers: o.workers,
        quiet: o.quiet,
        done,
        signal: controller.signal,
        workerEntry,
        onSettled: (entry) => journal?.append(journalLine(entry)),
      });
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
    return error instanceof InvalidArgumentError || error instanceof GridError || error instanceof SearchError || error instanceof SweepFileError || error instanceof RangeError ? 2 : 1;
  }
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith("bin/sweep.ts")) {
  process.exitCode = await main(process.argv.slice(2));
}
