// Shared helpers for the Playwright specs in tests/e2e/.
//
//   import {builtPages, openPage} from "./helpers.js";
//   const watch = await openPage(page, "/mnist.html");   // goto + network idle + cells settled
//   ...interact...
//   await watch.expectClean();                       // no off-origin/failed requests, console errors, page errors, cell errors
import {readdirSync, existsSync} from "node:fs";
import {join, relative, sep} from "node:path";
import {expect, type Locator, type Page} from "@playwright/test";

/** Directory of the built site. */
export const distDir = "dist";

/**
 * URL paths of every page built into dist/ (every *.html except 404.html),
 * as the site links them: index.html → "/", mnist.html → "/mnist.html", a/index.html → "/a/".
 */
export function builtPages(dir: string = distDir): string[] {
  if (!existsSync(dir)) throw new Error(`${dir}/ does not exist: run \`npm run build\` first`);
  const paths: string[] = [];
  const walk = (d: string): void => {
    for (const entry of readdirSync(d, {withFileTypes: true})) {
      const file = join(d, entry.name);
      if (entry.isDirectory()) {
        if (!entry.name.startsWith("_")) walk(file); // _observablehq, _node, _file, _import, _npm: assets
      } else if (entry.name.endsWith(".html")) {
        const rel = relative(dir, file).split(sep).join("/");
        if (rel === "404.html") continue;
        // Links end in .html (preserveExtension): plain static servers map no clean URLs.
        paths.push("/" + rel.replace(/(^|\/)index\.html$/, "$1"));
      }
    }
  };
  walk(dir);
  return paths.sort();
}

export interface WatchOptions {
  /** Origin every request must stay on; defaults to the origin of the page's first navigation. */
  origin?: string;
  /** Problems (as reported strings) matching any of these are ignored. */
  ignore?: RegExp[];
}

export interface PageWatch {
  /** Every request URL seen so far (page and its dedicated workers). */
  readonly requests: string[];
  /** Problems seen so far, one line each: "off-origin request: …", "failed request: …", "HTTP 404: …", "console error: …", "page error: …". */
  problems(): string[];
  /** Asserts that problems() is empty and that no cell displays an error (.observablehq--error). */
  expectClean(): Promise<void>;
}

/**
 * Starts recording a page's requests, failures, console errors and uncaught
 * errors. Call before page.goto. data:, blob: and about: URLs are never off-origin.
 */
export function watchPage(page: Page, options: WatchOptions = {}): PageWatch {
  const requests: string[] = [];
  const found: string[] = [];
  let origin = options.origin;
  const ignore = options.ignore ?? [];
  const report = (problem: string) => {
    if (!ignore.some((re) => re.test(problem))) found.push(problem);
  };
  page.on("request", (request) => {
    const url = request.url();
    requests.push(url);
    const {protocol, origin: o} = new URL(url);
    if (protocol === "data:" || protocol === "blob:" || protocol === "about:") return;
    if (origin === undefined && request.isNavigationRequest()) origin = o;
    if (o !== origin) report(`off-origin request: ${request.method()} ${url}`);
  });
  page.on("requestfailed", (request) => {
    report(`failed request: ${request.method()} ${request.url()} (${request.failure()?.errorText ?? "unknown error"})`);
  });
  page.on("response", (response) => {
    if (response.status() >= 400) report(`HTTP ${response.status()}: ${response.request().method()} ${response.url()}`);
  });
  page.on("console", (message) => {
    if (message.type() === "error") {
      const {url, lineNumber} = message.location();
      report(`console error: ${message.text()}${url ? ` (${url}:${lineNumber})` : ""}`);
    }
  });
  page.on("pageerror", (error) => report(`page error: ${error.stack ?? error.message}`));
  return {
    requests,
    problems: () => [...found],
    async expectClean() {
      const cellErrors = await page.locator(".observablehq--error").evaluateAll((nodes) => nodes.map((n) => `cell error: ${(n.textContent ?? "").trim().slice(0, 300)}`));
      expect([...found, ...cellErrors], "problems on the page").toEqual([]);
    },
  };
}

