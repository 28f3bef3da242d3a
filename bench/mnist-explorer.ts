/**
 * MNIST explorer performance in headless Chromium, against the built site (run `npm run build`
 * first): while the page trains at full speed with every view on screen (the viewport is as tall
 * as the page), it measures
 *   - frames per second (requestAnimationFrame callbacks per second of wall time);
 *   - training samples per second of wall time (the samples-seen metric);
 *   - complete view redraws per second (every view: tiles, diagram, output, H2, histograms,
 *     confusion matrix, sparklines; counted by the page in data-refreshes).
 * Targets (issue 8): ≥ 30 fps, ≥ 20,000 samples/s, ≥ 4 view updates per second.
 *
 *   npm run bench:explorer [-- --port 4378 --seconds 10 --rounds 3 --viewport 0 --dist dist]
 *   npm run bench:explorer -- --viewport 1000 --at projection,saliency,timeline,my-digits
 *
 * --viewport 0 (default) makes the viewport as tall as the page, so every view is on screen and
 * painted every frame; --viewport 1000 is an ordinary 1280 × 1000 window scrolled to the views
 * (the top of the explorer), or with --at to each named figure (data-figure) in turn, one
 * measurement per figure and round: issue 18's four views (the hidden space, why it said that,
 * time travel, your own digits) on screen while the run trains. --dist serves another build.
 *
 * Prints one JSON object per round and a verdict, with the machine's load average (the machine
 * may be shared).
 */
import {spawn} from "node:child_process";
import {existsSync} from "node:fs";
import {loadavg, cpus} from "node:os";
import {chromium} from "@playwright/test";

const arg = (name: string, fallback: number) => {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? Number(process.argv[k + 1]) : fallback;
};
const port = arg("port", 4378),
  seconds = arg("seconds", 10),
  rounds = arg("rounds", 3),
  viewport = arg("viewport", 0);
const text = (name: string, fallback: string) => {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? process.argv[k + 1] : fallback;
};
const dist = text("dist", "dist");
// The figures to scroll a --viewport window to, one measurement each ("" = the top of the explorer).
const places = text("at", "").split(",").filter(Boolean);
if (places.length && !viewport) throw new RangeError("--at needs --viewport (e.g. 1000): with the whole page on screen there is nothing to scroll to");
if (!existsSync(`${dist}/mnist.html`)) throw new Error(`${dist}/mnist.html missing: run \`npm run build\` first`);
const server = spawn("python3", ["-m", "http.server", String(port), "--bind", "127.0.0.1", "--directory", dist], {stdio: "ignore"});
const results: {at: string; fps: number; samplesPerSecondWall: number; viewUpdatesPerSecond: number; loadAverage1m: number[]}[] = [];
try {
  await new Promise((r) => setTimeout(r, 1000));
  const executablePath = process.env.CHROMIUM_PATH || (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
  const browser = await chromium.launch({executablePath, args: ["--no-sandbox", "--disable-gpu"]});
  for (let round = 1; round <= rounds; round++)
    for (const at of places.length ? places : [""]) {
      const page = await browser.newPage({viewport: {width: 1280, height: 1000}});
      await page.goto(`http://127.0.0.1:${port}/mnist.html?speed=max`, {waitUntil: "networkidle"});
      await page.waitForFunction(() => document.querySelector("observablehq-loading") === null);
      await page.waitForSelector(".sparklines-slot[data-refreshes]");
      // Train until paused, not for the default 3 epochs per press.
      await page.getByLabel("Each Train runs").selectOption({label: "until paused"});
      // Every view on screen at once.
      const height = await page.evaluate(() => document.documentElement.scrollHeight);
      await page.setViewportSize({width: 1280, height: viewport || Math.min(16000, height)});
      if (viewport) {
        const target = at ? `[data-figure="${at}"]` : ".explorer-top";
        if (!(await page.locator(target).count())) throw new Error(`no ${target} on the page`);
        await page
          .locator(target)
          .first()
          .evaluate((el) => el.scrollIntoView({block: "center"}));
      }
      await page.waitForTimeout(500);
      const load0 = loadavg()[0];
      // Passed as source text: tsx would otherwise wrap the function's inner helpers in __name(), unknown in the page.
      const r: {fps: number; samplesPerSecondWall: number; viewUpdatesPerSecond: number; testAccuracy: string; timing: {refresh: number; jobs: number[]; count: number}} =
        await page.evaluate(`(async (seconds) => {
      const read = (name) => Number(document.querySelector('[data-metric="' + name + '"]').textContent.replace(/[^0-9.]/g, ""));
      const refreshes = () => Number(document.querySelector(".sparklines-slot").dataset.refreshes || 0);
      document.querySelector('[data-action="train"]').click();
      await new Promise((r) => setTimeout(r, 1500));
      const s0 = read("samples-seen"), v0 = refreshes(), t0 = performance.now();
      let frames = 0, running = true;
      const count = () => { if (!running) return; frames++; requestAnimationFrame(count); };
      requestAnimationFrame(count);
      await new Promise((r) => setTimeout(r, seconds * 1000));
      running = false;
      const t1 = performance.now(), s1 = read("samples-seen"), v1 = refreshes();
      document.querySelector('[data-action="pause"]').click();
      return {fps: (frames * 1000) / (t1 - t0), samplesPerSecondWall: ((s1 - s0) * 1000) / (t1 - t0), viewUpdatesPerSecond: ((v1 - v0) * 1000) / (t1 - t0), testAccuracy: document.querySelector('[data-metric="test-accuracy"]').textContent, timing: window.explorerTiming};
    })(${seconds})`);
      const perRefresh = (ms: number) => +(ms / Math.max(1, r.timing.count)).toFixed(1);
      const row = {
        round,
        at: at || (viewport ? "explorer-top" : "whole page"),
        seconds,
        viewportHeight: viewport || Math.min(16000, height),
        msPerRedraw: {compute: perRefresh(r.timing.refresh), jobs: r.timing.jobs.map(perRefresh)},
        fps: +r.fps.toFixed(1),
        samplesPerSecondWall: Math.round(r.samplesPerSecondWall),
        viewUpdatesPerSecond: +r.viewUpdatesPerSecond.toFixed(2),
        testAccuracy: r.testAccuracy,
        loadAverage1m: [+load0.toFixed(2), +loadavg()[0].toFixed(2)],
      };
      results.push(row);
      process.stdout.write(JSON.stringify(row) + "\n");
      await page.close();
    }
  await browser.close();
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const verdict = (ok: boolean) => (ok ? "PASS" : "FAIL");
  // One verdict per place (the median of its rounds).
  for (const at of new Set(results.map((r) => r.at))) {
    const mine = results.filter((r) => r.at === at);
    const fps = median(mine.map((r) => r.fps)),
      sps = median(mine.map((r) => r.samplesPerSecondWall)),
      ups = median(mine.map((r) => r.viewUpdatesPerSecond));
    process.stdout.write(
      JSON.stringify(
        {
          at,
          median: {fps, samplesPerSecondWall: sps, viewUpdatesPerSecond: ups},
          cores: cpus().length,
          targets: {fps: `${fps} ≥ 30: ${verdict(fps >= 30)}`, samples: `${sps} ≥ 20000: ${verdict(sps >= 20000)}`, views: `${ups} ≥ 4: ${verdict(ups >= 4)}`},
        },
        null,
        2,
      ) + "\n",
    );
  }
} finally {
  server.kill();
}
