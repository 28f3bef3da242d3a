// Seeing a sweep on the Compare page (issue 17): parallel coordinates whose brushes filter the
// table, the heatmap and the curves (by mouse and by keyboard, and Clear filters restores them),
// importance bars in the order the prose promises on both build-time results, a verify button that
// retrains a report run in the browser to the same fingerprint, the report's search one click away,
// and random and successive-halving searches from a link, with bad search values named.
import {readFileSync} from "node:fs";
import {expect, test, type Page} from "@playwright/test";
import {openPage} from "./helpers.js";

const metric = (page: Page, name: string) => page.locator(`[data-metric="${name}"]`);
const pc = (page: Page) => page.locator("[data-figure='parallel-coordinates']");
const runRows = (page: Page) => page.locator("[data-figure='runs'] form[class*='-table'] tbody tr");

/** Drags along a parallel-coordinates axis from `from` to `to` (fractions of its height, 0 = top). */
async function brush(page: Page, axis: string, from: number, to: number) {
  const overlay = pc(page).locator(`g.pc-axis[data-axis='${axis}'] .pc-brush .overlay`);
  // The mouse acts in the window: bring the axis into view first.
  await overlay.scrollIntoViewIfNeeded();
  const box = (await overlay.boundingBox())!;
  const x = box.x + box.width / 2;
  await page.mouse.move(x, box.y + from * box.height);
  await page.mouse.down();
  await page.mouse.move(x, box.y + ((from + to) / 2) * box.height, {steps: 4});
  await page.mouse.move(x, box.y + to * box.height, {steps: 4});
  await page.mouse.up();
}

test("brushing η in the parallel coordinates filters the table, the heatmap and the curves; Clear filters restores them", async ({page}) => {
  const watch = await openPage(page, "/compare.html");
  await expect(pc(page).locator("g[aria-label='configurations'] path")).toHaveCount(30);
  await expect(metric(page, "run-count")).toHaveText("90 runs");
  // The upper 40 % of the η axis (log, 0.001 to 1): η = 0.1 and 0.3.
  await brush(page, "lr", 0.02, 0.4);
  await expect(metric(page, "pc-count")).toHaveText("12 of 30 configurations pass the brushes.");
  await expect(metric(page, "filter")).toContainText("12 of 30 configurations (36 runs)");
  await expect(metric(page, "run-count")).toHaveText("36 runs kept by the brushes");
  const lrs = await runRows(page).evaluateAll((trs) => trs.map((tr) => tr.querySelectorAll("td")[4].textContent?.trim()));
  expect(lrs.length).toBeGreaterThan(0);
  for (const lr of lrs) expect(["0.1", "0.3"]).toContain(lr);
  await expect(page.locator("[data-figure='heatmap'] g[aria-label='text'] text")).toHaveCount(12);
  await expect(page.locator("[data-figure='curves'] g[aria-label='line'] path")).toHaveCount(12);
  // A second brush combines with the first: ReLU only.
  await brush(page, "activation", 0.02, 0.45);
  await expect(metric(page, "run-count")).toHaveText("18 runs kept by the brushes");
  await page.getByRole("button", {name: "Clear filters"}).click();
  await expect(metric(page, "run-count")).toHaveText("90 runs");
  await expect(metric(page, "filter")).toHaveText("No filter: the views below show every configuration.");
  await expect(page.locator("[data-figure='heatmap'] g[aria-label='text'] text")).toHaveCount(30);
  await watch.expectClean();
});

test("the parallel coordinates download as SVG with every configuration's line and the brushes' filter", async ({page}, testInfo) => {
  const watch = await openPage(page, "/compare.html");
  await brush(page, "lr", 0.02, 0.4);
  await expect(metric(page, "pc-count")).toHaveText("12 of 30 configurations pass the brushes.");
  const [file] = await Promise.all([page.waitForEvent("download"), page.locator(".figure-downloads").first().getByRole("button", {name: "SVG"}).click()]);
  expect(file.suggestedFilename()).toBe("compare-parallel-coordinates.svg");
  const path = testInfo.outputPath("pc.svg");
  await file.saveAs(path);
  const counts = await page.evaluate(
    (source) => {
      const doc = new DOMParser().parseFromString(source, "image/svg+xml");
      return {error: doc.querySelector("parsererror")?.textContent ?? null, lines: doc.querySelectorAll("g[aria-label='configurations'] path").length, kept: doc.querySelectorAll("path.kept").length};
    },
    readFileSync(path, "utf8"),
  );
  expect(counts).toEqual({error: null, lines: 30, kept: 12});
  await watch.expectClean();
});

