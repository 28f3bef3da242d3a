// "The hidden space, forming" on the MNIST page (data-figure="projection"), in real Chromium
// against dist/: the classes' clouds separate while the network trains (the between- over
// within-class spread rises), hovering shows a digit and its guess, and a point picked by mouse or
// keyboard becomes the current input of every view.
import {expect, test, type Page} from "@playwright/test";
import {openPage, pauseRun, scrollIntoViewSettled} from "./helpers.js";

const metric = (page: Page, name: string) => page.locator(`[data-metric="${name}"]`);
const number = async (page: Page, name: string) => parseFloat((await metric(page, name).textContent())!.replace(/,/g, ""));
const button = (page: Page, name: string) => page.getByRole("button", {name, exact: true});
const figure = (page: Page) => page.locator('[data-figure="projection"]');

test("the clusters separate while the network trains, and the tangled pairs are named with their confusions", async ({page}) => {
  const watch = await openPage(page, "/mnist.html");
  await expect(figure(page)).toHaveAttribute("data-redraws", /\d+/);
  const before = await number(page, "projection-separation");
  await button(page, "Train").click();
  await expect.poll(async () => number(page, "test-accuracy"), {timeout: 30_000}).toBeGreaterThan(85);
  await pauseRun(page);
  // The picture follows the trained network: the clouds part (the measure at least triples).
  // The view draws while on screen (it follows the run only there).
  await figure(page).scrollIntoViewIfNeeded();
  await expect.poll(async () => number(page, "projection-separation"), {timeout: 30_000}).toBeGreaterThan(3 * before);
  expect(Number(await figure(page).getAttribute("data-samples"))).toBeGreaterThan(0);
  const pairs = figure(page).locator(".projection-tangles li");
  await expect(pairs).toHaveCount(3);
  await expect(pairs.first()).toContainText(/\d and \d: centres [\d.]+ × their combined spread apart; \d+ test digits? confused between them/);
  await expect(pairs.first().getByRole("link", {name: "the confusion matrix"})).toHaveAttribute("href", "#held-out-digits-and-errors");
  await watch.expectClean();
});

test("hover shows the digit and its guess; a click or Enter on a point makes it the current input", async ({page}) => {
  const watch = await openPage(page, "/mnist.html");
  const fig = figure(page);
  await expect(fig).toHaveAttribute("data-redraws", /\d+/);
  const plot = fig.locator(".projection-plot");
  // The view redraws as it comes into sight (a redraw it held off screen): read positions after that.
  await scrollIntoViewSettled(fig);
  const box = (await plot.locator(":scope > figure > svg, :scope > svg").boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.5, {steps: 5});
  const tip = fig.locator(".projection-tip");
  await expect(tip).toBeVisible();
  await expect(tip).toHaveText(/test digit (\d+): a (\d), guessed (\d)/);
  const [, index] = /test digit (\d+)/.exec((await tip.textContent())!)!;
  await page.mouse.click(box.x + box.width * 0.4, box.y + box.height * 0.5);
  await expect(metric(page, "current-input-thumb")).toContainText(`test digit ${index}`);
  // Keyboard: focus, → to the next wrong guess, Enter.
  await plot.focus();
  await page.keyboard.press("ArrowRight");
  await expect(tip).toContainText("(wrong)");
  const [, wrong] = /test digit (\d+)/.exec((await tip.textContent())!)!;
  await page.keyboard.press("Enter");
  await expect(metric(page, "current-input-thumb")).toContainText(`test digit ${wrong}`);
  await page.keyboard.press("Escape");
  await expect(tip).toBeHidden();
  await watch.expectClean();
});

const status = (page: Page) => metric(page, "projection-method-status");
const dots = (page: Page) => figure(page).locator('.projection-plot svg g[aria-label="dot"] > *');

/** Trains until the test accuracy passes `accuracy` %, then pauses. */
async function trainTo(page: Page, accuracy: number) {
  await button(page, "Train").click();
  await expect.poll(async () => number(page, "test-accuracy"), {timeout: 30_000}).toBeGreaterThan(accuracy);
  await pauseRun(page);
}

