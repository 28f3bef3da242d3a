// "Why it said that" on the MNIST page (data-figure="saliency"), in real Chromium against dist/:
// the guess and a second class the reader picks (default the runner-up), maps that change when the
// drawing changes, and redraws that follow the live run at no more than a few a second.
import {expect, test, type Page} from "@playwright/test";
import {drawOnPad, openPage, pauseRun} from "./helpers.js";

const metric = (page: Page, name: string) => page.locator(`[data-metric="${name}"]`);
const number = async (page: Page, name: string) => parseFloat((await metric(page, name).textContent())!.replace(/,/g, ""));
const button = (page: Page, name: string) => page.getByRole("button", {name, exact: true});
const figure = (page: Page) => page.locator('[data-figure="saliency"]');

/** Trains until the test accuracy passes `floor` (%), then waits for the figure to show that network. */
async function trainTo(page: Page, floor: number) {
  await button(page, "Train").click();
  await expect.poll(async () => number(page, "test-accuracy"), {timeout: 30_000}).toBeGreaterThan(floor);
  await pauseRun(page);
  await figure(page).scrollIntoViewIfNeeded();
  await expect(figure(page)).toHaveAttribute("data-samples", String(await number(page, "samples-seen")));
}

/** A digest of every map's pixels (the six canvases after the input). */
const mapsDigest = (page: Page) =>
  figure(page)
    .locator(".saliency-grid canvas")
    .evaluateAll((canvases) =>
      canvases
        .slice(1)
        .map((c) => {
          const d = (c as HTMLCanvasElement).getContext("2d")!.getImageData(0, 0, 28, 28).data;
          let h = 0;
          for (let i = 0; i < d.length; i++) h = (h * 31 + d[i]) | 0;
          return h;
        })
        .join(","),
    );

test("explains the guess and a second class the reader picks (default the runner-up); the maps change when the drawing changes", async ({page}) => {
  const watch = await openPage(page, "/mnist.html");
  await trainTo(page, 85);
  const fig = figure(page);
  const guessRow = fig.locator('.saliency-class[data-role="guess"]');
  const secondRow = fig.locator('.saliency-class[data-role="second"]');
  const select = metric(page, "saliency-second");
  await expect(fig.locator(".saliency-grid canvas")).toHaveCount(7);
  await expect(fig.locator(".workbook-legend")).toHaveCount(3);
  // Default: the guess and the runner-up.
  await expect(select).toHaveValue("runner-up");
  const guess = (await fig.getAttribute("data-guess"))!;
  const runnerUp = (await fig.getAttribute("data-second"))!;
  expect(runnerUp).not.toBe(guess);
  await expect(guessRow).toHaveAttribute("data-class", guess);
  await expect(guessRow).toContainText(`${guess}: the guess, p = `);
  await expect(secondRow).toHaveAttribute("data-class", runnerUp);
  await expect(secondRow).toContainText(`${runnerUp}: the runner-up`);
  await expect(select.locator("option").first()).toHaveText(`the runner-up (now ${runnerUp})`);
  await expect(metric(page, "saliency-caption")).toContainText(`The network says ${guess}`);

  // The reader picks another class: the second row explains it.
  const pick = [0, 1, 2, 3].map(String).find((k) => k !== guess && k !== runnerUp)!;
  const before = await mapsDigest(page);
  await select.selectOption(pick);
  await expect(secondRow).toHaveAttribute("data-class", pick);
  await expect(secondRow).toContainText(`${pick}: your choice`);
  await expect(guessRow).toHaveAttribute("data-class", guess);
  await expect.poll(() => mapsDigest(page)).not.toBe(before);
  await select.selectOption("runner-up");
  await expect(secondRow).toHaveAttribute("data-class", runnerUp);

  // A drawing becomes the input: the maps explain it, and change again when a stroke is added.
  const heldOut = await mapsDigest(page);
  await drawOnPad(page, [
    [0.5, 0.15],
    [0.52, 0.85],
  ]);
  await expect(page.locator(".current-input")).toContainText("your drawing");
  // The pad is above the figure, which follows its input where the reader sees it: scroll back.
  await fig.scrollIntoViewIfNeeded();
  await expect(fig.locator(".saliency-grid canvas").nth(1)).toHaveAttribute("aria-label", /for your drawing$/);
  await expect.poll(() => mapsDigest(page)).not.toBe(heldOut);
  // The guessed row is the draw pad's guess.
  const drawnGuess = /Guess: (\d)/.exec((await page.locator(".draw-output").textContent())!)![1];
  await expect(guessRow).toHaveAttribute("data-class", drawnGuess);
  const one = await mapsDigest(page);
  // A bar across the top makes the stroke a 7 (or something else): the maps follow.
  await drawOnPad(page, [
    [0.2, 0.15],
    [0.55, 0.15],
  ]);
  await fig.scrollIntoViewIfNeeded();
  await expect.poll(() => mapsDigest(page)).not.toBe(one);
  const secondGuess = /Guess: (\d)/.exec((await page.locator(".draw-output").textContent())!)![1];
  await expect(guessRow).toHaveAttribute("data-class", secondGuess);
  await expect(metric(page, "saliency-caption")).toContainText(`The network says ${secondGuess}`);
  await watch.expectClean();
});

test("follows the live run's weights: Step changes the maps, and training redraws them at most a few times a second", async ({page}) => {
  const watch = await openPage(page, "/mnist.html");
  const fig = figure(page);
  await expect(fig).toHaveAttribute("data-samples", "0");
  const initial = await mapsDigest(page);
  await button(page, "Step").click();
  await expect(metric(page, "steps")).toHaveText("1");
  await fig.scrollIntoViewIfNeeded();
  await expect(fig).not.toHaveAttribute("data-samples", "0");
  await expect.poll(() => mapsDigest(page)).not.toBe(initial);
  // Train until paused, for 3 s: the figure keeps up, but no more than about 3 redraws a second.
  await page.getByLabel("Each Train runs").selectOption({label: "until paused"});
  const redraws = async () => Number(await fig.getAttribute("data-redraws"));
  const start = await redraws();
  await button(page, "Train").click();
  await page.waitForTimeout(3000);
  await pauseRun(page);
  const count = (await redraws()) - start;
  expect(count).toBeGreaterThanOrEqual(3);
  expect(count).toBeLessThanOrEqual(13);
  // Once the worker's paused state has arrived, the figure shows the weights the run stopped with.
  await expect(metric(page, "status")).toHaveText("paused");
  await expect.poll(async () => (await fig.getAttribute("data-samples")) === String(await number(page, "samples-seen"))).toBe(true);
  await watch.expectClean();
});
