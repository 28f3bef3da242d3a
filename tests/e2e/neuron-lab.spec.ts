// The neuron lab: training in real Chromium with WebGL (swiftshader), the exact sum of an opened
// unit, the ∇-check badge, the drawing pad, refused values, and the 2D fallback without WebGL.
// Then what a reader meets first: a click on any ball opens it (at any orbit and zoom), the opened
// unit's bars are drawn, pulses play to their end at slow speeds, a plain wheel scrolls the page,
// the controls fit, and "Known and learned" follows the run.
import {expect, test, type Page} from "@playwright/test";
import {drawOnPad, openPage, pauseRun} from "./helpers.js";

const metric = (page: Page, name: string) => page.locator(`[data-metric="${name}"]`);
const number = async (page: Page, name: string) => parseFloat((await metric(page, name).first().textContent())!.replace(/,/g, ""));
const button = (page: Page, name: string) => page.getByRole("button", {name, exact: true});

test("the lab trains above 80 % on the procedural test set, in WebGL", async ({page}) => {
  const watch = await openPage(page, "/neuron-lab.html");
  await expect(page.locator(".network-view")).toHaveAttribute("data-renderer", "webgl");
  await expect(metric(page, "parameters")).toHaveText("4,446"); // 256·16+16 + 16·12+12 + 12·10+10
  await button(page, "Train").click();
  await expect.poll(() => number(page, "test-accuracy"), {timeout: 45_000}).toBeGreaterThan(80);
  await pauseRun(page);
  await watch.expectClean();
});

test("an opened unit's bars add up to the displayed z; the ∇-check passes", async ({page}) => {
  const watch = await openPage(page, "/neuron-lab.html");
  for (let k = 0; k < 5; k++) await button(page, "Step").click();
  await page.getByLabel("Open unit").selectOption({label: "hidden layer 1, unit 3"});
  await expect(metric(page, "unit-z")).toBeVisible();
  const z = await number(page, "unit-z");
  const terms = await page.locator("ol.terms li").evaluateAll((items) => items.map((li) => Number(li.getAttribute("data-term"))));
  expect(terms.length).toBeGreaterThan(1); // the bias and at least one inked pixel
  const sum = terms.reduce((s, v) => s + v, 0);
  expect(Math.abs(sum - z)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(z)));
  await expect(metric(page, "gradient-check")).toHaveAttribute("data-pass", "true");
  await watch.expectClean();
});

test("drawing on the pad changes the output; the probabilities add up to 1", async ({page}) => {
  const watch = await openPage(page, "/neuron-lab.html");
  await page.getByLabel("my drawing").check();
  const before = await metric(page, "output").getAttribute("data-probs");
  await drawOnPad(
    page,
    [
      [0.5, 0.2],
      [0.5, 0.8],
    ],
    {steps: 12},
  );
  await expect.poll(() => metric(page, "output").getAttribute("data-probs")).not.toBe(before);
  expect(await number(page, "output-sum")).toBeCloseTo(1, 6);
  await watch.expectClean();
});

test("a minibatch of 0 and μ = 1 are refused at the box, naming the value; the run is kept", async ({page}) => {
  const watch = await openPage(page, "/neuron-lab.html");
  const fingerprint = await metric(page, "fingerprint").textContent();
  const batch = page.getByLabel("Minibatch size B", {exact: true});
  await batch.fill("0");
  await batch.press("Enter");
  await expect(metric(page, "refused-B")).toContainText("B = 0 refused");
  await expect(batch).toHaveValue("16");
  const momentum = page.getByLabel("Momentum μ", {exact: true});
  await momentum.fill("1");
  await momentum.press("Enter");
  await expect(metric(page, "refused-μ")).toContainText("μ = 1 refused");
  await expect(momentum).toHaveValue("0.9");
  await expect(metric(page, "fingerprint")).toHaveText(fingerprint!);
  await expect(page).toHaveURL(/neuron-lab\.html$/);
  await watch.expectClean();
});

