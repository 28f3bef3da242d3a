/**
 * Long-run throughput of the MNIST page: does an "until paused" run slow itself down?
 *
 *   npm run build && npm run bench:long-run                 # 30 minutes (the figure)
 *   npm run bench:long-run -- --minutes 3                   # a quick look
 *
 * Serves dist/ with python3 -m http.server, opens /mnist.html in headless Chromium, sets "Each
 * Train runs" to "until paused", presses Train, and every 30 s reads the page's update counter
 * (data-metric="steps") and the longest main-thread delay seen in that window (a 50 ms timer
 * probe). Prints one line per window and a verdict: updates in the last window against the
 * mean of the first minute's two windows, PASS unless the run slowed itself down by more than
 * 20 % (a faster end, e.g. when the machine was busier at the start, passes; both figures are
 * printed). Writes bench/results/long-run.json.
 */
import {spawn} from "node:child_process";
import {existsSync, mkdirSync, writeFileSync} from "node:fs";
import {Command} from "commander";
import {chromium} from "@playwright/test";

const opts = new Command("long-run").option("--minutes <n>", "length of the run", "30").option("--port <n>", "port for the static server", "4191").parse().opts<{minutes: string; port: string}>();
const minutes = Number(opts.minutes);
if (!(minutes >= 1.5)) throw new RangeError(`--minutes must be at least 1.5, got ${opts.minutes}`);
if (!existsSync("dist/mnist.html")) throw new Error("dist/mnist.html is missing: run `npm run build` first");
const WINDOW_MS = 30_000;
const windows = Math.floor((minutes * 60_000) / WINDOW_MS);

const server = spawn("python3", ["-m", "http.server", opts.port, "--bind", "127.0.0.1", "--directory", "dist"], {stdio: "ignore"});
const executablePath = process.env.CHROMIUM_PATH || (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
const browser = await chromium.launch({
  executablePath,
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"],
});
try {
  await new Promise((r) => setTimeout(r, 800));
  const page = await browser.newPage({viewport: {width: 1280, height: 900}});
  await page.goto(`http://127.0.0.1:${opts.port}/mnist.html`, {waitUntil: "networkidle"});
  await page.waitForFunction(() => document.querySelector("observablehq-loading") === null);
  await page.getByLabel("Each Train runs").selectOption({label: "until paused"});
  // Main-thread delay probe: how late a 50 ms timer fires, worst case per window.
  // (A string, not a function: tsx would wrap named functions in a helper the page lacks.)
  await page.evaluate(`(() => {
    window.worstDelay = 0;
    let expected = performance.now() + 50;
    const tick = () => {
      const late = performance.now() - expected;
      if (late > window.worstDelay) window.worstDelay = late;
      expected = performance.now() + 50;
      setTimeout(tick, 50);
    };
    setTimeout(tick, 50);
  })()`);
  const steps = async () => Number((await page.locator('[data-metric="steps"]').textContent())!.replace(/,/g, ""));
  await page.getByRole("button", {name: "Train", exact: true}).click();
  const rows: {window: number; minute: number; updates: number; worstDelayMs: number}[] = [];
  let before = await steps();
  for (let k = 1; k <= windows; k++) {
    await page.waitForTimeout(WINDOW_MS);
    const after = await steps();
    const worstDelayMs = (await page.evaluate("(() => { const v = window.worstDelay; window.worstDelay = 0; return v; })()")) as number;
    rows.push({window: k, minute: (k * WINDOW_MS) / 60_000, updates: after - before, worstDelayMs: Math.round(worstDelayMs)});
    console.log(`${((k * WINDOW_MS) / 60_000).toFixed(1).padStart(5)} min  ${String(after - before).padStart(7)} updates / 30 s  worst main-thread delay ${Math.round(worstDelayMs)} ms`);
    before = after;
  }
  const status = await page.locator('[data-metric="status"]').textContent();
  const first = (rows[0].updates + rows[1].updates) / 2;
  const last = rows[rows.length - 1].updates;
  const ratio = last / first;
  const verdict = ratio >= 0.8 ? "PASS" : "FAIL";
  const sorted = rows.map((r) => r.updates).sort((a, b) => a - b);
  console.log(
    `first minute ${Math.round(first)} updates / 30 s; last window ${last}; ratio ${ratio.toFixed(3)} (target: no slowdown beyond 20 %): ${verdict}; all windows ${sorted[0]}–${sorted.at(-1)}, median ${sorted[Math.floor(sorted.length / 2)]}; status at the end: ${status}`,
  );
  mkdirSync("bench/results", {recursive: true});
  writeFileSync("bench/results/long-run.json", JSON.stringify({minutes, windows: rows, firstMinutePer30s: first, lastPer30s: last, ratio, verdict, date: new Date().toISOString()}, null, 2));
} finally {
  await browser.close();
  server.kill();
}
