// The 5×5 network page: Train N reaches 100 % on the ten glyphs, editing a weight changes an
// output bar and the fingerprint, the draw pad feeds the network, a hidden size of 1 says why.
import {expect, test, type Page} from "@playwright/test";
import {openPage} from "./helpers.js";

const metric = (page: Page, name: string) => page.locator(`[data-metric="${name}"]`);
const outputs = async (page: Page) => (await metric(page, "outputs").locator("li").allTextContents()).map(Number);

for (const width of [1280, 800]) {
  test(`loads clean at ${width} px, with no horizontal overflow`, async ({page}) => {
    await page.setViewportSize({width, height: 900});
    const watch = await openPage(page, "/tiny.html");
    await expect(metric(page, "iterations")).toHaveText("0");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await watch.expectClean();
  });
}

test("Train N raises the accuracy on the ten glyphs to 100 %; Reset returns to the seed's weights", async ({page}) => {
  const watch = await openPage(page, "/tiny.html");
  const initial = (await metric(page, "fingerprint").textContent())!;
  await page.getByRole("button", {name: "Train 500 iterations"}).click();
  await expect(metric(page, "iterations")).toHaveText("500");
  await expect(metric(page, "accuracy")).toHaveText("100 %");
  await expect(metric(page, "fingerprint")).not.toHaveText(initial);
  await page.getByRole("button", {name: "Reset", exact: true}).click();
  await expect(metric(page, "iterations")).toHaveText("0");
  await expect(metric(page, "fingerprint")).toHaveText(initial);
  await watch.expectClean();
});

test("editing a weight changes an output bar and the fingerprint", async ({page}) => {
  const watch = await openPage(page, "/tiny.html");
  const before = await outputs(page);
  const fingerprint = (await metric(page, "fingerprint").textContent())!;
  // A wire into output 0 from hidden unit 0, picked by keyboard (focus, Enter).
  await page.locator('line.wire[data-layer="2"][data-to="0"][data-from="0"]').focus();
  await page.keyboard.press("Enter");
  const box = page.getByRole("spinbutton", {name: /Weight, layer 2/});
  await box.fill("15");
  await box.press("Enter");
  await expect.poll(async () => (await outputs(page))[0]).not.toBe(before[0]);
  await expect(metric(page, "fingerprint")).not.toHaveText(fingerprint);
  // Out of range is refused at the box.
  await box.fill("50");
  await box.press("Enter");
  await expect(metric(page, "refused-w")).toContainText("w = 50 refused");
  // Text the number box cannot hold is quoted as typed, not as "(empty)".
  await box.fill("");
  await box.pressSequentially("Infinity");
  await box.press("Enter");
  await expect(metric(page, "refused-w")).toContainText("w = Infinity refused (not a number); still using 15.");
  await expect(box).toHaveValue("15");
  await watch.expectClean();
});

test("a drawing on the 5×5 pad is fed to the network; one hidden unit explains itself", async ({page}) => {
  const watch = await openPage(page, "/tiny.html");
  await page.getByRole("radio", {name: "draw your own"}).check();
  const before = await outputs(page);
  for (const cell of [2, 7, 12, 17, 22]) await page.getByRole("button", {name: `pixel row ${Math.floor(cell / 5) + 1}, column ${(cell % 5) + 1}`}).click();
  await expect.poll(async () => (await outputs(page)).join()).not.toBe(before.join());
  await page.getByLabel("Hidden units", {exact: true}).fill("1");
  await page.getByLabel("Hidden units", {exact: true}).press("Enter");
  await expect(page.locator(".caution")).toContainText("one hidden unit");
  await watch.expectClean();
});
