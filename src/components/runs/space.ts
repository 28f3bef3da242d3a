/**
 * The hyperparameters a sweep or a search varies, declared once: their names in a run's
 * configuration, in a grid file, on the command line and on the page, their kinds (a choice, a
 * log-scaled or linear number, a whole number), their ranges and their neutral values. The grid
 * expansion, the random draws, the results schema, the parallel-coordinates axes and the
 * importance analysis all read this one table.
 */
import {activationNames, initNames, optimizerNames, scheduleNames, type ActivationName, type InitName, type OptimizerName, type ScheduleName} from "../nn/index.js";
import {DROPOUT_RANGE, LEARNING_RATE_RANGE, WARMUP_RANGE, WEIGHT_DECAY_RANGE} from "../experiments/limits.js";

/** One run's hyperparameters (the seed aside). */
export interface RunConfig {
  init: InitName;
  activation: ActivationName;
  /** Learning rate η (the schedule's base rate). */
  lr: number;
  optimizer: OptimizerName;
  /** Weight decay λ: L2 in the gradient for sgd / momentum / adam, decoupled for adamw. */
  weightDecay: number;
  /** Dropout probability p on every hidden layer (inverted dropout; off at evaluation). */
  dropout: number;
  schedule: ScheduleName;
  /** Linear warm-up, in updates. */
  warmup: number;
}

export type AxisName = keyof RunConfig;

/** A grid's lists, one per axis (the grid file's keys). */
export interface GridAxes {
  inits: InitName[];
  activations: ActivationName[];
  lrs: number[];
  optimizers: OptimizerName[];
  weightDecays: number[];
  dropouts: number[];
  schedules: ScheduleName[];
  warmups: number[];
}

interface AxisBase<K extends AxisName> {
  readonly name: K;
  /** The grid file's key: a list of values. */
  readonly gridKey: keyof GridAxes;
  /** The command-line flag taking a comma-separated list. */
  readonly flag: string;
  /** The Compare page's URL parameter (a comma-separated list). */
  readonly urlKey: string;
  /** Reader-facing label, with the field's symbol. */
  readonly label: string;
  /** The value that changes nothing (absent from a run's key when it has it); undefined: always in the key. */
  readonly neutral?: RunConfig[K];
}
export interface ChoiceAxis<K extends AxisName> extends AxisBase<K> {
  readonly kind: "choice";
  readonly options: readonly RunConfig[K][];
}
export interface NumberAxis<K extends AxisName> extends AxisBase<K> {
  /** log: drawn log-uniformly by a random search and drawn on a log axis (its lower end must then be > 0); linear: uniformly; integer: a whole number, uniformly. */
  readonly kind: "log" | "linear" | "integer";
  /** Accepted values, inclusive unless `openMax`. */
  readonly range: readonly [number, number];
  /** The upper end is excluded (dropout p < 1). */
  readonly openMax?: boolean;
}
export type Axis = {[K in AxisName]: ChoiceAxis<K> | NumberAxis<K>}[AxisName];

/** Every axis, in expansion order (the first varies slowest; a run's seed varies fastest of all). */
export const AXES: readonly Axis[] = [
  {name: "init", urlKey: "init", gridKey: "inits", flag: "--init", label: "initialisation", kind: "choice", options: initNames},
  {name: "activation", urlKey: "act", gridKey: "activations", flag: "--activation", label: "activation", kind: "choice", options: activationNames},
  {name: "lr", urlKey: "lr", gridKey: "lrs", flag: "--lr", label: "learning rate η", kind: "log", range: LEARNING_RATE_RANGE},
  {name: "optimizer", urlKey: "opt", gridKey: "optimizers", flag: "--optimizer", label: "optimiser", kind: "choice", options: optimizerNames, neutral: "sgd"},
  {name: "weightDecay", urlKey: "weight-decay", gridKey: "weightDecays", flag: "--weight-decay", label: "weight decay λ", kind: "log", range: WEIGHT_DECAY_RANGE, neutral: 0},
  {name: "dropout", urlKey: "dropout", gridKey: "dropouts", flag: "--dropout", label: "dropout p", kind: "linear", range: DROPOUT_RANGE, openMax: true, neutral: 0},
  {name: "schedule", urlKey: "schedule", gridKey: "schedules", flag: "--schedule", label: "η schedule", kind: "choice", options: scheduleNames, neutral: "constant"},
  {name: "warmup", urlKey: "warmup", gridKey: "warmups", flag: "--warmup", label: "warm-up (updates)", kind: "integer", range: WARMUP_RANGE, neutral: 0},
];

export const axis = <K extends AxisName>(name: K): Extract<Axis, {name: K}> => AXES.find((a) => a.name === name) as Extract<Axis, {name: K}>;

/** The axes a random search may draw from a range instead of a list: log-uniformly for η and λ, uniformly for the others. */
export const RANGE_AXES = AXES.filter((a): a is NumberAxis<AxisName> & Axis => a.kind !== "choice").map((a) => a.name);

/** What a value is wrong with, for a message, or null when the axis accepts it. */
export function axisProblem(a: Axis, value: unknown): string | null {
  if (a.kind === "choice") return (a.options as readonly unknown[]).includes(value) ? null : `expected one of ${a.options.join(", ")}`;
  const [lo, hi] = a.range;
  const within = typeof value === "number" && value >= lo && (a.openMax ? value < hi : value <= hi);
  if (!within) return `expected a ${a.kind === "integer" ? "whole number" : "number"} from ${lo} to ${a.openMax ? `below ${hi}` : hi}`;
  if (a.kind === "integer" && !Number.isInteger(value)) return "expected a whole number";
  return null;
}

/**
 * A configuration's key: "init|activation|lr", then "|name=value" for each other axis that
 * `varies` in its search (default: each whose value is not neutral), in AXES order. A grid that
 * varies only the first three axes keeps the short keys "he-normal|relu|0.01".
 */
export function configKey(c: RunConfig, varies: (name: AxisName) => boolean = (name) => c[name] !== axis(name).neutral): string {
  const parts = [c.init, c.activation, String(c.lr)];
  for (const a of AXES.slice(3)) if (varies(a.name)) parts.push(`${a.name}=${c[a.name]}`);
  return parts.join("|");
}

/** Rounds to 3 significant digits, as logSpace does: drawn values stay readable in keys and tables. */
export const round3 = (x: number) => (x === 0 ? 0 : +x.toPrecision(3));
