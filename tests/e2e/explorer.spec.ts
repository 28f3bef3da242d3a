// The MNIST explorer's views on the MNIST page, in real Chromium against the built site (dist/):
// the activation/initialisation pair and its η defaults, dead units and the dead-layer stop, the
// held-out grid, the confusion matrix, the H1 tiles, the step view, draw mode and the η picture.
import {expect, test, type Page} from "@playwright/test";
import {drawOnPad, openPage, pauseRun} from "./helpers.js";
import {defaultEta} from "../../src/components/experiments/eta-defaults.js";

const metric = (page: Page, name: string) => page.locator(`[data-metric="${name}"]`);
const number = async (page: Page, name: string) => parseFloat((await metric(page, name).textContent())!.replace(/,/g, ""));
const button = (page: Page, name: string) => page.getByRole("button", {name, exact: true});
const lrBox = (page: Page) => page.getByRole("spinbutton", {name: /Learning rate/});

/** Trains until the test accuracy passes `floor` (%), then pauses. */
async function trainTo(page: Page, floor: number) {
  await button(page, "Train").click();
  await expect.poll(async () => number(page, "test-accuracy"), {timeout: 30_000}).toBeGreaterThan(floor);
  await pauseRun(page);
  await viewsCaughtUp(page);
}

/** Waits until every view shows the network of the status strip (they redraw a moment later). */
async function viewsCaughtUp(page: Page) {
  const samples = String(await number(page, "samples-seen"));
  await expect(page.locator(".sparklines-slot")).toHaveAttribute("data-samples", samples);
}

test("switching the activation moves η to its measured default and says so; a typed η is kept until the next switch", async ({page}) => {
  const watch = await openPage(page, "/mnist.html");
  const activation = page.getByLabel("Hidden activation");
  await expect(activation.locator("option")).toHaveText(["ReLU", "Leaky ReLU (slope 0.01)", "tanh", "Sigmoid (logistic)"]);
  await expect(page.getByLabel("Initialisation").locator("option", {hasText: "He (Kaiming) normal"})).toHaveCount(1);
  await expect(page.getByLabel("Initialisation").locator("option", {hasText: "Xavier (Glorot) uniform"})).toHaveCount(1);

  await activation.selectOption({label: "tanh"});
  const tanhEta = defaultEta("tanh", "sgd", 32, 0.9);
  await expect(lrBox(page)).toHaveValue(String(tanhEta));
  await expect(metric(page, "lr-note")).toHaveText(`η set to ${tanhEta} for tanh; type another value to override.`);
  await expect(page.locator('[data-metric="command"]')).toContainText(`--activation tanh --init he-normal --optimizer sgd --lr ${tanhEta} `);
  // A typed value stays while other controls change…
  await lrBox(page).fill("0.2");
  await lrBox(page).press("Enter");
  await expect(metric(page, "lr-note")).toContainText("η = 0.2 as typed");
  await page.getByLabel("Initialisation").selectOption({label: "Xavier (Glorot) uniform"});
  await expect(lrBox(page)).toHaveValue("0.2");
  await expect(page).toHaveURL(/init=xavier-uniform/);
  // …until the activation changes again.
  await activation.selectOption({label: "Sigmoid (logistic)"});
  await expect(lrBox(page)).toHaveValue(String(defaultEta("sigmoid", "sgd", 32, 0.9)));
  await expect(page).toHaveURL(/activation=sigmoid/);
  // The signal chart follows the pair: sigmoid's gradients shrink layer by layer.
  await expect(metric(page, "signal-verdict")).toContainText("Backward");
  await expect(metric(page, "signal-verdict")).toContainText("it vanishes");
  await watch.expectClean();
});

