// Observable Framework configuration for the digit workbook.
// Everything the site loads is served from its own origin: no `npm:` imports,
// no Google Fonts (`globalStylesheets: []`); the serif web font and the
// @observablehq/inputs stylesheet come from the data loaders src/fonts.css.ts
// and src/inputs.css.ts, linked from `head`.
import {existsSync} from "node:fs";

/** The workbook's pages, in reading order. Add a page here to list it in the sidebar and pager. */
export const pages: {name: string; path: string}[] = [
  {name: "Overview", path: "/index"},
  {name: "Training on MNIST", path: "/mnist"}
];

// A listed page whose source does not exist yet makes `observable build` fail
// ("Not found"); leave it out of the sidebar with a warning instead.
const root = new URL("./src/", import.meta.url);
const built = pages.filter(({path}) => {
  const exists = existsSync(new URL(`.${path}.md`, root));
  if (!exists) console.warn(`observablehq.config.ts: src${path}.md does not exist; page left out of the sidebar`);
  return exists;
});

export default {
  title: "Digit workbook",
  root: "src",
  output: "dist",
  theme: "air",
  globalStylesheets: [],
  head: `<link rel="icon" type="image/svg+xml" href="./favicon.svg">
<link rel="stylesheet" href="./fonts.css">
<link rel="stylesheet" href="./inputs.css">`,
  pages: built,
  sidebar: true,
  pager: true,
  search: true,
  toc: true,
  footer: "Digit workbook: small neural networks reading digits. Works offline."
};
