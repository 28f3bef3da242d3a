/**
 * Hyperparameter importance as bars (Observable Plot), from runs/importance.ts: fANOVA's share of
 * the variance per axis with a last, grey bar for what only interactions explain, or a random
 * forest's permutation importance per axis. The bars carry their values as text and a data-axis
 * hook, largest first.
 */
import * as Plot from "@observablehq/plot";
import {axis} from "../runs/space.js";
import type {ImportanceResult} from "../runs/importance.js";
import {lightPalette} from "./palette.js";

export function importanceChart(result: ImportanceResult, {width = 800}: {width?: number} = {}) {
  const fanova = result.method === "fanova";
  const rows = [
    ...result.axes.map((a) => ({name: a.name as string, label: axis(a.name).label, value: a.value, interactions: false})),
    ...(fanova ? [{name: "interactions", label: "interactions (no axis alone)", value: result.interactions, interactions: true}] : []),
  ];
  // No "-0.00": a value that rounds to zero reads as 0.
  const percent = (v: number) => (fanova ? `${(100 * v).toFixed(0)} %` : Math.abs(v) < 0.005 ? "0.00" : v.toFixed(2));
  return Plot.plot({
    width,
    height: 40 + 30 * rows.length,
    marginLeft: 190,
    marginRight: 56,
    x: {
      label: fanova ? "share of the variance of final accuracy (fANOVA main effect) →" : "held-out R² lost when the axis is shuffled (permutation importance) →",
      grid: true,
      ...(fanova ? {domain: [0, 1], tickFormat: "%"} : {}),
    },
    y: {label: null, domain: rows.map((r) => r.label)},
    marks: [
      Plot.barX(
        rows.filter((d) => !d.interactions),
        {x: "value", y: "label", fill: lightPalette.series[0], render: tagAxes(rows.filter((d) => !d.interactions))},
      ),
      Plot.barX(
        rows.filter((d) => d.interactions),
        {x: "value", y: "label", fill: "currentColor", fillOpacity: 0.25, render: tagAxes(rows.filter((d) => d.interactions))},
      ),
      Plot.ruleX([0]),
      Plot.text(rows, {x: (d) => Math.max(0, d.value), y: "label", text: (d) => percent(d.value), textAnchor: "start", dx: 4, fill: "currentColor"}),
    ],
  });
}

/** Writes each bar's axis name into data-axis (tests and the page find a bar by its axis). */
const tagAxes =
  (rows: {name: string}[]): Plot.RenderFunction =>
  (index, scales, values, dimensions, context, next) => {
    const g = next!(index, scales, values, dimensions, context)!;
    const bars = g.querySelectorAll("rect");
    (index as number[]).forEach((i, k) => bars[k]?.setAttribute("data-axis", rows[i].name));
    return g;
  };
