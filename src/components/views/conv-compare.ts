/**
 * The convolutional run beside the dense twin (the MNIST page's 784 → 16 → 16 → 10 network trained
 * on the same digits in the same order): parameters, samples trained, test accuracy, training time
 * and engine speed side by side, and both test-accuracy curves on one chart.
 *
 *   const compare = convCompare();
 *   compare.update({conv: run.state, dense: twin?.state ?? null, width});
 *
 * Each figure has a data-metric hook: compare-{conv,dense}-{parameters,samples,accuracy,time,speed}.
 */
import * as Plot from "@observablehq/plot";
import {html} from "htl";
import {palette} from "./palette.js";

/** What the comparison reads of a run's state (runs/live-run.ts RunState). */
export interface CompareState {
  parameters: number;
  samplesSeen: number;
  testAccuracy: number;
  samplesPerSecond: number;
  history: {samples: number; testAccuracy: number}[];
}

/** Seconds of engine time the state's samples took (samples ÷ samples per second of training steps), or NaN. */
export function engineSeconds(state: Pick<CompareState, "samplesSeen" | "samplesPerSecond">): number {
  return state.samplesSeen > 0 && state.samplesPerSecond > 0 ? state.samplesSeen / state.samplesPerSecond : NaN;
}

const percent = (x: number) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : "–");
const seconds = (x: number) => (Number.isFinite(x) ? `${x < 10 ? x.toFixed(2) : x.toFixed(1)} s` : "–");
const rate = (x: number) => (Number.isFinite(x) && x > 0 ? `${Math.round(x).toLocaleString("en")} samples/s` : "–");

export function convCompare() {
  const cell = (name: string) => html`<td data-metric=${name}>–</td>` as HTMLElement;
  const rows = [
    {label: "Weights and biases", key: "parameters"},
    {label: "Training digits seen", key: "samples"},
    {label: "Test accuracy (1,000 digits)", key: "accuracy"},
    {label: "Training time (engine)", key: "time"},
    {label: "Engine speed", key: "speed"},
  ].map(({label, key}) => ({key, label, conv: cell(`compare-conv-${key}`), dense: cell(`compare-dense-${key}`)}));
  const table = html`<table class="conv-compare-table">
    <thead>
      <tr>
        <th></th>
        <th scope="col">LeNet-style, convolutional</th>
        <th scope="col">784 → 16 → 16 → 10, fully connected</th>
      </tr>
    </thead>
    <tbody>
      ${rows.map(
        (r) =>
          html`<tr>
            <th scope="row">${r.label}</th>
            ${r.conv}${r.dense}
          </tr>`,
      )}
    </tbody>
  </table>`;
  const chart = html`<div class="conv-compare-chart"></div>` as HTMLElement;
  const node = html`<div class="conv-compare">${table}${chart}</div>` as HTMLElement;
  const fill = (side: "conv" | "dense", s: CompareState | null) => {
    const values: Record<string, string> = s
      ? {
          parameters: s.parameters.toLocaleString("en"),
          samples: s.samplesSeen.toLocaleString("en"),
          accuracy: percent(s.testAccuracy),
          time: seconds(engineSeconds(s)),
          speed: rate(s.samplesPerSecond),
        }
      : {parameters: "–", samples: "–", accuracy: "–", time: "–", speed: "–"};
    for (const r of rows) if (r[side].textContent !== values[r.key]) r[side].textContent = values[r.key];
  };
  return {
    node,
    update({conv, dense, denseParameters, width = 640}: {conv: CompareState; dense: CompareState | null; denseParameters: number; width?: number}): void {
      fill("conv", conv);
      fill("dense", dense);
      if (!dense) rows[0].dense.textContent = denseParameters.toLocaleString("en");
      const p = palette();
      const data = [
        ...conv.history.filter((d) => Number.isFinite(d.testAccuracy)).map((d) => ({...d, network: "convolutional"})),
        ...(dense?.history ?? []).filter((d) => Number.isFinite(d.testAccuracy)).map((d) => ({...d, network: "fully connected"})),
      ];
      chart.replaceChildren(
        Plot.plot({
          width,
          height: 220,
          marginLeft: 48,
          x: {label: "training digits seen", grid: true, tickFormat: (d: number) => (d === 0 ? "0" : `${d / 1000}k`)},
          y: {label: "test accuracy (%)", domain: [0, 100], grid: true},
          color: {domain: ["convolutional", "fully connected"], range: [p.series[0], p.series[1]], legend: true},
          marks: [Plot.ruleY([0]), Plot.line(data, {x: "samples", y: (d) => 100 * d.testAccuracy, stroke: "network", strokeWidth: 2, marker: "dot"})],
        }),
      );
    },
    dispose(): void {
      node.replaceChildren();
    },
  };
}
