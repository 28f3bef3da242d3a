/**
 * One typed schema per page drives its defaults, its widgets' starting values and its URL.
 * A page reads `?lr=0.01&batch=10` on load (a bad value falls back to the default and the page
 * says so) and writes its current non-default values back, so a link reproduces a run.
 */
export interface Field<T> {
  readonly default: T;
  /** Numbers only: the accepted range. */
  readonly min?: number;
  readonly max?: number;
  /** Numbers only: whole numbers only. */
  readonly integer?: boolean;
  /** Choices only: the accepted values, in the order a control lists them. */
  readonly options?: readonly T[];
  /** Parses URL text; throws RangeError with a reader-facing reason. */
  parse(text: string): T;
  format(value: T): string;
}

/** One of a fixed list of strings. */
export function choice<const T extends string>(options: readonly T[], fallback: T): Field<T> {
  return {
    default: fallback,
    options,
    parse(text) {
      if (!(options as readonly string[]).includes(text)) throw new RangeError(`expected one of ${options.join(", ")}`);
      return text as T;
    },
    format: (value) => value,
  };
}

/** A finite number in [min, max], optionally an integer. */
export function number(fallback: number, {min = -Infinity, max = Infinity, integer = false} = {}): Field<number> {
  return {
    default: fallback,
    min,
    max,
    integer,
    parse(text) {
      const value = Number(text);
      if (text.trim() === "" || !Number.isFinite(value)) throw new RangeError("expected a number");
      if (integer && !Number.isInteger(value)) throw new RangeError("expected a whole number");
      if (value < min || value > max) throw new RangeError(`expected a number from ${min} to ${max}`);
      return value;
    },
    format: (value) => String(value),
  };
}

export type Schema = Record<string, Field<any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type Values<S extends Schema> = {[K in keyof S]: S[K] extends Field<infer T> ? T : never};

/** Longest URL value a message quotes in full; longer ones are cut and their length given. */
export const MAX_QUOTED = 40;

/** `text`, or its first MAX_QUOTED characters + "… (N characters)" when longer. */
export function shorten(text: string): string {
  return text.length <= MAX_QUOTED ? text : `${text.slice(0, MAX_QUOTED)}… (${text.length.toLocaleString("en")} characters)`;
}

/** The schema's defaults. */
export function defaults<S extends Schema>(schema: S): Values<S> {
  return Object.fromEntries(Object.entries(schema).map(([key, field]) => [key, field.default])) as Values<S>;
}

/**
 * Values from a query string; unknown keys are ignored, bad values fall back to the default.
 * `problems` holds one sentence per fallback, for the page to show.
 */
export function readParams<S extends Schema>(schema: S, search: string): {values: Values<S>; problems: string[]} {
  const values = defaults(schema) as Record<string, unknown>;
  const problems: string[] = [];
  const params = new URLSearchParams(search);
  for (const [key, field] of Object.entries(schema)) {
    const text = params.get(key);
    if (text === null) continue;
    try {
      values[key] = field.parse(text);
    } catch (error) {
      problems.push(`URL parameter ${key}=${JSON.stringify(shorten(text))} ignored (${(error as Error).message}); using ${field.format(field.default)}.`);
    }
  }
  return {values: values as Values<S>, problems};
}

/** Query string ("" or "?a=b&…") holding the values that differ from the defaults. */
export function writeParams<S extends Schema>(schema: S, values: Values<S>): string {
  const params = new URLSearchParams();
  for (const [key, field] of Object.entries(schema)) {
    const value = (values as Record<string, unknown>)[key];
    if (value !== field.default) params.set(key, field.format(value));
  }
  const text = params.toString();
  return text ? `?${text}` : "";
}

/**
 * The CLI command that repeats a page run: `npm run -s train --` followed by each flag and its
 * value, in the order given, e.g. trainCommand({subset: "page", lr: 0.01}) →
 * "npm run -s train -- --subset page --lr 0.01". Values are printed exactly as held (no rounding).
 * A boolean is a bare flag: true prints `--flag`, false prints nothing.
 */
export function trainCommand(flags: Record<string, string | number | boolean>): string {
  const words = Object.entries(flags).flatMap(([flag, value]) => (value === false ? [] : value === true ? [`--${flag}`] : [`--${flag} ${value}`]));
  return ["npm run -s train --", ...words].join(" ");
}