test("ReLU at η = 10 kills a hidden layer: the run stops and says so, the dead units are counted, Reset recovers", async ({page}) => {
  const watch = await openPage(page, "/mnist.html?activation=relu&lr=10");
  await expect(metric(page, "dead-units")).toHaveText(/^\d+ of 32$/);
  await button(page, "Train").click();
  await expect(metric(page, "status")).toHaveText(/stopped|diverged/, {timeout: 30_000});
  const status = await metric(page, "status").textContent();
  if (status === "stopped") {
    await expect(metric(page, "message")).toContainText(/Every unit of H[12] is dead \(0 on every test digit\): no gradient can reach it; press Reset/);
    await expect.poll(async () => parseInt((await metric(page, "dead-units").textContent())!, 10)).toBeGreaterThanOrEqual(16);
    // The dead tiles are marked.
    if ((await metric(page, "message").textContent())!.includes("H1")) await expect(page.locator(".tile.dead")).toHaveCount(16);
  } else {
    await expect(metric(page, "message")).toContainText(/Diverged: .* at step \d+/);
  }
  // Training stays stopped: Train is marked as not applying, and a forced click does nothing…
  const steps = await number(page, "steps");
  await expect(button(page, "Train")).toHaveAttribute("aria-disabled", "true");
  await button(page, "Train").click({force: true});
  await page.waitForTimeout(300);
  expect(await number(page, "steps")).toBe(steps);
  // …until Reset, which brings back live units and a run that steps.
  await button(page, "Reset").click();
  await expect(metric(page, "status")).toHaveText("idle");
  await expect(metric(page, "message")).toBeHidden();
  await expect.poll(async () => parseInt((await metric(page, "dead-units").textContent())!, 10)).toBeLessThan(16);
  await button(page, "Step").click();
  await expect(metric(page, "steps")).toHaveText("1");
  await watch.expectClean();
});

test("held-out digits are marked right or wrong with the guess on a badge; choosing one makes it every view's input", async ({page}) => {
  const watch = await openPage(page, "/mnist.html");
  const cells = page.locator(".held-out-grid button.held-out");
  await expect(cells).toHaveCount(90);
  await trainTo(page, 85);
  await expect(page.locator(".held-out-grid .held-out.right").first()).toBeVisible();
  // Every wrong digit carries "→g" with g its guess, never its own label.
  const wrong = page.locator(".held-out-grid .held-out.wrong");
  const n = await wrong.count();
  await expect(metric(page, "held-out-wrong")).toHaveText(`${n} of 90`);
  for (let k = 0; k < n; k++) {
    const label = await wrong.nth(k).getAttribute("data-label");
    const badge = (await wrong.nth(k).locator(".guess-badge").textContent())!;
    expect(badge).toMatch(/^→\d$/);
    expect(badge.slice(1)).not.toBe(label);
  }
  // Choose the 5th digit of class 7 (position 7·9 + 4 = 67).
  await cells.nth(67).click();
  await expect(cells.nth(67)).toHaveAttribute("aria-pressed", "true");
  await expect(page.locator(".current-input")).toContainText("held-out digit 68, a 7");
  await expect(page.locator(".output-bars")).toContainText("the answer is 7");
  // The H1 detail describes the chosen digit: focusing a tile shows its exact z and a.
  await page.locator(".tile[data-unit='3']").focus();
  await expect(metric(page, "unit-detail")).toContainText(/^H1 unit 3( \(dead\))?: z = -?\d+\.\d{4}, a = -?\d+\.\d{4}\./);
  await watch.expectClean();
});

test("the confusion matrix counts every test digit, and a cell lists exactly its digits", async ({page}) => {
  const watch = await openPage(page, "/mnist.html");
  await trainTo(page, 80);
  const cells = page.locator(".confusion-slot rect[role=button]");
  await expect(cells).toHaveCount(100);
  const labels = await cells.evaluateAll((rects) => rects.map((r) => r.getAttribute("aria-label")!));
  const counts = labels.map((l) => Number(/: (\d+) digit/.exec(l)![1]));
  expect(counts.reduce((s, c) => s + c, 0)).toBe(1000);
  // The largest off-diagonal cell, opened from the keyboard.
  let best = -1;
  labels.forEach((l, k) => {
    const [, a, g] = /true (\d), guessed (\d)/.exec(l)!;
    if (a !== g && (best < 0 || counts[k] > counts[best])) best = k;
  });
  const [, actual, guess] = /true (\d), guessed (\d)/.exec(labels[best])!;
  await cells.nth(best).focus();
  await page.keyboard.press("Enter");
  await expect(metric(page, "confusion-digits")).toContainText(`True ${actual}, guessed ${guess}: ${counts[best]} digit`);
  await expect(page.locator(".confusion-list button")).toHaveCount(Math.min(40, counts[best]));
  await page.locator(".confusion-list button").first().click();
  await expect(page.locator(".current-input")).toContainText(`, a ${actual}`);
  await watch.expectClean();
});

