/**
 * Sweep speed: the 36-run grid (3 initialisations × 2 activations × 6 learning rates, one
 * epoch of 10,000 MNIST images, 784 → 16 → 16 → 10, minibatch 32, test on 1,000).
 *
 *   npm run build && npm run bench:sweep
 *
 * 1. Headless Chromium: opens the built Compare page with that grid in its URL (the sweep starts
 *    by itself in navigator.hardwareConcurrency Web Workers) and times it from "running" to
 *    "done" (polled every 20 ms). Target: under 10 s.
 * 2. The CLI's engine (bin/sweep.ts `sweep`) on 1 and on 2 worker threads, wall time each, best
 *    of `--rounds`. Target: speed-up at least 1.7×.
 * Prints both with PASS/FAIL, the load average, and writes bench/results/sweep.json.
 */
import {spawn} from "node:child_process";
import {existsSync, mkdirSync, writeFileSync} from "node:fs";
import {loadavg} from "node:os";
import {Command} from "commander";
import {chromium} from "@playwright/test";
import {sweep} from "../bin/sweep.js";
import {validateGrid} from "../src/components/runs/sweep.js";

const opts = new Command("bench-sweep")
  .option("--rounds <n>", "rounds of each measurement (best is kept)", "2")
  .option("--port <n>", "static server port", "4193")
  .parse()
  .opts<{rounds: string; port: string}>();
const rounds = Number(opts.rounds);
const grid = validateGrid({
  inits: ["he-normal", "xavier-normal", "uniform"],
  activations: ["relu", "sigmoid"],
  lrs: [0.001, 0.00398, 0.0158, 0.0631, 0.251, 1],
  train: 10_000,
  test: 1_000,
  batch: 32,
  epochs: 1,
  hidden: [16, 16],
});
const query = `?train=10000&test=1000&batch=32`;
if (!existsSync("dist/compare.html")) throw new Error("dist/compare.html is missing: run `npm run build` first");

// 1. Chromium.
const server = spawn("python3", ["-m", "http.server", opts.port, "--bind", "127.0.0.1", "--directory", "dist"], {stdio: "ignore"});
const executablePath = process.env.CHROMIUM_PATH || (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
const browser = await chromium.launch({
  executablePath,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
});
const browserTimes: number[] = [];
let workers = 0;
try {
  await new Promise((r) => setTimeout(r, 800));
  for (let k = 0; k < rounds; k++) {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${opts.port}/compare.html${query}`);
    const status = page.locator('[data-metric="status"]');
    await status.filter({hasText: /^running$/}).waitFor({timeout: 60_000});
    const t0 = performance.now();
    await status.filter({hasText: /^done$/}).waitFor({timeout: 120_000});
    browserTimes.push((performance.now() - t0) / 1000);
    const total = await page.locator('[data-metric="runs-done"]').textContent();
    if (total !== "36") throw new Error(`expected 36 runs, the page shows ${total}`);
    workers = Number(await page.locator('[data-metric="workers"]').textContent());
    await page.close();
  }
} finally {
  await browser.close();
  server.kill();
}

// 2. CLI engine on worker threads.
const cli: Record<number, number[]> = {1: [], 2: []};
for (let k = 0; k < rounds; k++) {
  for (const n of [1, 2]) {
    const t0 = performance.now();
    const file = await sweep(grid, {workers: n, quiet: true});
    cli[n].push((performance.now() - t0) / 1000);
    if (file.runs.length !== 36) throw new Error("expected 36 runs");
  }
}
const best = (xs: number[]) => Math.min(...xs);
const browserBest = best(browserTimes),
  one = best(cli[1]),
  two = best(cli[2]);
const speedup = one / two;
const lines = [
  `36-run grid in headless Chromium (${workers} Web Workers): ${browserBest.toFixed(2)} s (rounds: ${browserTimes.map((t) => t.toFixed(2)).join(", ")}) — target < 10 s: ${browserBest < 10 ? "PASS" : "FAIL"}`,
  `CLI, 1 worker thread: ${one.toFixed(2)} s; 2 worker threads: ${two.toFixed(2)} s; speed-up ${speedup.toFixed(2)}× — target ≥ 1.7×: ${speedup >= 1.7 ? "PASS" : "FAIL"}`,
  `load average (1, 5, 15 min): ${loadavg()
    .map((x) => x.toFixed(2))
    .join(", ")}`,
];
console.log(lines.join("\n"));
mkdirSync("bench/results", {recursive: true});
writeFileSync(
  "bench/results/sweep.json",
  JSON.stringify({browserSeconds: browserTimes, workers, cli1Seconds: cli[1], cli2Seconds: cli[2], speedup, load: loadavg(), date: new Date().toISOString()}, null, 2),
);
