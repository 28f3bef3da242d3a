/**
 * Networks to JSON and back. The file is versioned and self-checking:
 *
 *   { "format": "digit-workbook/network", "version": 1, "config": NetworkConfig,
 *     "layers": [{ "fanIn", "fanOut", "weights": number[fanOut·fanIn] (row-major), "biases": number[fanOut] }],
 *     "fingerprint": string, "meta"?: object }
 *
 * JSON numbers round-trip float64 exactly (shortest round-trip printing), so a loaded network
 * has the same fingerprint as the saved one; a mismatch means the file was edited or damaged.
 *
 * A convolutional network (conv.ts) has its own format, read by `convFromJSON`:
 *
 *   { "format": "digit-workbook/conv-network", "version": 1, "config": the normalised ConvNetworkConfig,
 *     "layers": [{ "type": "conv" | "dense", "shape": [outChannels, inChannels, kH, kW] | [fanOut, fanIn],
 *                  "fanIn", "fanOut", "weights": number[] (row-major in that shape), "biases": number[fanOut] }],
 *     "fingerprint": string, "meta"?: object }
 *
 * with one entry per conv or dense layer, in order; its fingerprint is `fingerprint` of those layers.
 */
import {ConvNetwork, type ConvNetworkConfig, type NormalisedConvConfig} from "./conv.js";
import {fingerprint} from "./fingerprint.js";
import {Network, type Layer, type NetworkConfig} from "./network.js";

export const FORMAT = "digit-workbook/network";
export const VERSION = 1;

export interface NetworkFile {
  format: typeof FORMAT;
  version: typeof VERSION;
  config: NetworkConfig;
  layers: {fanIn: number; fanOut: number; weights: number[]; biases: number[]}[];
  fingerprint: string;
  /** Free-form provenance (training options, steps, data subset …). */
  meta?: Record<string, unknown>;
}

export const CONV_FORMAT = "digit-workbook/conv-network";
export const CONV_VERSION = 1;

export interface ConvNetworkFile {
  format: typeof CONV_FORMAT;
  version: typeof CONV_VERSION;
  config: NormalisedConvConfig;
  layers: {type: "conv" | "dense"; shape: number[]; fanIn: number; fanOut: number; weights: number[]; biases: number[]}[];
  fingerprint: string;
  meta?: Record<string, unknown>;
}

/** The network as a plain JSON-ready object (a ConvNetwork in the conv-network format). */
// The Network overload last: ReturnType<typeof toJSON> (used by callers) stays NetworkFile.
export function toJSON(network: ConvNetwork, meta?: Record<string, unknown>): ConvNetworkFile;
export function toJSON(network: Network, meta?: Record<string, unknown>): NetworkFile;
export function toJSON(network: Network | ConvNetwork, meta?: Record<string, unknown>): NetworkFile | ConvNetworkFile {
  if (network instanceof ConvNetwork) {
    return {
      format: CONV_FORMAT,
      version: CONV_VERSION,
      config: network.config,
      layers: network.layers.map((layer) => ({
        type: layer.type,
        shape: layer.type === "conv" ? [layer.outChannels, layer.inChannels, layer.kernelHeight, layer.kernelWidth] : [layer.fanOut, layer.fanIn],
        fanIn: layer.fanIn,
        fanOut: layer.fanOut,
        weights: Array.from(layer.weights),
        biases: Array.from(layer.biases),
      })),
      fingerprint: fingerprint(network.layers),
      ...(meta ? {meta} : {}),
    };
  }
  return {
    format: FORMAT,
    version: VERSION,
    config: network.config,
    layers: network.layers.map(({fanIn, fanOut, weights, biases}) => ({fanIn, fanOut, weights: Array.from(weights), biases: Array.from(biases)})),
    fingerprint: fingerprint(network.layers),
    ...(meta ? {meta} : {}),
  };
}

/** Error thrown for a file that is not a valid network file; the message says what is wrong. */
export class NetworkFileError extends Error {
  override name = "NetworkFileError";
}

function numbers(value: unknown, what: string, length: number): Float64Array {
  if (!Array.isArray(value)) throw new NetworkFileError(`${what}: expected an array of numbers`);
  if (value.length !== length) throw new NetworkFileError(`${what}: ${value.length} values, expected ${length}`);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const v = value[i];
    if (typeof v !== "number" || !Number.isFinite(v)) throw new NetworkFileError(`${what}[${i}]: ${typeof v === "number" ? String(v) : JSON.stringify(v)} is not a finite number`);
    out[i] = v;
  }
  return out;
}

function parse(input: unknown): object {
  let file = input;
  if (typeof input === "string") {
    try {
      file = JSON.parse(input);
    } catch (error) {
      throw new NetworkFileError(`not JSON: ${(error as Error).message}`);
    }
  }
  if (file === null || typeof file !== "object") throw new NetworkFileError("expected an object");
  return file;
}

