// Self-test of the harness: watchPage must report what the site specs rely on it to catch.
import {expect, test} from "@playwright/test";
import {openPage} from "./helpers.js";

test("watchPage reports off-origin and failed requests, console errors, page errors and worker requests", async ({page}) => {
  const watch = await openPage(page, "/");
  await page.evaluate(async () => {
    console.error("deliberate console error");
    setTimeout(() => {
      throw new Error("deliberate page error");
    });
    await fetch("/no-such-file.json").catch(() => {});
    await fetch("http://example.invalid/x.js").catch(() => {});
    const worker = new Worker(URL.createObjectURL(new Blob([`fetch("http://example.invalid/from-worker").catch(() => {})`], {type: "text/javascript"})));
    await new Promise((resolve) => setTimeout(resolve, 1000));
    worker.terminate();
  });
  await page.waitForTimeout(200);
  const problems = watch.problems().join("\n");
  expect(problems).toContain("console error: deliberate console error");
  expect(problems).toContain("page error: Error: deliberate page error");
  expect(problems).toMatch(/HTTP 404: GET http:\/\/127\.0\.0\.1:\d+\/no-such-file\.json/);
  expect(problems).toContain("off-origin request: GET http://example.invalid/x.js");
  expect(problems).toContain("failed request: GET http://example.invalid/x.js");
  expect(problems).toContain("off-origin request: GET http://example.invalid/from-worker");
});
