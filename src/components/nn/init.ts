/**
 * Weight initialisers. Each maps (fan-in, fan-out, a uniform source on [0, 1)) to a sampler.
 * The variances are the ones that keep activations at a steady scale through depth:
 *
 * | name            | distribution                         | source                          |
 * |-----------------|--------------------------------------|---------------------------------|
 * | he-normal       | N(0, 2/fanIn)                        | He et al., 2015 (Kaiming)       |
 * | he-uniform      | U(±√(6/fanIn))                       | He et al., 2015                 |
 * | xavier-normal   | N(0, 2/(fanIn+fanOut))               | Glorot & Bengio, 2010           |
 * | xavier-uniform  | U(±√(6/(fanIn+fanOut)))              | Glorot & Bengio, 2010           |
 * | lecun-normal    | N(0, 1/fanIn)                        | LeCun et al., 1998 (fan-in)     |
 * | uniform         | U(±scale), scale default 0.5         | the naive baseline              |
 * | zeros           | 0                                    | every unit identical: symmetry  |
 *
 * Uniform draws use d3-random on the seeded source passed in. Normal draws use Marsaglia's polar
 * method (as d3-random's randomNormal does) with the engine-independent ln of ./math.ts, so the
 * same seed gives the same weights bit for bit in Node and in every browser.
 */
import {randomUniform} from "d3-random";
import {ln} from "./math.js";

export type Sampler = () => number;
export interface InitOptions {
  /** Half-width a of the naive `uniform` initialiser U(−a, a); default 0.5. */
  scale?: number;
}
export type Initialiser = (fanIn: number, fanOut: number, source: () => number, options?: InitOptions) => Sampler;

/** N(0, std²) by Marsaglia's polar method (Marsaglia & Bray, 1964): two normals per accepted pair. */
function normal(std: number, source: () => number): Sampler {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const y = spare;
      spare = null;
      return std * y;
    }
    let x: number, y: number, r: number;
    do {
      x = source() * 2 - 1;
      y = source() * 2 - 1;
      r = x * x + y * y;
    } while (!r || r > 1);
    const k = Math.sqrt((-2 * ln(r)) / r);
    spare = x * k;
    return std * y * k;
  };
}
const uniform = (limit: number, source: () => number): Sampler => randomUniform.source(source)(-limit, limit);

export const initialisers = {
  "he-normal": (fanIn, _fanOut, source) => normal(Math.sqrt(2 / fanIn), source),
  "he-uniform": (fanIn, _fanOut, source) => uniform(Math.sqrt(6 / fanIn), source),
  "xavier-normal": (fanIn, fanOut, source) => normal(Math.sqrt(2 / (fanIn + fanOut)), source),
  "xavier-uniform": (fanIn, fanOut, source) => uniform(Math.sqrt(6 / (fanIn + fanOut)), source),
  "lecun-normal": (fanIn, _fanOut, source) => normal(Math.sqrt(1 / fanIn), source),
  uniform: (_fanIn, _fanOut, source, {scale = 0.5} = {}) => uniform(scale, source),
  zeros: () => () => 0,
} satisfies Record<string, Initialiser>;

export type InitName = keyof typeof initialisers;
export const initNames = Object.keys(initialisers) as InitName[];

/**
 * The variance each initialiser targets for a layer, for charts and tests
 * (uniform U(±a) has variance a²/3).
 */
export function initVariance(name: InitName, fanIn: number, fanOut: number, {scale = 0.5}: InitOptions = {}): number {
  switch (name) {
    case "he-normal":
    case "he-uniform":
      return 2 / fanIn;
    case "xavier-normal":
    case "xavier-uniform":
      return 2 / (fanIn + fanOut);
    case "lecun-normal":
      return 1 / fanIn;
    case "uniform":
      return (scale * scale) / 3;
    case "zeros":
      return 0;
  }
}

/** Looks up an initialiser; throws RangeError naming the bad value. */
export function initialiser(name: string): Initialiser {
  if (!Object.hasOwn(initialisers, name)) {
    throw new RangeError(`invalid init: ${JSON.stringify(name)} (expected one of ${initNames.join(", ")})`);
  }
  return initialisers[name as InitName];
}
