/**
 * Time travel (data-figure="timeline"): a slider over the run's checkpoints (runs/checkpoints.ts,
 * kept by the WorkerRun) and a Live button. Moving the slider to a checkpoint hands the page a
 * `CheckpointSource`, a stand-in for the run that every view reads (its network holds that
 * checkpoint's weights; its test-set details are computed here), while the real run may go on
 * training; Live hands back null and the views follow the run again. The timeline shows the
 * checkpoint's update count, fingerprint and test accuracy (`data-metric` timeline-steps,
 * timeline-fingerprint, timeline-accuracy).
 *
 * A checkpoint's network is built from a copy of its parameters, never from the live mirror, so a
 * view never mixes weights of two updates; a new network (Reset, a Load) clears the log and
 * returns to Live.
 *
 *   const timeline = timelineView({run, test, onChange: (source) => …});   // source null: live
 */
import {html} from "htl";
import {deadUnits, evaluate, fingerprint, Network, type Samples} from "../nn/index.js";
import {unpackParameters, type RunDetails} from "../runs/worker-run.js";
import type {Checkpoint, CheckpointLog} from "../runs/checkpoints.js";

/** What the timeline reads of a run (a WorkerRun). */
export interface TimelineRun {
  readonly network: Network;
  readonly checkpoints: CheckpointLog;
  readonly state: {steps: number; samplesSeen: number};
  subscribe(listener: () => void): () => void;
}

/** A checkpoint in place of the run, for the views (the ExplorerRun / SaliencyRun / ProjectionRun shape). */
export interface CheckpointSource {
  readonly checkpoint: Checkpoint;
  readonly network: Network;
  readonly details: RunDetails;
  readonly state: {steps: number; samplesSeen: number; testAccuracy: number; fingerprint: string};
  readonly training: false;
  /** True: the views must not treat it as the run's newest state (e.g. append it to a history). */
  readonly isCheckpoint: true;
  subscribe(listener: () => void): () => void;
}

export interface TimelineView {
  readonly node: HTMLElement;
  /** The checkpoint on show, or null when live. */
  readonly source: CheckpointSource | null;
  /** Shows checkpoint `index` (0 = the first), or live with null. */
  go(index: number | null): void;
  dispose(): void;
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

export function timelineView({run, test, onChange}: {run: TimelineRun; test: Samples; onChange: (source: CheckpointSource | null) => void}): TimelineView {
  const slider = html`<input type="range" min="0" max="0" step="1" value="0" aria-label="Time travel: the checkpoint every view shows" data-metric="timeline-slider" />` as HTMLInputElement;
  const live = html`<button type="button" data-action="live" aria-pressed="true">Live</button>` as HTMLButtonElement;
  const steps = html`<span data-metric="timeline-steps">live</span>` as HTMLElement;
  const print = html`<code data-metric="timeline-fingerprint">–</code>` as HTMLElement;
  const accuracy = html`<span data-metric="timeline-accuracy">–</span>` as HTMLElement;
  const count = html`<span class="small" data-metric="timeline-count"></span>` as HTMLElement;
  const node = html`<div class="timeline" data-figure="timeline" data-mode="live">
    <label class="timeline-slider"><span>Time travel</span>${slider}</label>
    ${live}
    <span class="timeline-readout">Showing ${steps}: fingerprint ${print}, test accuracy ${accuracy}</span>
    ${count}
  </div>` as HTMLElement;
  // One network for every checkpoint shown: each go() writes a checkpoint's copy into it.
  const network = new Network(run.network.config);
  let source: CheckpointSource | null = null;
  let listeners = new Set<() => void>();
  let shown: Checkpoint | null = null;

  const list = () => run.checkpoints.checkpoints;

  function sync(): void {
    const n = list().length;
    slider.max = String(n);
    slider.disabled = n === 0;
    if (!source) slider.value = String(n);
    const mb = run.checkpoints.bytes / 2 ** 20;
    count.textContent = n
      ? `${n} checkpoint${n === 1 ? "" : "s"} (updates ${list()[0].steps.toLocaleString("en")} to ${list()[n - 1].steps.toLocaleString("en")}, ${mb.toFixed(1)} MB; at most ${run.checkpoints.max})`
      : "no checkpoints yet: train to record some";
    // A checkpoint on show that the log dropped or cleared (a reset, a Load): back to live.
    if (shown && !list().includes(shown)) go(null);
    else if (shown) slider.value = String(list().indexOf(shown));
    if (!source) {
      steps.textContent = `live (update ${run.state.steps.toLocaleString("en")})`;
      print.textContent = "–";
      accuracy.textContent = "–";
    }
  }

  function go(index: number | null): void {
    const checkpoints = list();
    if (index === null || index >= checkpoints.length || index < 0) {
      source = null;
      shown = null;
      node.dataset.mode = "live";
      live.setAttribute("aria-pressed", "true");
      slider.value = String(checkpoints.length);
      sync();
      onChange(null);
      return;
    }
    const checkpoint = checkpoints[index];
    shown = checkpoint;
    unpackParameters(network, checkpoint.params);
    const ev = evaluate(network, test),
      d = deadUnits(network, test);
    const details: RunDetails = {confusion: ev.confusion, predictions: ev.predictions, dead: d.dead, deadTotal: d.total, hiddenUnits: d.units};
    const state = {steps: checkpoint.steps, samplesSeen: checkpoint.samplesSeen, testAccuracy: ev.accuracy, fingerprint: fingerprint(network.layers)};
    source = {
      checkpoint,
      network,
      details,
      state,
      training: false,
      isCheckpoint: true,
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
    };
    node.dataset.mode = "checkpoint";
    live.setAttribute("aria-pressed", "false");
    slider.value = String(index);
    steps.textContent = `update ${checkpoint.steps.toLocaleString("en")}`;
    print.textContent = state.fingerprint;
    accuracy.textContent = pct(ev.accuracy);
    slider.setAttribute("aria-valuetext", `update ${checkpoint.steps}: test accuracy ${pct(ev.accuracy)}`);
    onChange(source);
    for (const l of listeners) l();
  }

  slider.addEventListener("input", () => {
    const k = Number(slider.value);
    go(k >= list().length ? null : k);
  });
  live.addEventListener("click", () => go(null));
  const unsubscribe = run.subscribe(sync);
  sync();
  return {
    node,
    get source() {
      return source;
    },
    go,
    dispose() {
      unsubscribe();
      listeners = new Set();
    },
  };
}
