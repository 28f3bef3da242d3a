// Every built page loads cleanly, offline: all requests stay on the site's own
// origin, none fails, and there are no console errors, page errors or cell errors.
import {expect, test} from "@playwright/test";
import {builtPages, openPage} from "./helpers.js";

const pages = builtPages();

test("the site has pages", () => {
  expect(pages).toContain("/");
});

for (const path of pages) {
  test(`page ${path} loads with every request on-origin and no errors`, async ({page}) => {
    const watch = await openPage(page, path);
    expect(watch.requests.length).toBeGreaterThan(0);
    await watch.expectClean();
  });

  test(`page ${path}: every local link resolves`, async ({page, request}) => {
    await openPage(page, path);
    const origin = new URL(page.url()).origin;
    const links = await page.locator("a[href]").evaluateAll((as) => as.map((a) => (a as HTMLAnchorElement).href));
    const local = [...new Set(links.map((href) => href.replace(/#.*$/, "")))].filter((href) => href.startsWith(origin + "/"));
    for (const href of local) {
      const response = await request.get(href);
      expect(response.status(), href).toBeLessThan(400);
    }
  });
}

test("body text uses the site's own Source Serif 4", async ({page}) => {
  const watch = await openPage(page, "/");
  const fontFamily = await page.evaluate(() => getComputedStyle(document.querySelector("#observablehq-main p, #observablehq-main")!).fontFamily);
  expect(fontFamily).toMatch(/^"?Source Serif 4 Variable"?/);
  const loaded = await page.evaluate(async () => {
    await document.fonts.ready;
    return [...document.fonts].filter((f) => f.family.replace(/"/g, "") === "Source Serif 4 Variable" && f.status === "loaded").length;
  });
  expect(loaded).toBeGreaterThan(0);
  await watch.expectClean();
});

test("inputs.css is served with the installed @observablehq/inputs prefix", async ({page}) => {
  await openPage(page, "/");
  const css = await page.evaluate(() => {
    const sheet = [...document.styleSheets].find((s) => s.href && /\/inputs\.[0-9a-f]+\.css$/.test(s.href));
    return sheet ? [...sheet.cssRules].map((r) => r.cssText).join("\n") : null;
  });
  expect(css, "a linked inputs.css stylesheet").not.toBeNull();
  expect(css).toMatch(/\.inputs-[0-9a-f]{6}\b/);
  expect(css).not.toContain("__ns__");
});

test("KaTeX renders formulas with its own fonts", async ({page}) => {
  const watch = await openPage(page, "/");
  await expect(page.locator(".katex").first()).toBeVisible();
  await expect(page.locator(".katex-display").first()).toBeVisible();
  const fonts = await page.evaluate(async () => {
    await document.fonts.load('16px "KaTeX_Main"');
    await document.fonts.ready;
    return {
      check: document.fonts.check('16px "KaTeX_Main"'),
      // check() is also true when no face of that family exists, so look for a loaded face too.
      loaded: [...document.fonts].filter((f) => f.family.replace(/"/g, "") === "KaTeX_Main" && f.status === "loaded").length,
    };
  });
  expect(fonts.check).toBe(true);
  // The page's own tex component keeps backslashes and renders display math.
  const rendered = await page.evaluate(async () => {
    const href = document.querySelector<HTMLLinkElement>('link[rel="modulepreload"][href*="/components/tex."]')?.href;
    if (!href) return null;
    const {tex} = await import(href);
    return {inline: tex`\sigma(z) = \sum_i w_i`.textContent, block: tex.block`x^2`.className};
  });
  expect(rendered, "the page preloads components/tex.js").not.toBeNull();
  expect(rendered!.inline).toContain("σ");
  expect(rendered!.inline).toContain("∑");
  expect(rendered!.block).toContain("katex-display");
  expect(fonts.loaded).toBeGreaterThan(0);
  expect(watch.requests.some((url) => /\/KaTeX_Main-Regular\.woff2$/.test(url))).toBe(true);
  await watch.expectClean();
});
