// The Compare page and the experiment notebook: grids run in Web Workers, the heatmap fills, the
// URL holds the state, the CSV has one row per run, and the browser's runs match the build-time
// report (and so Node's) fingerprint for fingerprint.
import {readFileSync} from "node:fs";
import {expect, test, type Page} from "@playwright/test";
import {openPage} from "./helpers.js";

const metric = (page: Page, name: string) => page.locator(`[data-metric="${name}"]`);
const small = "/compare.html?init=he-normal,uniform&act=relu&lr=0.01,0.1,0.5&train=500&test=200";

test("a small grid (2 × 1 × 3 × 1, 500 images) runs in workers and fills the heatmap", async ({page}, testInfo) => {
  const watch = await openPage(page, small);
  await expect(metric(page, "runs-total")).toHaveText("6");
  await expect(metric(page, "status")).toHaveText("done", {timeout: 30_000});
  await expect(metric(page, "runs-done")).toHaveText("6");
  // Six cells, each labelled with an accuracy in % (or "div").
  const labels = await page.locator("[data-figure='heatmap'] g[aria-label='text'] text").allTextContents();
  expect(labels).toHaveLength(6);
  for (const label of labels) expect(label).toMatch(/^(\d{1,3}|div)$/);
  // The CSV download: a header and one row per run.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", {name: "CSV"}).click()]);
  const file = testInfo.outputPath("results.csv");
  await download.saveAs(file);
  const lines = readFileSync(file, "utf8").trim().split("\n");
  expect(lines[0]).toContain("fingerprint");
  expect(lines).toHaveLength(1 + 6);
  await watch.expectClean();
});

test("the URL holds the grid and the view, and a link reproduces the page", async ({page}) => {
  await openPage(page, `${small}&smooth=0.3&sel=uniform|relu|0.1`);
  await expect(metric(page, "status")).toHaveText("done", {timeout: 30_000});
  const search = new URLSearchParams(await page.evaluate(() => location.search));
  expect(search.get("init")).toBe("he-normal,uniform");
  expect(search.get("lr")).toBe("0.01,0.1,0.5");
  expect(search.get("smooth")).toBe("0.3");
  expect(search.get("sel")).toBe("uniform|relu|0.1");
  await expect(page.getByLabel("Learning rates η")).toHaveValue("0.01, 0.1, 0.5");
  // Change a control: the URL follows.
  await page.getByRole("checkbox", {name: "tanh"}).check();
  await expect.poll(async () => new URLSearchParams(await page.evaluate(() => location.search)).get("act")).toBe("relu,tanh");
  await expect(metric(page, "runs-total")).toHaveText("12");
});

test("a tampered URL falls back and names the parameter it ignored", async ({page}) => {
  const watch = await openPage(page, "/compare.html?init=magic&seeds=99");
  await expect(metric(page, "url-problems")).toContainText('init="magic" ignored');
  await expect(metric(page, "url-problems")).toContainText('seeds="99" ignored');
  await expect(metric(page, "status")).toHaveText("build-time report");
  await watch.expectClean();
});

test("Re-run here recomputes the report in the browser with the same fingerprints", async ({page}) => {
  const watch = await openPage(page, "/compare.html");
  await expect(metric(page, "status")).toHaveText("build-time report");
  await page.getByRole("button", {name: "Re-run here"}).click();
  await expect(metric(page, "status")).toHaveText("done", {timeout: 60_000});
  await expect(metric(page, "fingerprints-agree")).toHaveText("36 of 36");
  await watch.expectClean();
});

test("the experiment page runs its grid in workers and plots it", async ({page}) => {
  const watch = await openPage(page, "/experiment.html");
  await expect(metric(page, "runs-total")).toHaveText("12");
  await expect(metric(page, "status")).toHaveText("done", {timeout: 30_000});
  await expect(metric(page, "runs-done")).toHaveText("12");
  await expect(page.locator("figure svg, svg.plot-d6a7b5, svg[class^='plot']").last()).toBeVisible();
  await expect(page.locator("pre code").first()).toContainText("validateGrid({");
  await watch.expectClean();
});

test("Cancel stops a live sweep and Resume finishes what was left; figures download as SVG", async ({page}, testInfo) => {
  test.setTimeout(150_000);
  // Long enough runs (24 × 30,000 images) that the sweep is still going when Cancel is pressed.
  const watch = await openPage(page, "/compare.html?init=he-normal,uniform&act=relu,sigmoid&lr=0.01,0.1,0.5&train=30000&test=500&seeds=2");
  await expect(metric(page, "runs-total")).toHaveText("24");
  await expect(metric(page, "status")).toHaveText("running");
  await page.getByRole("button", {name: "Cancel"}).click();
  await expect(metric(page, "status")).toHaveText("cancelled");
  const kept = Number(await metric(page, "runs-done").textContent());
  expect(kept).toBeLessThan(24);
  await page.getByRole("button", {name: "Resume"}).click();
  await expect(metric(page, "status")).toHaveText("done", {timeout: 90_000});
  await expect(metric(page, "runs-done")).toHaveText("24");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", {name: "SVG"}).first().click()]);
  const file = testInfo.outputPath("heatmap.svg");
  await download.saveAs(file);
  expect(download.suggestedFilename()).toBe("compare-heatmap.svg");
  expect(readFileSync(file, "utf8")).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  await watch.expectClean();
});
