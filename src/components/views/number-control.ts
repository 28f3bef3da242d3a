/**
 * A labelled number box that never changes a value behind the reader's back: the value in use is
 * exactly what was typed or passed in (no rounding to a slider's step), and a typed value outside
 * [min, max] (or not a number, or not whole where a whole number is needed) is refused at the
 * control: the box is marked invalid, a message beside it names the value and the range, and on
 * Enter or leaving the box the value in use is put back.
 *
 * An optional slider (linear or logarithmic) sets rounded values by dragging; it never rewrites a
 * value that came from the box or the URL.
 *
 * Follows the Observable Inputs contract: `control.value` and `input` events, so `view()` and
 * `Generators.input()` work.
 *
 *   numberControl({label: "Learning rate η", name: "lr", value: 0.0123456789, min: 1e-4, max: 10, slider: "log"})
 */
import {html} from "htl";

export interface NumberControlOptions {
  /** Visible label and accessible name of the box. */
  label: string;
  /** Short name used in messages and in data-metric="refused-<name>". */
  name: string;
  value: number;
  min: number;
  max: number;
  /** Whole numbers only. */
  integer?: boolean;
  /** A slider beside the box: "log" for learning rates, "linear" otherwise; false for none. */
  slider?: "linear" | "log" | false;
  /** Significant digits of values set by dragging the slider (default 2). */
  sliderDigits?: number;
}

export interface NumberControl extends HTMLElement {
  value: number;
}

let counter = 0;

/** Parses box text; returns the number or the reason it is refused. */
export function checkNumber(text: string, {min, max, integer = false}: {min: number; max: number; integer?: boolean}): number | string {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value)) return "not a number";
  if (integer && !Number.isInteger(value)) return "not a whole number";
  if (value < min || value > max) return `outside ${min} to ${max}`;
  return value;
}

/** throws RangeError when value is outside [min, max] (a page bug, not reader input). */
export function numberControl({label, name, value, min, max, integer = false, slider = false, sliderDigits = 2}: NumberControlOptions): NumberControl {
  const initial = checkNumber(String(value), {min, max, integer});
  if (typeof initial === "string") throw new RangeError(`invalid ${name}: ${value} (${initial})`);
  const id = `number-control-${++counter}`;
  const log = slider === "log";
  const toSlider = (x: number) => (log ? Math.log10(x) : x);
  const fromSlider = (s: number) => +(log ? 10 ** s : s).toPrecision(sliderDigits);
  const box = html`<input id=${id} type="number" step=${integer ? 1 : "any"} min=${min} max=${max} inputmode="decimal" aria-describedby=${`${id}-message`} />` as HTMLInputElement;
  const range = slider ? (html`<input type="range" aria-label=${`${label} (slider)`} min=${toSlider(min)} max=${toSlider(max)} step=${integer ? 1 : "any"} />` as HTMLInputElement) : null;
  const message = html`<div id=${`${id}-message`} class="control-message" role="alert" data-metric=${`refused-${name}`}></div>` as HTMLDivElement;
  const root = html`<div class="number-control">
    <label for=${id}>${label}</label>
    <div class="number-control-inputs">${box}${range}</div>
    ${message}
  </div>` as NumberControl;
  let current = value;
  const show = () => {
    box.value = String(current);
    if (range) range.value = String(toSlider(current));
  };
  const refuse = (text: string, reason: string) => {
    box.setAttribute("aria-invalid", "true");
    const shown = text.length > 24 ? `${text.slice(0, 24)}…` : text;
    message.textContent = `${name} = ${shown || "(empty)"} refused (${reason}); still using ${current}.`;
  };
  const accept = (next: number) => {
    box.removeAttribute("aria-invalid");
    message.textContent = "";
    if (next === current) return;
    current = next;
    root.dispatchEvent(new Event("input", {bubbles: true}));
  };
  // A number box hides text it cannot parse: box.value is "" for "Infinity" or "1e" (badInput),
  // and Chromium drops letters before they reach the box (beforeinput without input). So what
  // was typed is followed here, from the beforeinput events, for the message to quote it.
  let raw = "",
    blocked = false,
    // The text that stands if the last edit never reaches the box (null: no edit awaits its input event).
    ifDropped: string | null = null;
  /** The text in the box, or what was typed into it when the box cannot show it. */
  const typed = () => (box.value !== "" ? box.value : blocked || box.validity.badInput ? raw : "");
  /** The browser dropped the last edit: the box is unchanged, but the message quotes what was typed. */
  const dropped = () => {
    if (ifDropped === null) return;
    blocked = true;
    raw = ifDropped;
    ifDropped = null;
    if (raw === "") return;
    refuse(raw, "not a number");
    if (box.value !== "") box.removeAttribute("aria-invalid");
  };
  box.addEventListener("beforeinput", (event) => {
    dropped();
    const insert = event.inputType.startsWith("insert") && !!event.data;
    if (!insert && event.inputType !== "deleteContentBackward") return;
    const edit = (text: string) => (insert ? text + event.data : text.slice(0, -1));
    // Text the box cannot show goes on from what was typed; after a number the box still shows,
    // only the dropped characters are quoted (the box's selection is unknown).
    ifDropped = edit(blocked || box.validity.badInput ? raw : "");
    raw = edit(blocked ? raw : typed());
    setTimeout(dropped);
  });
  // While typing: mark the box, but commit only on Enter or leaving the box (change).
  box.addEventListener("input", (event) => {
    event.stopPropagation();
    ifDropped = null;
    blocked = false;
    if (box.value !== "") raw = box.value;
    else if (!box.validity.badInput) raw = "";
    const text = typed();
    const checked = checkNumber(text, {min, max, integer});
    if (typeof checked === "string") refuse(text, box.validity.badInput ? "not a number" : checked);
    else box.removeAttribute("aria-invalid");
  });
  box.addEventListener("change", (event) => {
    event.stopPropagation();
    const text = typed();
    raw = "";
    blocked = false;
    const checked = box.value === "" && text !== "" ? "not a number" : checkNumber(text, {min, max, integer});
    if (typeof checked === "string") {
      // The message stays; the box shows the value in use again, so it is no longer invalid.
      refuse(text, checked);
      show();
      box.removeAttribute("aria-invalid");
    } else {
      accept(checked);
      show();
    }
  });
  range?.addEventListener("input", (event) => {
    event.stopPropagation();
    const next = Math.min(max, Math.max(min, fromSlider(Number(range.value))));
    box.value = String(next);
    accept(next);
  });
  Object.defineProperty(root, "value", {
    get: () => current,
    set: (next: number) => {
      const checked = checkNumber(String(next), {min, max, integer});
      if (typeof checked === "string") throw new RangeError(`invalid ${name}: ${next} (${checked})`);
      current = checked;
      raw = "";
      blocked = false;
      message.textContent = "";
      box.removeAttribute("aria-invalid");
      show();
    },
  });
  show();
  return root;
}
