// The Convolutions page: a LeNet-style network trained live in the training worker, its kernels,
// feature maps and exact pixel sums, a drawing as input, the dense twin side by side, and the
// CLI's fingerprint after the page's updates. Each suggestion of the page's prose is tested here.
import {execFileSync} from "node:child_process";
import {expect, test, type Page} from "@playwright/test";
import {drawOnPad, openPage, pauseRun} from "./helpers.js";

const metric = (page: Page, name: string) => page.locator(`[data-metric="${name}"]`).first();
const number = async (page: Page, name: string) => parseFloat((await metric(page, name).textContent())!.replace(/,/g, ""));
const button = (page: Page, name: string | RegExp) => page.getByRole("button", {name, exact: typeof name === "string"});
const mapCanvas = (page: Page, stage: number, channel: number) => page.locator(`.conv-row[data-stage="${stage}"] .conv-map[data-channel="${channel}"] canvas`);

/** The pixel sum on show: bias, products in order, z, a and the map's value, as the page prints them (full precision). */
async function shownSum(page: Page) {
  const panel = page.locator(".conv-pixel-sum");
  const products = await panel.locator("li[data-product]").evaluateAll((items) => items.map((li) => Number(li.getAttribute("data-product"))));
  const read = async (name: string) => Number(await panel.locator(`[data-metric="${name}"]`).textContent());
  return {products, bias: await read("conv-bias"), total: await read("conv-sum"), z: await read("conv-z"), a: await read("conv-a"), mapValue: await read("conv-map-value")};
}

/** Width and height (px) of the receptive-field outline on the input. */
const inputField = (page: Page) => page.locator(".conv-input-row .conv-field").evaluate((el) => [el.getBoundingClientRect().width, el.getBoundingClientRect().height].map(Math.round));

test("training raises test accuracy past 80 % by the first test at 2,016 digits; the parameter counts are exact", async ({page}) => {
  test.setTimeout(120_000);
  const watch = await openPage(page, "/convolutions.html");
  await expect(metric(page, "params-conv")).toHaveText("5,994");
  await expect(metric(page, "params-dense")).toHaveText("13,002");
  await expect(page.locator("#observablehq-main")).toContainText("from 208 weights and biases");
  await expect.poll(() => number(page, "test-accuracy")).toBeLessThan(50);
  await button(page, "Train").click();
  await expect(metric(page, "status")).toHaveText("training");
  // While fewer than 4,000 digits are seen, the figure shown is the first test's (at 2,016 = 63 × 32).
  let first = NaN;
  await expect
    .poll(
      async () => {
        const [seen, accuracy] = await page.evaluate(() => ["samples-seen", "test-accuracy"].map((n) => parseFloat(document.querySelector(`[data-metric="${n}"]`)!.textContent!.replace(/,/g, ""))));
        if (seen >= 2016 && seen < 4000) first = accuracy;
        return seen;
      },
      {timeout: 60_000, intervals: [100]},
    )
    .toBeGreaterThanOrEqual(4000);
  expect(first).toBeGreaterThan(80);
  await pauseRun(page);
  expect(await number(page, "test-accuracy")).toBeGreaterThan(85);
  await watch.expectClean();
});

test("hovering a conv 1 pixel shows its 25 products, whose sum with the bias is the displayed z; a = ReLU(z) is the map's value", async ({page}) => {
  const watch = await openPage(page, "/convolutions.html");
  for (let k = 0; k < 3; k++) await button(page, "Step").click();
  await expect(metric(page, "steps")).toHaveText("3");
  const canvas = mapCanvas(page, 0, 2);
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  // Row 12, column 9 of the 24 × 24 map (3 px a pixel).
  await page.mouse.move(box.x + 9.5 * (box.width / 24), box.y + 12.5 * (box.height / 24));
  await expect(page.locator(".conv-pixel-sum")).toHaveAttribute("data-y", "12");
  await expect(page.locator(".conv-pixel-sum")).toHaveAttribute("data-x", "9");
  await expect(metric(page, "conv-pixel")).toHaveText("conv 1, map 3, row 12, column 9");
  const s = await shownSum(page);
  expect(s.products).toHaveLength(25);
  let total = 0;
  for (const p of s.products) total += p;
  expect(total).toBe(s.total);
  expect(s.bias + total).toBe(s.z);
  expect(s.a).toBe(Math.max(0, s.z));
  expect(s.mapValue).toBe(s.a);
  // Its receptive field: a 5 × 5 square of the 28 × 28 input drawn at 168 px (6 px a pixel).
  expect(await inputField(page)).toEqual([30, 30]);
  await watch.expectClean();
});