test.describe("without WebGL", () => {
  test("the page says so and draws the network in 2D", async ({page}) => {
    // As in a browser with WebGL disabled: every request for a WebGL context gets null.
    await page.addInitScript(() => {
      const original = HTMLCanvasElement.prototype.getContext;
      // @ts-expect-error narrowing the overloads is not the point here
      HTMLCanvasElement.prototype.getContext = function (type: string, ...rest: unknown[]) {
        return /webgl/.test(type) ? null : original.call(this, type, ...(rest as []));
      };
    });
    const watch = await openPage(page, "/neuron-lab.html");
    await expect(page.locator(".network-view")).toHaveAttribute("data-renderer", "svg");
    await expect(metric(page, "webgl-fallback")).toContainText("no WebGL");
    expect(await page.locator(".network-view svg circle").count()).toBe(16 + 12 + 10);
    await watch.expectClean();
  });
});

// ---------------------------------------------------------------------------------------------
// What a reader meets in the first five minutes.

const LAYERS = [256, 16, 12, 10];
type Unit = {layer: number; index: number};

/**
 * Console warnings and errors, except Chromium's own note that it reads every WebGL frame back for
 * its software compositor (any WebGL canvas under --disable-gpu prints it, a bare clear() too).
 */
function watchConsole(page: Page): () => string[] {
  const seen: string[] = [];
  page.on("console", (m) => {
    if ((m.type() === "warning" || m.type() === "error") && !/GL Driver Message .*GPU stall due to ReadPixels/.test(m.text())) seen.push(`${m.type()}: ${m.text()}`);
  });
  return () => seen;
}

const screenPosition = (page: Page, {layer, index}: Unit) =>
  page.evaluate(([l, i]) => (document.querySelector(".network-view") as unknown as {screenPosition(l: number, i: number): {x: number; y: number} | null}).screenPosition(l, i), [
    layer,
    index,
  ] as const);
const opened = (page: Page) => page.evaluate(() => (document.querySelector(".network-view") as unknown as {value: Unit | null}).value);

/** Waits until the camera has come to rest (OrbitControls' damping): a unit's screen position stops moving. */
async function settle(page: Page) {
  let last = await screenPosition(page, {layer: 2, index: 0});
  for (let k = 0; k < 40; k++) {
    await page.waitForTimeout(150);
    const now = await screenPosition(page, {layer: 2, index: 0});
    if (last && now && Math.hypot(now.x - last.x, now.y - last.y) < 0.2) return;
    last = now;
  }
  throw new Error("the camera never came to rest");
}

/**
 * Clicks each unit at its projected centre and expects that unit to open. A unit whose centre
 * lies within 14 px of another unit's may be hidden behind it from this angle: it is left out,
 * and at least `least` units must remain.
 */
async function clickUnits(page: Page, units: Unit[], when: string, least = 6) {
  const box = (await page.locator(".network-view canvas").boundingBox())!;
  const all = await page.evaluate((sizes) => {
    const v = document.querySelector(".network-view") as unknown as {screenPosition(l: number, i: number): {x: number; y: number} | null};
    return sizes.flatMap((n, l) => Array.from({length: n}, (_, i) => ({layer: l, index: i, p: v.screenPosition(l, i)})));
  }, LAYERS);
  let clicked = 0;
  for (const unit of units) {
    const p = await screenPosition(page, unit);
    expect(p, `${when}: layer ${unit.layer} unit ${unit.index} is in front of the camera`).not.toBeNull();
    expect(p!.x > box.x && p!.x < box.x + box.width && p!.y > box.y && p!.y < box.y + box.height, `${when}: layer ${unit.layer} unit ${unit.index} inside the canvas`).toBe(true);
    const crowded = all.some((o) => (o.layer !== unit.layer || o.index !== unit.index) && o.p && Math.hypot(o.p.x - p!.x, o.p.y - p!.y) < 14);
    if (crowded) continue;
    await page.mouse.click(p!.x, p!.y);
    expect(await opened(page), `${when}: click on layer ${unit.layer} unit ${unit.index}`).toEqual(unit);
    const label = unit.layer === LAYERS.length - 1 ? `digit ${unit.index}` : String(unit.index);
    await expect(page.locator(".unit-sum"), when).toHaveAttribute("data-unit", String(unit.index));
    await expect(metric(page, "unit-name")).toHaveText(label);
    clicked++;
  }
  expect(clicked, `${when}: units clear of others, clicked`).toBeGreaterThanOrEqual(Math.min(least, units.length));
}

