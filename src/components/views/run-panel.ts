/**
 * The one run panel of every page that trains: the status strip (each figure in a
 * `data-metric` hook), Train / Pause / Step / Reset, the run's message (one status → kind rule,
 * runs/run.ts messageKind), the URL-fallback banner, and the fingerprint with the command that
 * reproduces the run. Made once per page and pointed at the page's current run with update(), so
 * its buttons are never replaced under the reader's pointer or keyboard focus; buttons that do
 * not apply are marked aria-disabled (still focusable), never disabled.
 *
 *   const panel = runPanel({metrics: (s) => trainingMetrics(s, {testCount: 1000}), command: (s) => labCommand(values, s.steps)});
 *   panel.update({run, problems: settings.problems, command: (s) => labCommand(values, s.steps)});
 *   panel.node        // strip, buttons, message, banner
 *   panel.reproduce   // fingerprint and command (place it where the page explains them)
 *   invalidation.then(() => panel.dispose());
 *
 * View contract (every view in views/): {node, update(…), dispose()}.
 */
import {html} from "htl";
import {messageKind, type Run, type RunStateBase, type RunStatus} from "../runs/run.js";
import type {View} from "./view.js";

/** One figure of the status strip. */
export interface Metric {
  /** data-metric hook, e.g. "test-accuracy"; tests and scripts read the value through it. */
  name: string;
  /** Visible label. */
  label: string;
  /** Displayed value (already formatted). */
  value: string | number;
  /** Tooltip: what the figure means and its unit. */
  title?: string;
}

/**
 * A message about a page's settings or a sweep (a grid that cannot run, a run that failed):
 * Framework's note/caution/warning box with data-metric="page-message"; nothing for an empty text.
 * (A run's own message is the panel's, with the same rule: runs/run.ts messageKind.)
 */
export function runMessage(text: string, kind: "note" | "caution" | "warning" = "note"): HTMLElement | null {
  return text ? (html`<div class=${`${kind} run-message`} data-metric="page-message">${text}</div>` as HTMLElement) : null;
}

export type ActionKey = "train" | "pause" | "step" | "reset";

/** One button: its label, tooltip, and what it does (default: the run's start / pause / step / reset). */
export interface ActionSpec<S extends RunStateBase> {
  label?: string;
  title?: string;
  run?: (run: Run<S>) => unknown;
}

export interface RunPanelOptions<S extends RunStateBase> {
  /** The figures after the status card, from a state. */
  metrics: (state: S) => Metric[];
  /** The buttons, in Train / Pause / Step / Reset order; false leaves one out. Default: all four. */
  actions?: Partial<Record<ActionKey, ActionSpec<S> | false>>;
  /** The word shown for a status (default: the status itself). */
  statusLabel?: (status: RunStatus) => string;
  /** The command that reproduces a state (the fingerprint and command block is left empty without one). */
  command?: ((state: S) => string) | null;
  /** Words before the fingerprint's count, e.g. "update" (default) or "iteration". */
  stepWord?: string;
  /** The count of updates in a state (default state.steps). */
  steps?: (state: S) => number;
  /** Extra controls placed after the buttons (e.g. Save / Load). */
  extra?: (HTMLElement | null)[];
  /** Put before every data-metric hook of this panel, for a second panel on one page (e.g. "twin-": "twin-status", "twin-fingerprint"). Default "". */
  hookPrefix?: string;
}

/** The panel as a View (views/view.ts), plus the fingerprint block and the run its buttons drive. */
export interface RunPanel<S extends RunStateBase> extends View<{run?: Run<S> | null; state?: S; problems?: string[]; command?: ((state: S) => string) | null}> {
  node: HTMLElement;
  reproduce: HTMLElement;
  /** Points the panel at a run (or shows a fixed state when run is null); sets the banner and the command. */
  update(next: {run?: Run<S> | null; state?: S; problems?: string[]; command?: ((state: S) => string) | null}): void;
  /** The run the buttons drive now. */
  readonly run: Run<S> | null;
  dispose(): void;
}

const DEFAULT_ACTIONS: Record<ActionKey, {label: string; title: string}> = {
  train: {label: "Train", title: "Train until paused, or for the chosen budget"},
  pause: {label: "Pause", title: "Pause after the current slice"},
  step: {label: "Step", title: "One update, then pause"},
  reset: {label: "Reset", title: "Back to the initial weights of this seed"},
};

/** Whether an action applies in a state: Train unless training or ended, Pause while training, Step unless ended, Reset always. */
export function actionApplies(action: ActionKey, state: {status: RunStatus; end: unknown}): boolean {
  const ended = state.end !== null;
  switch (action) {
    case "train":
      return !ended && state.status !== "training";
    case "pause":
      return state.status === "training";
    case "step":
      return !ended;
    case "reset":
      return true;
  }
}

/** "1 update" / "1,234 updates". */
export function countWords(n: number, word: string): string {
  return `${n.toLocaleString("en")} ${word}${n === 1 ? "" : "s"}`;
}

