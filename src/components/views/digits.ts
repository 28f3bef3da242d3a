/**
 * A strip of digit images drawn on one canvas (one pixel per pixel, scaled up with CSS), for
 * previews. Paper is the page's background and ink the activation colour of the shared palette,
 * so the strip reads as ink on paper in light and in dark mode.
 */
import {rgb} from "d3";
import {palette} from "./palette.js";
export interface DigitStripOptions {
  /** Images to draw (default all). */
  count?: number;
  /** Images per row (default 15). */
  columns?: number;
  /** CSS pixels per image pixel (default 2). */
  scale?: number;
}

/**
 * pixels: Uint8Array of n × rows × cols (0 = paper, 255 = ink); returns a <canvas>.
 * throws RangeError when pixels.length is not a multiple of rows × cols.
 */
export function digitStrip(pixels: Uint8Array, rows: number, cols: number, {count, columns = 15, scale = 2}: DigitStripOptions = {}): HTMLCanvasElement {
  const size = rows * cols;
  if (pixels.length % size !== 0) throw new RangeError(`invalid pixels: length ${pixels.length} is not a multiple of ${rows}×${cols}`);
  const n = Math.min(count ?? Infinity, pixels.length / size);
  const gap = 2;
  const across = Math.min(columns, n),
    down = Math.ceil(n / columns);
  const canvas = document.createElement("canvas");
  canvas.width = across * (cols + gap) - gap;
  canvas.height = down * (rows + gap) - gap;
  canvas.style.width = `${canvas.width * scale}px`;
  canvas.style.imageRendering = "pixelated";
  canvas.style.maxWidth = "100%";
  const context = canvas.getContext("2d")!;
  const image = context.createImageData(canvas.width, canvas.height);
  const p = palette();
  const paper = rgb(p.background),
    ink = rgb(p.activationHigh);
  for (let o = 0; o < image.data.length; o += 4) {
    image.data[o] = paper.r;
    image.data[o + 1] = paper.g;
    image.data[o + 2] = paper.b;
    image.data[o + 3] = 255;
  }
  for (let k = 0; k < n; k++) {
    const x0 = (k % columns) * (cols + gap),
      y0 = Math.floor(k / columns) * (rows + gap);
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < cols; c++) {
        const t = pixels[k * size + r * cols + c] / 255;
        const o = ((y0 + r) * canvas.width + x0 + c) * 4;
        image.data[o] = paper.r + t * (ink.r - paper.r);
        image.data[o + 1] = paper.g + t * (ink.g - paper.g);
        image.data[o + 2] = paper.b + t * (ink.b - paper.b);
      }
    }
  }
  context.putImageData(image, 0, 0);
  return canvas;
}