test("UMAP, chosen after some training, is computed in a worker and drawn with every digit; PCA comes back live", async ({page}) => {
  const watch = await openPage(page, "/mnist.html");
  await expect(figure(page)).toHaveAttribute("data-redraws", /\d+/);
  await trainTo(page, 70);
  const method = figure(page).getByRole("combobox", {name: /^Method/});
  await expect(method).toHaveValue("pca");
  await expect(status(page)).toHaveText(/PCA/);
  await expect(page.getByRole("button", {name: "Recompute"})).toBeHidden();
  // Chosen by keyboard: focus the menu and move to the next option.
  await method.focus();
  await page.keyboard.press("ArrowDown");
  await expect(method).toHaveValue("umap");
  await expect(status(page)).toContainText("UMAP");
  await expect(status(page)).toHaveText(/^UMAP of update [\d,]+$/, {timeout: 30_000});
  await expect(figure(page)).toHaveAttribute("data-method", "umap");
  await expect(dots(page)).toHaveCount(1000);
  const separation = await number(page, "projection-separation");
  expect(Number.isFinite(separation)).toBe(true);
  expect(separation).toBeGreaterThan(0);
  await expect(figure(page).locator(".projection-tangles li")).toHaveCount(3);
  // UMAP's tangled pairs are told by mixed neighbourhoods, not by centres (a class may form several clusters).
  await expect(figure(page).locator(".projection-tangles li").first()).toContainText(
    /^\s*\d and \d: [\d.]+ % of their digits' 10 nearest neighbours in the picture are of the other class; \d+ test digits? confused between them/,
  );
  // Keyboard and pick work on the UMAP points too.
  await figure(page).locator(".projection-plot").focus();
  await page.keyboard.press("ArrowRight");
  const tip = figure(page).locator(".projection-tip");
  await expect(tip).toContainText("(wrong)");
  const [, wrong] = /test digit (\d+)/.exec((await tip.textContent())!)!;
  await page.keyboard.press("Enter");
  await expect(metric(page, "current-input-thumb")).toContainText(`test digit ${wrong}`);
  // Recompute, by keyboard: the same weights, the same seed: the same update is named again.
  const redraws = Number(await figure(page).getAttribute("data-redraws"));
  await page.getByRole("button", {name: "Recompute"}).focus();
  await page.keyboard.press("Enter");
  await expect.poll(async () => Number(await figure(page).getAttribute("data-redraws")), {timeout: 30_000}).toBeGreaterThan(redraws);
  await expect(status(page)).toHaveText(/^UMAP of update [\d,]+$/);
  // Back to PCA: the status says so and the picture follows the run again.
  await method.selectOption("pca");
  await expect(status(page)).toHaveText(/PCA/);
  await expect(figure(page)).toHaveAttribute("data-method", "pca");
  await expect(page.getByRole("button", {name: "Recompute"})).toBeHidden();
  const samples = Number(await figure(page).getAttribute("data-samples"));
  await button(page, "Step").click();
  await figure(page).scrollIntoViewIfNeeded();
  await expect.poll(async () => Number(await figure(page).getAttribute("data-samples"))).toBeGreaterThan(samples);
  await expect(dots(page)).toHaveCount(1000);
  await watch.expectClean();
});

test("a UMAP worker that fails is reported, and the view falls back to PCA with nothing lost", async ({page}) => {
  await page.route("**/embedding-worker*.js", (route) => route.fulfill({status: 200, contentType: "text/javascript", body: 'throw new Error("injected failure");'}));
  const watch = await openPage(page, "/mnist.html");
  await expect(figure(page)).toHaveAttribute("data-redraws", /\d+/);
  const method = figure(page).getByRole("combobox", {name: /^Method/});
  await method.selectOption("umap");
  await expect(status(page)).toHaveText(/UMAP failed .*showing PCA/, {timeout: 30_000});
  await expect(method).toHaveValue("pca");
  await expect(figure(page)).toHaveAttribute("data-method", "pca");
  await expect(dots(page)).toHaveCount(1000);
  // The run and the picture go on.
  const samples = Number((await figure(page).getAttribute("data-samples")) ?? 0);
  await button(page, "Step").click();
  await figure(page).scrollIntoViewIfNeeded();
  await expect.poll(async () => Number(await figure(page).getAttribute("data-samples"))).toBeGreaterThan(samples);
  await watch.expectClean();
});

test("UMAP follows the run when it moves on, and a UMAP still computing when PCA is chosen again is dropped", async ({page}) => {
  const watch = await openPage(page, "/mnist.html");
  await expect(figure(page)).toHaveAttribute("data-redraws", /\d+/);
  const method = figure(page).getByRole("combobox", {name: /^Method/});
  await method.selectOption("umap");
  await expect(status(page)).toHaveText("UMAP of update 0", {timeout: 30_000});
  // The run moves on: a new UMAP starts by itself (throttled) and names the new update.
  await button(page, "Step").click();
  await figure(page).scrollIntoViewIfNeeded();
  await expect(status(page)).toHaveText("UMAP of update 1", {timeout: 30_000});
  await expect(figure(page)).toHaveAttribute("data-samples", /^[1-9]\d*$/);
  // Chosen and at once unchosen: the worker is stopped and its result never replaces PCA.
  await method.selectOption("pca");
  await method.selectOption("umap");
  await expect(status(page)).toContainText("computing UMAP");
  await method.selectOption("pca");
  await page.waitForTimeout(4000);
  await expect(status(page)).toHaveText(/^PCA/);
  await expect(figure(page)).toHaveAttribute("data-method", "pca");
  await watch.expectClean();
});
