/**
 * Download buttons for data and figures: CSV/JSON text, and any Plot figure (or SVG) as SVG or
 * PNG. Colours that come from CSS variables are resolved into the exported SVG, so the file looks
 * like the page.
 *
 *   downloadButton("CSV", () => new Blob([csv], {type: "text/csv"}), "results.csv")
 *   figureDownloads(() => chart, "heatmap")   // two buttons: SVG, PNG
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

/** The <svg> of a Plot figure (a figure wraps it with its legend) or the element itself. */
function svgOf(figure: Element): SVGSVGElement {
  const svg = figure instanceof SVGSVGElement ? figure : (figure.querySelector("svg:not(.plot-swatch svg)") ?? figure.querySelector("svg"));
  if (!svg) throw new RangeError("invalid figure: it holds no <svg>");
  return svg as SVGSVGElement;
}

/** The figure's SVG as standalone text: inline the computed colours and font, add the namespace. */
export function svgText(figure: Element): string {
  const svg = svgOf(figure);
  const copy = svg.cloneNode(true) as SVGSVGElement;
  const style = getComputedStyle(svg);
  copy.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  copy.setAttribute("style", `background:${getComputedStyle(document.body).backgroundColor};color:${style.color};font-family:${style.fontFamily};font-size:${style.fontSize}`);
  // currentColor and var(--…) resolve against the page; write the page's colour in.
  copy.querySelectorAll("[fill='currentColor'],[stroke='currentColor']").forEach((node) => {
    if (node.getAttribute("fill") === "currentColor") node.setAttribute("fill", style.color);
    if (node.getAttribute("stroke") === "currentColor") node.setAttribute("stroke", style.color);
  });
  return new XMLSerializer().serializeToString(copy);
}

/** The figure rendered to PNG at `scale` × its size. */
export async function pngBlob(figure: Element, scale = 2): Promise<Blob> {
  const svg = svgOf(figure);
  const {width, height} = svg.getBoundingClientRect();
  const image = new Image();
  image.src = URL.createObjectURL(new Blob([svgText(figure)], {type: "image/svg+xml"}));
  await image.decode();
  const canvas = document.createElement("canvas");
  canvas.width = Math.ceil(width * scale);
  canvas.height = Math.ceil(height * scale);
  const context = canvas.getContext("2d")!;
  context.fillStyle = getComputedStyle(document.body).backgroundColor;
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.drawImage(image, 0, 0, canvas.width, canvas.height);
  URL.revokeObjectURL(image.src);
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error("PNG export failed"))), "image/png"));
}

/** SVG and PNG buttons for a figure; `figure()` returns the element as drawn now. */
export function figureDownloads(figure: () => Element, name: string): HTMLElement {
  return html`<span class="figure-downloads">
    ${downloadButton("SVG", () => new Blob([svgText(figure())], {type: "image/svg+xml"}), `${name}.svg`)} ${downloadButton("PNG", () => pngBlob(figure()), `${name}.png`)}
  </span>`;
}
