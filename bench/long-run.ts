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
 * printed). Memory, with time travel's checkpoints on (they are always kept): per window, the
 * page's JavaScript heap after a forced garbage collection (Chrome DevTools Protocol,
 * HeapProfiler.collectGarbage then Runtime.getHeapUsage; the checkpoints live there) and the
 * checkpoint log's line
 * (data-metric="timeline-count"); verdict PASS when the page's heap in the last window is within
 * 10 % (or 5 MB) of its value after the first minute and the log holds at most its bound. Writes
 * bench/results/long-run.json. --dist serves another build than dist/.
 */
import {spawn} from "node:child_process";
import {existsSync, mkdirSync, writeFileSync} from "node:fs";
import {Command} from "commander";
import {chromium} from "@playwright/test";

const opts = new Command("long-run")
  .option("--minutes <n>", "length of the run", "30")
  .option("--port <n>", "port for the static server", "4191")
  .option("--dist <dir>", "the built site to serve", "dist")
  .parse()
  .opts<{minutes: string; port: string; dist: string}>();
const minutes = Number(opts.minutes);
if (!(minutes >= 1.5)) throw new RangeError(`--minutes must be at least 1.5, got ${opts.minutes}`);
if (!existsSync(`${opts.dist}/mnist.html`)) throw new Error(`${opts.dist}/mnist.html is missing: run \`npm run build\` first`);
const WINDOW_MS = 30_000;
const windows = Math.floor((minutes * 60_000) / WINDOW_MS);

const server = spawn("python3", ["-m", "http.server", opts.port, "--bind", "127.0.0.1", "--directory", opts.dist], {stdio: "ignore"});
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
  const cdp = await page.context().newCDPSession(page);
  const MB = 2 ** 20;
  /** The page's heap after a full collection, MB. */
  const pageHeap = async () => {
    await cdp.send("HeapProfiler.collectGarbage");
    return (await cdp.send("Runtime.getHeapUsage")).usedSize / MB;
  };
  const checkpointLine = async () => (await page.locator('[data-metric="timeline-count"]').first().textContent())?.trim() ?? "";
  const steps = async () => Number((await page.locator('[data-metric="steps"]').textContent())!.replace(/,/g, ""));
  await page.getByRole("button", {name: "Train", exact: true}).click();
  const rows: {window: number; minute: number; updates: number; worstDelayMs: number; pageHeapMB: number; checkpoints: string}[] = [];
  let before = await steps();
  for (let k = 1; k <= windows; k++) {
    await page.waitForTimeout(WINDOW_MS);
    const after = await steps();
    const worstDelayMs = (await page.evaluate("(() => { const v = window.worstDelay; window.worstDelay = 0; return v; })()")) as number;
    const pageHeapMB = +(await pageHeap()).toFixed(1),
      checkpoints = await checkpointLine();
    rows.push({window: k, minute: (k * WINDOW_MS) / 60_000, updates: after - before, worstDelayMs: Math.round(worstDelayMs), pageHeapMB, checkpoints});
    console.log(
      `${((k * WINDOW_MS) / 60_000).toFixed(1).padStart(5)} min  ${String(after - before).padStart(7)} updates / 30 s  worst main-thread delay ${Math.round(worstDelayMs)} ms  page heap ${pageHeapMB} MB  ${checkpoints}`,
    );
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
  // Memory: the heap after the first minute against the last window's; the log within its bound.
  const heapStart = rows[1].pageHeapMB,
    heapEnd = rows[rows.length - 1].pageHeapMB,
    heapMax = Math.max(...rows.map((r) => r.pageHeapMB));
  const [, held, bound] = /^(\d+) checkpoints?.*at most (\d+)/.exec(rows[rows.length - 1].checkpoints) ?? [];
  const memoryVerdict = heapEnd <= Math.max(heapStart * 1.1, heapStart + 5) && held !== undefined && Number(held) <= Number(bound) ? "PASS" : "FAIL";
  console.log(
    `page heap after a collection: ${heapStart} MB at 1 min, ${heapEnd} MB at the end, at most ${heapMax} MB; checkpoints at the end: ${rows[rows.length - 1].checkpoints}: ${memoryVerdict}`,
  );
  mkdirSync("bench/results", {recursive: true});
  writeFileSync(
    "bench/results/long-run.json",
    JSON.stringify(
      {
        minutes,
        windows: rows,
        firstMinutePer30s: first,
        lastPer30s: last,
        ratio,
        verdict,
        memory: {heapStartMB: heapStart, heapEndMB: heapEnd, heapMaxMB: heapMax, verdict: memoryVerdict},
        date: new Date().toISOString(),
      },
      null,
      2,
    ),
  );
} finally {
  await browser.close();
  server.kill();
}
