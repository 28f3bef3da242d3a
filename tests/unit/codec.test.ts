import {describe, expect, it} from "vitest";
import fc from "fast-check";
import {CODEC_VERSION, CodecError, decodeSubset, encodedLength, encodeSubset, MAGIC, type Subset} from "../../src/components/datasets/codec.js";

function subset(count: number, rows: number, cols: number, seed = 2015): Subset {
  return {
    count,
    rows,
    cols,
    seed,
    labels: Uint8Array.from({length: count}, (_, i) => (i * 3) % 10),
    indices: Uint32Array.from({length: count}, (_, i) => 59_999 - 7 * i),
    pixels: Uint8Array.from({length: count * rows * cols}, (_, k) => (k * 31) % 256),
  };
}

function expectSameSubset(actual: Subset, expected: Subset): void {
  expect(actual.count).toBe(expected.count);
  expect(actual.rows).toBe(expected.rows);
  expect(actual.cols).toBe(expected.cols);
  expect(actual.seed).toBe(expected.seed >>> 0);
  expect(Array.from(actual.labels)).toEqual(Array.from(expected.labels));
  expect(Array.from(actual.indices)).toEqual(Array.from(expected.indices));
  expect(Array.from(actual.pixels)).toEqual(Array.from(expected.pixels));
}

describe("encodedLength", () => {
  it("is 16 + ⌈n/4⌉·4 + 4n + n·rows·cols (the documented layout)", () => {
    for (const [n, rows, cols] of [
      [0, 28, 28],
      [1, 28, 28],
      [3, 2, 3],
      [4, 1, 1],
      [5, 2, 2],
      [6000, 28, 28],
    ]) {
      expect(encodedLength(n, rows, cols)).toBe(16 + Math.ceil(n / 4) * 4 + 4 * n + n * rows * cols);
    }
    // "6,000 MNIST digits take about 4.7 MB"
    expect(encodedLength(6000, 28, 28) / 1e6).toBeCloseTo(4.73, 2);
  });
});

describe("encodeSubset", () => {
  it("writes the documented little-endian layout byte by byte", () => {
    const s = subset(3, 2, 3, 0x01020304);
    const bytes = encodeSubset(s);
    expect(bytes.length).toBe(16 + 4 + 12 + 18);
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe("DGT1");
    expect(MAGIC).toBe("DGT1");
    expect(Array.from(bytes.subarray(4, 6))).toEqual([1, 0]); // version 1, uint16 LE
    expect(CODEC_VERSION).toBe(1);
    expect(bytes[6]).toBe(2); // rows
    expect(bytes[7]).toBe(3); // cols
    expect(Array.from(bytes.subarray(8, 12))).toEqual([3, 0, 0, 0]); // count LE
    expect(Array.from(bytes.subarray(12, 16))).toEqual([4, 3, 2, 1]); // seed LE
    expect(Array.from(bytes.subarray(16, 19))).toEqual([0, 3, 6]); // labels
    expect(bytes[19]).toBe(0); // padding to 4
    // indices 59999 = 0x0000EA5F, 59992 = 0x0000EA58, 59985 = 0x0000EA51, little-endian
    expect(Array.from(bytes.subarray(20, 32))).toEqual([0x5f, 0xea, 0, 0, 0x58, 0xea, 0, 0, 0x51, 0xea, 0, 0]);
    expect(Array.from(bytes.subarray(32))).toEqual(Array.from(s.pixels));
  });

  it("stores a negative seed as its uint32 value", () => {
    expect(decodeSubset(encodeSubset({...subset(1, 1, 1), seed: -1})).seed).toBe(2 ** 32 - 1);
  });

  it("throws RangeError when lengths disagree with count, or rows/cols do not fit a byte", () => {
    const s = subset(2, 2, 2);
    expect(() => encodeSubset({...s, count: 3})).toThrow(RangeError);
    expect(() => encodeSubset({...s, labels: new Uint8Array(1)})).toThrow(/1 labels/);
    expect(() => encodeSubset({...s, indices: new Uint32Array(3)})).toThrow(/3 indices/);
    expect(() => encodeSubset({...s, pixels: new Uint8Array(7)})).toThrow(/7 pixels \(expected 8\)/);
    expect(() => encodeSubset({...subset(1, 1, 256)})).toThrow(/invalid image size: 1×256/);
    expect(() => encodeSubset({...subset(1, 1, 1), rows: 0, pixels: new Uint8Array(0)})).toThrow(/invalid image size: 0×1/);
  });
});

