import {gzipSync} from "node:zlib";
import {beforeAll, describe, expect, it} from "vitest";
import {gunzip, isGzip, readSubset} from "../../src/components/datasets/gzip.js";
import {subsetFile} from "../../src/components/datasets/loader.js";
import {CodecError, encodeSubset, type Subset} from "../../src/components/datasets/codec.js";

/** A small subset with distinctive bytes: 7 images of 3×5. */
function tinySubset(): Subset {
  const count = 7,
    rows = 3,
    cols = 5;
  return {
    count,
    rows,
    cols,
    labels: Uint8Array.from({length: count}, (_, i) => (i * 3) % 10),
    indices: Uint32Array.from({length: count}, (_, i) => 1000 + i * 77),
    pixels: Uint8Array.from({length: count * rows * cols}, (_, i) => (i * 37 + 11) % 256),
    seed: 2015,
  };
}

/** A copy (node's Buffer.slice would share memory). */
const copy = (bytes: Uint8Array) => new Uint8Array(bytes);

describe("isGzip", () => {
  it("is true exactly for bytes starting 1f 8b", () => {
    expect(isGzip(gzipSync(new Uint8Array(10)))).toBe(true);
    expect(isGzip(Uint8Array.of(0x1f, 0x8b))).toBe(true);
    expect(isGzip(Uint8Array.of(0x1f))).toBe(false);
    expect(isGzip(new Uint8Array(0))).toBe(false);
    expect(isGzip(Uint8Array.of(0x8b, 0x1f, 0, 0))).toBe(false);
    expect(isGzip(encodeSubset(tinySubset()))).toBe(false);
  });
});

describe("gunzip", () => {
  it("inverts node:zlib's gzipSync", async () => {
    const data = Uint8Array.from({length: 5000}, (_, i) => (i * 7919) % 251);
    expect(await gunzip(gzipSync(data))).toEqual(data);
  });
});

describe("readSubset", () => {
  let grid: Uint8Array;
  beforeAll(() => {
    grid = copy(subsetFile("grid"));
  });

  it("reads the grid subset file: 90 images of 28×28, 9 per class, with in-range source indices", async () => {
    expect(isGzip(grid)).toBe(true);
    const subset = await readSubset(grid, "grid.bin");
    expect(subset.count).toBe(90);
    expect([subset.rows, subset.cols]).toEqual([28, 28]);
    expect(subset.pixels.length).toBe(90 * 28 * 28);
    const perClass = new Array(10).fill(0);
    for (const y of subset.labels) perClass[y]++;
    expect(perClass).toEqual(new Array(10).fill(9));
    expect(new Set(subset.indices).size).toBe(90);
    for (const i of subset.indices) expect(i).toBeLessThan(10_000);
    // Real digits: some ink, mostly paper.
    const ink = subset.pixels.reduce((n, p) => n + (p > 128 ? 1 : 0), 0) / subset.pixels.length;
    expect(ink).toBeGreaterThan(0.05);
    expect(ink).toBeLessThan(0.4);
  });

  it("accepts an ArrayBuffer as well as a Uint8Array", async () => {
    const fromView = await readSubset(grid);
    const fromBuffer = await readSubset(grid.slice().buffer);
    expect(fromBuffer).toEqual(fromView);
  });

  it("reads plain (not gzip-compressed) DGT1 bytes to the same subset as their gzip", async () => {
    const subset = tinySubset();
    const plain = encodeSubset(subset);
    expect(await readSubset(plain, "plain.bin")).toEqual(subset);
    expect(await readSubset(copy(gzipSync(plain)), "plain.bin.gz")).toEqual(subset);
  });

  it("reads a view that starts inside a larger buffer", async () => {
    const subset = tinySubset();
    for (const bytes of [encodeSubset(subset), copy(gzipSync(encodeSubset(subset)))]) {
      const big = new Uint8Array(bytes.length + 13).fill(0xee);
      big.set(bytes, 5);
      expect(await readSubset(big.subarray(5, 5 + bytes.length), "view.bin")).toEqual(subset);
    }
  });

  describe("a corrupted gzip rejects with a CodecError naming the file", () => {
    const name = "mnist-train.bin.gz";
    let gz: Uint8Array;
    beforeAll(() => {
      gz = copy(gzipSync(encodeSubset(tinySubset())));
    });

    const cases: [string, (gz: Uint8Array) => Uint8Array][] = [
      [
        "bytes flipped in the middle",
        (gz) => {
          const bad = copy(gz);
          const mid = bad.length >> 1;
          for (let i = mid - 3; i <= mid + 3; i++) bad[i] ^= 0xff;
          return bad;
        },
      ],
      ["cut in half", (gz) => gz.slice(0, gz.length >> 1)],
      ["cut short by its 8-byte trailer", (gz) => gz.slice(0, gz.length - 8)],
      [
        "a damaged CRC-32 trailer",
        (gz) => {
          const bad = copy(gz);
          bad[bad.length - 6] ^= 0x01;
          return bad;
        },
      ],
      ["only its header", (gz) => gz.slice(0, 10)],
    ];

    it.each(cases)("%s", async (_, damage) => {
      const bad = damage(gz);
      expect(isGzip(bad)).toBe(true);
      const error = await readSubset(bad, name).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(CodecError);
      expect((error as Error).message).toContain(name);
    });

    it("also on the real grid file cut short", async () => {
      const error = await readSubset(grid.slice(0, grid.length - 1000), "grid.bin").catch((e: unknown) => e);
      expect(error).toBeInstanceOf(CodecError);
      expect((error as Error).message).toContain("grid.bin");
    });
  });

  it("a gzip of bytes that are not a subset rejects with a CodecError naming the file", async () => {
    const error = await readSubset(copy(gzipSync(new TextEncoder().encode("hello, not a subset"))), "bogus.bin.gz").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CodecError);
    expect((error as Error).message).toContain("bogus.bin.gz");
  });
});
