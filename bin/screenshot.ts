#!/usr/bin/env -S npx tsx
/**
 * Screenshots of built pages, for looking at what a reader sees (run `npm run build` first).
 *
 *   npm run -s screenshot -- /mnist /compare --width 1280,800 --scheme light,dark --out shots/
 *
 * Serves dist/ on 127.0.0.1 (sirv), opens each page in headless Chromium at each width and colour
 * scheme, waits for every cell to settle (plus --wait ms), and writes full-page PNGs named
 * <page>-<width>-<scheme>.png. Console errors and failed requests are printed to stderr.
 */
import {mkdirSync} from "node:fs";
import {spawn} from "node:child_process";
import {existsSync} from "node:fs";
import {join} from "node:path";
import {Command} from "commander";
import {chromium} from "@playwright/test";

const program = new Command("screenshot")
  .argument("<paths...>", "page paths, e.g. /mnist")
  .option("--width <list>", "viewport widths in px", "1280,800")
  .option("--scheme <list>", "colour schemes: light, dark", "light")
  .option("--out <dir>", "output folder", "shots")
  .option("--wait <ms>", "extra wait after the cells settle", "500")
  .option("--port <n>", "port for the static server", "4190")
  .parse();
const opts = program.opts<{width: string; scheme: string; out: string; wait: string; port: string}>();
const port = Number(opts.port);
const server = spawn(process.execPath, ["node_modules/sirv-cli/bin.js", "dist", "--host", "127.0.0.1", "--port", String(port), "--quiet"], {stdio: "ignore"});
try {
  await new Promise((r) => setTimeout(r, 800));
  mkdirSync(opts.out, {recursive: true});
  const executablePath = process.env.CHROMIUM_PATH || (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);
  const browser = await chromium.launch({
    executablePath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--enable-unsafe-swiftshader"],
  });
  for (const path of program.args) {
    for (const width of opts.width.split(",").map(Number)) {
      for (const scheme of opts.scheme.split(",") as ("light" | "dark")[]) {
        const context = await browser.newContext({viewport: {width, height: 900}, colorScheme: scheme});
        const page = await context.newPage();
        page.on("console", (m) => m.type() === "error" && console.error(`${path} ${width} ${scheme}: console error: ${m.text()}`));
        page.on("pageerror", (e) => console.error(`${path} ${width} ${scheme}: page error: ${e.message}`));
        page.on("requestfailed", (r) => console.error(`${path} ${width} ${scheme}: failed request ${r.url()}`));
        await page.goto(`http://127.0.0.1:${port}${path}`, {waitUntil: "networkidle"});
        await page.waitForFunction(() => document.querySelector("observablehq-loading") === null, undefined, {timeout: 30_000}).catch(() => console.error(`${path}: cells still loading`));
        await page.waitForTimeout(Number(opts.wait));
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        if (overflow > 0) console.error(`${path} ${width} ${scheme}: page is ${overflow} px wider than the viewport`);
        const file = join(opts.out, `${path.replace(/^\//, "").replace(/[^\w-]+/g, "_") || "index"}-${width}-${scheme}.png`);
        await page.screenshot({path: file, fullPage: true});
        console.log(file);
        await context.close();
      }
    }
  }
  await browser.close();
} finally {
  server.kill();
}
