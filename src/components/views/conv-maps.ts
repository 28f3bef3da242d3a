/**
 * The feature maps of a ConvNetwork for one input, every layer in a row: the input, each conv
 * layer's maps (a = ReLU(z)), each pooled map, and the output. Hovering a pixel of a conv or pool
 * map (or focusing a row and moving with the arrow keys, PageUp / PageDown for the map) selects it:
 * the pixel is outlined, its receptive field is outlined on the maps it reads (every channel for a
 * conv layer, its own channel for a pool) and on the input, and `onSelect` hands the selection to
 * the page (which shows its exact sum, views/conv-pixel-sum.ts).
 *
 *   const maps = convMaps({onSelect: (sel) => …});
 *   maps.update({network, input});     // redraw for the network and input now
 *   maps.node; maps.select({stage: 0, channel: 3, y: 10, x: 12});
 *
 * Every map has one shade scale per layer (its largest value), from the page's paper to ink.
 */
import {html} from "htl";
import type {ConvNetwork, FeatureMap, Shape} from "../nn/index.js";
import {activationTable, palette} from "./palette.js";
import {paint} from "./explorer-views.js";

/** A pixel of the output of config.layers[stage] (a conv or pool layer). */
export interface MapSelection {
  stage: number;
  channel: number;
  y: number;
  x: number;
}

/** Rows y0 … y1 and columns x0 … x1 of a map, inclusive. */
export interface Rect {
  y0: number;
  x0: number;
  y1: number;
  x1: number;
}

type Layers = ConvNetwork["config"]["layers"];

/**
 * The rectangle of the map below (the output of config.layers[stage − 1], or the input at stage 0)
 * that a rectangle of the output of config.layers[stage] reads: a conv with kernel kH × kW, stride
 * s and padding p reads rows y0·s − p … y1·s − p + kH − 1; a pool of window k and stride t rows
 * y0·t … y1·t + k − 1. Not clipped (a padded conv reads outside its map).
 * throws RangeError for a flatten or dense layer (they read the whole map).
 */
export function fieldBelow(layers: Layers, stage: number, {y0, x0, y1, x1}: Rect): Rect {
  const spec = layers[stage];
  if (spec?.type === "conv") {
    const [kH, kW] = spec.kernel,
      s = spec.stride,
      p = spec.padding;
    return {y0: y0 * s - p, x0: x0 * s - p, y1: y1 * s - p + kH - 1, x1: x1 * s - p + kW - 1};
  }
  if (spec?.type === "maxpool" || spec?.type === "avgpool") {
    const k = spec.size,
      t = spec.stride;
    return {y0: y0 * t, x0: x0 * t, y1: y1 * t + k - 1, x1: x1 * t + k - 1};
  }
  throw new RangeError(`invalid stage: ${stage} (expected a conv or pooling layer, got ${spec?.type})`);
}

/** The part of the network's input that a pixel of config.layers[stage]'s output depends on, clipped to the input. */
export function fieldOnInput(layers: Layers, input: readonly [number, number, number], stage: number, y: number, x: number): Rect {
  let rect: Rect = {y0: y, x0: x, y1: y, x1: x};
  for (let s = stage; s >= 0; s--) rect = fieldBelow(layers, s, rect);
  const [, H, W] = input;
  return {y0: Math.max(0, rect.y0), x0: Math.max(0, rect.x0), y1: Math.min(H - 1, rect.y1), x1: Math.min(W - 1, rect.x1)};
}

/** The next selection after a key press on a row of maps of `shape` (null: the key is not the view's). */
export function moveSelection(sel: MapSelection, key: string, [C, H, W]: Shape): MapSelection | null {
  const clamp = (v: number, n: number) => Math.max(0, Math.min(n - 1, v));
  switch (key) {
    case "ArrowLeft":
      return {...sel, x: clamp(sel.x - 1, W)};
    case "ArrowRight":
      return {...sel, x: clamp(sel.x + 1, W)};
    case "ArrowUp":
      return {...sel, y: clamp(sel.y - 1, H)};
    case "ArrowDown":
      return {...sel, y: clamp(sel.y + 1, H)};
    case "PageUp":
      return {...sel, channel: clamp(sel.channel - 1, C)};
    case "PageDown":
      return {...sel, channel: clamp(sel.channel + 1, C)};
    default:
      return null;
  }
}

/** Display size of every map (px), and of the input. */
const MAP_PX = 72;
const INPUT_PX = 168;

