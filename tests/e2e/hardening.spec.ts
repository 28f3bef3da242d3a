// What a careless reader can do to the MNIST page: links with exact or out-of-range values, typed
// values outside a control's range, saving and loading the network, and opening the built site
// from a plain static server (playwright.config.ts serves dist/ with python3 -m http.server).
import {execFileSync} from "node:child_process";
import {readFileSync, writeFileSync} from "node:fs";
import {expect, test, type Page} from "@playwright/test";
import {openPage} from "./helpers.js";
import {fingerprint} from "../../src/components/nn/fingerprint.js";

const metric = (page: Page, name: string) => page.locator(`[data-metric="${name}"]`);
const button = (page: Page, name: string) => page.getByRole("button", {name, exact: true});
const box = (page: Page, name: RegExp) => page.getByRole("spinbutton", {name});

test("a link's exact values are the run's values: nothing is rounded and the URL is not rewritten", async ({page}) => {
  const watch = await openPage(page, "/mnist.html?lr=0.0123456789&momentum=0.555&batch=7");
  await expect(box(page, /Learning rate/)).toHaveValue("0.0123456789");
  await expect(box(page, /Momentum/)).toHaveValue("0.555");
  await expect(box(page, /Minibatch/)).toHaveValue("7");
  await expect(page.locator('[data-metric="command"]')).toContainText("--lr 0.0123456789 --batch 7 --momentum 0.555");
  const search = await page.evaluate(() => location.search);
  expect(new URLSearchParams(search).get("lr")).toBe("0.0123456789");
  expect(new URLSearchParams(search).get("momentum")).toBe("0.555");
  await expect(metric(page, "url-problems")).toHaveCount(0);
  await watch.expectClean();
});

test("η = 5 from a link runs with 5; η below the range falls back with a note", async ({page}) => {
  await openPage(page, "/mnist.html?lr=5");
  await expect(box(page, /Learning rate/)).toHaveValue("5");
  await expect(page.locator('[data-metric="command"]')).toContainText("--lr 5 ");
  await openPage(page, "/mnist.html?lr=0.00005");
  await expect(metric(page, "url-problems")).toContainText('lr="0.00005" ignored (expected a number from 0.0001 to 10); using 0.01');
  await expect(box(page, /Learning rate/)).toHaveValue("0.01");
});

test("a 10,000-character URL value is quoted short in the warning and the page keeps its width", async ({page}) => {
  await openPage(page, `/mnist.html?lr=${"9".repeat(10_000)}`);
  await expect(metric(page, "url-problems")).toContainText("10,000 characters");
  const text = (await metric(page, "url-problems").textContent())!;
  expect(text.length).toBeLessThan(300);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});

test("typed values outside their range are refused at the box, and the value in use comes back", async ({page}) => {
  const watch = await openPage(page, "/mnist.html");
  const lr = box(page, /Learning rate/);
  for (const typed of ["50", "0", "-1"]) {
    await lr.fill(typed);
    await lr.press("Enter");
    await expect(metric(page, "refused-η")).toContainText(`η = ${typed} refused`);
    await expect(metric(page, "refused-η")).toContainText("still using 0.01");
    await expect(lr).toHaveValue("0.01");
    await expect(page.locator('[data-metric="command"]')).toContainText("--lr 0.01 ");
  }
  // While typing, the box is marked invalid before anything is committed.
  await lr.fill("12");
  await expect(lr).toHaveAttribute("aria-invalid", "true");
  await lr.press("Enter");
  const momentum = box(page, /Momentum/);
  await momentum.fill("1.5");
  await momentum.press("Tab");
  await expect(metric(page, "refused-μ")).toContainText("μ = 1.5 refused");
  await expect(momentum).toHaveValue("0.9");
  const seed = box(page, /^Seed/);
  for (const typed of ["1.5", "-5", ""]) {
    await seed.fill(typed);
    await seed.press("Enter");
    await expect(metric(page, "refused-seed")).toContainText("refused");
    await expect(seed).toHaveValue("1");
  }
  await expect(page.locator('[data-metric="command"]')).toContainText("--momentum 0.9 --seed 1 ");
  // A good value is taken and clears the message.
  await lr.fill("0.05");
  await lr.press("Enter");
  await expect(page.locator('[data-metric="command"]')).toContainText("--lr 0.05 ");
  await expect(metric(page, "refused-η")).toHaveText("");
  await watch.expectClean();
});

