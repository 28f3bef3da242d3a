/**
 * An activation function and its slope, drawn from the network module's own definitions
 * (nn/activations.ts): a = f(z) and f′(z) over z ∈ [−5, 5], as two lines on one chart, so the
 * reader sees where the unit passes a signal and where its gradient is large, small or 0.
 *
 *   activationCurves("sigmoid", {width: 420})
 */
import * as Plot from "@observablehq/plot";
import {activation} from "../nn/index.js";

export interface CurvePoint {
  z: number;
  value: number;
  curve: "a = f(z)" | "slope f′(z)";
}

/** 201 points of f and of f′ over [−range, range]. throws RangeError for an unknown activation. */
export function activationPoints(name: string, range = 5, n = 201): CurvePoint[] {
  const {f, df} = activation(name);
  const points: CurvePoint[] = [];
  for (let k = 0; k < n; k++) {
    const z = -range + (2 * range * k) / (n - 1);
    const a = f(z);
    points.push({z, value: a, curve: "a = f(z)"}, {z, value: df(z, a), curve: "slope f′(z)"});
  }
  return points;
}

export function activationCurves(name: string, {width = 420, height = 220}: {width?: number; height?: number} = {}): SVGSVGElement | HTMLElement {
  const points = activationPoints(name);
  return Plot.plot({
    width,
    height,
    marginRight: 12,
    x: {label: "pre-activation z →", domain: [-5, 5]},
    y: {label: "↑ value", grid: true, domain: name === "relu" || name === "leaky-relu" ? [-1, 5] : undefined},
    color: {legend: true, domain: ["a = f(z)", "slope f′(z)"], range: ["var(--series-1)", "var(--series-2)"]},
    marks: [Plot.ruleY([0]), Plot.ruleX([0]), Plot.line(points, {x: "z", y: "value", stroke: "curve", z: "curve", strokeWidth: 2, clip: true})],
  });
}
