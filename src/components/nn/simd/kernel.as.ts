// AssemblyScript source of the WebAssembly SIMD kernel for the first layer of batched inference.
// Built by `npm run build:wasm` (asc from the npm package assemblyscript) into kernel-bytes.ts.
//
// sparseAffineT computes z = W x + b for an input given by its non-zero entries, reading the
// weights TRANSPOSED (wt: fanIn × fanOut, row-major, so the fanOut weights of input i are
// contiguous). Every z_j is still summed over i in ascending order starting from 0, then b_j is
// added, exactly as the TypeScript kernels do, so the bits are the same; f64x2 only computes two
// neighbouring z_j at once (IEEE 754 add and mul are exact per lane).
//
// Pointers are byte offsets into this module's memory, which the host lays out and fills.

export function sparseAffineT(wt: usize, b: usize, index: usize, value: usize, nnz: i32, z: usize, fanOut: i32): void {
  const rowBytes = <usize>fanOut << 3;
  let j: i32 = 0;
  // Eight outputs at a time: four f64x2 accumulators stay in registers.
  for (; j + 8 <= fanOut; j += 8) {
    const offset = <usize>j << 3;
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    for (let k: i32 = 0; k < nnz; k++) {
      const i = <usize>load<i32>(index + (<usize>k << 2));
      const x = f64x2.splat(load<f64>(value + (<usize>k << 3)));
      const p = wt + i * rowBytes + offset;
      a0 = f64x2.add(a0, f64x2.mul(v128.load(p), x));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(p, 16), x));
      a2 = f64x2.add(a2, f64x2.mul(v128.load(p, 32), x));
      a3 = f64x2.add(a3, f64x2.mul(v128.load(p, 48), x));
    }
    const q = z + offset, c = b + offset;
    v128.store(q, f64x2.add(v128.load(c), a0));
    v128.store(q, f64x2.add(v128.load(c, 16), a1), 16);
    v128.store(q, f64x2.add(v128.load(c, 32), a2), 32);
    v128.store(q, f64x2.add(v128.load(c, 48), a3), 48);
  }
  // The rest one output at a time.
  for (; j < fanOut; j++) {
    const offset = <usize>j << 3;
    let s: f64 = 0;
    for (let k: i32 = 0; k < nnz; k++) {
      const i = <usize>load<i32>(index + (<usize>k << 2));
      s += load<f64>(wt + i * rowBytes + offset) * load<f64>(value + (<usize>k << 3));
    }
    store<f64>(z + offset, load<f64>(b + offset) + s);
  }
}

// firstLayerF32 runs sparseAffineT on `count` inputs stored back to back as f32 (count × fanIn),
// finding each input's non-zero entries itself (four at a time: a block of zeros costs one test),
// and writes z⁽¹⁾ of input c at z + 8·fanOut·c. `index` and `value` are scratch of fanIn entries.
// A −0 input counts as zero, as `v !== 0` does in the TypeScript kernels.
export function firstLayerF32(wt: usize, b: usize, input: usize, count: i32, z: usize, fanIn: i32, fanOut: i32, index: usize, value: usize): void {
  const inBytes = <usize>fanIn << 2, outBytes = <usize>fanOut << 3;
  const n4 = fanIn & ~3;
  for (let c: i32 = 0; c < count; c++) {
    const x = input + <usize>c * inBytes;
    let nnz: i32 = 0;
    let i: i32 = 0;
    for (; i < n4; i += 4) {
      if (!v128.any_true(v128.load(x + (<usize>i << 2)))) continue;
      for (let m: i32 = i; m < i + 4; m++) {
        const v = load<f32>(x + (<usize>m << 2));
        if (v != 0) {
          store<i32>(index + (<usize>nnz << 2), m);
          store<f64>(value + (<usize>nnz << 3), <f64>v);
          nnz++;
        }
      }
    }
    for (; i < fanIn; i++) {
      const v = load<f32>(x + (<usize>i << 2));
      if (v != 0) {
        store<i32>(index + (<usize>nnz << 2), i);
        store<f64>(value + (<usize>nnz << 3), <f64>v);
        nnz++;
      }
    }
    sparseAffineT(wt, b, index, value, nnz, z + <usize>c * outBytes, fanOut);
  }
}
