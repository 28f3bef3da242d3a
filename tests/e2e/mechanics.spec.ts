// The mechanics-of-learning page: loads clean at two widths, 15 Step clicks raise the right
// word's probability, the wiggle's two slopes agree, the landscape's start moves by keyboard.
import {expect, test, type Page} from "@playwright/test";
import {openPage} from "./helpers.js";

const metric = (page: Page, name: string) => page.locator(`[data-metric="${name}"]`);

for (const width of [1280, 800]) {
  test(`loads clean at ${width} px, with no horizontal overflow`, async ({page}) => {
    await page.setViewportSize({width, height: 900});
    const watch = await openPage(page, "/mechanics.html");
    await expect(metric(page, "target-probability")).toHaveText(/^0\.\d{3}$/);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await watch.expectClean();
  });
}

test("15 Step clicks raise the right word's probability; Reset brings it back", async ({page}) => {
  const watch = await openPage(page, "/mechanics.html");
  const before = Number(await metric(page, "target-probability").textContent());
  for (let k = 0; k < 15; k++) await page.getByRole("button", {name: "Step", exact: true}).click();
  await expect.poll(async () => Number(await metric(page, "target-probability").textContent())).toBeGreaterThan(before + 0.2);
  await page.getByRole("button", {name: "Reset", exact: true}).click();
  await expect(metric(page, "target-probability")).toHaveText(before.toFixed(3));
  await watch.expectClean();
});

test("the wiggle's backpropagation slope equals its finite difference on the page", async ({page}) => {
  await openPage(page, "/mechanics.html");
  const backprop = Number(await metric(page, "slope-backprop").textContent());
  const difference = Number(await metric(page, "slope-finite-difference").textContent());
  expect(backprop).not.toBe(0);
  expect(Math.abs(backprop - difference)).toBeLessThanOrEqual(2e-6);
});

test("the landscape's start moves with the arrow keys and the path is recomputed", async ({page}) => {
  await openPage(page, "/mechanics.html");
  const before = await metric(page, "landscape").textContent();
  await page
    .getByRole("img", {name: /loss landscape/})
    .or(page.locator("[aria-label^='loss landscape']"))
    .first()
    .focus();
  await page.keyboard.press("ArrowRight");
  await expect(metric(page, "landscape")).toContainText("Start (-3.75, -4.00)");
  // The redrawn map keeps the keyboard focus, so the reader can keep steering.
  await page.keyboard.press("ArrowUp");
  await expect(metric(page, "landscape")).toContainText("Start (-3.75, -3.75)");
  expect(await metric(page, "landscape").textContent()).not.toBe(before);
});

/** Types a value into a number box (exact, Enter applies it). */
async function setBox(page: Page, label: string, value: string) {
  const box = page.getByLabel(label, {exact: true});
  await box.fill(value);
  await box.press("Enter");
}

test("every suggestion of the landscape's prose does what it says", async ({page}) => {
  const watch = await openPage(page, "/mechanics.html");
  const report = metric(page, "landscape");
  // η = 6, no momentum: zigzags, stays on the map, settles.
  await setBox(page, "Learning rate η", "6");
  await expect(report).toContainText("after 40 steps");
  await expect(report).not.toContainText("left the map");
  // η = 15: leaves the map, and the page says at which step.
  await setBox(page, "Learning rate η", "15");
  await expect(report).toContainText(/left the map at step \d+/);
  // Paths stay inside the frame: nothing of the line is drawn outside the chart's plot area.
  const inside = await page.locator(".landscape-chart svg").evaluate((svg) => {
    const frame = svg.querySelector("[aria-label='frame']")!.getBoundingClientRect();
    return [...svg.querySelectorAll("[aria-label='line'] path")].every((p) => {
      const clip = p.closest("[clip-path]") ?? p.parentElement?.closest("[clip-path]");
      const b = p.getBoundingClientRect();
      return clip !== null || (b.left >= frame.left - 1 && b.right <= frame.right + 1 && b.top >= frame.top - 1 && b.bottom <= frame.bottom + 1);
    });
  });
  expect(inside).toBe(true);
  // η = 0.2, μ = 0.9: stays on the map.
  await setBox(page, "Learning rate η", "0.2");
  await setBox(page, "Momentum μ", "0.9");
  await expect(report).toContainText("after 40 steps");
  await watch.expectClean();
});

test("20 fast ArrowUp presses move the start 20 steps; a click on the map puts it there", async ({page}) => {
  const watch = await openPage(page, "/mechanics.html");
  const map = page.locator(".landscape-map");
  await map.focus();
  for (let k = 0; k < 20; k++) await page.keyboard.press("ArrowUp");
  await expect(metric(page, "landscape")).toContainText("Start (-4.00, 1.00)");
  await expect(map).toBeFocused();
  // A click in the middle of the plot area puts the start near (0, 0).
  const frame = (await page.locator(".landscape-chart svg [aria-label='frame']").boundingBox())!;
  await page.mouse.click(frame.x + frame.width / 2, frame.y + frame.height / 2);
  await expect(metric(page, "landscape")).toContainText(/Start \((-?0\.\d\d), (-?0\.\d\d)\)/);
  await watch.expectClean();
});

test("the wiggle has a valley: left of it the slope is negative, right of it positive", async ({page}) => {
  const watch = await openPage(page, "/mechanics.html");
  await setBox(page, "Weight h₁ → rain", "-8");
  await expect.poll(async () => Number(await metric(page, "slope-backprop").textContent())).toBeLessThan(0);
  await setBox(page, "Weight h₁ → rain", "8");
  await expect.poll(async () => Number(await metric(page, "slope-backprop").textContent())).toBeGreaterThan(0);
  await watch.expectClean();
});

test("the loop draws its arrows on the wires; Step keeps the keyboard focus; the context words are labelled", async ({page}) => {
  const watch = await openPage(page, "/mechanics.html");
  await expect(page.locator(".loop-figure path.move")).toHaveCount(3 * 4 + 4 * 5);
  const step = page.getByRole("button", {name: "Step", exact: true});
  await step.focus();
  const before = Number(await metric(page, "target-probability").textContent());
  for (let k = 0; k < 5; k++) await page.keyboard.press("Enter");
  await expect(metric(page, "steps")).toHaveText("5");
  await expect(step).toBeFocused();
  expect(Number(await metric(page, "target-probability").textContent())).toBeGreaterThan(before);
  for (const word of ["clouds", "gather", "overhead"]) await expect(page.locator("svg.network-diagram text", {hasText: word}).first()).toBeVisible();
  // Wires that cannot be edited do not say they can.
  const titles = await page.locator("svg.network-diagram line.wire title").allTextContents();
  expect(titles.some((t) => /click/.test(t))).toBe(false);
  await watch.expectClean();
});
