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
    // Off screen, well beyond the margin the observer keeps (50 px).
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

test("once the run trains, cards off screen are skipped by the browser without moving the page: every figure stays where it was", async ({page}) => {
  const watch = await openPage(page, "/mnist.html");
  const tops = () =>
    page.evaluate(() =>
      Object.fromEntries([...document.querySelectorAll("[data-figure]")].map((el, k) => [`${k} ${(el as HTMLElement).dataset.figure}`, Math.round(el.getBoundingClientRect().top + scrollY)])),
    );
  await page.evaluate(() => window.scrollTo(0, 0));
  const before = await tops();
  expect(await page.evaluate(() => document.body.classList.contains("skip-offscreen"))).toBe(false);
  await page.getByRole("button", {name: "Train", exact: true}).click();
  await expect.poll(() => page.evaluate(() => document.body.classList.contains("skip-offscreen"))).toBe(true);
  // A card far below is skipped: its contents are not rendered…
  const last = page.locator(".card").last();
  expect(await last.evaluate((el) => getComputedStyle(el).contentVisibility)).toBe("auto");
  await page.waitForTimeout(1000);
  await pauseRun(page);
  // …but keeps its height, so nothing below it moves (a few lines of text may change above).
  const after = await tops();
  for (const [name, top] of Object.entries(before)) expect(Math.abs(after[name] - top), `${name} moved from ${top} to ${after[name]}`).toBeLessThan(60);
  await watch.expectClean();
});
