/**
 * The inputs every library shares: initial weights (He-normal, biases 0) and the sample order,
 * drawn once by the harness from fixed seeds and written to a temp folder as a JSON header
 * beside a little-endian binary file:
 *
 *   name.json  {"format": "digit-bench/1", "meta": {...}, "arrays": [{"name", "dtype", "offset", "length"}]}
 *   name.bin   the arrays back to back (offsets in bytes, 8-byte aligned)
 */
import {readFileSync, writeFileSync} from "node:fs";
import {basename, dirname, join} from "node:path";
import {randomLcg, randomNormal} from "d3-random";

const FORMAT = "digit-bench/1";

type Dtype = "float64" | "float32" | "uint32";
type TypedArray = Float64Array | Float32Array | Uint32Array;

interface ArrayEntry {
  name: string;
  dtype: Dtype;
  /** Byte offset in the .bin file. */
  offset: number;
  length: number;
}

interface Header {
  format: typeof FORMAT;
  meta: Record<string, unknown>;
  data: string;
  arrays: ArrayEntry[];
}

const dtypeOf = (a: TypedArray): Dtype => (a instanceof Float64Array ? "float64" : a instanceof Float32Array ? "float32" : "uint32");
const constructors = {float64: Float64Array, float32: Float32Array, uint32: Uint32Array} as const;

/** Writes named arrays to `dir/name.bin` with the header `dir/name.json`; returns the header's path. */
export function writeArrays(dir: string, name: string, meta: Record<string, unknown>, arrays: Record<string, TypedArray>): string {
  const entries: ArrayEntry[] = [];
  let offset = 0;
  for (const [key, a] of Object.entries(arrays)) {
    entries.push({name: key, dtype: dtypeOf(a), offset, length: a.length});
    offset += Math.ceil(a.byteLength / 8) * 8;
  }
  const bin = Buffer.alloc(offset);
  Object.values(arrays).forEach((a, k) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(bin, entries[k].offset));
  const header: Header = {format: FORMAT, meta, data: `${name}.bin`, arrays: entries};
  writeFileSync(join(dir, `${name}.bin`), bin);
  const path = join(dir, `${name}.json`);
  writeFileSync(path, JSON.stringify(header, null, 2));
  return path;
}

/** Reads what writeArrays wrote. throws Error on a foreign or truncated file. */
export function readArrays(headerPath: string): {meta: Record<string, unknown>; arrays: Map<string, TypedArray>} {
  const header = JSON.parse(readFileSync(headerPath, "utf8")) as Header;
  if (header.format !== FORMAT) throw new Error(`${headerPath}: not a ${FORMAT} file`);
  const bin = readFileSync(join(dirname(headerPath), basename(header.data)));
  const arrays = new Map<string, TypedArray>();
  for (const {name, dtype, offset, length} of header.arrays) {
    const C = constructors[dtype];
    if (offset + length * C.BYTES_PER_ELEMENT > bin.length) throw new Error(`${headerPath}: array ${name} runs past the end of ${header.data}`);
    // Copy into a fresh, aligned buffer that the runner owns.
    arrays.set(name, new C(bin.buffer.slice(bin.byteOffset + offset, bin.byteOffset + offset + length * C.BYTES_PER_ELEMENT)));
  }
  return {meta: header.meta, arrays};
}

/** One dense layer as stored: weights fanOut × fanIn row-major (W[j·fanIn + i]: unit i below → unit j above). */
export interface InitLayer {
  fanIn: number;
  fanOut: number;
  weights: Float64Array;
  biases: Float64Array;
}

/** He-normal weights N(0, 2/fanIn) from a seeded LCG, biases 0. */
export function drawHeNormal(sizes: number[], seed: number): InitLayer[] {
  return drawHeNormalLayers(
    sizes.slice(1).map((fanOut, l) => ({fanIn: sizes[l], fanOut})),
    seed,
  );
}

/** He-normal weights N(0, 2/fanIn) for layers of the given shapes (a conv layer: fanIn = inChannels·k·k), one seeded LCG, biases 0. */
export function drawHeNormalLayers(shapes: {fanIn: number; fanOut: number}[], seed: number): InitLayer[] {
  const source = randomLcg(seed);
  return shapes.map(({fanIn, fanOut}) => {
    const normal = randomNormal.source(source)(0, Math.sqrt(2 / fanIn));
    const weights = new Float64Array(fanIn * fanOut);
    for (let k = 0; k < weights.length; k++) weights[k] = normal();
    return {fanIn, fanOut, weights, biases: new Float64Array(fanOut)};
  });
}

/** A seeded permutation of 0 … n − 1 (Fisher–Yates). */
export function drawOrder(n: number, seed: number): Uint32Array {
  const random = randomLcg(seed);
  const order = new Uint32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

export const initName = (sizes: number[]): string => `init-${sizes.join("-")}`;

export function writeInit(dir: string, sizes: number[], seed: number): string {
  const layers = drawHeNormal(sizes, seed);
  const arrays: Record<string, Float64Array> = {};
  layers.forEach(({weights, biases}, l) => {
    arrays[`W${l + 1}`] = weights;
    arrays[`b${l + 1}`] = biases;
  });
  return writeArrays(dir, initName(sizes), {sizes, seed, init: "he-normal", layout: "W: fanOut × fanIn row-major"}, arrays);
}

/** A conv network's initial weights under `name`: layers of the given shapes (conv: outChannels × inChannels·k·k, row-major). */
export function writeLayersInit(dir: string, name: string, shapes: {fanIn: number; fanOut: number}[], seed: number): string {
  const arrays: Record<string, Float64Array> = {};
  drawHeNormalLayers(shapes, seed).forEach(({weights, biases}, l) => {
    arrays[`W${l + 1}`] = weights;
    arrays[`b${l + 1}`] = biases;
  });
  return writeArrays(dir, name, {layers: shapes, seed, init: "he-normal", layout: "W: fanOut × fanIn row-major (conv: outChannels × inChannels × k × k)"}, arrays);
}

export function readInit(headerPath: string): InitLayer[] {
  const {meta, arrays} = readArrays(headerPath);
  const sizes = meta.sizes as number[] | undefined;
  const shapes = (meta.layers as {fanIn: number; fanOut: number}[] | undefined) ?? sizes!.slice(1).map((fanOut, l) => ({fanIn: sizes![l], fanOut}));
  return shapes.map(({fanIn, fanOut}, l) => {
    const weights = arrays.get(`W${l + 1}`),
      biases = arrays.get(`b${l + 1}`);
    if (!(weights instanceof Float64Array && biases instanceof Float64Array)) throw new Error(`${headerPath}: layer ${l + 1} missing`);
    return {fanIn, fanOut, weights, biases};
  });
}

export function writeOrder(dir: string, n: number, seed: number): string {
  return writeArrays(dir, "order", {n, seed}, {order: drawOrder(n, seed)});
}

export function readOrder(headerPath: string): Uint32Array {
  const order = readArrays(headerPath).arrays.get("order");
  if (!(order instanceof Uint32Array)) throw new Error(`${headerPath}: no order`);
  return order;
}
