// The Compare page and the experiment notebook: grids run in Web Workers, the heatmap fills, the
// URL holds the state, the CSV has one row per run, and the browser's runs match the build-time
// report (and so Node's) fingerprint for fingerprint. What a reader meets first: a report with
// seeds and accuracies worth reading, selections in words that a click or a row sets at once,
// table text that fits, an optimum at the grid's edge said in words, downloads that hold their
// figure, and an experiment page whose answer is clear.
import {readFileSync} from "node:fs";
import {expect, test, type Locator, type Page} from "@playwright/test";
import {openPage} from "./helpers.js";

const metric = (page: Page, name: string) => page.locator(`[data-metric="${name}"]`);
const figure = (page: Page, name: string) => page.locator(`[data-figure="${name}"] figure`).first();

/** Console warnings (Plot warns on bad channels there) and errors, from now on. */
function consoleProblems(page: Page): string[] {
  const seen: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "warning" || m.type() === "error") seen.push(`${m.type()}: ${m.text()}`);
  });
  return seen;
}

/** Table cells and headers whose text is cut (wider than their box). */
async function cutCells(table: Locator): Promise<string[]> {
  return table
    .locator("th, td")
    .evaluateAll((cells) => cells.filter((c) => c.scrollWidth > c.clientWidth + 1).map((c) => `${c.tagName} "${c.textContent?.trim()}" ${c.scrollWidth} > ${c.clientWidth}`));
}

/** Saves the download a click on `button` starts; returns its bytes and suggested name. */
async function download(page: Page, button: Locator, path: string): Promise<{bytes: Buffer; name: string}> {
  const [file] = await Promise.all([page.waitForEvent("download"), button.click()]);
  await file.saveAs(path);
  return {bytes: readFileSync(path), name: file.suggestedFilename()};
}
const small = "/compare.html?init=he-normal,uniform&act=relu&lr=0.01,0.1,0.5&train=500&test=200";

