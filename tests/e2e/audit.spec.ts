// The page audit: every page, at 1280 px light and 800 px dark, exercised as a new reader would
// (hover the diagrams, click a unit and a glyph, press Step by keyboard, type into every
// run-defining box, train briefly), then checked for the classes of defect a reader meets first:
//   - "NaN", "undefined", "Infinity" or "[object" in visible text, a title or an aria-label;
//   - an SVG fill/stroke or a canvas colour that does not parse;
//   - a chart mark with data but no size (every bar of a bar mark 0 × 0, …);
//   - any console warning or error, Plot's ⚠ warning glyph included;
//   - text clipped by its box, a card whose content spills out, a page wider than the window;
//   - keyboard focus lost after activating a control with Enter;
//   - a typed value that the URL or the printed command does not show.
// A new page joins by adding one line to PAGES.
import {expect, test, type Page} from "@playwright/test";
import {openPage} from "./helpers.js";

interface AuditPage {
  path: string;
  /** Extra things a reader does on this page, after the generic exercise. */
  exercise?: (page: Page) => Promise<void>;
}

const PAGES: AuditPage[] = [
  {path: "/"},
  {path: "/mechanics.html"},
  {path: "/tiny.html", exercise: async (page) => page.getByRole("radio", {name: "glyph 3"}).click()},
  {path: "/mnist.html", exercise: async (page) => page.locator(".held-out").nth(5).click()},
  {path: "/neuron-lab.html", exercise: async (page) => void (await page.getByLabel("Open unit").selectOption({label: "hidden layer 1, unit 3"}))},
  {path: "/convolutions.html", exercise: async (page) => page.locator(".conv-row canvas").nth(20).hover()},
  {path: "/compare.html", exercise: async (page) => page.getByRole("button", {name: "Open the report's search"}).click()},
  {path: "/experiment.html"},
];

const MODES = [
  {width: 1280, scheme: "light" as const},
  {width: 800, scheme: "dark" as const},
];

/** Sentences of prose that name these words on purpose. */
const ALLOWED = [/loss became NaN/];

/** Records canvas colours that do not parse (the assignment is ignored by the canvas, silently). */
function watchCanvasColours() {
  const bad: string[] = [];
  (window as unknown as {__badColours: string[]}).__badColours = bad;
  const probe = document.createElement("canvas").getContext("2d")!;
  const raw = Object.getOwnPropertyDescriptor(CanvasRenderingContext2D.prototype, "fillStyle")!;
  const set = (value: unknown) => raw.set!.call(probe, value);
  const get = () => raw.get!.call(probe);
  // A colour that does not parse leaves fillStyle as it was, whatever it was before.
  const accepts = (value: unknown) => {
    if (typeof value !== "string") return true;
    set("#010203");
    set(value);
    if (get() !== "#010203") return true;
    set("#030201");
    set(value);
    return get() !== "#030201";
  };
  for (const prop of ["fillStyle", "strokeStyle", "shadowColor"] as const) {
    const descriptor = Object.getOwnPropertyDescriptor(CanvasRenderingContext2D.prototype, prop)!;
    Object.defineProperty(CanvasRenderingContext2D.prototype, prop, {
      ...descriptor,
      set(value: unknown) {
        if (!accepts(value) && bad.length < 20) bad.push(`${prop} = ${JSON.stringify(value)}`);
        descriptor.set!.call(this, value);
      },
    });
  }
}

