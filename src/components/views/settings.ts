/**
 * The one input policy of every page that trains: each value that defines a run (η, B, μ, the
 * seed, the dataset, the activation, …) is a field of the page's schema (experiments/params.ts, with
 * ranges from experiments/limits.ts) and goes through one control made here: numbers through the exact
 * number box (views/number-control.ts: a refused value is said at the box and the value in use
 * comes back), choices through a select or radio. A value is applied the moment it is accepted:
 * `settings.value` changes, an `input` event fires (so `Generators.input(settings)` hands the page
 * a new run at once), and the URL is rewritten, so the address bar, the run and the printed
 * command always agree. Values read from the URL that fall back are listed in `problems`, for
 * the run panel's banner.
 *
 *   const settings = runSettings(labSchema, {
 *     lr: {label: "Learning rate η", slider: "log"},
 *     dataset: {label: "Digits", kind: "radio", format: (d) => …},
 *   });
 *   settings.controls.lr          // place each control where the page wants it
 *   const values = Generators.input(settings);
 */
import * as Inputs from "@observablehq/inputs";
import {html} from "htl";
import {numberControl} from "./number-control.js";
import {readParams, writeParams, type Field, type Schema, type Values} from "../experiments/params.js";

/** How one field is shown. */
export interface ControlSpec {
  /** Visible label and accessible name. */
  label: string;
  /** Short name used in refusal messages (default: the field's key). */
  name?: string;
  /** Choices: "select" (default) or "radio". */
  kind?: "select" | "radio";
  /** Choices: the values offered (default: every value the field accepts). */
  options?: readonly string[];
  /** Choices: the text shown for a value. */
  format?: (value: string) => string;
  /** Numbers: a slider beside the box. */
  slider?: "linear" | "log";
}

export type ControlSpecs<S extends Schema> = {[K in keyof S]?: ControlSpec};

export interface SettingsOptions<S extends Schema> {
  /** The query string to start from (default location.search). */
  search?: string;
  /** Starting values that override the URL's (e.g. a page-specific fallback). */
  start?: Partial<Values<S>>;
  /**
   * Called when the reader changes `key`; returns further changes applied in the same step (one
   * new run, not two), e.g. the MNIST page moves η to the measured default of a new activation.
   */
  adjust?: (key: keyof S & string, next: Values<S>, previous: Values<S>) => Partial<Values<S>> | void;
  /** Rewrite the address bar's query on every change (default true; false in tests). */
  writeUrl?: boolean;
}

export interface Settings<S extends Schema> extends HTMLElement {
  /** The values in use: every one accepted by its control. */
  value: Values<S>;
  /** One control per field with a spec, by key; each may be placed anywhere on the page. */
  controls: {[K in keyof S]: HTMLElement & {value: Values<S>[K]}};
  /** One sentence per URL value that fell back to its default. */
  problems: string[];
  /** The key the reader changed last (null before any change, or after set()). */
  lastKey: string | null;
  /** Sets several values as if the reader had (Load, a suggestion); throws RangeError for a value its field refuses. */
  set(changes: Partial<Values<S>>): void;
}

/**
 * The values after the reader changes `key` to `value`, with the page's adjustments; the same
 * object when nothing changes. throws RangeError when the field refuses the value.
 */
export function applyChange<S extends Schema>(schema: S, values: Values<S>, changes: Partial<Values<S>>): Values<S> {
  let next = values;
  for (const [key, value] of Object.entries(changes)) {
    const field = schema[key] as Field<unknown> | undefined;
    if (!field) throw new RangeError(`unknown setting: ${key}`);
    const parsed = field.parse(field.format(value)); // throws RangeError with the reason
    if (parsed !== next[key]) next = {...next, [key]: parsed};
  }
  return next;
}

/** The controls and values of a page's schema (see the module comment). */
export function runSettings<S extends Schema>(
  schema: S,
  specs: ControlSpecs<S>,
  {search = globalThis.location?.search ?? "", start = {}, adjust, writeUrl = true}: SettingsOptions<S> = {},
): Settings<S> {
  const read = readParams(schema, search);
  let values = {...read.values, ...start} as Values<S>;
  const root = html`<div class="run-settings"></div>` as Settings<S>;
  const controls = {} as Record<string, HTMLElement & {value: unknown}>;

  const writeAddress = () => {
    if (!writeUrl || typeof history === "undefined") return;
    const query = writeParams(schema, values);
    if (query !== location.search && !(query === "" && location.search === "")) history.replaceState(history.state, "", `${location.pathname}${query}${location.hash}`);
  };
  const show = () => {
    for (const [key, control] of Object.entries(controls)) if (control.value !== values[key]) control.value = values[key];
  };
  const commit = (changes: Partial<Values<S>>, changedKey: string | null) => {
    let next = applyChange(schema, values, changes);
    if (next === values) return;
    root.lastKey = changedKey;
    if (changedKey && adjust) next = applyChange(schema, next, adjust(changedKey, next, values) ?? {});
    values = next;
    show();
    writeAddress();
    root.dispatchEvent(new Event("input"));
  };

  for (const [key, spec] of Object.entries(specs) as [string, ControlSpec][]) {
    const field = schema[key] as Field<unknown>;
    let control: HTMLElement & {value: unknown};
    if (field.options) {
      const format = spec.format ?? String;
      const make = spec.kind === "radio" ? Inputs.radio : Inputs.select;
      control = make((spec.options ?? field.options) as string[], {label: spec.label, value: values[key] as string, format}) as HTMLElement & {value: unknown};
    } else {
      control = numberControl({
        label: spec.label,
        name: spec.name ?? key,
        value: values[key] as number,
        min: field.min ?? -Infinity,
        max: field.max ?? Infinity,
        integer: field.integer,
        slider: spec.slider ?? false,
      });
    }
    control.dataset.setting = key;
    // Every change of a control becomes one change of the settings (the control's own event stops here).
    control.addEventListener("input", (event) => {
      event.stopPropagation();
      if (control.value !== values[key]) commit({[key]: control.value} as Partial<Values<S>>, key);
    });
    controls[key] = control;
    root.append(control);
  }

  Object.defineProperty(root, "value", {get: () => values});
  root.controls = controls as Settings<S>["controls"];
  root.problems = read.problems;
  root.lastKey = null;
  root.set = (changes) => commit(changes, null);
  writeAddress();
  return root;
}

/**
 * Calls `notify` with one setting's value now and whenever it changes (not when other settings
 * change), for a cell that should rerun only then: `Generators.observe((n) => watchSetting(s, "dataset", n))`.
 * Returns the disposer.
 */
export function watchSetting<S extends Schema, K extends keyof S & string>(settings: Settings<S>, key: K, notify: (value: Values<S>[K]) => void): () => void {
  let last = settings.value[key];
  notify(last);
  const onInput = () => {
    const next = settings.value[key];
    if (next !== last) notify((last = next));
  };
  settings.addEventListener("input", onInput);
  return () => settings.removeEventListener("input", onInput);
}
