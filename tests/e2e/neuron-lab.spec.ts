// The neuron lab: training in real Chromium with WebGL (swiftshader), the exact sum of an opened
// unit, the ∇-check badge, the drawing pad, refused values, and the 2D fallback without WebGL.
import {expect, test, type Page} from "@playwright/test";
import {openPage} from "./helpers.js";

const metric = (page: Page, name: string) => page.locator(`[data-metric="${name}"]`);
const number = async (page: Page, name: string) => parseFloat((await metric(page, name).first().textContent())!.replace(/,/g, ""));
const button = (page: Page, name: string) => page.getByRole("button", {name, exact: true});

test("the lab trains above 80 % on the procedural test set, in WebGL", async ({page}) => {
  const watch = await openPage(page, "/neuron-lab.html");
  await expect(page.locator(".network-view")).toHaveAttribute("data-renderer", "webgl");
  await expect(metric(page, "parameters")).toHaveText("4,446"); // 256·16+16 + 16·12+12 + 12·10+10
  await button(page, "Train").click();
  await expect.poll(() => number(page, "test-accuracy"), {timeout: 45_000}).toBeGreaterThan(80);
  await button(page, "Pause").click();
  await expect(metric(page, "status")).toHaveText("paused");
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
  const pad = page.locator(".draw-pad canvas");
  const box = (await pad.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.2);
  await page.mouse.down();
  await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.8, {steps: 12});
  await page.mouse.up();
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
