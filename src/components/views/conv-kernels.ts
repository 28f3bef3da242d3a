/**
 * Every kernel of a ConvNetwork's conv layers as a tile on the shared diverging weight scale
 * (palette.ts): conv 1's kernels in a row (one per output channel), a deeper layer's as a grid of
 * output channels (rows) × input channels (columns). One scale per layer, rounded up to a round
 * number so the tiles do not flicker as training nudges the largest weight; its legend is redrawn
 * only when that number changes.
 *
 *   const kernels = convKernels();
 *   kernels.update(network);   // repaint every tile from the network's weights
 */
import {html} from "htl";
import {kernelOf, type ConvLayer, type ConvNetwork} from "../nn/index.js";
import {palette, weightTable} from "./palette.js";
import {legend} from "./legend.js";
import {paint} from "./explorer-views.js";

/** The smallest of 1, 2, 2.5, 5 × a power of ten that is ≥ x (x > 0); a scale that changes in steps. */
export function niceCeil(x: number): number {
  if (!(x > 0 && Number.isFinite(x))) throw new RangeError(`invalid x: ${x} (expected a finite number > 0)`);
  const power = 10 ** Math.floor(Math.log10(x));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * power >= x * (1 - 1e-12)) return m * power;
  return 10 * power;
}

interface LayerTiles {
  layer: ConvLayer;
  canvases: HTMLCanvasElement[][];
  legend: HTMLElement;
  scale: number;
}

export function convKernels({tile = 40, smallTile = 20}: {tile?: number; smallTile?: number} = {}) {
  const node = html`<div class="conv-kernels"></div>` as HTMLElement;
  let layers: LayerTiles[] = [];
  let shape = "";

  function build(network: ConvNetwork): void {
    const convs = network.layers.filter((l): l is ConvLayer => l.type === "conv");
    layers = convs.map((layer, n) => {
      const size = layer.inChannels === 1 ? tile : smallTile;
      const canvases = Array.from({length: layer.outChannels}, (_, o) =>
        Array.from({length: layer.inChannels}, (_, c) => {
          const canvas = document.createElement("canvas");
          canvas.width = layer.kernelWidth;
          canvas.height = layer.kernelHeight;
          canvas.style.cssText = `width:${size}px;height:${size}px;image-rendering:pixelated;display:block`;
          canvas.setAttribute("role", "img");
          const label = layer.inChannels === 1 ? `conv ${n + 1}, kernel of map ${o + 1}` : `conv ${n + 1}, map ${o + 1}'s kernel on input map ${c + 1}`;
          canvas.setAttribute("aria-label", label);
          canvas.title = label;
          return canvas;
        }),
      );
      return {layer, canvases, legend: html`<div class="conv-kernel-legend"></div>` as HTMLElement, scale: 0};
    });
    node.replaceChildren(
      ...layers.map(({layer, canvases, legend: key}, n) => {
        const [kH, kW] = [layer.kernelHeight, layer.kernelWidth];
        const body =
          layer.inChannels === 1
            ? html`<div class="conv-kernel-row">
                ${canvases.map(
                  (row, o) =>
                    html`<figure>
                      ${row[0]}
                      <figcaption>${o + 1}</figcaption>
                    </figure>`,
                )}
              </div>`
            : html`<div class="conv-kernel-grid" style=${`grid-template-columns: 2.2em repeat(${layer.inChannels}, ${smallTile}px)`}>
                <span></span>${Array.from({length: layer.inChannels}, (_, c) => html`<span class="conv-kernel-head">${c + 1}</span>`)}
                ${canvases.flatMap((row, o) => [html`<span class="conv-kernel-head">${o + 1}</span>`, ...row])}
              </div>`;
        return html`<div class="conv-kernel-layer" data-layer=${layer.index}>
          <h4>conv ${n + 1}: ${layer.outChannels} kernels of ${layer.inChannels} × ${kH} × ${kW}</h4>
          <p class="small">
            ${
              layer.inChannels === 1
                ? `One ${kH} × ${kW} kernel per feature map (numbered), slid over the whole input.`
                : `Row o: the kernel of feature map o, one ${kH} × ${kW} slice (column c) for each of the ${layer.inChannels} maps it reads.`
            }
          </p>
          ${body}${key}
        </div>`;
      }),
    );
  }

  function paintAll(): void {
    const p = palette();
    const table = weightTable(p);
    layers.forEach((entry, n) => {
      const {layer, canvases} = entry;
      let top = 1e-6;
      for (let i = 0; i < layer.weights.length; i++) top = Math.max(top, Math.abs(layer.weights[i]));
      const scale = niceCeil(top);
      for (let o = 0; o < layer.outChannels; o++) for (let c = 0; c < layer.inChannels; c++) paint(canvases[o][c], kernelOf(layer, o, c), layer.kernelWidth, table, {diverging: true, scale});
      if (scale !== entry.scale) {
        entry.scale = scale;
        entry.legend.dataset.scale = String(scale);
        entry.legend.replaceChildren(legend({weights: scale, weightLabel: `kernel weight w (conv ${n + 1})`, palette: p}));
      }
    });
  }

  return {
    node,
    update(network: ConvNetwork): void {
      const key = JSON.stringify(network.config.layers);
      if (key !== shape) {
        shape = key;
        build(network);
      }
      for (const entry of layers) entry.layer = network.layers.find((l) => l.index === entry.layer.index) as ConvLayer;
      paintAll();
    },
    /** Repaints with the current palette (and redraws the legends). */
    repaint(): void {
      for (const entry of layers) entry.scale = 0;
      paintAll();
    },
    dispose(): void {
      node.replaceChildren();
    },
  };
}