test("a conv 2 pixel reads 5 × 5 of all 8 pooled maps (200 products), 14 × 14 of the input; arrows and PageDown move it", async ({page}) => {
  const watch = await openPage(page, "/convolutions.html");
  const canvas = mapCanvas(page, 2, 5);
  await canvas.scrollIntoViewIfNeeded();
  const box = (await canvas.boundingBox())!;
  await page.mouse.move(box.x + 3.5 * (box.width / 8), box.y + 1.5 * (box.height / 8));
  await expect(metric(page, "conv-pixel")).toHaveText("conv 2, map 6, row 1, column 3");
  const s = await shownSum(page);
  expect(s.products).toHaveLength(200);
  let total = 0;
  for (const p of s.products) total += p;
  expect(s.bias + total).toBe(s.z);
  expect(s.mapValue).toBe(Math.max(0, s.z));
  // Outlined on each of the 8 maps of max-pool 1, and as 14 × 14 pixels of the input.
  await expect(page.locator('.conv-row[data-stage="1"] .conv-field:not([hidden])')).toHaveCount(8);
  expect(await inputField(page)).toEqual([84, 84]);
  // Keyboard: the row of maps takes focus; arrows move the pixel, PageDown the map.
  await page.locator('.conv-row[data-stage="2"]').focus();
  await page.keyboard.press("ArrowRight");
  await expect(metric(page, "conv-pixel")).toHaveText("conv 2, map 6, row 1, column 4");
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("PageDown");
  await expect(metric(page, "conv-pixel")).toHaveText("conv 2, map 7, row 2, column 4");
  const k = await shownSum(page);
  expect(k.bias + k.products.reduce((a, b) => a + b, 0)).toBe(k.z);
  // A pooled pixel shows its window's maximum.
  await page.locator('.conv-row[data-stage="3"]').focus();
  await page.keyboard.press("ArrowLeft");
  await expect(metric(page, "conv-pixel")).toContainText("max-pool 2, map 1");
  await expect(metric(page, "conv-pool-value")).toHaveText(/^\d/);
  await watch.expectClean();
});

test("a drawing becomes the input and changes the feature maps", async ({page}) => {
  const watch = await openPage(page, "/convolutions.html");
  const snapshot = () => mapCanvas(page, 0, 0).evaluate((c: HTMLCanvasElement) => c.toDataURL());
  const before = await snapshot();
  // A "7": a bar across the top, then a stroke down to the left.
  await drawOnPad(page, [
    [0.25, 0.2],
    [0.75, 0.2],
    [0.4, 0.85],
  ]);
  await expect(metric(page, "conv-input-source")).toContainText("your drawing");
  await expect.poll(snapshot).not.toBe(before);
  // Choosing a held-out digit again returns it.
  await page.getByRole("button", {name: "held-out digit 1, a 0"}).click();
  await expect(metric(page, "conv-input-source")).toContainText("held-out digit 1");
  await expect.poll(snapshot).toBe(before);
  await watch.expectClean();
});

test("the CLI's --arch conv on the page's subset reaches the page's fingerprint after the same updates", async ({page}) => {
  test.setTimeout(120_000);
  const watch = await openPage(page, "/convolutions.html?seed=7&batch=16&lr=0.03");
  const initial = (await metric(page, "fingerprint").textContent())!;
  const steps = 5;
  for (let k = 0; k < steps; k++) await button(page, "Step").click();
  await expect(metric(page, "steps")).toHaveText(String(steps));
  const trained = (await metric(page, "fingerprint").textContent())!;
  expect(trained).not.toBe(initial);
  // Run exactly the command the page prints.
  const command = (await page.locator("pre.command").textContent())!;
  expect(command).toMatch(/^npm run -s train -- --arch conv --subset page .*--lr 0\.03 --batch 16 .*--seed 7 --schedule constant --steps 5$/);
  const args = command.replace(/^npm run -s train -- /, "").split(" ");
  const result = JSON.parse(execFileSync(process.execPath, ["--import", "tsx", "bin/train.ts", "--quiet", ...args], {encoding: "utf8"}));
  expect(result.initialFingerprint).toBe(initial);
  expect(result.steps).toBe(steps);
  expect(result.fingerprint).toBe(trained);
  await watch.expectClean();
});

test("after an epoch, the fully-connected network trained on the same digits ends behind, in far less time", async ({page}) => {
  test.setTimeout(240_000);
  const watch = await openPage(page, "/convolutions.html");
  await button(page, "Train").click();
  // Each Train runs one epoch (30,000 digits), then pauses by itself.
  await expect(metric(page, "status")).toHaveText("paused", {timeout: 200_000});
  await expect(metric(page, "samples-seen")).toHaveText("30,000");
  await button(page, /Train the fully-connected network/).click();
  await expect(metric(page, "compare-dense-samples")).toHaveText("30,000", {timeout: 60_000});
  await expect(metric(page, "compare-note")).toContainText("Trained on the same 30,000 digits");
  await expect(metric(page, "compare-note")).toContainText("npm run -s train -- --subset page");
  const pct = async (name: string) => parseFloat((await metric(page, name).textContent())!);
  await expect.poll(() => pct("compare-dense-accuracy")).toBeGreaterThan(50);
  const conv = await pct("compare-conv-accuracy"),
    dense = await pct("compare-dense-accuracy");
  test.info().annotations.push({type: "accuracy after one epoch (conv, dense)", description: `${conv} %, ${dense} %`});
  expect(conv).toBeGreaterThan(dense);
  const convTime = await pct("compare-conv-time"),
    denseTime = await pct("compare-dense-time");
  test.info().annotations.push({type: "engine time (conv, dense)", description: `${convTime} s, ${denseTime} s`});
  expect(convTime).toBeGreaterThan(3 * denseTime);
  await expect(metric(page, "compare-conv-parameters")).toHaveText("5,994");
  await expect(metric(page, "compare-dense-parameters")).toHaveText("13,002");
  await watch.expectClean();
});
