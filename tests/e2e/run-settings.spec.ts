// The one input policy on the pages that train: a typed or chosen value is applied at once, to the
// run, the URL and the printed command (within a second), and the run then trains with it: the
// fingerprint after N Steps equals the one the CLI prints for the command the page shows.
import {execFileSync} from "node:child_process";
import {expect, test, type Page} from "@playwright/test";
import {openPage} from "./helpers.js";

const metric = (page: Page, name: string) => page.locator(`[data-metric="${name}"]`);
const button = (page: Page, name: string) => page.getByRole("button", {name, exact: true});
const command = (page: Page) => page.locator('[data-metric="command"]');
const SOON = {timeout: 1000};

/** Runs the command a page prints (`npm run -s train -- …`) and returns the CLI's JSON. */
function runShown(text: string): {fingerprint: string; steps: number} {
  const args = text
    .trim()
    .replace(/^npm run -s train -- /, "")
    .split(/\s+/);
  return JSON.parse(execFileSync(process.execPath, ["--import", "tsx", "bin/train.ts", "--quiet", ...args], {encoding: "utf8"}));
}

/** Types `value` into the number box labelled `label`, presses Enter, and checks URL and command follow within a second. */
async function type(page: Page, label: string, value: string, param: string, flag: string) {
  const box = page.getByLabel(label, {exact: true});
  await box.fill(value);
  await box.press("Enter");
  await expect(page, `${param} in the URL`).toHaveURL(new RegExp(`[?&]${param}=${value.replace(".", "\\.")}(&|$)`), SOON);
  await expect(command(page), `${flag} in the command`).toContainText(`${flag} ${value} `, SOON);
  await expect(box).toHaveValue(value);
}

/** N Steps, then the CLI run of the shown command reaches the page's fingerprint. */
async function stepsMatchCli(page: Page, steps: number) {
  for (let k = 0; k < steps; k++) await button(page, "Step").click();
  await expect(metric(page, "steps")).toHaveText(String(steps));
  await expect(command(page)).toContainText(`--steps ${steps}`);
  const shown = (await command(page).textContent())!;
  const result = runShown(shown);
  expect(result.steps).toBe(steps);
  await expect(metric(page, "fingerprint")).toHaveText(result.fingerprint);
}

test("neuron lab: η, μ, B, seed and the dataset reach the URL and the command at once, and the run trains with them", async ({page}) => {
  const watch = await openPage(page, "/neuron-lab.html");
  await type(page, "Learning rate η", "0.1", "lr", "--lr");
  await type(page, "Momentum μ", "0.5", "momentum", "--momentum");
  await type(page, "Minibatch size B", "8", "batch", "--batch");
  await type(page, "Seed", "3", "seed", "--seed");
  await page.getByRole("radio", {name: "MNIST, 16×16"}).check();
  await expect(page).toHaveURL(/[?&]dataset=mnist16(&|$)/, SOON);
  await expect(command(page)).toContainText("--dataset mnist16 ", SOON);
  await expect(metric(page, "steps")).toHaveText("0");
  await stepsMatchCli(page, 6);
  await watch.expectClean();
});

test("MNIST page: η, μ, B and the seed reach the URL and the command at once, and the run trains with them", async ({page}) => {
  const watch = await openPage(page, "/mnist.html");
  await type(page, "Learning rate η", "0.02", "lr", "--lr");
  await type(page, "Momentum μ", "0.5", "momentum", "--momentum");
  await type(page, "Minibatch size B", "8", "batch", "--batch");
  await type(page, "Seed", "4", "seed", "--seed");
  await page.getByLabel("Initialisation").selectOption({label: "Xavier (Glorot) normal"});
  await expect(page).toHaveURL(/[?&]init=xavier-normal(&|$)/, SOON);
  await expect(command(page)).toContainText("--init xavier-normal ", SOON);
  await stepsMatchCli(page, 5);
  await watch.expectClean();
});

test("5×5 page: a typed hidden size is applied or refused at the box, never left half-applied", async ({page}) => {
  const watch = await openPage(page, "/tiny.html");
  const hidden = page.getByLabel("Hidden units", {exact: true});
  for (const typed of ["0", "31", "2.5"]) {
    await hidden.fill(typed);
    await hidden.press("Enter");
    await expect(metric(page, "refused-hidden units")).toContainText(`hidden units = ${typed} refused`);
    await expect(hidden).toHaveValue("10");
  }
  await expect(page.locator(".network-diagram g.unit")).toHaveCount(25 + 10 + 10);
  await hidden.fill("4");
  await hidden.press("Enter");
  await expect(page).toHaveURL(/[?&]hidden=4(&|$)/, SOON);
  await expect(page.locator(".network-diagram g.unit")).toHaveCount(25 + 4 + 10);
  await watch.expectClean();
});