test("the keyboard brushes too: Tab to an axis, ↑ keeps its upper quarter, Shift+↑ grows it, Escape clears", async ({page}) => {
  const watch = await openPage(page, "/compare.html");
  const accuracy = pc(page).locator("g.pc-axis[data-axis='accuracy']");
  await expect(accuracy).toHaveAttribute("tabindex", "0");
  await expect(accuracy).toHaveAttribute("aria-label", /final test accuracy \(%\) axis: .*Escape clears it/);
  // The accuracy axis is the last one: Shift+Tab from Clear filters reaches it.
  await page.getByRole("button", {name: "Clear filters"}).focus();
  await page.keyboard.press("Shift+Tab");
  expect(await page.evaluate(() => document.activeElement?.getAttribute("data-axis"))).toBe("accuracy");
  await page.keyboard.press("ArrowUp");
  // The upper quarter of 0–100 %: configurations whose mean accuracy is 75 % or more.
  await expect(metric(page, "filter")).toContainText("22 of 30 configurations");
  for (const t of await page.locator("[data-figure='heatmap'] g[aria-label='text'] text").allTextContents()) expect(parseFloat(t)).toBeGreaterThanOrEqual(75);
  await page.keyboard.press("Shift+ArrowUp");
  await expect(metric(page, "filter")).not.toContainText("22 of 30 configurations");
  await page.keyboard.press("Escape");
  await expect(metric(page, "filter")).toHaveText("No filter: the views below show every configuration.");
  await expect(metric(page, "run-count")).toHaveText("90 runs");
  await watch.expectClean();
});

test("importance: fANOVA on the report's grid (η a third, the rest interactions), permutation importance on its search (η, dropout, optimiser first)", async ({page}) => {
  const watch = await openPage(page, "/compare.html");
  const bars = page.locator("[data-figure='importance'] rect[data-axis]");
  await expect(page.locator("[data-figure='importance']")).toHaveAttribute("data-method", "fanova");
  expect(await bars.evaluateAll((rs) => rs.map((r) => r.getAttribute("data-axis")))).toEqual(["lr", "activation", "init", "interactions"]);
  const interactions = Number(/interactions: (\d+) %/.exec((await metric(page, "importance-method").textContent())!)![1]);
  expect(interactions).toBeGreaterThan(50);
  const lrShare = await page.locator("[data-figure='importance'] g[aria-label='text'] text").first().textContent();
  expect(parseFloat(lrShare!)).toBeGreaterThan(25);
  expect(parseFloat(lrShare!)).toBeLessThan(45);
  await page.getByRole("button", {name: "Open the report's search"}).click();
  await expect(page.locator("[data-figure='importance']")).toHaveAttribute("data-method", "permutation");
  const order = await bars.evaluateAll((rs) => rs.map((r) => r.getAttribute("data-axis")));
  expect(order.slice(0, 3)).toEqual(["lr", "dropout", "optimizer"]);
  expect(order).toHaveLength(5);
  await watch.expectClean();
});

test("Open the report's search shows its 64 runs without training: five axes, the URL and the command say so", async ({page}) => {
  const watch = await openPage(page, "/compare.html");
  await page.getByRole("button", {name: "Open the report's search"}).click();
  await expect(page.locator("p.grid-size")).toContainText("Random search: 32 trials × 2 seeds = 64 runs, varying learning rate η, optimiser, weight decay λ, dropout p, η schedule");
  await expect(metric(page, "status")).toHaveText("build-time report");
  await expect(metric(page, "runs-total")).toHaveText("64");
  await expect(pc(page).locator("g[aria-label='configurations'] path")).toHaveCount(32);
  await expect(pc(page).locator("g.pc-axis")).toHaveCount(6);
  await expect(metric(page, "heatmap-note")).toContainText("The heatmap needs a grid over initialisation, activation and η alone");
  await expect(page.locator("[data-figure='learning-rate']")).toHaveCount(0);
  await expect(page.locator("[data-figure='accuracy-scatter'] svg[data-axis]")).toHaveCount(5);
  await expect(metric(page, "sweep-command")).toContainText("--lr-range 0.003,1");
  await expect(metric(page, "sweep-command")).toContainText("--search random --trials 32 --search-seed 1 --weight-decay-range 0.00001,0.01 --dropout-range 0,0.5 --out results.json");
  await expect.poll(async () => new URLSearchParams(await page.evaluate(() => location.search)).get("search")).toBe("random");
  const search = new URLSearchParams(await page.evaluate(() => location.search));
  expect(search.get("trials")).toBe("32");
  expect(search.get("lr-range")).toBe("0.003,1");
  // The link opens the same search, still without training.
  await openPage(page, `/compare.html?${search}`);
  await expect(metric(page, "status")).toHaveText("build-time report");
  await expect(metric(page, "runs-total")).toHaveText("64");
  await page.getByRole("button", {name: "Open the report's grid"}).click();
  await expect(metric(page, "runs-total")).toHaveText("90");
  await expect.poll(() => page.evaluate(() => location.search)).toBe("");
  await watch.expectClean();
});

