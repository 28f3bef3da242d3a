/**
 * Download buttons for data and figures: CSV/JSON text, and any Plot figure (or SVG) as SVG or
 * PNG. Colours that come from CSS variables are resolved into the exported SVG, so the file looks
 * like the page.
 *
 *   downloadButton("CSV", () => new Blob([csv], {type: "text/csv"}), "results.csv")
 *   figureDownloads(() => chart, "heatmap")   // two buttons: SVG, PNG, each the whole figure (chart and legends)
 */
import {html} from "htl";

/** Saves a blob under `name` through a temporary link. */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = html`<a href=${url} download=${name}></a>` as HTMLAnchorElement;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A button that saves what `make()` returns (a Blob, or a Promise of one). */
export function downloadButton(label: string, make: () => Blob | Promise<Blob>, name: string | (() => string)): HTMLButtonElement {
  return html`<button
    type="button"
    class="download"
    title=${`Download ${typeof name === "string" ? name : label}`}
    onclick=${async () => saveBlob(await make(), typeof name === "string" ? name : name())}
  >
    ${label}
  </button>` as HTMLButtonElement;
}

const SVG_NS = "http://www.w3.org/2000/svg";

/** The top-level <svg> elements of a figure (not those nested in another <svg>), in document order. */
function topSvgs(figure: Element): SVGSVGElement[] {
  if (figure instanceof SVGSVGElement) return [figure];
  return [...figure.querySelectorAll("svg")].filter((svg) => !svg.parentElement?.closest("svg")) as SVGSVGElement[];
}

/** A copy of `node` with currentColor written out as `color` (it resolves against the page, not the file) and no pointer tips. */
function standalone<T extends Element>(node: T, color: string): T {
  const copy = node.cloneNode(true) as T;
  copy.querySelectorAll("g[aria-label='tip']").forEach((tip) => tip.remove());
  for (const el of [copy, ...copy.querySelectorAll("*")]) {
    for (const attr of ["fill", "stroke"]) if (el.getAttribute(attr) === "currentColor") el.setAttribute(attr, color);
  }
  return copy;
}

/** The colour the figure is seen on: the first opaque background of it or an ancestor (the body's is often transparent). */
export function backgroundOf(element: Element): string {
  for (let el: Element | null = element; el; el = el.parentElement) {
    const color = getComputedStyle(el).backgroundColor;
    if (color && color !== "transparent" && !/^rgba\(.*,\s*0\)$/.test(color)) return color;
  }
  return "white";
}

/** The size a figure takes on the page (CSS pixels, rounded up): its charts, legends and labels. */
export function figureSize(figure: Element): {width: number; height: number} {
  const box = figure.getBoundingClientRect();
  if (!(box.width > 0 && box.height > 0)) throw new RangeError("invalid figure: it is not laid out (zero size)");
  return {width: Math.ceil(box.width), height: Math.ceil(box.height)};
}

/**
 * The whole figure as one standalone SVG document, at the size it has on the page: the chart's
 * <svg>, its legends (a colour ramp is an <svg>; swatches are small <svg>s with HTML labels) and
 * any other text in the figure, each placed where it is on the page. Colours that come from the
 * page (currentColor, the background) and the font are written in, so the file looks like the page.
 * throws RangeError when the figure holds no <svg> or is not laid out.
 */
export function svgText(figure: Element): string {
  const svgs = topSvgs(figure);
  if (!svgs.length) throw new RangeError("invalid figure: it holds no <svg>");
  const box = figure.getBoundingClientRect();
  const {width, height} = figureSize(figure);
  const style = getComputedStyle(svgs[svgs.length - 1]);
  const color = style.color;
  const out = document.createElementNS(SVG_NS, "svg");
  out.setAttribute("xmlns", SVG_NS);
  out.setAttribute("width", String(width));
  out.setAttribute("height", String(height));
  out.setAttribute("viewBox", `0 0 ${width} ${height}`);
  out.setAttribute("style", `background:${backgroundOf(figure)};color:${color};font-family:${style.fontFamily};font-size:${style.fontSize}`);
  const place = (el: Element) => {
    const r = el.getBoundingClientRect();
    return {x: r.left - box.left, y: r.top - box.top, width: r.width, height: r.height};
  };
  for (const svg of svgs) {
    const copy = standalone(svg, color);
    if (svg === figure) {
      copy.removeAttribute("xmlns");
    } else {
      const at = place(svg);
      copy.setAttribute("x", String(+at.x.toFixed(2)));
      copy.setAttribute("y", String(+at.y.toFixed(2)));
      copy.setAttribute("width", String(+at.width.toFixed(2)));
      copy.setAttribute("height", String(+at.height.toFixed(2)));
      // Plot's stylesheet gives its <svg> height: auto and max-width: 100%; pin the size it has.
      copy.setAttribute("style", `${copy.getAttribute("style") ?? ""};width:${at.width}px;height:${at.height}px;max-width:none;overflow:visible`);
    }
    out.append(copy);
  }
  // HTML text around the charts (swatch labels, legend titles), as <text> where it is on the page.
  if (!(figure instanceof SVGSVGElement)) {
    const walker = document.createTreeWalker(figure, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const parent = node.parentElement;
      const text = node.textContent?.trim();
      if (!text || !parent || parent.closest("svg, style, script")) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const r = range.getBoundingClientRect();
      if (!(r.width > 0)) continue;
      const css = getComputedStyle(parent);
      const t = document.createElementNS(SVG_NS, "text");
      t.setAttribute("x", String(+(r.left - box.left).toFixed(2)));
      t.setAttribute("y", String(+(r.top - box.top + r.height / 2).toFixed(2)));
      t.setAttribute("dominant-baseline", "central");
      t.setAttribute("fill", css.color);
      t.setAttribute("font-family", css.fontFamily);
      t.setAttribute("font-size", css.fontSize);
      if (css.fontWeight !== "400") t.setAttribute("font-weight", css.fontWeight);
      t.textContent = text;
      out.append(t);
    }
  }
  return new XMLSerializer().serializeToString(out);
}

/** The figure rendered to PNG at `scale` × its size on the page (legends included). */
export async function pngBlob(figure: Element, scale = 2): Promise<Blob> {
  const {width, height} = figureSize(figure);
  const image = new Image();
  image.src = URL.createObjectURL(new Blob([svgText(figure)], {type: "image/svg+xml"}));
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = Math.ceil(width * scale);
  canvas.height = Math.ceil(height * scale);
  const context = canvas.getContext("2d")!;
  context.fillStyle = backgroundOf(figure);
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  URL.revokeObjectURL(image.src);
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("PNG export failed"))), "image/png"));
}

/** SVG and PNG buttons for a figure (the chart with its legends); `figure()` returns the element as drawn now. */
export function figureDownloads(figure: () => Element, name: string): HTMLElement {
  return html`<span class="figure-downloads">
    ${downloadButton("SVG", () => new Blob([svgText(figure())], {type: "image/svg+xml"}), `${name}.svg`)} ${downloadButton("PNG", () => pngBlob(figure()), `${name}.png`)}
  </span>`;
}