test("Step makes one update and shows its minibatch, the loss and the update size per layer", async ({page}) => {
  const watch = await openPage(page, "/mnist.html?batch=8");
  await page.locator('[data-action="step-here"]').click();
  await expect(metric(page, "steps")).toHaveText("1");
  const view = metric(page, "step-view");
  await expect(view.locator(".minibatch canvas")).toHaveCount(8);
  await expect(view).toContainText("update 1");
  expect(Number(await metric(page, "step-loss").textContent())).toBeGreaterThan(0);
  await expect(view.locator("tbody tr")).toHaveCount(3);
  // A second step from the run's own button moves on to the next minibatch.
  const first = await view.locator(".minibatch canvas").first().getAttribute("aria-label");
  await button(page, "Step").click();
  await expect(metric(page, "steps")).toHaveText("2");
  await expect(view).toContainText("update 2");
  expect(await view.locator(".minibatch canvas").first().getAttribute("aria-label")).not.toBe(first);
  await watch.expectClean();
});

test("draw mode: a drawn digit gets a live guess and becomes the input; D toggles, C clears, an empty pad shows no guess", async ({page}) => {
  const watch = await openPage(page, "/mnist.html");
  await trainTo(page, 85);
  const pad = page.locator(".draw-pad canvas");
  await pad.scrollIntoViewIfNeeded();
  await expect(page.locator(".draw-output")).toContainText("No guess");
  // A "1": one vertical stroke.
  await drawOnPad(page, [
    [0.5, 0.15],
    [0.52, 0.85],
  ]);
  await expect(page.locator(".draw-output")).toContainText(/Guess: \d \(p = 0\.\d{3}\)/);
  await expect(page.getByRole("button", {name: /Draw mode/})).toHaveAttribute("aria-pressed", "true");
  await expect(page.locator(".current-input")).toContainText("your drawing");
  // The prepared image holds ink centred in the frame.
  const ink = await page.locator(".prepared canvas").evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext("2d")!.getImageData(0, 0, 28, 28).data;
    const corner = [d[0], d[1], d[2]].join();
    let inked = 0;
    for (let i = 0; i < 784; i++) if ([d[4 * i], d[4 * i + 1], d[4 * i + 2]].join() !== corner) inked++;
    return inked;
  });
  expect(ink).toBeGreaterThan(20);
  // D toggles draw mode from the keyboard; C clears the pad.
  await page.locator("body").press("d");
  await expect(page.getByRole("button", {name: /Draw mode/})).toHaveAttribute("aria-pressed", "false");
  await page.locator("body").press("c");
  await expect(page.locator(".draw-output")).toContainText("No guess");
  await watch.expectClean();
});

test("the learning-rate picture comes from real build-time runs: too low, the default, too high", async ({page}) => {
  const watch = await openPage(page, "/mnist.html");
  const items = metric(page, "eta-runs").locator("li");
  await expect(items).toHaveCount(3);
  await expect(items.nth(0)).toContainText(/η = 0\.0003 \(too low\): \d+\.\d % after one epoch/);
  await expect(items.nth(1)).toContainText(/η = 0\.01 \(the default\): 9\d\.\d % after one epoch/);
  await expect(items.nth(2)).toContainText(/η = 1 \(too high\): (stopped after \d+ updates|diverged)/);
  await watch.expectClean();
});