test("verify retrains a run of the static report in the browser and finds the same fingerprint", async ({page}) => {
  test.setTimeout(90_000);
  const watch = await openPage(page, "/compare.html");
  const row = runRows(page).first();
  await row.getByRole("button", {name: /^Verify run \d+/}).click();
  await expect(row.locator("[data-metric='verify-status']")).toHaveText(/^✓ match \(\d+\.\d s\)$/, {timeout: 60_000});
  // The click verified; it did not select the row's configuration.
  await expect(metric(page, "selection")).toHaveText("none");
  await watch.expectClean();
});

test("a random search from a link trains in workers; a successive-halving search shows its rungs", async ({page}) => {
  test.setTimeout(120_000);
  const watch = await openPage(page, "/compare.html?init=he-normal&act=relu&seeds=1&train=500&test=200&search=random&trials=4&lr-range=0.01,0.5&dropout-range=0,0.3");
  await expect(metric(page, "runs-total")).toHaveText("4");
  await expect(metric(page, "status")).toHaveText("done", {timeout: 60_000});
  await expect(pc(page).locator("g[aria-label='configurations'] path")).toHaveCount(4);
  await expect(metric(page, "importance-note")).toContainText("too few trials with results (4; at least 8)");
  await expect(metric(page, "sweep-command")).toContainText("--lr-range 0.01,0.5");
  await expect(metric(page, "sweep-command")).toContainText("--search random --trials 4 --search-seed 1 --dropout-range 0,0.3 --out results.json");
  await openPage(page, "/compare.html?init=he-normal&act=relu&seeds=1&train=500&test=200&search=asha&trials=4&reduction=2&rungs=2&lr-range=0.01,0.5");
  await expect(metric(page, "status")).toHaveText("done", {timeout: 60_000});
  const rungs = metric(page, "rung-progress").locator("li");
  await expect(rungs).toHaveCount(2);
  await expect(rungs.nth(0)).toContainText("Rung 1 of 2 (250 samples each): 4 of 4 runs");
  await expect(rungs.nth(1)).toContainText("Rung 2 of 2 (500 samples each): 2 of 2 runs");
  await expect(metric(page, "sweep-command")).toContainText("--search asha --trials 4 --search-seed 1 --reduction 2 --rungs 2 --brackets 1");
  await watch.expectClean();
});

test("bad search values are named: a link's falls back, a typed one is said at the Search controls", async ({page}) => {
  const watch = await openPage(page, "/compare.html?init=he-normal&act=relu&seeds=1&train=500&test=200&search=asha&trials=4&reduction=1&rungs=2&lr-range=0,1");
  await expect(metric(page, "url-problems")).toContainText('reduction="1" ignored (invalid reduction factor: 1');
  await expect(metric(page, "url-problems")).toContainText('lr-range="0,1" ignored');
  await expect(metric(page, "status")).toHaveText("done", {timeout: 60_000});
  const trials = page.getByLabel("Trials");
  await trials.fill("0");
  await trials.press("Enter");
  await expect(metric(page, "search-error")).toHaveText("This search cannot run: invalid trials: 0 (expected a whole number from 1 to 500)");
  // The URL keeps the last search that could run.
  expect(new URLSearchParams(await page.evaluate(() => location.search)).get("trials")).toBe("4");
  await trials.fill("3");
  await trials.press("Enter");
  await expect(metric(page, "search-error")).toHaveCount(0);
  await expect.poll(async () => new URLSearchParams(await page.evaluate(() => location.search)).get("trials")).toBe("3");
  await watch.expectClean();
});
