import {describe, expect, it} from "vitest";
import {IdxError, parseIdx, parseMnist} from "../../src/components/datasets/idx.js";

/** An IDX buffer written by hand: 0, 0, type, d, then d big-endian uint32 sizes, then the data. */
function idx(dims: number[], data: number[], type = 0x08): Uint8Array {
  const header = [0, 0, type, dims.length];
  for (const n of dims) header.push((n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
  return Uint8Array.from([...header, ...data]);
}

// Two 2×3 images and their labels.
const pixels = [0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255];
const images = idx([2, 2, 3], pixels);
const labels = idx([2], [7, 0]);

describe("parseIdx", () => {
  it("parses a hand-built buffer: header 0x00000803, dims [2, 2, 3], 12 data bytes", () => {
    expect(Array.from(images.subarray(0, 4))).toEqual([0, 0, 8, 3]);
    expect(images.length).toBe(4 + 3 * 4 + 12);
    const {dims, data} = parseIdx(images);
    expect(dims).toEqual([2, 2, 3]);
    expect(Array.from(data)).toEqual(pixels);
  });

  it("reads dimension sizes big-endian (256 + 2 = 0x00000102)", () => {
    const {dims, data} = parseIdx(idx([258], new Array(258).fill(9)));
    expect(dims).toEqual([258]);
    expect(data.length).toBe(258);
  });

  it("returns a view into the input (no copy), and respects a subarray's offset", () => {
    const padded = new Uint8Array(images.length + 5);
    padded.set(images, 5);
    const {dims, data} = parseIdx(padded.subarray(5));
    expect(dims).toEqual([2, 2, 3]);
    expect(Array.from(data)).toEqual(pixels);
    expect(data.buffer).toBe(padded.buffer);
  });

  const fails = (buffer: Uint8Array, message: RegExp, name = "digits.idx") => {
    expect(() => parseIdx(buffer, name)).toThrow(IdxError);
    expect(() => parseIdx(buffer, name)).toThrow(new RegExp(`^${name.replace(/\./g, "\\.")}: ${message.source}`));
  };

  it("errors name the file and say what is wrong: truncated header (fewer than 4 bytes)", () => {
    fails(new Uint8Array([0, 0, 8]), /truncated header: 3 bytes/);
    fails(new Uint8Array(0), /truncated header: 0 bytes/);
  });

  it("truncated header: the dimension sizes are cut short", () => {
    fails(images.subarray(0, 10), /truncated header: 10 bytes, 3 dimensions need 16/);
  });

  it("bad magic: the first two bytes are not zero", () => {
    const bad = images.slice();
    bad[0] = 0x1f;
    fails(bad, /bad magic number 0x1f000803/);
    const bad2 = images.slice();
    bad2[1] = 1;
    fails(bad2, /bad magic number 0x00010803/);
  });

  it("bad magic: zero dimensions", () => {
    fails(Uint8Array.from([0, 0, 8, 0]), /bad magic number: zero dimensions/);
  });

  it("unsupported element type (0x0d = float)", () => {
    fails(idx([2], [1, 2], 0x0d), /unsupported element type 0xd/);
  });

  it("truncated data", () => {
    fails(images.subarray(0, images.length - 1), /truncated: dimensions \[2, 2, 3\] need 12 data bytes, found 11/);
  });

  it("trailing bytes", () => {
    fails(Uint8Array.from([...images, 0]), /corrupted: dimensions \[2, 2, 3\] need 12 data bytes, found 13 \(trailing bytes\)/);
  });

  it("uses a generic name when none is given", () => {
    expect(() => parseIdx(new Uint8Array(2))).toThrow(/^IDX buffer: /);
  });

  it("IdxError is an Error named IdxError", () => {
    const error = new IdxError("x");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("IdxError");
  });
});

describe("parseMnist", () => {
  it("pairs images with labels", () => {
    const m = parseMnist(images, labels);
    expect(m.count).toBe(2);
    expect(m.rows).toBe(2);
    expect(m.cols).toBe(3);
    expect(Array.from(m.pixels)).toEqual(pixels);
    expect(Array.from(m.labels)).toEqual([7, 0]);
  });

  const names = {images: "imgs.idx3", labels: "labs.idx1"};

  it("labels count mismatch: names the label file and both counts", () => {
    expect(() => parseMnist(images, idx([3], [1, 2, 3]), names)).toThrow(IdxError);
    expect(() => parseMnist(images, idx([3], [1, 2, 3]), names)).toThrow(/^labs\.idx1: 3 labels for 2 images in imgs\.idx3/);
  });

  it("label > 9: names the label file, the label and the item", () => {
    expect(() => parseMnist(images, idx([2], [7, 10]), names)).toThrow(/^labs\.idx1: label 10 at item 1 is not a digit 0–9/);
  });

  it("wrong ranks: images must have 3 dimensions and labels 1", () => {
    expect(() => parseMnist(idx([12], pixels), labels, names)).toThrow(/^imgs\.idx3: expected 3 dimensions \(count, rows, cols\), found 1/);
    expect(() => parseMnist(images, idx([2, 1], [7, 0]), names)).toThrow(/^labs\.idx1: expected 1 dimension \(count\), found 2/);
  });

  it("errors inside either file name that file", () => {
    expect(() => parseMnist(images.subarray(0, 20), labels, names)).toThrow(/^imgs\.idx3: truncated/);
    expect(() => parseMnist(images, Uint8Array.from([...labels, 1]), names)).toThrow(/^labs\.idx1: corrupted/);
  });

  it("uses default file names", () => {
    expect(() => parseMnist(images, idx([2], [7, 10]))).toThrow(/^label file: /);
    expect(() => parseMnist(idx([12], pixels), labels)).toThrow(/^image file: /);
  });
});
