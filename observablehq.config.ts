// Observable Framework configuration for the digit workbook.
// Everything the site loads is served from its own origin: no `npm:` imports,
// no Google Fonts (`globalStylesheets: []`); the serif web font and the
// @observablehq/inputs stylesheet come from the data loaders src/fonts.css.ts
// and src/inputs.css.ts, linked from `head`.

/** The workbook's pages, in reading order. Add a page here to list it in the sidebar and pager. */
export const pages: {name: string; path: string}[] = [
  {name: "Overview", path: "/index"},
  {name: "Mechanics of learning", path: "/mechanics"},
  {name: "The 5×5 network", path: "/tiny"},
  {name: "Training on MNIST", path: "/mnist"},
  {name: "Neuron lab", path: "/neuron-lab"},
  {name: "Convolutions", path: "/convolutions"},
  {name: "Compare", path: "/compare"},
  {name: "Your own experiment", path: "/experiment"},
];

export default {
  title: "Digit workbook",
  root: "src",
  // Links end in .html, so dist/ works on any plain static server (python3 -m http.server, S3, …),
  // not only on servers that map clean URLs such as /mnist to mnist.html.
  preserveExtension: true,
  output: "dist",
  // Light and dark variants, chosen by the reader's `prefers-color-scheme`.
  theme: ["air", "near-midnight"],
  globalStylesheets: [],
  head: `<link rel="icon" type="image/svg+xml" href="./favicon.svg">
<link rel="stylesheet" href="./fonts.css">
<link rel="stylesheet" href="./inputs.css">
<link rel="stylesheet" href="./workbook.css">`,
  pages,
  sidebar: true,
  pager: true,
  search: true,
  toc: true,
  footer: "Digit workbook: small neural networks reading digits. Works offline.",
};
