/**
 * Diagnoses that stop a run which cannot learn any more, as typed values (runs/run.ts
 * `Diagnosis`), so lifecycles and pages act on the code, never on the message's wording. A
 * diagnosis crosses to a Web Worker by its name (`DiagnosisName`), not as a function.
 */
import {deadUnits, type Network, type Samples} from "../nn/index.js";
import type {Diagnosis} from "./run.js";

/**
 * The dead-layer diagnosis: when every unit of a hidden layer outputs exactly 0 on every one of
 * `samples`, no gradient can pass that layer (f'(z) = 0 for ReLU, and the weights above see
 * a = 0), so training cannot recover. Code "zero-init" when the network started from zero
 * weights (the cause is the initialisation, not the training), else "dead-layer"; `layer` is the
 * first such hidden layer (1-based). null when every hidden layer has a unit that fires.
 * limit: check only the first `limit` samples (default all).
 */
export function deadLayer(network: Network, samples: Samples, {limit}: {limit?: number} = {}): Diagnosis | null {
  const {dead} = deadUnits(network, samples, {limit});
  const l = dead.findIndex((d) => d.length > 0 && d.every((v) => v === 1));
  if (l < 0) return null;
  const name = `H${l + 1}`;
  return network.config.init === "zeros"
    ? {code: "zero-init", layer: l + 1, message: `Every unit of ${name} is 0 on every test digit: with zero initial weights no gradient can reach it. Choose another initialisation.`}
    : {code: "dead-layer", layer: l + 1, message: `Every unit of ${name} is dead (0 on every test digit): no gradient can reach it; press Reset.`};
}

/** deadLayer's message, or "" (for reports that print it). */
export function deadLayerMessage(network: Network, samples: Samples, options: {limit?: number} = {}): string {
  return deadLayer(network, samples, options)?.message ?? "";
}

/** The diagnoses a worker run can be asked for, by name. */
export const DIAGNOSES = {
  "dead-layer": deadLayer,
} as const satisfies Record<string, (network: Network, samples: Samples) => Diagnosis | null>;

export type DiagnosisName = keyof typeof DIAGNOSES;
