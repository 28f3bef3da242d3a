// Views that follow the live run redraw only while on screen (redraw-scheduler's onScreen): a page of
// many views pays for those the reader can see, and a view scrolled back into sight catches up with
// the run at once. In real Chromium against dist/, for every following view of the MNIST page.
import {expect, test, type Page} from "@playwright/test";
import {openPage, pauseRun} from "./helpers.js";

const metric = (page: Page, name: string) => page.locator(`[data-metric="${name}"]`);
const number = async (page: Page, name: string) => parseFloat((await metric(page, name).textContent())!.replace(/,/g, ""));

// The views that follow the run with their own driver, and an attribute each sets when it redraws.
const views = [
  {name: "hidden space", selector: '[data-figure="projection"]'},
  {name: "why it said that", selector: '[data-figure="saliency"]'},
  {name: "two runs", selector: '[data-figure="twin-runs"]'},
];

for (const view of views) {
  test(`${view.name}: no redraws while off screen during training; scrolled into view, it shows the run as it is`, async ({page}) => {
    const watch = await openPage(page, "/mnist.html");
    const figure = page.locator(view.selector).first();
    await expect(figure).toHaveAttribute("data-redraws", /\d+/);
    await page.evaluate(() => window.scrollTo(0, 0));
    // Off screen, beyond the 400 px margin the observer keeps.
    const gap = await figure.evaluate((el) => el.getBoundingClientRect().top - window.innerHeight);
    expect(gap, `${view.name} must start below the first screen for this test`).toBeGreaterThan(450);
    await page.waitForTimeout(300);
    const before = Number(await figure.getAttribute("data-redraws"));
    await page.getByRole("button", {name: "Train", exact: true}).click();
    await expect.poll(async () => number(page, "steps")).toBeGreaterThan(300);
    await pauseRun(page);
    const samples = await number(page, "samples-seen");
    expect(Number(await figure.getAttribute("data-redraws")) - before, "redraws while off screen").toBeLessThanOrEqual(1);
    await figure.scrollIntoViewIfNeeded();
    await expect.poll(async () => Number(await figure.getAttribute("data-redraws"))).toBeGreaterThan(before + 0);
    // The views that record the network they drew show the paused run's.
    if (await figure.getAttribute("data-samples")) await expect(figure).toHaveAttribute("data-samples", String(samples));
    await watch.expectClean();
  });
}
