/**
 * The status strip and the run buttons, the same on every page that trains.
 *
 *   statusStrip([{name: "epoch", label: "Epoch", value: "1.25"}, …])   // values carry data-metric hooks
 *   runButtons({train: () => run.start(), pause: () => run.pause(), step: () => run.step(), reset: () => run.reset()})
 *   runMessage(state.message, state.status === "diverged" ? "caution" : "note")
 */
import {html} from "htl";

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

/** A grid of metric cards; each value sits in `<span data-metric=name>`. */
export function statusStrip(metrics: Metric[]): HTMLElement {
  return html`<div class="status-strip" role="status" aria-live="off">
    ${metrics.map(
      ({name, label, value, title = ""}) =>
        html`<div class="card metric" title=${title}>
          <h3>${label}</h3>
          <span data-metric=${name}>${value}</span>
        </div>`,
    )}
  </div>`;
}

export interface RunActions {
  train?: () => void;
  pause?: () => void;
  step?: () => void;
  reset?: () => void;
}

const BUTTONS: {key: keyof RunActions; label: string; title: string}[] = [
  {key: "train", label: "Train", title: "Train until paused, or for the chosen budget"},
  {key: "pause", label: "Pause", title: "Pause after the current slice"},
  {key: "step", label: "Step", title: "One update, then pause"},
  {key: "reset", label: "Reset", title: "Back to the initial weights of this seed"},
];

/**
 * Train / Pause / Step / Reset as native buttons (focusable, Enter and Space work), in that
 * order, each with a `data-action` hook; actions not given are left out. `titles` overrides tooltips.
 */
export function runButtons(actions: RunActions, titles: Partial<Record<keyof RunActions, string>> = {}): HTMLElement {
  return html`<div class="run-buttons" role="group" aria-label="Run controls">
    ${BUTTONS.filter(({key}) => actions[key]).map(
      ({key, label, title}) => html`<button type="button" data-action=${key} title=${titles[key] ?? title} onclick=${() => actions[key]!()}>${label}</button>`,
    )}
  </div>`;
}

/**
 * A message under a run (why it stopped, a refused value): Framework's note/caution/warning box
 * with data-metric="message". Long texts wrap; nothing is shown for an empty message.
 */
export function runMessage(text: string, kind: "note" | "caution" | "warning" = "note"): HTMLElement | null {
  return text ? html`<div class=${`${kind} run-message`} data-metric="message">${text}</div>` : null;
}
