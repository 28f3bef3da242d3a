// Data loader for /fonts.css: the body serif (Source Serif 4, variable) served
// from the site itself instead of Google Fonts. The latin-subset woff2 files of
// @fontsource-variable/source-serif-4 (weight and optical-size axes; normal and
// italic) are inlined as data: URLs, and Framework's `--serif` variable is
// pointed at the family.
import {readFileSync} from "node:fs";
import {createRequire} from "node:module";

const require = createRequire(import.meta.url);
const family = "Source Serif 4 Variable";

// Same range as fontsource's latin subset.
const latin = "U+0000-00FF,U+0131,U+0152-0153,U+02BB-02BC,U+02C6,U+02DA,U+02DC,U+0304,U+0308,U+0329,U+2000-206F,U+20AC,U+2122,U+2191,U+2193,U+2212,U+2215,U+FEFF,U+FFFD";

function fontFace(style: "normal" | "italic"): string {
  const specifier = `@fontsource-variable/source-serif-4/files/source-serif-4-latin-opsz-${style}.woff2`;
  let data: Buffer;
  try {
    data = readFileSync(require.resolve(specifier));
  } catch (error) {
    process.stderr.write(`src/fonts.css.ts: cannot read ${specifier}: ${error}\n`);
    process.exit(1);
  }
  return `@font-face {
  font-family: "${family}";
  font-style: ${style};
  font-display: swap;
  font-weight: 200 900;
  src: url(data:font/woff2;base64,${data.toString("base64")}) format("woff2");
  unicode-range: ${latin};
}
`;
}

process.stdout.write(`/* Source Serif 4 (SIL Open Font License 1.1), from @fontsource-variable/source-serif-4 */
${fontFace("normal")}${fontFace("italic")}
:root {
  --serif:
    "${family}",
    "Source Serif 4",
    "Iowan Old Style",
    "Apple Garamond",
    "Palatino Linotype",
    "Times New Roman",
    "Droid Serif",
    Times,
    serif,
    "Apple Color Emoji",
    "Segoe UI Emoji",
    "Segoe UI Symbol";
}
`);