export function runPanel<S extends RunStateBase & {fingerprint?: string}>(options: RunPanelOptions<S>): RunPanel<S> {
  const {metrics, actions = {}, statusLabel = (s) => s, stepWord = "update", extra = [], hookPrefix = ""} = options;
  const steps = options.steps ?? ((s: S) => (s as unknown as {steps: number}).steps);
  let command = options.command ?? null;
  let run: Run<S> | null = null;
  let off: (() => void) | null = null;
  let state: S | null = null;

  const strip = html`<div class="status-strip" role="status" aria-live="off"></div>` as HTMLDivElement;
  const cards = new Map<string, {card: HTMLElement; value: HTMLElement}>();
  const buttons = (Object.keys(DEFAULT_ACTIONS) as ActionKey[])
    .filter((key) => actions[key] !== false)
    .map((key) => {
      const spec = (actions[key] || {}) as ActionSpec<S>;
      const button = html`<button type="button" data-action=${key} title=${spec.title ?? DEFAULT_ACTIONS[key].title}>${spec.label ?? DEFAULT_ACTIONS[key].label}</button>` as HTMLButtonElement;
      button.addEventListener("click", () => {
        if (!run || button.getAttribute("aria-disabled") === "true") return;
        if (spec.run) spec.run(run);
        else if (key === "train") run.start();
        else if (key === "pause") run.pause();
        else if (key === "step") run.step();
        else run.reset();
      });
      return {key, button};
    });
  const message = html`<div class="run-message" data-metric=${`${hookPrefix}message`} hidden></div>` as HTMLDivElement;
  // In the page only while it has something to say (one data-metric hook per page).
  const banner = html`<div class="warning" data-metric=${`${hookPrefix}url-problems`}></div>` as HTMLDivElement;
  const node = html`<div class="run-panel">
    ${strip}
    <div class="run-buttons" role="group" aria-label="Run controls">${buttons.map((b) => b.button)}${extra}</div>
    ${message}
  </div>` as HTMLElement;
  const fingerprint = html`<code data-metric=${`${hookPrefix}fingerprint`}></code>` as HTMLElement;
  const count = html`<span></span>` as HTMLElement;
  const commandBlock = html`<pre class="command" data-metric=${`${hookPrefix}command`}></pre>` as HTMLElement;
  const reproduce = html`<div class="run-reproduce" hidden>
    <p>Fingerprint: ${fingerprint} after ${count}. This command, run in the project, repeats the run and prints the same fingerprint:</p>
    ${commandBlock}
  </div>` as HTMLElement;

  const card = (m: Metric) => {
    let entry = cards.get(m.name);
    if (!entry) {
      const value = html`<span data-metric=${hookPrefix + m.name}></span>` as HTMLElement;
      const c = html`<div class="card metric">
        <h3>${m.label}</h3>
        ${value}
      </div>` as HTMLElement;
      strip.append(c);
      entry = {card: c, value};
      cards.set(m.name, entry);
    }
    const text = String(m.value);
    if (entry.value.textContent !== text) entry.value.textContent = text;
    if (m.title !== undefined && entry.card.title !== m.title) entry.card.title = m.title;
  };

  const render = (s: S) => {
    state = s;
    card({name: "status", label: "Status", value: statusLabel(s.status)});
    for (const m of metrics(s)) card(m);
    for (const {key, button} of buttons) {
      const applies = actionApplies(key, s);
      if (applies) button.removeAttribute("aria-disabled");
      else button.setAttribute("aria-disabled", "true");
    }
    message.hidden = !s.message;
    if (message.textContent !== s.message) message.textContent = s.message;
    message.className = `${messageKind(s.status)} run-message`;
    if (command && s.fingerprint !== undefined) {
      reproduce.hidden = false;
      fingerprint.textContent = s.fingerprint;
      count.textContent = countWords(steps(s), stepWord);
      const text = command(s);
      if (commandBlock.textContent !== text) commandBlock.textContent = text;
    } else reproduce.hidden = true;
  };

  return {
    node,
    reproduce,
    get run() {
      return run;
    },
    update(next) {
      if ("command" in next) command = next.command ?? null;
      if (next.problems) {
        banner.replaceChildren(...next.problems.map((p) => html`<div>${p}</div>`));
        if (next.problems.length) node.prepend(banner);
        else banner.remove();
      }
      if ("run" in next && next.run !== run) {
        off?.();
        off = null;
        run = next.run ?? null;
        if (run) off = run.subscribe(render);
      }
      if (!run && next.state) render(next.state);
      else if (state && !("run" in next)) render(state);
    },
    dispose() {
      off?.();
      off = null;
      run = null;
    },
  };
}

/** The figures of a LiveRun / WorkerRun state, the same on every page that trains on digits. */
export function trainingMetrics(
  state: {epoch: number; samplesSeen: number; steps: number; trainLoss: number; testAccuracy: number; samplesPerSecond: number; parameters: number},
  {testCount, setName = "training set"}: {testCount: number; setName?: string},
): Metric[] {
  const fmt = (x: number, digits: number) => (Number.isFinite(x) ? x.toFixed(digits) : "–");
  return [
    {name: "epoch", label: "Epoch", value: fmt(state.epoch, 2), title: `training samples seen ÷ ${setName} size`},
    {name: "samples-seen", label: "Samples seen", value: state.samplesSeen.toLocaleString("en")},
    {name: "steps", label: "Updates", value: state.steps.toLocaleString("en"), title: "minibatch updates"},
    {name: "train-loss", label: "Train loss", value: fmt(state.trainLoss, 3), title: "mean cross-entropy over the samples since the previous evaluation"},
    {
      name: "test-accuracy",
      label: "Test accuracy",
      value: Number.isFinite(state.testAccuracy) ? `${(100 * state.testAccuracy).toFixed(1)} %` : "–",
      title: `on the ${testCount.toLocaleString("en")} test digits`,
    },
    {
      name: "samples-per-second",
      label: "Engine speed",
      value: Number.isFinite(state.samplesPerSecond) ? `${Math.round(state.samplesPerSecond).toLocaleString("en")} samples/s` : "–",
      title: "training samples per second of time spent in training steps",
    },
    {name: "parameters", label: "Parameters", value: state.parameters.toLocaleString("en"), title: "weights and biases"},
  ];
}