test("a small grid (2 × 1 × 3 × 1, 500 images) runs in workers and fills the heatmap", async ({page}, testInfo) => {
  const watch = await openPage(page, small);
  await expect(metric(page, "runs-total")).toHaveText("6");
  await expect(metric(page, "status")).toHaveText("done", {timeout: 30_000});
  await expect(metric(page, "runs-done")).toHaveText("6");
  // Six cells, each labelled with an accuracy in % (or "div"); one seed: the mean alone, no interval.
  const labels = await page.locator("[data-figure='heatmap'] g[aria-label='text'] text").allTextContents();
  expect(labels).toHaveLength(6);
  for (const label of labels) expect(label).toMatch(/^(\d{1,3}(\.\d)?|div)$/);
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

test("a grid over the workbook's parameter cap is refused on the page, as train refuses it, and the report stays", async ({page}) => {
  const watch = await openPage(page, "/compare.html?hidden=512,512,512,512,512,512,512,512");
  await expect(metric(page, "url-problems")).toContainText("2,245,642 weights and biases (at most 2,000,000, as for train)");
  await expect(metric(page, "status")).toHaveText("build-time report");
  await watch.expectClean();
});

test("Re-run here recomputes the report in the browser with the same fingerprints", async ({page}) => {
  test.setTimeout(150_000);
  const watch = await openPage(page, "/compare.html");
  await expect(metric(page, "status")).toHaveText("build-time report");
  await page.getByRole("button", {name: "Re-run here"}).click();
  await expect(metric(page, "status")).toHaveText("done", {timeout: 120_000});
  await expect(metric(page, "fingerprints-agree")).toHaveText("90 of 90");
  await watch.expectClean();
});

test("the build-time report is worth reading: 3 seeds with bands, its best pairs past 90 %, no console warnings", async ({page}) => {
  const problems = consoleProblems(page);
  const watch = await openPage(page, "/compare.html");
  await expect(metric(page, "status")).toHaveText("build-time report");
  // The page opens on the report's grid, and its URL stays clean.
  expect(await page.evaluate(() => location.search)).toBe("");
  await expect(page.locator(".grid-size")).toContainText("90 runs (3 initialisations × 2 activations × 5 learning rates × 3 seeds");
  // Each cell: the mean over 3 seeds and the half-width of its 95 % interval, "91.9 ± 1.1".
  const texts = await page.locator("[data-figure='heatmap'] g[aria-label='text'] text").allTextContents();
  for (const t of texts) expect(t).toMatch(/^\d{1,3}\.\d ± \d{1,3}\.\d$/);
  const labels = texts.map((t) => parseFloat(t));
  expect(labels).toHaveLength(30);
  expect(Math.max(...labels)).toBeGreaterThanOrEqual(91);
  expect(labels.filter((x) => x >= 90).length).toBeGreaterThanOrEqual(5);
  // The 95 % confidence bands: every configuration's area spans some height (seeds differ).
  const bands = await page.locator("[data-figure='curves'] g[aria-label='area'] path").evaluateAll((paths) => paths.map((p) => (p as SVGPathElement).getBBox().height));
  expect(bands).toHaveLength(30);
  expect(bands.filter((h) => h > 1).length).toBeGreaterThanOrEqual(25);
  // The command printed below runs this very grid.
  await expect(metric(page, "sweep-command")).toContainText("--seeds 3 --train 30000 --test 1000");
  expect(problems).toEqual([]);
  await watch.expectClean();
});

test("a heatmap click selects at once (no hover first) and reads in words; a table row click selects too", async ({page}) => {
  const watch = await openPage(page, "/compare.html");
  await expect(metric(page, "selection")).toHaveText("none");
  // A click event with no pointer move before it (a tap, a keyboard-driven click).
  await page.locator("[data-figure='heatmap'] rect[data-key='he-normal|relu|0.01']").dispatchEvent("click");
  await expect(metric(page, "selection")).toHaveText("He (Kaiming) normal, ReLU, η = 0.01");
  await expect.poll(async () => new URLSearchParams(await page.evaluate(() => location.search)).get("sel")).toBe("he-normal|relu|0.01");
  await expect(page.getByText("Highlighted: He (Kaiming) normal, ReLU, η = 0.01.")).toBeVisible();
  // The selected configuration's rows are marked in the table.
  await expect(page.locator("tr.selected-config")).toHaveCount(3);
  // The same cell again lets go (the chart was redrawn; still no hover needed).
  await page.locator("[data-figure='heatmap'] rect[data-key='he-normal|relu|0.01']").dispatchEvent("click");
  await expect(metric(page, "selection")).toHaveText("none");
  // A click on a table row's text, not its radio button, selects that row's configuration.
  const row = page.locator("[data-figure='runs'] form[class*='-table'] tbody tr").nth(2);
  const [init, activation, lr] = await row.locator("td").evaluateAll((tds) => [2, 3, 4].map((i) => tds[i].textContent?.trim()));
  await row.locator("td").nth(6).click();
  await expect(metric(page, "selection")).toContainText(`, η = ${lr}`);
  await expect(metric(page, "selection")).toContainText(activation === "ReLU" ? "ReLU" : "Sigmoid");
  await expect(metric(page, "selection")).toContainText(init!.split(" ")[0]);
  await expect(row.locator("input")).toBeChecked();
  await expect(page.locator("[data-figure='heatmap'] g[aria-label='cell']").last()).toBeAttached();
  await watch.expectClean();
});

test("the run table's headers and values fit their columns at 1280 and 800 px", async ({page}) => {
  for (const width of [1280, 800]) {
    await page.setViewportSize({width, height: 900});
    await openPage(page, "/compare.html");
    const table = page.locator("[data-figure='runs'] form[class*='-table']");
    await expect(table.locator("th").nth(2)).toHaveText("initialisation");
    expect(await cutCells(table), `at ${width} px`).toEqual([]);
    // No empty column: a column shows only when some run has a value in it.
    const headers = await table.locator("th").allTextContents();
    expect(headers.map((h) => h.trim())).not.toContain("diverged");
  }
});

test("an optimum at the edge of the grid is said in words; a one-η usable range still shows", async ({page}) => {
  const watch = await openPage(page, "/compare.html?init=he-normal&act=relu,sigmoid&lr=0.001,0.003,0.01&train=500&test=200");
  await expect(metric(page, "status")).toHaveText("done", {timeout: 30_000});
  await expect(metric(page, "usable-ranges")).toContainText("best η is the largest tried; try larger");
  await expect(page.locator("[data-figure='learning-rate'] g[aria-label='text'] text").first()).toHaveText("try larger →");
  // Every usable range has its end dots, so one of a single η is a dot, not an invisible line.
  const ranges = await metric(page, "usable-ranges").locator("li").allTextContents();
  const dots = await page.locator("[data-figure='learning-rate'] g[aria-label='dot'] circle").count();
  const usable = ranges.filter((r) => !r.includes("no usable η"));
  expect(dots).toBe(usable.reduce((n, r) => n + (r.includes("only η") ? 1 : 2), 0));
  await watch.expectClean();
});

test("each figure's SVG and PNG downloads hold that figure: its marks, at its size", async ({page}, testInfo) => {
  const watch = await openPage(page, "/compare.html");
  const figures = [
    {name: "heatmap", file: "compare-heatmap", marks: "g[aria-label='cell'] rect", count: 30},
    {name: "curves", file: "compare-curves", marks: "g[aria-label='line'] path", count: 30},
    {name: "learning-rate", file: "compare-learning-rate", marks: "g[aria-label='line'] path", count: 6},
  ];
  // The parallel coordinates' downloads come first, then the heatmap's, the curves' and the η chart's.
  expect(await page.locator(".figure-downloads").count()).toBe(figures.length + 1);
  for (const f of figures) {
    const box = (await figure(page, f.name).boundingBox())!;
    expect(box.width).toBeGreaterThan(500);
    const buttons = page.locator(".figure-downloads").nth(figures.indexOf(f) + 1);
    const [svgButton, pngButton] = [buttons.getByRole("button", {name: "SVG"}), buttons.getByRole("button", {name: "PNG"})];
    const svg = await download(page, svgButton, testInfo.outputPath(`${f.file}.svg`));
    expect(svg.name).toBe(`${f.file}.svg`);
    const text = svg.bytes.toString("utf8");
    expect(text).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    // Parse it in the page: its size is the figure's, and it holds the figure's marks and legend.
    const parsed = await page.evaluate(
      ([source, marks]) => {
        const doc = new DOMParser().parseFromString(source, "image/svg+xml");
        const root = doc.documentElement;
        return {
          error: doc.querySelector("parsererror")?.textContent ?? null,
          width: Number(root.getAttribute("width")),
          height: Number(root.getAttribute("height")),
          marks: doc.querySelectorAll(marks).length,
          svgs: doc.querySelectorAll("svg").length,
        };
      },
      [text, f.marks] as const,
    );
    expect(parsed.error).toBeNull();
    expect(Math.abs(parsed.width - box.width)).toBeLessThanOrEqual(2);
    expect(Math.abs(parsed.height - box.height)).toBeLessThanOrEqual(2);
    expect(parsed.marks).toBe(f.count);
    const png = await download(page, pngButton, testInfo.outputPath(`${f.file}.png`));
    expect(png.name).toBe(`${f.file}.png`);
    expect(png.bytes.subarray(1, 4).toString("ascii")).toBe("PNG");
    // IHDR: width and height, big-endian, at bytes 16 and 20; the PNG is drawn at 2× the figure.
    const [w, h] = [png.bytes.readUInt32BE(16), png.bytes.readUInt32BE(20)];
    expect(Math.abs(w - 2 * box.width)).toBeLessThanOrEqual(4);
    expect(Math.abs(h - 2 * box.height)).toBeLessThanOrEqual(4);
  }
  await watch.expectClean();
});

test("the experiment page runs its grid in workers, plots it and gives the clear answer its prose promises", async ({page}) => {
  const watch = await openPage(page, "/experiment.html");
  await expect(metric(page, "runs-total")).toHaveText("18");
  await expect(metric(page, "status")).toHaveText("done", {timeout: 30_000});
  await expect(metric(page, "runs-done")).toHaveText("18");
  await expect(metric(page, "verdict")).toHaveText("relu beats sigmoid at every η tried, on every seed.");
  await expect(metric(page, "verdicts").locator("li")).toHaveCount(3);
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
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator(".figure-downloads").nth(1).getByRole("button", {name: "SVG"}).click()]);
  const file = testInfo.outputPath("heatmap.svg");
  await download.saveAs(file);
  expect(download.suggestedFilename()).toBe("compare-heatmap.svg");
  expect(readFileSync(file, "utf8")).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  await watch.expectClean();
});