/** Drags across the canvas from a point between the layers (an orbit, not a click). */
async function orbit(page: Page, dx: number, dy: number) {
  const box = (await page.locator(".network-view canvas").boundingBox())!;
  const x = box.x + box.width * 0.5,
    y = box.y + box.height * 0.12;
  await page.mouse.move(x, y);
  await page.mouse.down();
  await page.mouse.move(x + dx, y + dy, {steps: 10});
  await page.mouse.up();
  await settle(page);
}

test("clicking a hidden or output ball opens that unit, at any orbit and zoom; a drag opens nothing", async ({page}) => {
  const warnings = watchConsole(page);
  const watch = await openPage(page, "/neuron-lab.html");
  await button(page, "Step").click();
  await page.locator(".network-view canvas").scrollIntoViewIfNeeded();
  // Spread over both hidden layers and the outputs: corners, edges and middles of each grid.
  const units: Unit[] = [...[0, 3, 5, 10, 12, 15].map((index) => ({layer: 1, index})), ...[0, 2, 7, 9, 11].map((index) => ({layer: 2, index})), ...[0, 2, 4, 6, 9].map((index) => ({layer: 3, index}))];
  await clickUnits(page, units, "at the start");
  const before = await opened(page);
  await orbit(page, 60, 25);
  // The drag began and ended on the canvas: it orbited and opened nothing new.
  expect(await opened(page)).toEqual(before);
  await clickUnits(page, units, "after an orbit");
  const canvas = (await page.locator(".network-view canvas").boundingBox())!;
  await page.mouse.move(canvas.x + canvas.width * 0.5, canvas.y + canvas.height * 0.5);
  await page.keyboard.down("Control");
  await page.mouse.wheel(0, -300); // Ctrl + wheel: zoom in
  await page.keyboard.up("Control");
  await settle(page);
  await clickUnits(page, [units[1], units[4], units[7]], "after zooming in", 2);
  await orbit(page, -90, -20);
  await page.keyboard.down("Control");
  await page.mouse.wheel(0, 400); // zoom out
  await page.keyboard.up("Control");
  await settle(page);
  await clickUnits(page, units, "after another orbit and zooming out");
  // At rest, the last frame is drawn at full resolution.
  await expect
    .poll(() => page.evaluate(() => (document.querySelector(".network-view") as unknown as {pixelRatio: {lastFrame: number; full: number}}).pixelRatio))
    .toEqual(expect.objectContaining({lastFrame: await page.evaluate(() => Math.min(2, devicePixelRatio))}));
  expect(warnings()).toEqual([]);
  await watch.expectClean();
});