describe("decodeSubset", () => {
  it("round-trips a subset, from a Uint8Array or an ArrayBuffer", () => {
    const s = subset(7, 28, 28);
    const bytes = encodeSubset(s);
    expectSameSubset(decodeSubset(bytes), s);
    expectSameSubset(decodeSubset(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer), s);
  });

  it("returns copies, not views of the input", () => {
    const bytes = encodeSubset(subset(2, 2, 2));
    const decoded = decodeSubset(bytes);
    bytes.fill(0, 16);
    expect(decoded.labels[1]).toBe(3);
    expect(decoded.pixels[1]).toBe(31);
  });

  it("decodes from a subarray at an odd offset", () => {
    const s = subset(5, 3, 3);
    const bytes = encodeSubset(s);
    const padded = new Uint8Array(bytes.length + 3);
    padded.set(bytes, 3);
    expectSameSubset(decodeSubset(padded.subarray(3)), s);
  });

  it("property: encode → decode is the identity for arbitrary small subsets", () => {
    const arbitrarySubset = fc
      .record({count: fc.integer({min: 0, max: 9}), rows: fc.integer({min: 1, max: 6}), cols: fc.integer({min: 1, max: 6}), seed: fc.nat({max: 2 ** 32 - 1})})
      .chain(({count, rows, cols, seed}) =>
        fc.record({
          count: fc.constant(count),
          rows: fc.constant(rows),
          cols: fc.constant(cols),
          seed: fc.constant(seed),
          labels: fc.uint8Array({min: 0, max: 9, minLength: count, maxLength: count}),
          indices: fc.uint32Array({minLength: count, maxLength: count}),
          pixels: fc.uint8Array({minLength: count * rows * cols, maxLength: count * rows * cols}),
        }),
      );
    fc.assert(
      fc.property(arbitrarySubset, (s) => {
        const bytes = encodeSubset(s);
        expect(bytes.length).toBe(encodedLength(s.count, s.rows, s.cols));
        expectSameSubset(decodeSubset(bytes), s);
      }),
      {numRuns: 300},
    );
  });

  const bytes = () => encodeSubset(subset(3, 2, 3));
  const fails = (input: Uint8Array, message: RegExp) => {
    expect(() => decodeSubset(input, "train.bin")).toThrow(CodecError);
    expect(() => decodeSubset(input, "train.bin")).toThrow(new RegExp(`^train\\.bin: ${message.source}`));
  };

  it("errors name the file: bad magic", () => {
    const b = bytes();
    b[3] = "2".charCodeAt(0);
    fails(b, /bad magic "DGT2", expected "DGT1"/);
  });

  it("bad version", () => {
    const b = bytes();
    b[4] = 2;
    fails(b, /version 2, this workbook reads version 1/);
  });

  it("truncated: shorter than the header, or than the images need", () => {
    fails(bytes().subarray(0, 10), /truncated: 10 bytes, the header alone is 16/);
    fails(bytes().subarray(0, 49), /truncated: 3 images of 2×3 need 50 bytes, found 49/);
  });

  it("over-long", () => {
    fails(Uint8Array.from([...bytes(), 0]), /corrupted: 3 images of 2×3 need 50 bytes, found 51/);
  });

  it("a label outside 0–9", () => {
    const b = bytes();
    b[17] = 10;
    fails(b, /label 10 at item 1 is not a digit 0–9/);
  });

  it("uses a generic name when none is given; CodecError is an Error named CodecError", () => {
    expect(() => decodeSubset(new Uint8Array(3))).toThrow(/^subset: truncated/);
    const error = new CodecError("x");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("CodecError");
  });
});