test("Save then Load gives back the same network: same fingerprint and updates, settings restored", async ({page}, testInfo) => {
  const watch = await openPage(page, "/mnist.html?seed=5&batch=8");
  for (let k = 0; k < 4; k++) await button(page, "Step").click();
  await expect(metric(page, "steps")).toHaveText("4");
  const saved = (await metric(page, "fingerprint").textContent())!;
  const accuracy = (await metric(page, "test-accuracy").textContent())!;
  const [download] = await Promise.all([page.waitForEvent("download"), button(page, "Save network").click()]);
  const file = testInfo.outputPath("saved.json");
  await download.saveAs(file);
  expect(download.suggestedFilename()).toBe(`mnist-${saved}-4-updates.json`);
  const json = JSON.parse(readFileSync(file, "utf8"));
  expect(json.format).toBe("digit-workbook/network");
  expect(json.fingerprint).toBe(saved);

  // A fresh page with other settings, then Load: the controls and the network come back.
  await openPage(page, "/mnist.html?seed=9");
  await expect(metric(page, "fingerprint")).not.toHaveText(saved);
  await page.getByLabel("Load network").setInputFiles(file);
  await expect(metric(page, "fingerprint")).toHaveText(saved);
  await expect(metric(page, "steps")).toHaveText("4");
  // The figure shown before Save belonged to the saved weights: the loaded network shows the same.
  await expect(metric(page, "test-accuracy")).toHaveText(accuracy);
  await expect(box(page, /^Seed/)).toHaveValue("5");
  await expect(box(page, /Minibatch/)).toHaveValue("8");
  await expect(metric(page, "load-message")).toContainText(`Loaded a network with fingerprint ${saved}`);
  // Training goes on from the loaded weights.
  await button(page, "Step").click();
  await expect(metric(page, "steps")).toHaveText("5");

  // A damaged file is refused with the module's named error, and the run is untouched.
  const before = (await metric(page, "fingerprint").textContent())!;
  json.layers[0].weights[3] += 1e-3;
  const damaged = testInfo.outputPath("damaged.json");
  writeFileSync(damaged, JSON.stringify(json));
  await page.getByLabel("Load network").setInputFiles(damaged);
  await expect(metric(page, "load-message")).toContainText("damaged.json was not loaded: NetworkFileError: fingerprint");
  await expect(metric(page, "fingerprint")).toHaveText(before);
  const notJson = testInfo.outputPath("notes.json");
  writeFileSync(notJson, "hello");
  await page.getByLabel("Load network").setInputFiles(notJson);
  await expect(metric(page, "load-message")).toContainText("NetworkFileError: not JSON");
  await watch.expectClean();
});

test("a network saved by train --out loads with its η, B, μ and optimiser; a file's bad value or huge weights are the file's problem", async ({page}, testInfo) => {
  const out = testInfo.outputPath("cli-net.json");
  const args = ["--subset", "page", "--quiet", "--optimizer", "sgd", "--lr", "0.05", "--batch", "16", "--momentum", "0.5", "--seed", "7", "--steps", "5", "--out", out];
  const cli = JSON.parse(execFileSync(process.execPath, ["--import", "tsx", "bin/train.ts", ...args], {encoding: "utf8"}));
  const watch = await openPage(page, "/mnist.html");
  await page.getByLabel("Load network").setInputFiles(out);
  await expect(metric(page, "fingerprint")).toHaveText(cli.fingerprint);
  await expect(metric(page, "steps")).toHaveText("5");
  await expect(box(page, /Learning rate/)).toHaveValue("0.05");
  await expect(box(page, /Minibatch/)).toHaveValue("16");
  await expect(box(page, /Momentum/)).toHaveValue("0.5");
  await expect(box(page, /^Seed/)).toHaveValue("7");
  await expect(metric(page, "load-message")).toContainText("the controls now hold its settings (from the training options that train --out wrote)");
  // The page's command repeats the loaded run.
  await expect(page.locator('[data-metric="command"]')).toContainText("--optimizer sgd --lr 0.05 --batch 16 --momentum 0.5 --seed 7");

  // A value the page refuses is the file's problem, named with the file; nothing changes.
  const json = JSON.parse(readFileSync(out, "utf8"));
  json.meta.training.learningRate = 50;
  const badLr = testInfo.outputPath("bad-lr.json");
  writeFileSync(badLr, JSON.stringify(json));
  await page.getByLabel("Load network").setInputFiles(badLr);
  await expect(metric(page, "load-message")).toContainText("bad-lr.json was not loaded: NetworkFileError: file bad-lr.json: lr 50 refused (expected a number from 0.0001 to 10)");
  await expect(metric(page, "load-message")).not.toContainText("URL parameter");
  await expect(box(page, /Learning rate/)).toHaveValue("0.05");

  // Weights of 1e300 are finite but no view can draw them: refused at Load, before any view sees them.
  const huge = JSON.parse(readFileSync(out, "utf8"));
  huge.layers[0].weights[0] = 1e300;
  huge.fingerprint = fingerprint(
    huge.layers.map((l: {fanIn: number; fanOut: number; weights: number[]; biases: number[]}) => ({...l, weights: Float64Array.from(l.weights), biases: Float64Array.from(l.biases)})),
  );
  const hugeFile = testInfo.outputPath("huge.json");
  writeFileSync(hugeFile, JSON.stringify(huge));
  await page.getByLabel("Load network").setInputFiles(hugeFile);
  await expect(metric(page, "load-message")).toContainText("huge.json was not loaded: NetworkFileError: layers[0].weights[0]: 1e+300 is too large");
  await expect(metric(page, "fingerprint")).toHaveText(cli.fingerprint);
  await watch.expectClean();
});

test("the built site works on a plain static server: sidebar links end in .html and load", async ({page}) => {
  const watch = await openPage(page, "/");
  const hrefs = await page.locator("#observablehq-sidebar a[href]").evaluateAll((as) => as.map((a) => a.getAttribute("href")!));
  expect(hrefs.some((h) => /mnist\.html$/.test(h))).toBe(true);
  await page.locator("#observablehq-sidebar a", {hasText: "Training on MNIST"}).click();
  await expect(page).toHaveURL(/\/mnist\.html$/);
  await expect(metric(page, "fingerprint")).toHaveText(/^[0-9a-f]{12}$/);
  await watch.expectClean();
});
