// The MNIST page's learning-rate range test (views/lr-find.ts, in the training worker), and issue
// 17's training options on the page: set through the URL, passed into the worker's run and into the
// printed command, whose CLI run reaches the page's fingerprint.
import {execFileSync} from "node:child_process";
import {expect, test, type Page} from "@playwright/test";
import {openPage} from "./helpers.js";

const metric = (page: Page, name: string) => page.locator(`[data-metric="${name}"]`);
const button = (page: Page, name: string | RegExp) => page.getByRole("button", {name, exact: typeof name === "string"});
const command = (page: Page) => page.locator('[data-metric="command"]');

test("Find η runs the range test, draws loss against η with the suggested band, and Use sets η and the URL", async ({page}) => {
  const watch = await openPage(page, "/mnist.html");
  const figure = page.locator('[data-figure="lr-find"]');
  await figure.scrollIntoViewIfNeeded();
  const use = button(page, /^Use η = /);
  await expect(use).toHaveAttribute("aria-disabled", "true");
  // By keyboard: focus Find η and press Enter.
  await button(page, "Find η").focus();
  await page.keyboard.press("Enter");
  await expect(metric(page, "lr-find-status")).toContainText("Suggested η =", {timeout: 30_000});
  await expect(figure.locator("svg").first()).toBeVisible();
  // Two series (loss, smoothed loss), the band and the suggestion's rule.
  await expect(figure.locator("svg [aria-label='line'] path")).toHaveCount(2);
  await expect(figure.locator("svg [aria-label='rect'] rect")).toHaveCount(1);
  await expect(use).not.toHaveAttribute("aria-disabled", "true");
  const label = (await use.textContent())!;
  const eta = label.replace(/^Use η = /, "").trim();
  expect(Number(eta)).toBeGreaterThanOrEqual(1e-4);
  expect(Number(eta)).toBeLessThanOrEqual(10);
  const box = page.getByLabel("Learning rate η", {exact: true});
  const before = await box.inputValue();
  await use.click();
  await expect(box).toHaveValue(eta);
  if (eta !== before) await expect(page).toHaveURL(new RegExp(`[?&]lr=${eta.replace(".", "\\.")}(&|$)`), {timeout: 1000});
  await expect(command(page)).toContainText(`--lr ${eta} `);
  // Focus stays on the button after using it by keyboard.
  await use.focus();
  await page.keyboard.press("Enter");
  await expect(use).toBeFocused();
  await watch.expectClean();
});

test("decay + dropout + cosine with warm-up, set by URL: the page's run and the printed command reach the same fingerprint", async ({page}) => {
  const watch = await openPage(page, "/mnist.html?weight-decay=0.001&dropout=0.2&schedule=cosine&warmup=3&horizon=1&nesterov=on");
  await page.locator("details.advanced-settings summary").click();
  await expect(page.getByLabel("Weight decay λ", {exact: true})).toHaveValue("0.001");
  await expect(page.getByLabel("Dropout p", {exact: true})).toHaveValue("0.2");
  await expect(metric(page, "advanced-note")).toContainText("cosine schedule over 1 epoch = 938 updates");
  for (let k = 0; k < 5; k++) await button(page, "Step").click();
  await expect(metric(page, "steps")).toHaveText("5");
  const shown = (await command(page).textContent())!;
  for (const flag of ["--weight-decay 0.001", "--dropout 0.2", "--schedule cosine", "--horizon 1", "--warmup 3", "--nesterov"]) expect(shown).toContain(flag);
  const args = shown
    .trim()
    .replace(/^npm run -s train -- /, "")
    .split(/\s+/);
  const result = JSON.parse(execFileSync(process.execPath, ["--import", "tsx", "bin/train.ts", "--quiet", ...args], {encoding: "utf8"})) as {fingerprint: string; steps: number};
  expect(result.steps).toBe(5);
  await expect(metric(page, "fingerprint")).toHaveText(result.fingerprint);
  // Changing an advanced control rewrites the URL and the command at once.
  const dropout = page.getByLabel("Dropout p", {exact: true});
  await dropout.fill("0.3");
  await dropout.press("Enter");
  await expect(page).toHaveURL(/[?&]dropout=0\.3(&|$)/, {timeout: 1000});
  await expect(command(page)).toContainText("--dropout 0.3 ", {timeout: 1000});
  await watch.expectClean();
});