/**
 * Waits until Framework has settled every cell: no <observablehq-loading>
 * placeholder is left. Cells that never resolve make this time out.
 */
export async function waitForCells(page: Page, timeout = 30_000): Promise<void> {
  await page.waitForFunction(() => document.querySelector("observablehq-loading") === null, undefined, {timeout});
}

/** watchPage + goto(path) + network idle + waitForCells. Returns the watch. */
export async function openPage(page: Page, path: string, options: WatchOptions = {}): Promise<PageWatch> {
  const watch = watchPage(page, options);
  await page.goto(path, {waitUntil: "networkidle"});
  await waitForCells(page);
  await page.waitForLoadState("networkidle");
  return watch;
}

/**
 * Pauses the page's run if it is still training and waits until the status says it is not:
 * race-free against a run that stops by itself (the MNIST page's three epochs take about 1.5 s,
 * so it can end between any check of the Pause button and a click on it; Playwright then waits for
 * the aria-disabled button to apply until the test times out). The click is forced: on a button
 * marked aria-disabled the run panel does nothing. `prefix`: the panel's hookPrefix ("twin-").
 * Tests click Pause through this helper only (eslint.config.js refuses a bare click on "Pause").
 */
export async function pauseRun(page: Page, {prefix = "", name = "Pause", status = /^(paused|done|stopped|diverged)$/}: {prefix?: string; name?: string; status?: RegExp} = {}): Promise<void> {
  await page.getByRole("button", {name, exact: true}).click({force: true});
  await expect(page.locator(`[data-metric="${prefix}status"]`)).toHaveText(status);
}

/**
 * Draws one stroke on the page's draw pad (`.draw-pad canvas`, scrolled into view) with the mouse:
 * down at the first point, through the others, up at the last. Points are fractions of the pad's
 * box, [x, y] with [0, 0] its top left; `steps` mouse moves per segment.
 *
 *   await drawOnPad(page, [[0.5, 0.15], [0.5, 0.85]]);                  // a "1"
 *   await drawOnPad(page, [[0.25, 0.2], [0.75, 0.2], [0.4, 0.85]]);     // a "7"
 */
export async function drawOnPad(page: Page, points: [number, number][], {steps = 15}: {steps?: number} = {}): Promise<void> {
  if (points.length < 2) throw new RangeError(`a stroke needs at least 2 points, got ${points.length}`);
  const pad = page.locator(".draw-pad canvas");
  await pad.scrollIntoViewIfNeeded();
  const box = (await pad.boundingBox())!;
  const at = ([x, y]: [number, number]) => [box.x + box.width * x, box.y + box.height * y] as const;
  await page.mouse.move(...at(points[0]));
  await page.mouse.down();
  for (const p of points.slice(1)) await page.mouse.move(...at(p), {steps});
  await page.mouse.up();
}

/**
 * Scrolls a view that follows the run (it carries data-redraws) into sight and waits until it has
 * stopped redrawing for `quietMs`: a view off screen holds its redraws and makes the newest one as
 * it comes into sight, replacing its elements, so a bounding box read at once may be of a detached
 * node. For tests that read positions (hover, click at a point), not for polling assertions.
 */
export async function scrollIntoViewSettled(view: Locator, {quietMs = 400, timeout = 15_000}: {quietMs?: number; timeout?: number} = {}): Promise<void> {
  await view.scrollIntoViewIfNeeded();
  const page = view.page();
  await expect
    .poll(
      async () => {
        const before = await view.getAttribute("data-redraws");
        await page.waitForTimeout(quietMs);
        return before === (await view.getAttribute("data-redraws"));
      },
      {timeout},
    )
    .toBe(true);
}
