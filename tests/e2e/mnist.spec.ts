// The MNIST page: live training in real Chromium, reset, the CLI's fingerprint parity, URL
// fallbacks and divergence. Runs against the built site (dist/).
import {execFileSync} from "node:child_process";
import {expect, test, type Page} from "@playwright/test";
import {openPage, pauseRun} from "./helpers.js";

const metric = (page: Page, name: string) => page.locator(`[data-metric="${name}"]`);
const number = async (page: Page, name: string) => parseFloat((await metric(page, name).textContent())!.replace(/,/g, ""));
const button = (page: Page, name: string) => page.getByRole("button", {name, exact: true});

/** The CLI's JSON result for a run on the page's subset. */
function cli(args: string[]): {fingerprint: string; initialFingerprint: string; steps: number; testAccuracy: number} {
  const out = execFileSync(process.execPath, ["--import", "tsx", "bin/train.ts", "--subset", "page", "--quiet", ...args], {encoding: "utf8"});
  return JSON.parse(out);
}

test("training at the defaults raises test accuracy above 85 %, then Pause stops it", async ({page}, testInfo) => {
  const watch = await openPage(page, "/mnist.html");
  await expect(metric(page, "status")).toHaveText("idle");
  await expect(metric(page, "parameters")).toHaveText("13,002"); // 784·16+16 + 16·16+16 + 16·10+10
  // The worker's first evaluation arrives a moment after the page settles: wait for it.
  await expect.poll(() => number(page, "test-accuracy")).toBeLessThan(50);
  await button(page, "Train").click();
  await expect(metric(page, "status")).toHaveText("training");
  await expect.poll(() => number(page, "test-accuracy"), {timeout: 45_000}).toBeGreaterThan(85);
  await pauseRun(page);
  const seen = await number(page, "samples-seen");
  await page.waitForTimeout(500);
  expect(await number(page, "samples-seen")).toBe(seen);
  expect(await number(page, "samples-per-second")).toBeGreaterThan(0);
  expect(await number(page, "train-loss")).toBeLessThan(1);
  await page.screenshot({path: testInfo.outputPath("mnist-trained.png"), fullPage: true});
  await watch.expectClean();
});

test("Reset returns to the seed's initial fingerprint", async ({page}) => {
  const watch = await openPage(page, "/mnist.html");
  const initial = (await metric(page, "fingerprint").textContent())!;
  expect(initial).toMatch(/^[0-9a-f]{12}$/);
  for (let k = 0; k < 3; k++) await button(page, "Step").click();
  await expect(metric(page, "steps")).toHaveText("3");
  await expect(metric(page, "fingerprint")).not.toHaveText(initial);
  await button(page, "Reset").click();
  await expect(metric(page, "status")).toHaveText("idle");
  await expect(metric(page, "steps")).toHaveText("0");
  await expect(metric(page, "fingerprint")).toHaveText(initial);
  await watch.expectClean();
});

test("the CLI trained on the page's subset reaches the page's fingerprint after the same updates", async ({page}) => {
  const watch = await openPage(page, "/mnist.html?seed=7&batch=16");
  const steps = 12;
  const initial = (await metric(page, "fingerprint").textContent())!;
  for (let k = 0; k < steps; k++) await button(page, "Step").click();
  await expect(metric(page, "steps")).toHaveText(String(steps));
  const trained = (await metric(page, "fingerprint").textContent())!;
  const result = cli(["--seed", "7", "--batch", "16", "--steps", String(steps)]);
  expect(result.initialFingerprint).toBe(initial);
  expect(result.steps).toBe(steps);
  expect(result.fingerprint).toBe(trained);
  // The page prints the same command.
  await expect(page.locator('[data-metric="command"]')).toContainText(`--seed 7 --steps ${steps}`);
  await watch.expectClean();
});

test("a bad URL parameter falls back to the default and says so", async ({page}) => {
  const watch = await openPage(page, "/mnist.html?lr=fast&batch=32");
  await expect(metric(page, "url-problems")).toContainText('lr="fast"');
  await expect(page.getByRole("spinbutton", {name: /Learning rate/})).toHaveValue("0.01");
  await watch.expectClean();
});

test("a diverging run stops and says at which update", async ({page}) => {
  const watch = await openPage(page, "/mnist.html?activation=leaky-relu&lr=1&momentum=0.99");
  await button(page, "Train").click();
  await expect(metric(page, "status")).toHaveText("diverged", {timeout: 30_000});
  await expect(metric(page, "message")).toContainText(/Diverged: .* at step \d+/);
  const steps = await number(page, "steps");
  await expect(button(page, "Train")).toHaveAttribute("aria-disabled", "true");
  await button(page, "Train").click({force: true});
  await page.waitForTimeout(300);
  expect(await number(page, "steps")).toBe(steps);
  await watch.expectClean();
});

test("the page keeps handling clicks while it trains", async ({page}) => {
  const watch = await openPage(page, "/mnist.html?speed=max");
  await button(page, "Train").click();
  await expect(metric(page, "status")).toHaveText("training");
  // Measure how late a timer scheduled from a click fires while training runs (recorded, not asserted: timing is bench's job).
  const delays = await page.evaluate(async () => {
    const out: number[] = [];
    for (let k = 0; k < 20; k++) {
      const t = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 0));
      out.push(performance.now() - t);
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    return out;
  });
  test.info().annotations.push({type: "main-thread delay while training (ms, max of 20)", description: Math.max(...delays).toFixed(1)});
  // The run may have finished its 3-epoch budget meanwhile (then Pause no longer applies).
  await pauseRun(page);
  await watch.expectClean();
});