/**
 * Rebuilds a network from `toJSON`'s output (an object or its JSON text).
 * throws NetworkFileError naming what is wrong: not JSON, wrong format or version, a config the
 * network rejects, a layer of the wrong shape, a non-finite value, or a fingerprint mismatch
 * (a convolutional network's file: read it with convFromJSON).
 */
export function fromJSON(input: unknown): Network {
  const f = parse(input) as Partial<NetworkFile>;
  if ((f.format as string) === CONV_FORMAT) throw new NetworkFileError(`format: ${JSON.stringify(CONV_FORMAT)} is a convolutional network: read it with convFromJSON`);
  if (f.format !== FORMAT) throw new NetworkFileError(`format: ${JSON.stringify(f.format)}, expected ${JSON.stringify(FORMAT)}`);
  if (f.version !== VERSION) throw new NetworkFileError(`version: ${JSON.stringify(f.version)}, this workbook reads version ${VERSION}`);
  if (!f.config || typeof f.config !== "object") throw new NetworkFileError("config: missing");
  const sizes = f.config.layers;
  if (!Array.isArray(sizes)) throw new NetworkFileError("config.layers: missing");
  if (!Array.isArray(f.layers) || f.layers.length !== sizes.length - 1) {
    throw new NetworkFileError(`layers: expected ${sizes.length - 1} layers for sizes ${JSON.stringify(sizes)}`);
  }
  const layers: Layer[] = f.layers.map((layer, l) => {
    const fanIn = sizes[l],
      fanOut = sizes[l + 1];
    if (layer?.fanIn !== fanIn || layer?.fanOut !== fanOut) {
      throw new NetworkFileError(`layers[${l}]: shape ${layer?.fanOut}×${layer?.fanIn}, config says ${fanOut}×${fanIn}`);
    }
    return {fanIn, fanOut, weights: numbers(layer.weights, `layers[${l}].weights`, fanIn * fanOut), biases: numbers(layer.biases, `layers[${l}].biases`, fanOut)};
  });
  let network: Network;
  try {
    network = new Network(f.config, layers);
  } catch (error) {
    throw new NetworkFileError(`config: ${(error as Error).message}`);
  }
  const actual = fingerprint(network.layers);
  if (f.fingerprint !== actual) throw new NetworkFileError(`fingerprint: file says ${JSON.stringify(f.fingerprint)}, its weights hash to ${JSON.stringify(actual)}`);
  return network;
}

/**
 * Rebuilds a ConvNetwork from `toJSON`'s output (an object or its JSON text).
 * throws NetworkFileError naming what is wrong: not JSON, wrong format or version, a config the
 * network rejects (the layer by index and type), a layer of the wrong shape, a non-finite value,
 * or a fingerprint mismatch.
 */
export function convFromJSON(input: unknown): ConvNetwork {
  const f = parse(input) as Partial<ConvNetworkFile>;
  if (f.format !== CONV_FORMAT) throw new NetworkFileError(`format: ${JSON.stringify(f.format)}, expected ${JSON.stringify(CONV_FORMAT)}`);
  if (f.version !== CONV_VERSION) throw new NetworkFileError(`version: ${JSON.stringify(f.version)}, this workbook reads version ${CONV_VERSION}`);
  if (!f.config || typeof f.config !== "object") throw new NetworkFileError("config: missing");
  if (!Array.isArray(f.layers)) throw new NetworkFileError("layers: missing");
  const layers: Layer[] = f.layers.map((layer, l) => {
    const {fanIn, fanOut} = layer ?? {};
    if (!(Number.isInteger(fanIn) && fanIn > 0 && Number.isInteger(fanOut) && fanOut > 0)) throw new NetworkFileError(`layers[${l}]: fanIn ${fanIn}, fanOut ${fanOut} (expected integers ≥ 1)`);
    return {fanIn, fanOut, weights: numbers(layer.weights, `layers[${l}].weights`, fanIn * fanOut), biases: numbers(layer.biases, `layers[${l}].biases`, fanOut)};
  });
  let network: ConvNetwork;
  try {
    network = new ConvNetwork(f.config as ConvNetworkConfig, layers);
  } catch (error) {
    throw new NetworkFileError(`config: ${(error as Error).message}`);
  }
  f.layers.forEach((layer, l) => {
    const p = network.layers[l];
    const shape = p.type === "conv" ? [p.outChannels, p.inChannels, p.kernelHeight, p.kernelWidth] : [p.fanOut, p.fanIn];
    if (layer.type !== p.type || JSON.stringify(layer.shape) !== JSON.stringify(shape))
      throw new NetworkFileError(`layers[${l}]: ${JSON.stringify(layer.type)} of shape ${JSON.stringify(layer.shape)}, config says ${p.type} of shape ${JSON.stringify(shape)}`);
  });
  const actual = fingerprint(network.layers);
  if (f.fingerprint !== actual) throw new NetworkFileError(`fingerprint: file says ${JSON.stringify(f.fingerprint)}, its weights hash to ${JSON.stringify(actual)}`);
  return network;
}