/** Every problem the page shows now, one line each (runs in the page). */
function findProblems(allowed: string[]): string[] {
  const problems: string[] = [];
  const main = document.querySelector("#observablehq-main") ?? document.body;
  const visible = (el: Element) => {
    // Screen-reader-only text (1 × 1 px, clipped on purpose) is not visible.
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1 && getComputedStyle(el).visibility !== "hidden";
  };
  const describe = (el: Element) => {
    const hook = el.closest("[data-metric]")?.getAttribute("data-metric");
    const cls = typeof el.className === "string" && el.className ? `.${el.className.split(" ")[0]}` : "";
    return `${el.tagName.toLowerCase()}${cls}${hook ? ` in [data-metric=${hook}]` : ""}`;
  };
  const bad = /\bNaN\b|\bundefined\b|\bInfinity\b|\[object /;
  const allowedRe = allowed.map((s) => new RegExp(s));
  const strip = (text: string) => allowedRe.reduce((t, re) => t.replace(re, ""), text);
  // 1. Words that betray a bug, in visible text, titles and labels.
  // Source code shown on the page (```js echo blocks) may name these words; it is not output.
  let text = strip((main as HTMLElement).innerText);
  for (const pre of main.querySelectorAll("pre")) text = text.replace((pre as HTMLElement).innerText, "");
  const hit = bad.exec(text);
  if (hit) problems.push(`visible text contains "${hit[0]}": …${text.slice(Math.max(0, hit.index - 60), hit.index + 40).replace(/\s+/g, " ")}…`);
  for (const el of main.querySelectorAll("[title], [aria-label], title")) {
    const value = strip(el.tagName === "title" ? (el.textContent ?? "") : `${el.getAttribute("title") ?? ""} ${el.getAttribute("aria-label") ?? ""}`);
    const m = bad.exec(value);
    if (m) problems.push(`${describe(el)} label contains "${m[0]}": ${value.slice(0, 100)}`);
  }
  // 2. SVG colours that do not parse.
  for (const el of main.querySelectorAll("svg *")) {
    for (const prop of ["fill", "stroke"]) {
      const value = el.getAttribute(prop);
      if (value !== null && !CSS.supports(prop, value)) problems.push(`${describe(el)} has ${prop}="${value}", not a colour`);
    }
  }
  for (const c of (window as unknown as {__badColours?: string[]}).__badColours ?? []) problems.push(`canvas colour does not parse: ${c}`);
  // 3. Plot marks with data but no size; Plot's warning glyph.
  for (const svg of main.querySelectorAll("svg[class^='plot']")) {
    if (!visible(svg)) continue;
    for (const g of svg.querySelectorAll(":scope > g[aria-label]")) {
      const kind = g.getAttribute("aria-label") ?? "";
      if (!/^(bar|rect|cell|dot|area|raster|image)$/.test(kind)) continue;
      const shapes = [...g.querySelectorAll("rect, circle, path, image")] as SVGGraphicsElement[];
      if (
        shapes.length &&
        shapes.every((s) => {
          const b = s.getBBox();
          return b.width * b.height === 0;
        })
      )
        problems.push(`a ${kind} mark with ${shapes.length} shape(s), all of zero size`);
    }
    for (const t of svg.querySelectorAll("text")) if ((t.textContent ?? "").includes("⚠")) problems.push("Plot's ⚠ warning glyph is drawn on a chart");
    // Text drawn past the chart's own edges is cut off by (or spills out of) the SVG viewport.
    // (Only where the SVG clips: legends draw their end ticks over their edge on purpose.)
    const frame = svg.getBoundingClientRect();
    const clipsText = getComputedStyle(svg).overflow !== "visible";
    for (const t of clipsText ? svg.querySelectorAll("text") : []) {
      const r = t.getBoundingClientRect();
      if (r.width === 0) continue;
      if (r.left < frame.left - 1 || r.right > frame.right + 1)
        problems.push(
          `chart text "${(t.textContent ?? "").slice(0, 20)}" runs past the chart's edge (${Math.round(r.left - frame.left)}…${Math.round(r.right - frame.left)} of ${Math.round(frame.width)} px)`,
        );
    }
  }
  // 4. Clipped text, spilling cards, a page wider than its window.
  for (const el of main.querySelectorAll("label, span, td, th, button, h3, code, [data-metric]")) {
    if (!visible(el) || el.closest("svg")) continue;
    const style = getComputedStyle(el);
    const clips = style.overflowX === "hidden" || style.overflowX === "clip" || style.textOverflow === "ellipsis";
    if (clips && el.scrollWidth > el.clientWidth + 1) problems.push(`${describe(el)} clips its text: "${(el.textContent ?? "").trim().slice(0, 40)}"`);
  }
  for (const card of main.querySelectorAll(".card")) {
    if (!visible(card) || getComputedStyle(card).overflowX !== "visible") continue;
    if (card.scrollWidth > card.clientWidth + 2)
      problems.push(`${describe(card)} content spills out (${card.scrollWidth} px in ${card.clientWidth} px): "${(card.textContent ?? "").trim().slice(0, 40)}"`);
  }
  const over = document.documentElement.scrollWidth - document.documentElement.clientWidth;
  if (over > 0) problems.push(`the page is ${over} px wider than the window`);
  return problems;
}

/** The generic exercise: hover and click the diagrams, train briefly, type into every run-defining box, press Step by keyboard. */
async function exercise(page: Page, problems: string[]) {
  // Open every disclosure (such as the MNIST page's advanced settings), as a reader exploring would.
  const closed = page.locator("#observablehq-main details:not([open]) > summary");
  for (let k = await closed.count(); k > 0; k--) await closed.first().click();
  // Hover units and wires of every SVG diagram, and the middle of every canvas.
  for (const selector of ["svg g.unit", "svg line.wire", "canvas"]) {
    const items = page.locator(`#observablehq-main ${selector}`);
    const n = Math.min(await items.count(), 4);
    for (let k = 0; k < n; k++) {
      const item = items.nth(Math.floor((k * (await items.count())) / n));
      if (await item.isVisible()) await item.hover({force: true, timeout: 2000}).catch(() => {});
    }
  }
  const unit = page.locator("#observablehq-main svg g.unit").first();
  if (await unit.isVisible().catch(() => false)) await unit.click({force: true, timeout: 2000}).catch(() => {});
  // Train briefly, then pause.
  const train = page.locator('#observablehq-main button[data-action="train"]').first();
  if ((await train.count()) && (await train.getAttribute("aria-disabled")) !== "true") {
    await train.click();
    await page.waitForTimeout(800);
    const pause = page.locator('#observablehq-main button[data-action="pause"]').first();
    if ((await pause.count()) && (await pause.getAttribute("aria-disabled")) !== "true") await pause.click();
  }
  // Every run-defining number box: a new value in range is shown by the URL and the printed command.
  const boxes = page.locator('#observablehq-main [data-setting] input[type="number"]');
  for (let k = 0; k < (await boxes.count()); k++) {
    const box = boxes.nth(k);
    const key = await box.evaluate((el) => el.closest("[data-setting]")!.getAttribute("data-setting")!);
    const [min, max, step, current] = await box.evaluate((el: HTMLInputElement) => [Number(el.min), Number(el.max), el.step, Number(el.value)]);
    const integer = step === "1";
    let next = integer ? (current + 1 <= max ? current + 1 : current - 1) : +(current * 1.5 <= max ? current * 1.5 : (current + min) / 2).toPrecision(3);
    if (next === current || next < min) next = integer ? min : +((min + max) / 2).toPrecision(3);
    await box.fill(String(next));
    await box.press("Enter");
    await page.waitForTimeout(300);
    const url = decodeURIComponent(page.url());
    if (!new RegExp(`[?&]${key}=${String(next).replace(".", "\\.")}(&|$)`).test(url)) problems.push(`typed ${key} = ${next}: the URL does not show it (${url})`);
    const command = page.locator(`#observablehq-main [data-metric="command"]`);
    if ((await command.count()) && (await command.first().isVisible())) {
      const text = (await command.first().textContent()) ?? "";
      if (!text.includes(` ${next} `) && !text.endsWith(` ${next}`)) problems.push(`typed ${key} = ${next}: the printed command does not show it`);
    }
  }
  // Every run-defining choice, each of its options in turn (a chart that breaks for one option,
  // such as zero initial weights, shows here): each choice is shown by the URL.
  const selects = page.locator("#observablehq-main [data-setting] select");
  for (let k = 0; k < (await selects.count()); k++) {
    const select = selects.nth(k);
    const key = await select.evaluate((el) => el.closest("[data-setting]")!.getAttribute("data-setting")!);
    const options = await select.locator("option").count();
    const start = await select.evaluate((el: HTMLSelectElement) => el.selectedIndex);
    for (let j = 1; j <= options; j++) {
      const before = page.url();
      await select.selectOption({index: (start + j) % options});
      await page.waitForTimeout(300);
      if (j < options && page.url() === before) problems.push(`chose another ${key}: the URL does not change`);
    }
  }
  // Step by keyboard: focus, Enter, twice; focus must stay on a control.
  const step = page.locator('#observablehq-main button[data-action="step"]').first();
  if (await step.count()) {
    await step.focus();
    for (let k = 0; k < 2; k++) {
      await page.keyboard.press("Enter");
      await page.waitForTimeout(400);
      const focused = await page.evaluate(() => {
        const a = document.activeElement;
        return a && a !== document.body && a.isConnected ? (a.getAttribute("data-action") ?? a.tagName) : "body";
      });
      if (focused !== "step") problems.push(`after Enter on Step (press ${k + 1}), focus is on ${focused}, not on Step`);
    }
  }
  // Every other button activated by keyboard keeps focus somewhere on the page.
  const buttons = page.locator("#observablehq-main .card button:not([data-action='train']):not([data-action='step'])");
  const count = Math.min(await buttons.count(), 12);
  for (let k = 0; k < count; k++) {
    const b = buttons.nth(k);
    if (!(await b.isVisible()) || /download|save|svg|png|csv|json/i.test((await b.textContent()) ?? "")) continue;
    await b.focus();
    await page.keyboard.press("Enter");
    await page.waitForTimeout(150);
    const lost = await page.evaluate(() => !document.activeElement || document.activeElement === document.body || !document.activeElement.isConnected);
    if (lost) problems.push(`focus lost after Enter on the button "${((await b.textContent().catch(() => "")) ?? "").trim().slice(0, 30)}"`);
  }
}

for (const {path, exercise: extra} of PAGES) {
  for (const {width, scheme} of MODES) {
    test(`audit ${path} at ${width} px, ${scheme}`, async ({page}) => {
      test.setTimeout(120_000);
      await page.setViewportSize({width, height: 900});
      await page.emulateMedia({colorScheme: scheme});
      await page.addInitScript(watchCanvasColours);
      const warnings: string[] = [];
      page.on("console", (m) => {
        // Chromium's own WebGL driver notes (software rendering here) are not the page's warnings.
        if (m.type() === "warning" && !/GL Driver Message/.test(m.text())) warnings.push(`console warning: ${m.text().slice(0, 200)}`);
      });
      const watch = await openPage(page, path);
      const problems: string[] = [];
      await exercise(page, problems);
      if (extra) await extra(page);
      await page.waitForTimeout(500);
      problems.push(
        ...(await page.evaluate(
          findProblems,
          ALLOWED.map((re) => re.source),
        )),
      );
      expect([...new Set([...problems, ...warnings])], `${path} at ${width} px ${scheme}`).toEqual([]);
      await watch.expectClean();
    });
  }
}