/** What each row is called on the page. */
export function stageNames(layers: Layers): string[] {
  const counts: Record<string, number> = {};
  return layers.map((spec) => {
    const kind = spec.type === "maxpool" ? "max-pool" : spec.type === "avgpool" ? "avg-pool" : spec.type;
    counts[kind] = (counts[kind] ?? 0) + 1;
    return `${kind} ${counts[kind]}`;
  });
}

interface MapCell {
  box: HTMLElement;
  canvas: HTMLCanvasElement;
  field: HTMLElement;
  pixel: HTMLElement;
}

interface Row {
  stage: number;
  shape: Shape;
  node: HTMLElement;
  caption: HTMLElement;
  maps: MapCell[];
}

const place = (el: HTMLElement, r: Rect, H: number, W: number) => {
  el.hidden = false;
  el.style.left = `${(100 * r.x0) / W}%`;
  el.style.top = `${(100 * r.y0) / H}%`;
  el.style.width = `${(100 * (r.x1 - r.x0 + 1)) / W}%`;
  el.style.height = `${(100 * (r.y1 - r.y0 + 1)) / H}%`;
};

function mapCell(side: number, px: number, label: string): MapCell {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = side;
  canvas.style.cssText = `width:${px}px;height:${px}px;image-rendering:pixelated;display:block`;
  canvas.setAttribute("role", "img");
  canvas.setAttribute("aria-label", label);
  const field = html`<div class="conv-outline conv-field" hidden></div>` as HTMLElement;
  const pixel = html`<div class="conv-outline conv-pixel" hidden></div>` as HTMLElement;
  const box = html`<div class="conv-map">${canvas}${field}${pixel}</div>` as HTMLElement;
  return {box, canvas, field, pixel};
}

export interface ConvMapsOptions {
  /** Called with every new selection (hover, keys, select()). */
  onSelect?: (selection: MapSelection) => void;
}

