/**
 * Learning curves of a run, drawn with Observable Plot: pure functions of (history, {width})
 * returning an SVG/figure element.
 */
import * as Plot from "@observablehq/plot";
import {max} from "d3";
import type {RunPoint} from "../runs/live-run.js";

export interface CurveOptions {
  width?: number;
  height?: number;
  /** Extent of the x axis in epochs (default: the history's extent, at least 1). */
  epochs?: number;
}

/** The options both charts share: size and an x axis in epochs from 0 to at least 1. */
function epochFrame(history: RunPoint[], {width = 640, height = 220, epochs}: CurveOptions) {
  // d3.max, not Math.max(...spread): a spread of a long array overflows the call stack.
  const xMax = Math.max(epochs ?? 0, 1, max(history, (p) => p.epoch) ?? 0);
  return {frame: {width, height, marginLeft: 48, x: {label: "epochs →", domain: [0, xMax]}}};
}

/** Training loss (per window) and test loss against epochs; y is the mean cross-entropy in nats. */
export function lossChart(history: RunPoint[], options: CurveOptions = {}): SVGSVGElement | HTMLElement {
  const rows = history
    .flatMap((p) => [
      {epoch: p.epoch, loss: p.trainLoss, set: "training (window mean)"},
      {epoch: p.epoch, loss: p.testLoss, set: "test subset"},
    ])
    .filter((d) => Number.isFinite(d.loss));
  return Plot.plot({
    ...epochFrame(history, options).frame,
    y: {label: "↑ loss (cross-entropy, nats)", grid: true, domain: [0, Math.max(2.5, max(rows, (d) => d.loss) ?? 0)]},
    color: {legend: true, domain: ["training (window mean)", "test subset"], range: ["var(--series-1)", "var(--series-2)"]},
    marks: [
      Plot.ruleY([0]),
      Plot.line(rows, {x: "epoch", y: "loss", stroke: "set", z: "set", strokeWidth: 1.5}),
      Plot.dot(rows, Plot.selectLast({x: "epoch", y: "loss", fill: "set", r: 2.5})),
      Plot.tip(rows, Plot.pointerX({x: "epoch", y: "loss", stroke: "set", format: {epoch: ".2f", loss: ".3f"}})),
    ],
  });
}

/** Test accuracy (%) against epochs, with a 90 % reference line. */
export function accuracyChart(history: RunPoint[], options: CurveOptions = {}): SVGSVGElement | HTMLElement {
  const rows = history.filter((p) => Number.isFinite(p.testAccuracy)).map((p) => ({epoch: p.epoch, accuracy: 100 * p.testAccuracy}));
  const {frame} = epochFrame(history, options);
  return Plot.plot({
    ...frame,
    y: {label: "↑ test accuracy (%)", domain: [0, 100], grid: true},
    marks: [
      Plot.ruleY([90], {stroke: "var(--reference-line)", strokeDasharray: "4 3"}),
      // Labelled at the left, where the curve is still climbing and far below the line.
      Plot.text([90], {x: 0, y: (d: number) => d, text: () => "90 %", textAnchor: "start", dx: 4, dy: -6, fill: "var(--theme-foreground-muted)"}),
      Plot.line(rows, {x: "epoch", y: "accuracy", stroke: "var(--series-3)", strokeWidth: 1.5}),
      Plot.dot(rows, Plot.selectLast({x: "epoch", y: "accuracy", fill: "var(--series-3)", r: 2.5})),
      Plot.tip(rows, Plot.pointerX({x: "epoch", y: "accuracy", format: {epoch: ".2f", accuracy: ".1f"}})),
    ],
  });
}
