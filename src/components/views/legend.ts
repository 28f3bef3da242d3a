/**
 * The one legend component: Observable Plot colour ramps for the weight and activation scales of
 * palette.ts, plus optional swatches for marks a scale cannot show (line width = |w|, a dead unit).
 *
 *   legend({weights: 0.8, activations: [0, 1], width: 520})
 */
import * as Plot from "@observablehq/plot";
import {activationScale, palette as currentPalette, weightScale, type Palette} from "./palette.js";

export interface LegendOptions {
  /** Draw the weight ramp over [−weights, weights]. */
  weights?: number;
  weightLabel?: string;
  /** Draw the activation ramp over this domain. */
  activations?: [number, number];
  activationLabel?: string;
  /** Extra items: a short label and a swatch element (or a CSS colour for a filled square). */
  items?: {label: string; swatch: string | Element}[];
  /** Width of each ramp in px (default 240). */
  width?: number;
  palette?: Palette;
}

/** Ramp ticks as plain decimals (10, not 1e+1; 0.25, not 2.5e-1). */
const tick = (d: number) => String(+d.toPrecision(4)).replace("-", "−");

/** A <div class="workbook-legend"> holding the requested ramps and items. */
export function legend({weights, weightLabel = "weight w", activations, activationLabel = "activation a", items = [], width = 240, palette = currentPalette()}: LegendOptions): HTMLDivElement {
  const root = document.createElement("div");
  root.className = "workbook-legend";
  if (weights !== undefined) root.append(Plot.legend({color: weightScale(palette, weights, weightLabel), width, ticks: 5, tickFormat: tick}) as Element);
  if (activations !== undefined) root.append(Plot.legend({color: activationScale(palette, activations, activationLabel), width, ticks: 5, tickFormat: tick}) as Element);
  for (const {label, swatch} of items) {
    const item = document.createElement("span");
    item.style.display = "inline-flex";
    item.style.alignItems = "center";
    item.style.gap = "0.35rem";
    if (typeof swatch === "string") {
      const box = document.createElement("span");
      box.style.cssText = `display:inline-block;width:12px;height:12px;background:${swatch};border:1px solid var(--theme-foreground-faint)`;
      item.append(box);
    } else item.append(swatch);
    item.append(label);
    root.append(item);
  }
  return root;
}