test("a plain wheel over the 3D view scrolls the page and leaves the zoom; Ctrl + wheel zooms", async ({page}) => {
  const watch = await openPage(page, "/neuron-lab.html");
  await page.locator(".network-view canvas").scrollIntoViewIfNeeded();
  const canvas = (await page.locator(".network-view canvas").boundingBox())!;
  await page.mouse.move(canvas.x + canvas.width * 0.5, canvas.y + canvas.height * 0.5);
  const before = await screenPosition(page, {layer: 3, index: 0});
  const scroll0 = await page.evaluate(() => scrollY);
  await page.mouse.wheel(0, 200);
  await expect.poll(() => page.evaluate(() => scrollY)).toBeGreaterThan(scroll0 + 100);
  await expect(metric(page, "zoom-hint")).toContainText("Ctrl");
  await page.waitForTimeout(300);
  const after = await screenPosition(page, {layer: 3, index: 0});
  const moved = (await page.evaluate(() => scrollY)) - scroll0;
  // The unit moved up the screen by exactly the page's scroll: the camera did not zoom.
  expect(Math.abs(after!.x - before!.x)).toBeLessThan(0.5);
  expect(Math.abs(before!.y - moved - after!.y)).toBeLessThan(0.5);
  // Ctrl + wheel zooms (the unit moves away from the centre) and leaves the page where it is.
  await page.locator(".network-view canvas").scrollIntoViewIfNeeded();
  const box = (await page.locator(".network-view canvas").boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.5);
  const scroll1 = await page.evaluate(() => scrollY);
  const p0 = (await screenPosition(page, {layer: 3, index: 0}))!;
  await page.keyboard.down("Control");
  await page.mouse.wheel(0, -300);
  await page.keyboard.up("Control");
  await settle(page);
  const p1 = (await screenPosition(page, {layer: 3, index: 0}))!;
  const centre = {x: box.x + box.width / 2, y: box.y + box.height / 2};
  expect(Math.hypot(p1.x - centre.x, p1.y - centre.y)).toBeGreaterThan(Math.hypot(p0.x - centre.x, p0.y - centre.y) + 5);
  expect(await page.evaluate(() => scrollY)).toBe(scroll1);
  await expect(page.locator(".lab-legend-note")).toContainText("Ctrl/⌘ + scroll or pinch to zoom");
  await watch.expectClean();
});

