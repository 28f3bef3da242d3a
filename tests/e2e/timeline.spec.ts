// Time travel on the MNIST page (data-figure="timeline"), in real Chromium against dist/: the run
// keeps checkpoints; moving the slider shows a checkpoint's fingerprint and test accuracy in every
// view while the run stays where it is; Live returns; a Load while on a checkpoint returns to live
// with the loaded weights, never a mix.
import {execFileSync} from "node:child_process";
import {expect, test, type Page} from "@playwright/test";
import {openPage, pauseRun} from "./helpers.js";

const metric = (page: Page, name: string) => page.locator(`[data-metric="${name}"]`).first();
const number = async (page: Page, name: string) => parseFloat((await metric(page, name).textContent())!.replace(/,/g, ""));
const button = (page: Page, name: string) => page.getByRole("button", {name, exact: true});
const timeline = (page: Page) => page.locator('[data-figure="timeline"]');

test("the first checkpoint shows the untrained network's fingerprint and accuracy in every view; Live returns to now", async ({page}) => {
  const watch = await openPage(page, "/mnist.html");
  const initialPrint = (await metric(page, "fingerprint").textContent())!;
  await expect(metric(page, "test-accuracy")).toHaveText(/%/);
  const initialAccuracy = (await metric(page, "test-accuracy").textContent())!;
  await button(page, "Train").click();
  await expect.poll(async () => number(page, "steps"), {timeout: 30_000}).toBeGreaterThan(400);
  await pauseRun(page);
  const liveSteps = await number(page, "steps");
  const liveSamples = String(await number(page, "samples-seen"));
  await expect(metric(page, "timeline-count")).toContainText(/\d+ checkpoints \(updates 0 to/);
  // The views follow the run where the reader sees them: each shows the paused run first.
  const views = ["projection", "saliency"].map((name) => page.locator(`[data-figure="${name}"]`));
  for (const view of views) {
    await view.scrollIntoViewIfNeeded();
    await expect(view).toHaveAttribute("data-samples", liveSamples);
  }
  // Keyboard: the slider's first position is update 0.
  const slider = metric(page, "timeline-slider");
  await slider.focus();
  await page.keyboard.press("Home");
  await expect(timeline(page)).toHaveAttribute("data-mode", "checkpoint");
  await expect(metric(page, "timeline-steps")).toHaveText("update 0");
  await expect(metric(page, "timeline-fingerprint")).toHaveText(initialPrint);
  await expect(metric(page, "timeline-accuracy")).toHaveText(initialAccuracy);
  // Every view shows update 0 (0 samples seen); the run itself has not moved.
  for (const view of views) {
    await view.scrollIntoViewIfNeeded();
    await expect(view).toHaveAttribute("data-samples", "0");
  }
  expect(await number(page, "steps")).toBe(liveSteps);
  // A later checkpoint, then Live.
  await page.keyboard.press("ArrowRight");
  await expect(metric(page, "timeline-steps")).toHaveText(/^update [1-9][\d,]*$/);
  await expect(metric(page, "timeline-fingerprint")).not.toHaveText(initialPrint);
  await button(page, "Live").click();
  await expect(timeline(page)).toHaveAttribute("data-mode", "live");
  await page.locator('[data-figure="projection"]').scrollIntoViewIfNeeded();
  await expect(page.locator('[data-figure="projection"]')).toHaveAttribute("data-samples", liveSamples);
  await watch.expectClean();
});

test("a Load while a checkpoint is on show returns every view to live with the loaded weights", async ({page}, testInfo) => {
  const out = testInfo.outputPath("cli.json");
  const args = [
    "--subset",
    "page",
    "--quiet",
    "--activation",
    "relu",
    "--init",
    "he-normal",
    "--optimizer",
    "sgd",
    "--lr",
    "0.01",
    "--batch",
    "32",
    "--momentum",
    "0.9",
    "--seed",
    "1",
    "--steps",
    "40",
    "--out",
    out,
  ];
  const cli = JSON.parse(execFileSync(process.execPath, ["--import", "tsx", "bin/train.ts", ...args], {encoding: "utf8"}));
  const watch = await openPage(page, "/mnist.html");
  await button(page, "Train").click();
  await expect.poll(async () => number(page, "steps"), {timeout: 30_000}).toBeGreaterThan(200);
  await pauseRun(page);
  await metric(page, "timeline-slider").focus();
  await page.keyboard.press("Home");
  await expect(timeline(page)).toHaveAttribute("data-mode", "checkpoint");
  await page.getByLabel("Load network").setInputFiles(out);
  await expect(metric(page, "fingerprint")).toHaveText(cli.fingerprint);
  await expect(timeline(page)).toHaveAttribute("data-mode", "live");
  await expect(metric(page, "timeline-count")).toContainText(/1 checkpoint \(updates 40 to 40|no checkpoints yet/);
  await page.locator('[data-figure="projection"]').scrollIntoViewIfNeeded();
  await expect(page.locator('[data-figure="projection"]')).toHaveAttribute("data-samples", String(cli.samplesSeen));
  await watch.expectClean();
});
