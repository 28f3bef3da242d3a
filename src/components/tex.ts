/**
 * KaTeX math for the workbook, bundled from node_modules (Framework's built-in
 * `tex` loads KaTeX from a CDN, which this offline site cannot reach).
 *
 *   import {tex} from "./components/tex.js";
 *   tex`E = mc^2`                        // inline formula (a <span>)
 *   tex.block`\sum_i w_i x_i + b`        // display formula (a <span class="katex-display">)
 *   tex.options({macros: {...}})`...`    // any other KaTeX options
 *
 * Once a page imports this module, its ```tex fenced blocks use it too.
 *
 * The first call appends KaTeX's stylesheet once as a <link> in document.head.
 * The stylesheet loads its fonts from the relative url(fonts/…), and Framework
 * copies only files named by a literal import.meta.resolve, so every .woff2 font
 * is listed below by its own literal call (browsers pick woff2, so the .woff and
 * .ttf fallbacks are not needed).
 */
import katex, {type KatexOptions} from "katex";

const stylesheet = import.meta.resolve("katex/dist/katex.min.css");

/** KaTeX's woff2 fonts; listed only so that Framework copies them next to the stylesheet. */
export const fonts: readonly string[] = [
  import.meta.resolve("katex/dist/fonts/KaTeX_AMS-Regular.woff2"),
  import.meta.resolve("katex/dist/fonts/KaTeX_Caligraphic-Bold.woff2"),
  import.meta.resolve("katex/dist/fonts/KaTeX_Caligraphic-Regular.woff2"),
  import.meta.resolve("katex/dist/fonts/KaTeX_Fraktur-Bold.woff2"),
  import.meta.resolve("katex/dist/fonts/KaTeX_Fraktur-Regular.woff2"),
  import.meta.resolve("katex/dist/fonts/KaTeX_Main-Bold.woff2"),
  import.meta.resolve("katex/dist/fonts/KaTeX_Main-BoldItalic.woff2"),
  import.meta.resolve("katex/dist/fonts/KaTeX_Main-Italic.woff2"),
  import.meta.resolve("katex/dist/fonts/KaTeX_Main-Regular.woff2"),
  import.meta.resolve("katex/dist/fonts/KaTeX_Math-BoldItalic.woff2"),
  import.meta.resolve("katex/dist/fonts/KaTeX_Math-Italic.woff2"),
  import.meta.resolve("katex/dist/fonts/KaTeX_SansSerif-Bold.woff2"),
  import.meta.resolve("katex/dist/fonts/KaTeX_SansSerif-Italic.woff2"),
  import.meta.resolve("katex/dist/fonts/KaTeX_SansSerif-Regular.woff2"),
  import.meta.resolve("katex/dist/fonts/KaTeX_Script-Regular.woff2"),
  import.meta.resolve("katex/dist/fonts/KaTeX_Size1-Regular.woff2"),
  import.meta.resolve("katex/dist/fonts/KaTeX_Size2-Regular.woff2"),
  import.meta.resolve("katex/dist/fonts/KaTeX_Size3-Regular.woff2"),
  import.meta.resolve("katex/dist/fonts/KaTeX_Size4-Regular.woff2"),
  import.meta.resolve("katex/dist/fonts/KaTeX_Typewriter-Regular.woff2"),
];

let linked = false;

function linkStylesheet(): void {
  if (linked || typeof document === "undefined") return;
  linked = true;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = stylesheet;
  document.head.appendChild(link);
}

type Renderer = (strings: TemplateStringsArray | readonly string[], ...values: unknown[]) => HTMLElement;

function renderer(options: KatexOptions = {}): Renderer {
  return (strings, ...values) => {
    linkStylesheet();
    const root = document.createElement("div");
    // Use the raw strings (as String.raw does) so that \sigma keeps its backslash.
    const raw = "raw" in strings ? strings.raw : strings;
    katex.render(String.raw({raw}, ...values), root, {...options, output: "html"});
    return root.removeChild(root.firstChild!) as HTMLElement;
  };
}

/** Renders an inline formula: tex`...` (raw template strings, so backslashes need no escaping). */
export const tex: Renderer & {
  /** Renders a display-mode formula. */
  block: Renderer;
  /** Returns a renderer with the given KaTeX options. */
  options: (options?: KatexOptions) => Renderer;
} = Object.assign(renderer(), {block: renderer({displayMode: true}), options: renderer});

export default tex;