test("an opened unit's bars are drawn: one per non-zero term and the bias, each as tall as its term, in colour; hovering one lights its wire", async ({page}) => {
  const warnings = watchConsole(page);
  const watch = await openPage(page, "/neuron-lab.html");
  for (let k = 0; k < 3; k++) await button(page, "Step").click();
  for (const [label, layer, index] of [
    ["hidden layer 1, unit 3", 1, 3],
    ["hidden layer 2, unit 4", 2, 4],
    ["output 7", 3, 7],
  ] as const) {
    await page.getByLabel("Open unit").selectOption({label});
    await expect(page.locator(".unit-sum")).toHaveAttribute("data-unit", String(index));
    const terms = await page.locator("ol.terms li").evaluateAll((items) => items.map((li) => Number(li.getAttribute("data-term"))));
    const bars = await page.locator(".unit-sum-chart g[aria-label='bar'] rect").evaluateAll((rects) =>
      rects.map((r) => ({
        term: Number((r as SVGRectElement).dataset.term),
        source: Number((r as SVGRectElement).dataset.source),
        height: Number(r.getAttribute("height")),
        width: Number(r.getAttribute("width")),
        fill: getComputedStyle(r).fill,
      })),
    );
    const nonZero = terms.filter((t, k) => k === 0 || t !== 0).length; // the bias, then every non-zero aᵢ·wᵢⱼ
    expect(bars.length, `${label}: bars`).toBe(nonZero);
    expect(bars.length, `${label}: more than the bias`).toBeGreaterThan(1);
    expect(bars.map((b) => b.term)).toEqual(terms);
    for (const bar of bars) {
      expect(bar.width, `${label}: bar width`).toBeGreaterThan(0);
      if (bar.term !== 0) expect(bar.height, `${label}: bar for ${bar.term}`).toBeGreaterThan(0);
      const rgb = bar.fill.match(/^rgba?\((\d+), (\d+), (\d+)/);
      expect(rgb, `${label}: fill ${bar.fill} is a colour`).not.toBeNull();
      expect(rgb!.slice(1).map(Number), `${label}: fill ${bar.fill} is not black`).not.toEqual([0, 0, 0]);
    }
    // Taller bars for larger terms: heights are proportional to |term|.
    const [a, b] = [...bars].sort((p, q) => Math.abs(q.term) - Math.abs(p.term));
    if (b.term !== 0) expect(a.height / b.height).toBeCloseTo(Math.abs(a.term / b.term), 1);
    // Hover the largest non-bias bar: its wire lights in the 3D view.
    const hovered = bars.find((bar) => bar.source >= 0)!;
    const rect = page.locator(`.unit-sum-chart g[aria-label='bar'] rect[data-source="${hovered.source}"]`);
    await rect.scrollIntoViewIfNeeded();
    const r = (await rect.boundingBox())!;
    await page.mouse.move(r.x + r.width / 2, r.y + Math.max(1, r.height / 2));
    await expect.poll(() => page.evaluate(() => (document.querySelector(".network-view") as unknown as {highlighted: unknown}).highlighted)).toEqual({layer, source: hovered.source, target: index});
    await page.mouse.move(0, 0);
  }
  expect(warnings()).toEqual([]);
  await watch.expectClean();
});

type PulseStats = {started: number; completed: number; deferred: number; dropped: number; playing: boolean};
const pulse = (page: Page) => page.evaluate(() => (document.querySelector(".network-view") as unknown as {pulse: PulseStats}).pulse);

test("at 1 update / s every update's pulse plays to its end before the next; at full speed none plays and the page says why", async ({page}) => {
  const warnings = watchConsole(page);
  const watch = await openPage(page, "/neuron-lab.html");
  await page.getByLabel("Speed").selectOption({label: "1 update / s"});
  await expect(metric(page, "animation-note")).toHaveAttribute("data-animated", "true");
  const p0 = await pulse(page);
  const steps0 = await number(page, "steps");
  await button(page, "Train").click();
  // Sample the pulse every 50 ms for 5.5 s: a pulse never waits for another, none is cut or dropped.
  let playingSeen = 0;
  for (let t = 0; t < 110; t++) {
    const p = await pulse(page);
    if (p.playing) playingSeen++;
    expect(p.deferred - p0.deferred, "a pulse had to wait for the previous one").toBe(0);
    expect(p.dropped - p0.dropped).toBe(0);
    await page.waitForTimeout(50);
  }
  await pauseRun(page);
  await page.waitForTimeout(1000); // the last pulse ends
  const p1 = await pulse(page);
  const updates = (await number(page, "steps")) - steps0;
  expect(updates).toBeGreaterThanOrEqual(4);
  // One pulse per update (the first update's may merge with Train's own state), each played to its end.
  expect(p1.started - p0.started).toBeGreaterThanOrEqual(updates - 1);
  expect(p1.completed).toBe(p1.started);
  expect(playingSeen).toBeGreaterThan(20);

  // Full speed: the note says animation is off, and training plays no pulse.
  await page.getByLabel("Speed").selectOption({label: "full (no animation)"});
  await expect(metric(page, "animation-note")).toHaveAttribute("data-animated", "false");
  await expect(metric(page, "animation-note")).toContainText("Animation is off at full speed");
  const p2 = await pulse(page);
  await button(page, "Train").click();
  await expect.poll(() => number(page, "steps"), {timeout: 10_000}).toBeGreaterThan(updates + steps0 + 50);
  // While it trains at full speed, no pulse has started.
  expect((await pulse(page)).started).toBe(p2.started);
  await pauseRun(page);
  // At rest the view may sweep the sample it stopped on once; let that end, then a Step plays its whole sweep.
  await expect
    .poll(async () => {
      const p = await pulse(page);
      return p.completed === p.started && !p.playing;
    })
    .toBe(true);
  const p3 = await pulse(page);
  expect(p3.started - p2.started).toBeLessThanOrEqual(1);
  await button(page, "Step").click();
  await expect.poll(async () => (await pulse(page)).started).toBe(p3.started + 1);
  await expect.poll(async () => (await pulse(page)).completed, {timeout: 5000}).toBe(p3.started + 1);
  expect(warnings()).toEqual([]);
  await watch.expectClean();
});

test("the output balls carry their digits; the legend explains the gradient pulse", async ({page}) => {
  const watch = await openPage(page, "/neuron-lab.html");
  await page.locator(".network-view canvas").scrollIntoViewIfNeeded();
  const labels = await page.evaluate(() => (document.querySelector(".network-view") as unknown as {outputLabels: {label: string; unit: number; x: number; y: number}[]}).outputLabels);
  expect(labels.map((l) => l.label)).toEqual(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
  for (const l of labels) {
    const ball = (await screenPosition(page, {layer: 3, index: l.unit}))!;
    expect(Math.hypot(l.x - ball.x, l.y - ball.y), `label ${l.label} beside its ball`).toBeLessThan(40);
  }
  await expect(metric(page, "pulse-legend")).toContainText("gradient");
  await expect(metric(page, "pulse-legend")).toContainText("−δ");
  await watch.expectClean();
});

test("Known and learned follows the run: how far each layer's weights have moved from the seed's", async ({page}) => {
  const watch = await openPage(page, "/neuron-lab.html");
  const moved = (l: number) => page.locator(`.learned-table tr[data-layer="${l}"]`).getAttribute("data-relative").then(Number);
  for (const l of [1, 2, 3]) expect(await moved(l)).toBe(0);
  await expect(metric(page, "moved-1")).toHaveText("0 %");
  for (let k = 0; k < 3; k++) await button(page, "Step").click();
  await expect(metric(page, "learned")).toHaveAttribute("data-steps", "3");
  const after3 = [await moved(1), await moved(2), await moved(3)];
  for (const v of after3) expect(v).toBeGreaterThan(0);
  await button(page, "Train").click();
  await expect.poll(() => number(page, "steps"), {timeout: 10_000}).toBeGreaterThan(300);
  await pauseRun(page);
  await expect.poll(() => moved(3)).toBeGreaterThan(after3[2]);
  await button(page, "Reset").click();
  await expect.poll(() => moved(1)).toBe(0);
  await watch.expectClean();
});

for (const width of [1280, 800]) {
  test(`the lab's controls show their whole labels and values at ${width} px`, async ({page}) => {
    await page.setViewportSize({width, height: 900});
    const watch = await openPage(page, "/neuron-lab.html");
    const problems = await page.locator(".lab-controls").evaluate((card) => {
      const out: string[] = [];
      const edge = card.getBoundingClientRect();
      const measure = document.createElement("canvas").getContext("2d")!;
      for (const el of card.querySelectorAll<HTMLElement>("label, input, select, output, .lab-note")) {
        if (el instanceof HTMLInputElement && el.type === "radio") continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0) continue;
        const name = `${el.tagName.toLowerCase()} "${(el.textContent || (el as HTMLInputElement).value || "").trim().slice(0, 30)}"`;
        if (r.left < edge.left - 0.5 || r.right > edge.right + 0.5) out.push(`${name} sticks out of the card (${r.left}–${r.right} vs ${edge.left}–${edge.right})`);
        if (el.scrollWidth > el.clientWidth + 1 && !(el instanceof HTMLSelectElement)) out.push(`${name} is clipped (${el.scrollWidth} > ${el.clientWidth})`);
        if (el instanceof HTMLSelectElement) {
          measure.font = getComputedStyle(el).font;
          const text = el.selectedOptions[0]?.textContent ?? "";
          if (measure.measureText(text).width > el.clientWidth - 24) out.push(`select shows "${text}" in ${el.clientWidth} px`);
        }
        if (el instanceof HTMLInputElement && el.type === "number") {
          measure.font = getComputedStyle(el).font;
          if (measure.measureText(el.value).width > el.clientWidth - 8) out.push(`box shows "${el.value}" in ${el.clientWidth} px`);
        }
      }
      return out;
    });
    expect(problems).toEqual([]);
    await watch.expectClean();
  });
}