test("a worker terminated from outside is detected by its silence and its run retried: every run finishes", async ({page}) => {
  // 16 runs on 2 workers; one worker is closed from outside early (no error event reaches the page).
  await openPage(page, "/compare.html?init=he-normal,uniform&act=relu,sigmoid&lr=0.01,0.03,0.1,0.3&train=30000&test=200");
  await expect(metric(page, "runs-total")).toHaveText("16");
  await expect(metric(page, "status")).toHaveText("running");
  await expect.poll(() => page.workers().length).toBeGreaterThan(0);
  const victim = page.workers()[0];
  let closed = false;
  victim.on("close", () => (closed = true));
  // The worker closes itself when its current task ends; the pool hears nothing more from it.
  await victim.evaluate(() => void setTimeout(() => (self as unknown as {close(): void}).close(), 0));
  await expect.poll(() => closed, {timeout: 30_000}).toBe(true);
  await expect(metric(page, "status")).toHaveText("done", {timeout: 60_000});
  await expect(metric(page, "runs-done")).toHaveText("16");
  await expect(metric(page, "message")).toContainText("A worker died under a run (the worker stopped answering (nothing for 10 s)); its run was retried on a fresh worker.");
  await expect(page.getByText(/failed and was skipped/)).toHaveCount(0);
});

test("a link's values that the schema accepts run as written: train, B, epochs, seeds and μ are kept, with no note", async ({page}) => {
  const watch = await openPage(page, "/compare.html?init=he-normal&act=relu&lr=0.1&train=777&test=200&batch=7&epochs=20&seeds=8&opt=momentum&mu=0.5");
  await expect(metric(page, "runs-total")).toHaveText("8");
  await expect(page.locator("p.grid-size")).toContainText("each 20 epochs of 777 images, 784 → 16 → 16 → 10, B = 7");
  const search = new URLSearchParams(await page.evaluate(() => location.search));
  for (const [key, value] of Object.entries({train: "777", batch: "7", epochs: "20", seeds: "8", opt: "momentum", mu: "0.5"})) expect(search.get(key), key).toBe(value);
  await expect(metric(page, "url-problems")).toHaveCount(0);
  await page.getByRole("button", {name: "Cancel"}).click();
  await watch.expectClean();
});
