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
