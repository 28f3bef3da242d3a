/**
 * Neuron lab performance in headless Chromium (software WebGL via swiftshader), against the built
 * site (run `npm run build` first), while the lab trains at full speed with all 4,408 wires drawn
 * every frame (`continuous`):
 *   - fps at full resolution (the adaptive pixel ratio switched off), for comparison;
 *   - fps with the adaptive pixel ratio (what a reader gets while the scene animates), and the
 *     ratio it settled on;
 *   - at rest (animation stopped): the pixel ratio of the last frame drawn and the canvas's
 *     drawing-buffer width, which must be back at full resolution;
 *   - training samples per second of wall time while the view animates;
 *   - the pulses a reader watches at 1 update / s (no `continuous`): frames drawn per second
 *     while a pulse plays, the pixel ratio then, and whether every pulse played to its end.
 *
 *   npm run bench:lab [-- --port 4377 --seconds 8]
 *
 * Prints one JSON object, with the machine's load average (the machine may be shared).
 */
import {spawn} from "node:child_process";
import {existsSync} from "node:fs";
import {loadavg, cpus} from "node:os";
import {chromium} from "@playwright/test";

const arg = (name: string, fallback: number) => {
  const k = process.argv.indexOf(`--${name}`);
  return k >= 0 ? Number(process.argv[k + 1]) : fallback;
};
const port = arg("port", 4377),
  seconds = arg("seconds", 8);
if (!existsSync("dist/neuron-lab.html")) throw new Error("dist/neuron-lab.html missing: run `npm run build` first");
const server = spawn(process.execPath, ["node_modules/sirv-cli/bin.js", "dist", "--host", "127.0.0.1", "--port", String(port), "--quiet"], {stdio: "ignore"});
try {
  await new Promise((r) => setTimeout(r, 1000));
  const executablePath = process.env.CHROMIUM_PATH || (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
  const browser = await chromium.launch({executablePath, args: ["--no-sandbox", "--disable-gpu", "--enable-unsafe-swiftshader"]});
  const page = await browser.newPage({viewport: {width: 1280, height: 900}});
  await page.goto(`http://127.0.0.1:${port}/neuron-lab.html`, {waitUntil: "networkidle"});
  await page.waitForFunction(() => document.querySelector("observablehq-loading") === null);
  const renderer = await page.evaluate(() => (document.querySelector(".network-view") as HTMLElement).dataset.renderer);
  const load0 = loadavg()[0];
  // Passed as source text: tsx would otherwise wrap the function's inner helpers in __name(), unknown in the page.
  // Passed as source text: tsx would otherwise wrap the function's inner helpers in __name(), unknown in the page.
  const result: {
    fullResolution: {fps: number; pixelRatio: number};
    adaptive: {fps: number; pixelRatio: number; settleSeconds: number};
    rest: {lastFramePixelRatio: number; fullPixelRatio: number; canvasWidth: number; cssWidth: number; restored: boolean};
    samplesPerSecondWall: number;
    pulses: {fps: number; pixelRatio: number; started: number; completed: number; deferred: number};
    testAccuracy: string;
    samplesSeen: number;
  } = await page.evaluate(`(async (seconds) => {
    const view = document.querySelector(".network-view");
    const wait = (ms) => new Promise((r) => setTimeout(r, ms));
    const read = (name) => Number(document.querySelector('[data-metric="' + name + '"]').textContent.replace(/[^0-9.]/g, ""));
    const measure = async (s) => {
      let frames = 0, running = true;
      const count = () => { if (!running) return; frames++; requestAnimationFrame(count); };
      const t0 = performance.now();
      requestAnimationFrame(count);
      await wait(s * 1000);
      running = false;
      return (frames * 1000) / (performance.now() - t0);
    };
    view.continuous = true;
    document.querySelector('[data-action="train"]').click();
    await wait(1500);
    const s0 = read("samples-seen"), t0 = performance.now();
    view.adaptive = false;
    await wait(500);
    const fullFps = await measure(seconds / 2);
    const fullRatio = view.pixelRatio.current;
    view.adaptive = true;
    const settle = 3;
    await wait(settle * 1000);
    const adaptiveFps = await measure(seconds);
    const adaptiveRatio = view.pixelRatio.current;
    const t1 = performance.now(), s1 = read("samples-seen");
    // Rest: nothing animates any more; the view draws one frame at full resolution.
    view.continuous = false;
    document.querySelector('[data-action="pause"]').click();
    await wait(1500);
    const r = view.pixelRatio;
    // Pulses at 1 update / s: frames the view draws per second while one plays.
    const select = [...document.querySelectorAll(".lab-controls select")].find((s) => [...s.options].some((o) => o.textContent === "1 update / s"));
    select.selectedIndex = [...select.options].findIndex((o) => o.textContent === "1 update / s");
    select.dispatchEvent(new Event("input", {bubbles: true}));
    await wait(500);
    const p0 = view.pulse;
    document.querySelector('[data-action="train"]').click();
    let frames = 0, time = 0, ratios = [], prev = null;
    const end = performance.now() + seconds * 1000;
    while (performance.now() < end) {
      await wait(50);
      const now = {t: performance.now(), f: view.framesDrawn, playing: view.pulse.playing};
      if (prev && prev.playing && now.playing) { frames += now.f - prev.f; time += now.t - prev.t; ratios.push(view.pixelRatio.current); }
      prev = now;
    }
    document.querySelector('[data-action="pause"]').click();
    await wait(1200);
    const p1 = view.pulse;
    ratios.sort((a, b) => a - b);
    const pulses = {fps: (frames * 1000) / time, pixelRatio: ratios[Math.floor(ratios.length / 2)], started: p1.started - p0.started, completed: p1.completed - p0.completed, deferred: p1.deferred - p0.deferred};
    return {
      pulses,
      fullResolution: {fps: fullFps, pixelRatio: fullRatio},
      adaptive: {fps: adaptiveFps, pixelRatio: adaptiveRatio, settleSeconds: settle},
      rest: {lastFramePixelRatio: r.lastFrame, fullPixelRatio: r.full, canvasWidth: r.canvasWidth, cssWidth: r.cssWidth, restored: r.lastFrame === r.full && r.canvasWidth === Math.round(r.cssWidth * r.full)},
      samplesPerSecondWall: ((s1 - s0) * 1000) / (t1 - t0),
      testAccuracy: document.querySelector('[data-metric="test-accuracy"]')?.textContent,
      samplesSeen: s1,
    };
  })(${seconds})`);
  await browser.close();
  process.stdout.write(
    JSON.stringify(
      {
        renderer,
        wires: 4408,
        seconds,
        ...result,
        fullResolution: {fps: +result.fullResolution.fps.toFixed(1), pixelRatio: result.fullResolution.pixelRatio},
        adaptive: {...result.adaptive, fps: +result.adaptive.fps.toFixed(1)},
        pulses: {...result.pulses, fps: +result.pulses.fps.toFixed(1)},
        samplesPerSecondWall: Math.round(result.samplesPerSecondWall),
        loadAverage1m: [+load0.toFixed(2), +loadavg()[0].toFixed(2)],
        cores: cpus().length,
      },
      null,
      2,
    ) + "\n",
  );
} finally {
  server.kill();
}
