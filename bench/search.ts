/**
 * Search efficiency: a 64-trial random search and successive halving (ASHA as runs/search.ts
 * implements it: reduction 3, 3 rungs) over the same space and the same 64 drawn trials, on the
 * CLI's engine (bin/sweep.ts `sweep`, worker threads). Reports each one's wall time, compute
 * (training samples, summed over runs) and best final test accuracy.
 *
 *   npm run bench:search [-- --workers 2 --train 10000 --epochs 2]
 *
 * Targets (issue 17): ASHA's best within 0.5 percentage points of the random search's best, in
 * at most 40 % of its compute. Prints PASS/FAIL, the load average, and writes
 * bench/results/search.json.
 */
import {existsSync, mkdirSync, writeFileSync} from "node:fs";
import {availableParallelism, loadavg} from "node:os";
import {Command} from "commander";
import {sweep} from "../bin/sweep.js";
import {validateGrid, type SweepFile} from "../src/components/runs/sweep.js";
import {validateSearch} from "../src/components/runs/search.js";

const opts = new Command("bench-search")
  .option("--workers <n>", "worker threads", String(Math.min(2, availableParallelism())))
  .option("--train <n>", "training images", "10000")
  .option("--epochs <n>", "epochs of a full-budget run", "2")
  .option("--trials <n>", "trials drawn", "64")
  .parse()
  .opts<{workers: string; train: string; epochs: string; trials: string}>();

const grid = validateGrid({
  train: Number(opts.train),
  test: 1000,
  hidden: [16, 16],
  inits: ["he-normal", "xavier-normal"],
  activations: ["relu", "tanh"],
  lrs: [0.01],
  optimizers: ["sgd", "momentum", "adamw"],
  schedules: ["constant", "cosine"],
  momentum: 0.9,
  batch: 32,
  epochs: Number(opts.epochs),
});
const ranges = {lr: [0.001, 1] as [number, number], weightDecay: [1e-5, 1e-2] as [number, number], dropout: [0, 0.5] as [number, number]};
const trials = Number(opts.trials);
const random = validateSearch({kind: "random", trials, seed: 1, ranges});
const asha = validateSearch({kind: "asha", trials, seed: 1, ranges, reduction: 3, rungs: 3});
const workers = Number(opts.workers);

/** Best final test accuracy among the runs at the search's full budget, and the compute spent. */
function summary(file: SweepFile, seconds: number) {
  const full = Math.max(...file.runs.map((r) => r.budget));
  const finals = file.runs.filter((r) => r.budget === full && Number.isFinite(r.testAccuracy));
  const best = finals.reduce((a, b) => (b.testAccuracy > a.testAccuracy ? b : a));
  return {seconds: +seconds.toFixed(2), runs: file.runs.length, samples: file.runs.reduce((s, r) => s + r.budget, 0), best: {accuracy: best.testAccuracy, trial: best.trial, key: best.key}};
}

async function timed(search: typeof random) {
  const t0 = performance.now();
  const file = await sweep(grid, {search, workers, quiet: true});
  return summary(file, (performance.now() - t0) / 1000);
}

const r = await timed(random);
const a = await timed(asha);
const share = a.samples / r.samples;
const gap = 100 * (r.best.accuracy - a.best.accuracy);
const ok = gap <= 0.5 && share <= 0.4;
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
console.log(`space: η log-uniform 0.001–1, λ log-uniform 1e-5–1e-2, dropout 0–0.5, optimiser sgd/momentum/adamw, schedule constant/cosine, init He/Xavier, activation ReLU/tanh`);
console.log(`full budget: ${grid.epochs} epochs × ${grid.train.toLocaleString("en")} images, test ${grid.test}; ${workers} worker threads; load average ${loadavg()[0].toFixed(2)}`);
console.log(`random ${trials}: ${r.seconds} s, ${r.runs} runs, ${r.samples.toLocaleString("en")} samples, best ${pct(r.best.accuracy)} (trial ${r.best.trial})`);
console.log(`asha   ${trials}: ${a.seconds} s, ${a.runs} runs, ${a.samples.toLocaleString("en")} samples, best ${pct(a.best.accuracy)} (trial ${a.best.trial})`);
console.log(
  `asha: ${gap.toFixed(2)} points below random's best (target ≤ 0.5), ${pct(share)} of its compute (target ≤ 40 %), ${((a.seconds / r.seconds) * 100).toFixed(1)} % of its wall time: ${ok ? "PASS" : "FAIL"}`,
);
if (!existsSync("bench/results")) mkdirSync("bench/results", {recursive: true});
writeFileSync("bench/results/search.json", JSON.stringify({date: new Date().toISOString(), grid, ranges, workers, loadavg: loadavg()[0], random: r, asha: a, share, gap, pass: ok}, null, 2) + "\n");
