/**
 * Learning-rate schedules: the learning rate of the update with 0-based index t (t = 0 is the
 * first update of the run), from the base rate η₀ and the horizon T (`totalSteps`, the number of
 * updates in the whole run). Pure functions of (η₀, t, options), built only from +, −, ×, ÷ and
 * the cross-engine `cospi` of math.ts, so every engine gives the same bits.
 *
 * - constant:  η_t = η₀ (needs no horizon).
 * - step:      η_t = η₀ × 0.1 once t ≥ T/2 and η₀ × 0.01 once t ≥ 3T/4 (the ResNet-style
 *              decay by 10 at 50 % and 75 % of training; He et al. 2016 decay at fixed epochs).
 * - cosine:    η_t = η₀ · ½(1 + cos(π t/T)) for t < T, 0 from t = T on (SGDR without restarts,
 *              Loshchilov & Hutter 2017): η₀ at t = 0, η₀/2 half-way, 0 at the horizon.
 * - one-cycle: Smith 2018, in the shape of PyTorch's OneCycleLR (cosine annealing, 2 phases):
 *              over the first 30 % (t ≤ P = 0.3T) the rate rises from η₀/25 to its peak η₀,
 *              η_t = η₀/25 + (η₀ − η₀/25)·½(1 − cos(π t/P)); then it falls to η_min = η₀/(25·10⁴),
 *              η_t = η_min + (η₀ − η_min)·½(1 + cos(π (t − P)/(T − P))), and stays at η_min from
 *              t = T on. The peak is the base rate: with one-cycle, η is the maximum rate.
 *
 * Warm-up over W updates (`warmup`, any schedule) multiplies the schedule's rate by
 * min(1, (t + 1)/W): the first update uses η/W of the schedule's rate, update W − 1 the full rate,
 * linear in between (Goyal et al. 2017). t is not shifted: the schedule runs from the first update.
 */
import {cospi} from "./math.js";

export const scheduleNames = ["constant", "step", "cosine", "one-cycle"] as const;
export type ScheduleName = (typeof scheduleNames)[number];

export interface ScheduleOptions {
  /** Default "constant". */
  schedule?: ScheduleName;
  /** Linear warm-up over this many updates, an integer ≥ 0 (default 0: none). */
  warmup?: number;
  /** The horizon T: updates in the whole run, an integer ≥ 1; required unless the schedule is constant. */
  totalSteps?: number;
}

/** Fraction of the horizon at which one-cycle peaks (PyTorch's pct_start). */
export const ONE_CYCLE_PEAK = 0.3;
/** one-cycle starts at η₀/ONE_CYCLE_DIV (PyTorch's div_factor). */
export const ONE_CYCLE_DIV = 25;
/** one-cycle ends at η₀/(ONE_CYCLE_DIV·ONE_CYCLE_FINAL_DIV) (PyTorch's final_div_factor). */
export const ONE_CYCLE_FINAL_DIV = 1e4;
/** step: the rate is multiplied by STEP_FACTOR at each of these fractions of the horizon. */
export const STEP_MILESTONES = [0.5, 0.75] as const;
export const STEP_FACTOR = 0.1;

/**
 * Checks schedule options at the boundary and fills in defaults.
 * throws RangeError naming the field and its value: an unknown schedule, a warm-up that is not an
 * integer ≥ 0, or a horizon that is missing (schedules other than constant) or not an integer ≥ 1.
 */
export function scheduleOptions({schedule = "constant", warmup = 0, totalSteps}: ScheduleOptions = {}): Required<Omit<ScheduleOptions, "totalSteps">> & {totalSteps: number | undefined} {
  if (!(scheduleNames as readonly string[]).includes(schedule)) {
    throw new RangeError(`invalid schedule: ${JSON.stringify(schedule)} (expected one of ${scheduleNames.join(", ")})`);
  }
  if (!(Number.isInteger(warmup) && warmup >= 0)) throw new RangeError(`invalid warmup: ${warmup} (expected an integer ≥ 0 updates)`);
  if (totalSteps === undefined) {
    if (schedule !== "constant") throw new RangeError(`invalid totalSteps: undefined (the ${schedule} schedule needs the horizon, the number of updates in the run)`);
  } else if (!(Number.isInteger(totalSteps) && totalSteps >= 1)) {
    throw new RangeError(`invalid totalSteps: ${totalSteps} (expected an integer ≥ 1 updates)`);
  }
  return {schedule, warmup, totalSteps};
}

/** True when the options leave every update at the base rate (constant, no warm-up). */
export function isConstantSchedule({schedule = "constant", warmup = 0}: ScheduleOptions = {}): boolean {
  return schedule === "constant" && warmup === 0;
}

/**
 * The learning rate of update t (0-based) for base rate `base`; see the module comment for the
 * formulas. Exactly `base` for the constant schedule without warm-up.
 * throws RangeError on bad options (see scheduleOptions), or when t is not an integer ≥ 0 or base
 * is not finite and > 0.
 */
export function learningRateAt(base: number, t: number, options: ScheduleOptions): number {
  const {schedule, warmup, totalSteps} = scheduleOptions(options);
  if (!(Number.isInteger(t) && t >= 0)) throw new RangeError(`invalid update index t: ${t} (expected an integer ≥ 0)`);
  if (!(Number.isFinite(base) && base > 0)) throw new RangeError(`invalid learning rate: ${base} (expected a finite number > 0)`);
  return rateAt(base, t, schedule, warmup, totalSteps as number);
}

/** `learningRateAt` without the checks (and without allocating), for options already checked by scheduleOptions. */
export function rateAt(base: number, t: number, schedule: ScheduleName, warmup: number, totalSteps: number): number {
  const rate = scheduled(base, t, schedule, totalSteps);
  return warmup > 0 && t < warmup ? (rate * (t + 1)) / warmup : rate;
}

function scheduled(base: number, t: number, schedule: ScheduleName, T: number): number {
  switch (schedule) {
    case "constant":
      return base;
    case "step": {
      let rate = base;
      for (const m of STEP_MILESTONES) if (t >= m * T) rate *= STEP_FACTOR;
      return rate;
    }
    case "cosine":
      return t >= T ? 0 : base * 0.5 * (1 + cospi(t / T));
    case "one-cycle": {
      const start = base / ONE_CYCLE_DIV,
        end = start / ONE_CYCLE_FINAL_DIV;
      const peak = ONE_CYCLE_PEAK * T;
      if (t >= T) return end;
      if (t <= peak) return start + (base - start) * 0.5 * (1 - cospi(t / peak));
      return end + (base - end) * 0.5 * (1 + cospi((t - peak) / (T - peak)));
    }
  }
}
