// Two runs side by side on the MNIST page (data-figure="twin-runs"), in real Chromium against
// dist/: the second run takes the page's settings but one, starts from the same weights when the
// seed is shared (as the prose says), trains in its own worker, and is drawn beside the first.
import {expect, test, type Page} from "@playwright/test";
import {openPage} from "./helpers.js";

const card = (page: Page) => page.locator(".twin-card");
const mainMetric = (page: Page, name: string) => page.locator(`[data-metric="${name}"]`);
const twinMetric = (page: Page, name: string) => card(page).locator(`[data-metric="${name}"]`).first();

test("the suggested contrast: sigmoid starts from ReLU's weights (same seed), trains in its own worker and ends behind after the same 3 epochs", async ({page}) => {
  test.setTimeout(120_000);
  const watch = await openPage(page, "/mnist.html");
  await expect(card(page).getByLabel("The second run changes its")).toHaveValue("0");
  await expect(card(page).locator('[data-figure="twin-runs"] h4').nth(1)).toHaveText("second run: activation sigmoid");
  // Same seed: the same initial weights, so the same fingerprint before any update.
  await expect(twinMetric(page, "twin-fingerprint")).toHaveText((await mainMetric(page, "fingerprint").textContent())!);
  await card(page).getByRole("button", {name: "Train both"}).click();
  await expect(mainMetric(page, "status")).toHaveText("paused", {timeout: 90_000});
  await expect(twinMetric(page, "twin-status")).toHaveText("paused", {timeout: 90_000});
  await expect(twinMetric(page, "twin-epoch")).toHaveText("3.00");
  await expect(twinMetric(page, "twin-fingerprint")).not.toHaveText((await mainMetric(page, "fingerprint").textContent())!);
  const pct = async (name: string) => parseFloat((await twinMetric(page, name).textContent())!);
  // The card draws both runs where the reader sees it.
  await card(page).locator('[data-figure="twin-runs"]').scrollIntoViewIfNeeded();
  await expect.poll(async () => pct("twin-accuracy-1")).toBeGreaterThan(50);
  expect(await pct("twin-accuracy-0")).toBeGreaterThan(await pct("twin-accuracy-1"));
  await expect(card(page).locator('[data-figure^="twin-projection-"]')).toHaveCount(2);
  await watch.expectClean();
});

test("changing the seed instead starts the second run from other weights; a bad η is refused at the control and the run waits", async ({page}) => {
  const watch = await openPage(page, "/mnist.html");
  await card(page).getByLabel("The second run changes its").selectOption({label: "seed"});
  await expect(card(page).getByLabel("to")).toHaveValue("2");
  await expect(twinMetric(page, "twin-fingerprint")).not.toHaveText((await mainMetric(page, "fingerprint").textContent())!);
  await card(page).getByLabel("The second run changes its").selectOption({label: "learning rate η"});
  await expect(card(page).getByLabel("to")).toHaveValue("0.1");
  await card(page).getByLabel("to").fill("50");
  await card(page).getByLabel("to").press("Enter");
  await expect(card(page)).toContainText('learning rate η "50": expected a number from 0.0001 to 10; the second run keeps waiting');
  await watch.expectClean();
});
