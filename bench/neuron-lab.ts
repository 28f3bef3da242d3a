/**
 * Neuron lab performance in headless Chromium (software WebGL via swiftshader), against the built
 * site (run `npm run build` first):
 *   - frames per second of the 3D view drawing all 4,408 wires every frame while the lab trains;
 *   - training samples per second of wall time while the view animates.
 *
 *   npm run bench:lab [-- --port 4377 --seconds 10]
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
  seconds = arg("seconds", 10);
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
  const result: {fps: number; samplesPerSecondWall: number; testAccuracy: string; samplesSeen: number} = await page.evaluate(`(async (seconds) => {
    const view = document.querySelector(".network-view");
    view.continuous = true;
    const read = (name) => Number(document.querySelector('[data-metric="' + name + '"]').textContent.replace(/[^0-9.]/g, ""));
    (document.querySelector('[data-action="train"]')).click();
    await new Promise((r) => setTimeout(r, 1500));
    const s0 = read("samples-seen"), t0 = performance.now();
    let frames = 0, running = true;
    const count = () => {
      if (!running) return;
      frames++;
      requestAnimationFrame(count);
    };
    requestAnimationFrame(count);
    await new Promise((r) => setTimeout(r, seconds * 1000));
    running = false;
    const t1 = performance.now();
    const s1 = read("samples-seen");
    (document.querySelector('[data-action="pause"]')).click();
    return {fps: (frames * 1000) / (t1 - t0), samplesPerSecondWall: ((s1 - s0) * 1000) / (t1 - t0), testAccuracy: document.querySelector('[data-metric="test-accuracy"]')?.textContent, samplesSeen: s1};
  })(${seconds})`);
  await browser.close();
  process.stdout.write(
    JSON.stringify(
      {
        renderer,
        wires: 4408,
        seconds,
        ...result,
        fps: +result.fps.toFixed(1),
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