export function convMaps({onSelect}: ConvMapsOptions = {}) {
  const node = html`<div class="conv-maps"></div>` as HTMLElement;
  let rows: Row[] = [];
  let input: MapCell | null = null;
  let built: ConvNetwork | null = null;
  let maps: FeatureMap[] | null = null;
  let selection: MapSelection | null = null;

  function build(network: ConvNetwork): void {
    built = network;
    const layers = network.config.layers;
    const names = stageNames(layers);
    const [, H] = network.config.input;
    input = mapCell(H, INPUT_PX, `the input, ${H} × ${H} pixels`);
    const inputRow = html`<div class="conv-row conv-input-row">
      <div class="conv-row-label"><strong>input</strong><br /><span class="small">${H} × ${H} pixels</span></div>
      <div class="conv-row-maps">${input.box}</div>
    </div>`;
    rows = [];
    layers.forEach((spec, stage) => {
      if (spec.type !== "conv" && spec.type !== "maxpool" && spec.type !== "avgpool") return;
      const shape = network.shapes[stage];
      const [C, h, w] = shape;
      const what = spec.type === "conv" ? `${C} feature maps, a = ReLU(z)` : `${C} maps, the largest of each ${spec.size} × ${spec.size} window`;
      const caption = html`<span class="small" data-metric=${`scale-${stage}`}></span>` as HTMLElement;
      const cells = Array.from({length: C}, (_, c) => mapCell(h, MAP_PX, `${names[stage]}, map ${c + 1} of ${C} (${h} × ${w})`));
      const row = html`<div
        class="conv-row"
        data-stage=${stage}
        tabindex="0"
        role="group"
        aria-label=${`${names[stage]}: ${C} maps of ${h} × ${w}. Hover a pixel, or use the arrow keys to move and PageUp / PageDown to change the map; its sum is shown below.`}
      >
        <div class="conv-row-label"><strong>${names[stage]}</strong><br /><span class="small">${what}; ${h} × ${w} each</span><br />${caption}</div>
        <div class="conv-row-maps">${cells.map((m) => m.box)}</div>
      </div>` as HTMLElement;
      cells.forEach((cell, c) => {
        cell.box.dataset.channel = String(c);
        cell.canvas.addEventListener("pointermove", (event) => {
          const r = cell.canvas.getBoundingClientRect();
          const x = Math.max(0, Math.min(w - 1, Math.floor(((event.clientX - r.left) / r.width) * w)));
          const y = Math.max(0, Math.min(h - 1, Math.floor(((event.clientY - r.top) / r.height) * h)));
          if (!selection || selection.stage !== stage || selection.channel !== c || selection.y !== y || selection.x !== x) select({stage, channel: c, y, x});
        });
      });
      row.addEventListener("keydown", (event) => {
        const from = selection && selection.stage === stage ? selection : {stage, channel: 0, y: Math.floor(h / 2), x: Math.floor(w / 2)};
        const next = moveSelection(from, event.key, shape);
        if (!next) return;
        event.preventDefault();
        select(next);
      });
      row.addEventListener("focus", () => {
        if (!selection || selection.stage !== stage) select({stage, channel: 0, y: Math.floor(h / 2), x: Math.floor(w / 2)});
      });
      rows.push({stage, shape, node: row, caption, maps: cells});
    });
    node.replaceChildren(inputRow, ...rows.map((r) => r.node));
  }

  function outline(): void {
    if (!built || !input) return;
    const layers = built.config.layers;
    for (const row of rows)
      for (const m of row.maps) {
        m.field.hidden = true;
        m.pixel.hidden = true;
      }
    input.field.hidden = true;
    if (!selection) return;
    const sel = selection;
    const row = rows.find((r) => r.stage === sel.stage);
    if (!row) return;
    const [, h, w] = row.shape;
    place(row.maps[sel.channel].pixel, {y0: sel.y, x0: sel.x, y1: sel.y, x1: sel.x}, h, w);
    // The field on the maps it reads: every channel for a conv, its own channel for a pool.
    const below = fieldBelow(layers, sel.stage, {y0: sel.y, x0: sel.x, y1: sel.y, x1: sel.x});
    const [, H, W] = built.config.input;
    const onInput = fieldOnInput(layers, built.config.input, sel.stage, sel.y, sel.x);
    place(input.field, onInput, H, W);
    const prev = rows.find((r) => r.stage === sel.stage - 1);
    if (prev) {
      const [, ph, pw] = prev.shape;
      prev.maps.forEach((m, c) => {
        if (layers[sel.stage].type === "conv" || c === sel.channel) place(m.field, below, ph, pw);
      });
    }
  }

  function paintAll(): void {
    if (!maps || !input) return;
    const table = activationTable(palette());
    const [inputMap] = maps;
    paint(input.canvas, inputMap.a, inputMap.shape[1], table, {diverging: false});
    for (const row of rows) {
      const {a} = maps[row.stage + 1];
      const [C, h, w] = row.shape;
      let top = 1e-6;
      for (let i = 0; i < a.length; i++) if (a[i] > top) top = a[i];
      row.caption.textContent = `shade: 0 (paper) to ${top.toPrecision(3)} (ink)`;
      for (let c = 0; c < C; c++) paint(row.maps[c].canvas, a.subarray(c * h * w, (c + 1) * h * w), h, table, {diverging: false, scale: top});
    }
  }

  function select(next: MapSelection): void {
    selection = next;
    outline();
    onSelect?.(next);
  }

  return {
    node,
    /** The feature maps drawn now (featureMaps of the last update), or null before one. */
    get maps() {
      return maps;
    },
    get selection() {
      return selection;
    },
    /** Redraws every map for `network` on `input` (one forward pass of the network). */
    update({network, input: pixels}: {network: ConvNetwork; input: ArrayLike<number>}): FeatureMap[] {
      if (built === null || JSON.stringify(built.config.layers) !== JSON.stringify(network.config.layers)) build(network);
      built = network;
      maps = network.featureMaps(pixels);
      paintAll();
      outline();
      return maps;
    },
    select,
    /** Repaints with the current palette (a change of colour scheme). */
    repaint: paintAll,
    dispose(): void {
      node.replaceChildren();
    },
  };
}

/** A row of digits to choose the input from: each a button (Enter / Space), the chosen one pressed. */
export function digitPicker(digits: {pixels: Float64Array; label: number}[], {size = 40, onPick}: {size?: number; onPick: (position: number) => void}) {
  const buttons = digits.map((d, k) => {
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 28;
    canvas.style.cssText = `width:${size}px;height:${size}px;image-rendering:pixelated;display:block`;
    const button = html`<button type="button" class="conv-pick" aria-pressed="false" aria-label=${`held-out digit ${k + 1}, a ${d.label}`} data-position=${k}>${canvas}</button>` as HTMLButtonElement;
    button.addEventListener("click", () => onPick(k));
    return {button, canvas};
  });
  const node = html`<div class="conv-picker" role="group" aria-label="Held-out test digits: choose the input">${buttons.map((b) => b.button)}</div>` as HTMLElement;
  const repaint = () => {
    const table = activationTable(palette());
    buttons.forEach((b, k) => paint(b.canvas, digits[k].pixels, 28, table, {diverging: false}));
  };
  repaint();
  return {
    node,
    /** Marks the chosen digit (−1: none, e.g. while a drawing is the input). */
    show(position: number): void {
      buttons.forEach((b, k) => b.button.setAttribute("aria-pressed", String(k === position)));
    },
    repaint,
  };
}
