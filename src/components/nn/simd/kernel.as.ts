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

// ---------------------------------------------------------------------------------------------
// Whole-network kernels. A layer's weights are stored TRANSPOSED and PADDED: wt holds fanIn rows
// of P = fanOut rounded up to even f64 (the weights into unit j of input i at wt + 8·(i·P + j)),
// b holds P biases; the padding column is 0. Each z_j is summed exactly as the TypeScript kernels
// sum it: s_j = Σ_i W_ji·x_i from i = 0 upwards starting at 0, then z_j = b_j + s_j; the f64x2
// lanes are two neighbouring units, each lane its own sequential sum (IEEE 754 add and mul are
// exact per lane, and nothing is fused). `sparse` kernels skip inputs equal to 0: the products
// they skip are ±0, and adding ±0 to a sum that started at +0 changes no bit.

// z[0 … P) = b + Σ_k wt[index[k]]·value[k], k ascending.
export function sparseAffineP(wt: usize, b: usize, index: usize, value: usize, nnz: i32, z: usize, P: i32): void {
  const rowBytes = <usize>P << 3;
  let j: i32 = 0;
  for (; j + 16 <= P; j += 16) {
    const o = <usize>j << 3;
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    let a4 = f64x2.splat(0), a5 = f64x2.splat(0), a6 = f64x2.splat(0), a7 = f64x2.splat(0);
    for (let k: i32 = 0; k < nnz; k++) {
      const p = wt + <usize>load<i32>(index + (<usize>k << 2)) * rowBytes + o;
      const x = v128.load64_splat(value + (<usize>k << 3));
      a0 = f64x2.add(a0, f64x2.mul(v128.load(p), x));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(p, 16), x));
      a2 = f64x2.add(a2, f64x2.mul(v128.load(p, 32), x));
      a3 = f64x2.add(a3, f64x2.mul(v128.load(p, 48), x));
      a4 = f64x2.add(a4, f64x2.mul(v128.load(p, 64), x));
      a5 = f64x2.add(a5, f64x2.mul(v128.load(p, 80), x));
      a6 = f64x2.add(a6, f64x2.mul(v128.load(p, 96), x));
      a7 = f64x2.add(a7, f64x2.mul(v128.load(p, 112), x));
    }
    const q = z + o, c = b + o;
    v128.store(q, f64x2.add(v128.load(c), a0));
    v128.store(q, f64x2.add(v128.load(c, 16), a1), 16);
    v128.store(q, f64x2.add(v128.load(c, 32), a2), 32);
    v128.store(q, f64x2.add(v128.load(c, 48), a3), 48);
    v128.store(q, f64x2.add(v128.load(c, 64), a4), 64);
    v128.store(q, f64x2.add(v128.load(c, 80), a5), 80);
    v128.store(q, f64x2.add(v128.load(c, 96), a6), 96);
    v128.store(q, f64x2.add(v128.load(c, 112), a7), 112);
  }
  for (; j + 4 <= P; j += 4) {
    const o = <usize>j << 3;
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
    for (let k: i32 = 0; k < nnz; k++) {
      const p = wt + <usize>load<i32>(index + (<usize>k << 2)) * rowBytes + o;
      const x = v128.load64_splat(value + (<usize>k << 3));
      a0 = f64x2.add(a0, f64x2.mul(v128.load(p), x));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(p, 16), x));
    }
    v128.store(z + o, f64x2.add(v128.load(b + o), a0));
    v128.store(z + o, f64x2.add(v128.load(b + o, 16), a1), 16);
  }
  for (; j < P; j += 2) {
    const o = <usize>j << 3;
    let a0 = f64x2.splat(0);
    for (let k: i32 = 0; k < nnz; k++) {
      const p = wt + <usize>load<i32>(index + (<usize>k << 2)) * rowBytes + o;
      a0 = f64x2.add(a0, f64x2.mul(v128.load(p), v128.load64_splat(value + (<usize>k << 3))));
    }
    v128.store(z + o, f64x2.add(v128.load(b + o), a0));
  }
}

// z[0 … P) = b + Σ_i wt[i]·x[i] over every i < n, ascending (a dense input, zeros included, as `affine`).
export function affineP(wt: usize, b: usize, x: usize, n: i32, z: usize, P: i32): void {
  const rowBytes = <usize>P << 3;
  let j: i32 = 0;
  for (; j + 16 <= P; j += 16) {
    const o = <usize>j << 3;
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    let a4 = f64x2.splat(0), a5 = f64x2.splat(0), a6 = f64x2.splat(0), a7 = f64x2.splat(0);
    let p = wt + o;
    for (let i: i32 = 0; i < n; i++, p += rowBytes) {
      const v = v128.load64_splat(x + (<usize>i << 3));
      a0 = f64x2.add(a0, f64x2.mul(v128.load(p), v));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(p, 16), v));
      a2 = f64x2.add(a2, f64x2.mul(v128.load(p, 32), v));
      a3 = f64x2.add(a3, f64x2.mul(v128.load(p, 48), v));
      a4 = f64x2.add(a4, f64x2.mul(v128.load(p, 64), v));
      a5 = f64x2.add(a5, f64x2.mul(v128.load(p, 80), v));
      a6 = f64x2.add(a6, f64x2.mul(v128.load(p, 96), v));
      a7 = f64x2.add(a7, f64x2.mul(v128.load(p, 112), v));
    }
    const q = z + o, c = b + o;
    v128.store(q, f64x2.add(v128.load(c), a0));
    v128.store(q, f64x2.add(v128.load(c, 16), a1), 16);
    v128.store(q, f64x2.add(v128.load(c, 32), a2), 32);
    v128.store(q, f64x2.add(v128.load(c, 48), a3), 48);
    v128.store(q, f64x2.add(v128.load(c, 64), a4), 64);
    v128.store(q, f64x2.add(v128.load(c, 80), a5), 80);
    v128.store(q, f64x2.add(v128.load(c, 96), a6), 96);
    v128.store(q, f64x2.add(v128.load(c, 112), a7), 112);
  }
  for (; j + 4 <= P; j += 4) {
    const o = <usize>j << 3;
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
    let p = wt + o;
    for (let i: i32 = 0; i < n; i++, p += rowBytes) {
      const v = v128.load64_splat(x + (<usize>i << 3));
      a0 = f64x2.add(a0, f64x2.mul(v128.load(p), v));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(p, 16), v));
    }
    v128.store(z + o, f64x2.add(v128.load(b + o), a0));
    v128.store(z + o, f64x2.add(v128.load(b + o, 16), a1), 16);
  }
  for (; j < P; j += 2) {
    const o = <usize>j << 3;
    let a0 = f64x2.splat(0);
    let p = wt + o;
    for (let i: i32 = 0; i < n; i++, p += rowBytes) a0 = f64x2.add(a0, f64x2.mul(v128.load(p), v128.load64_splat(x + (<usize>i << 3))));
    v128.store(z + o, f64x2.add(v128.load(b + o), a0));
  }
}

// a = f(z) over P entries (P even). act 0: ReLU, z > 0 ? z : 0; 1: leaky ReLU, z > 0 ? z : 0.01·z;
// 2: identity. NaN takes the "else" branch, as in activations.ts.
export function activateP(z: usize, a: usize, P: i32, act: i32): void {
  const zero = f64x2.splat(0), slope = f64x2.splat(0.01);
  for (let j: i32 = 0; j < P; j += 2) {
    const o = <usize>j << 3;
    const v = v128.load(z + o);
    const on = f64x2.gt(v, zero);
    v128.store(a + o, act == 0 ? v128.and(v, on) : act == 1 ? v128.bitselect(v, f64x2.mul(v, slope), on) : v);
  }
}

// Writes the non-zero entries of n f32 at x (index ascending, value as f64) and returns how many.
// Blocks of four zeros cost one test; inside a block every entry is written and the count moves on
// only past a non-zero one (no branch per entry). −0 counts as zero, NaN as non-zero (`v !== 0`).
@inline function compactF32(x: usize, n: i32, index: usize, value: usize): i32 {
  let nnz: i32 = 0;
  let i: i32 = 0;
  const n4 = n & ~3;
  for (; i < n4; i += 4) {
    const p = x + (<usize>i << 2);
    if (!v128.any_true(v128.load(p))) continue;
    for (let m: i32 = 0; m < 4; m++) {
      const v = load<f32>(p + (<usize>m << 2));
      store<i32>(index + (<usize>nnz << 2), i + m);
      store<f64>(value + (<usize>nnz << 3), <f64>v);
      nnz += i32(v != 0);
    }
  }
  for (; i < n; i++) {
    const v = load<f32>(x + (<usize>i << 2));
    store<i32>(index + (<usize>nnz << 2), i);
    store<f64>(value + (<usize>nnz << 3), <f64>v);
    nnz += i32(v != 0);
  }
  return nnz;
}

// predictF32: the classes of `count` f32 inputs stored back to back at `input`, written as i32 to
// `out`. The network is described at `net`, four i32 per weight layer: fanIn, fanOut, wt, b (as
// above); `depth` layers, hidden activation `act` (activateP's codes). The first layer reads only
// the non-zero inputs (sparseAffineP), the others every input (affineP), as Network.predictBatch
// does; the class is the first largest logit (`>`, so NaN never wins), as `argmax` does.
// index, value: scratch of the input size; za, aa: scratch of the widest padded layer.
export function predictF32(net: usize, depth: i32, act: i32, input: usize, count: i32, out: usize, index: usize, value: usize, za: usize, aa: usize): void {
  const fanIn0 = load<i32>(net);
  const inBytes = <usize>fanIn0 << 2;
  for (let c: i32 = 0; c < count; c++) {
    const nnz = compactF32(input + <usize>c * inBytes, fanIn0, index, value);
    let fanOut: i32 = 0;
    for (let l: i32 = 0; l < depth; l++) {
      const d = net + (<usize>l << 4);
      const fanIn = load<i32>(d);
      fanOut = load<i32>(d, 4);
      const P = (fanOut + 1) & ~1;
      const wt = <usize>load<i32>(d, 8), b = <usize>load<i32>(d, 12);
      if (l == 0) sparseAffineP(wt, b, index, value, nnz, za, P);
      else affineP(wt, b, aa, fanIn, za, P);
      if (l < depth - 1) activateP(za, aa, P, act);
    }
    let best: i32 = 0;
    let top = load<f64>(za);
    for (let k: i32 = 1; k < fanOut; k++) {
      const v = load<f64>(za + (<usize>k << 3));
      if (v > top) {
        top = v;
        best = k;
      }
    }
    store<i32>(out + (<usize>c << 2), best);
  }
}

// ---------------------------------------------------------------------------------------------
// gradFirst: a minibatch's first-layer weight gradient from sparse inputs. For every input i that
// some sample of the minibatch has non-zero (the `count` entries of `columns`), it adds
// δ_b[j]·x_b[i] to g[j·fanIn + i] (g row-major, fanOut × fanIn) for every unit j, the samples in
// minibatch order, one product at a time onto the value already there: exactly the additions the
// per-sample loop `gW[j][i] += δ_j·x_i` makes, in the same order, so the same bits. Lanes are two
// neighbouring units j, j + 1, each its own sequential sum.
// d: δ of sample b at d + 8·P·b (P = fanOut rounded up to even; the padding entry is 0).
// index (i32) / value (f64): the samples' non-zero inputs back to back, sample b's from
// offsets[b] to offsets[b + 1] (B + 1 i32). start: fanIn i32 of scratch, zero on entry and left
// zero. lb (i32), lx (f64): scratch of offsets[B] entries.
@inline function storeLanes(g: usize, stride: usize, row: i32, fanOut: i32, v: v128): void {
  store<f64>(g + <usize>row * stride, f64x2.extract_lane(v, 0));
  if (row + 1 < fanOut) store<f64>(g + <usize>(row + 1) * stride, f64x2.extract_lane(v, 1));
}

@inline function loadLanes(g: usize, stride: usize, row: i32, fanOut: i32): v128 {
  const v = f64x2.splat(load<f64>(g + <usize>row * stride));
  return row + 1 < fanOut ? f64x2.replace_lane(v, 1, load<f64>(g + <usize>(row + 1) * stride)) : v;
}

export function gradFirst(g: usize, fanIn: i32, fanOut: i32, d: usize, B: i32, index: usize, value: usize, offsets: usize, columns: usize, count: i32, start: usize, lb: usize, lx: usize): void {
  const P = (fanOut + 1) & ~1;
  const total = load<i32>(offsets + (<usize>B << 2));
  // Each column's list of (sample, value), in sample order.
  for (let e: i32 = 0; e < total; e++) {
    const s = start + (<usize>load<i32>(index + (<usize>e << 2)) << 2);
    store<i32>(s, load<i32>(s) + 1);
  }
  let pos: i32 = 0;
  for (let t: i32 = 0; t < count; t++) {
    const s = start + (<usize>load<i32>(columns + (<usize>t << 2)) << 2);
    const n = load<i32>(s);
    store<i32>(s, pos);
    pos += n;
  }
  for (let b: i32 = 0; b < B; b++) {
    const end = load<i32>(offsets + (<usize>(b + 1) << 2));
    for (let e = load<i32>(offsets + (<usize>b << 2)); e < end; e++) {
      const s = start + (<usize>load<i32>(index + (<usize>e << 2)) << 2);
      const p = load<i32>(s);
      store<i32>(s, p + 1);
      store<i32>(lb + (<usize>p << 2), b);
      store<f64>(lx + (<usize>p << 3), load<f64>(value + (<usize>e << 3)));
    }
  }
  const stride = <usize>fanIn << 3, dRow = <usize>P << 3;
  let begin: i32 = 0;
  for (let t: i32 = 0; t < count; t++) {
    const c = <usize>load<i32>(columns + (<usize>t << 2));
    const s = start + (c << 2);
    const end = load<i32>(s);
    store<i32>(s, 0);
    const gc = g + (c << 3);
    let j: i32 = 0;
    for (; j + 16 <= P; j += 16) {
      let a0 = loadLanes(gc, stride, j, fanOut), a1 = loadLanes(gc, stride, j + 2, fanOut), a2 = loadLanes(gc, stride, j + 4, fanOut), a3 = loadLanes(gc, stride, j + 6, fanOut);
      let a4 = loadLanes(gc, stride, j + 8, fanOut), a5 = loadLanes(gc, stride, j + 10, fanOut), a6 = loadLanes(gc, stride, j + 12, fanOut), a7 = loadLanes(gc, stride, j + 14, fanOut);
      const o = <usize>j << 3;
      for (let e = begin; e < end; e++) {
        const p = d + <usize>load<i32>(lb + (<usize>e << 2)) * dRow + o;
        const x = v128.load64_splat(lx + (<usize>e << 3));
        a0 = f64x2.add(a0, f64x2.mul(v128.load(p), x));
        a1 = f64x2.add(a1, f64x2.mul(v128.load(p, 16), x));
        a2 = f64x2.add(a2, f64x2.mul(v128.load(p, 32), x));
        a3 = f64x2.add(a3, f64x2.mul(v128.load(p, 48), x));
        a4 = f64x2.add(a4, f64x2.mul(v128.load(p, 64), x));
        a5 = f64x2.add(a5, f64x2.mul(v128.load(p, 80), x));
        a6 = f64x2.add(a6, f64x2.mul(v128.load(p, 96), x));
        a7 = f64x2.add(a7, f64x2.mul(v128.load(p, 112), x));
      }
      storeLanes(gc, stride, j, fanOut, a0);
      storeLanes(gc, stride, j + 2, fanOut, a1);
      storeLanes(gc, stride, j + 4, fanOut, a2);
      storeLanes(gc, stride, j + 6, fanOut, a3);
      storeLanes(gc, stride, j + 8, fanOut, a4);
      storeLanes(gc, stride, j + 10, fanOut, a5);
      storeLanes(gc, stride, j + 12, fanOut, a6);
      storeLanes(gc, stride, j + 14, fanOut, a7);
    }
    for (; j < P; j += 2) {
      let a0 = loadLanes(gc, stride, j, fanOut);
      const o = <usize>j << 3;
      for (let e = begin; e < end; e++) {
        const p = d + <usize>load<i32>(lb + (<usize>e << 2)) * dRow + o;
        a0 = f64x2.add(a0, f64x2.mul(v128.load(p), v128.load64_splat(lx + (<usize>e << 3))));
      }
      storeLanes(gc, stride, j, fanOut, a0);
    }
    begin = end;
  }
}

// transposeP: wt (fanIn rows of P = fanOut rounded up to even, padding left as it is) from w
// (fanOut × fanIn, row-major), two rows of w per pass.
export function transposeP(w: usize, wt: usize, fanIn: i32, fanOut: i32): void {
  const P = (fanOut + 1) & ~1;
  const rowBytes = <usize>fanIn << 3, tBytes = <usize>P << 3;
  let j: i32 = 0;
  for (; j + 2 <= fanOut; j += 2) {
    const r = w + <usize>j * rowBytes;
    let q = wt + (<usize>j << 3);
    for (let i: i32 = 0; i < fanIn; i++, q += tBytes) {
      const o = <usize>i << 3;
      v128.store(q, f64x2.replace_lane(f64x2.splat(load<f64>(r + o)), 1, load<f64>(r + rowBytes + o)));
    }
  }
  if (j < fanOut) {
    const r = w + <usize>j * rowBytes;
    for (let i: i32 = 0; i < fanIn; i++) store<f64>(wt + <usize>i * tBytes + (<usize>j << 3), load<f64>(r + (<usize>i << 3)));
  }
}

// ---------------------------------------------------------------------------------------------
// A hidden layer's minibatch (fanIn × fanOut, row-major w; P = fanOut rounded up to even).

// below[0 … fanIn) = Σ_j w[j]·d_j over the units j whose d_j is not 0, j ascending, each sum
// starting at 0 (Wᵀδ as backpropagation documents it). Lanes are two neighbouring inputs i, i + 1.
// rows: scratch of fanOut i32. fanIn must be even (the host pads below to it).
export function transposedProductP(w: usize, d: usize, fanIn: i32, fanOut: i32, below: usize, rows: usize): void {
  let n: i32 = 0;
  for (let j: i32 = 0; j < fanOut; j++) {
    store<i32>(rows + (<usize>n << 2), j);
    n += i32(load<f64>(d + (<usize>j << 3)) != 0);
  }
  const rowBytes = <usize>fanIn << 3;
  let i: i32 = 0;
  for (; i + 16 <= fanIn; i += 16) {
    const o = <usize>i << 3;
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    let a4 = f64x2.splat(0), a5 = f64x2.splat(0), a6 = f64x2.splat(0), a7 = f64x2.splat(0);
    for (let k: i32 = 0; k < n; k++) {
      const j = <usize>load<i32>(rows + (<usize>k << 2));
      const p = w + j * rowBytes + o;
      const x = v128.load64_splat(d + (j << 3));
      a0 = f64x2.add(a0, f64x2.mul(v128.load(p), x));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(p, 16), x));
      a2 = f64x2.add(a2, f64x2.mul(v128.load(p, 32), x));
      a3 = f64x2.add(a3, f64x2.mul(v128.load(p, 48), x));
      a4 = f64x2.add(a4, f64x2.mul(v128.load(p, 64), x));
      a5 = f64x2.add(a5, f64x2.mul(v128.load(p, 80), x));
      a6 = f64x2.add(a6, f64x2.mul(v128.load(p, 96), x));
      a7 = f64x2.add(a7, f64x2.mul(v128.load(p, 112), x));
    }
    const q = below + o;
    v128.store(q, a0);
    v128.store(q, a1, 16);
    v128.store(q, a2, 32);
    v128.store(q, a3, 48);
    v128.store(q, a4, 64);
    v128.store(q, a5, 80);
    v128.store(q, a6, 96);
    v128.store(q, a7, 112);
  }
  for (; i < fanIn; i += 2) {
    const o = <usize>i << 3;
    let a0 = f64x2.splat(0);
    for (let k: i32 = 0; k < n; k++) {
      const j = <usize>load<i32>(rows + (<usize>k << 2));
      a0 = f64x2.add(a0, f64x2.mul(v128.load(w + j * rowBytes + o), v128.load64_splat(d + (j << 3))));
    }
    v128.store(below + o, a0);
  }
}

// gradDense: g[j·fanIn + i] += δ_b[j]·a_b[i] for every unit j and input i, the samples b in
// minibatch order, one product at a time onto the value already there, samples whose δ_b[j] is 0
// skipped (they add ±0): the per-sample loop's additions in its order. a: sample b's input at
// a + 8·F·b (F = fanIn rounded up to even, the padding 0); d: its δ at d + 8·P·b. Lanes are two
// neighbouring inputs. list: scratch of B i32. g rows are F long (the host's buffer is padded).
export function gradDense(g: usize, F: i32, fanOut: i32, a: usize, d: usize, B: i32, list: usize): void {
  const P = (fanOut + 1) & ~1;
  const aRow = <usize>F << 3, dRow = <usize>P << 3;
  for (let j: i32 = 0; j < fanOut; j++) {
    let n: i32 = 0;
    const dj = d + (<usize>j << 3);
    for (let b: i32 = 0; b < B; b++) {
      store<i32>(list + (<usize>n << 2), b);
      n += i32(load<f64>(dj + <usize>b * dRow) != 0);
    }
    if (n == 0) continue;
    const gj = g + <usize>j * aRow;
    let i: i32 = 0;
    for (; i + 16 <= F; i += 16) {
      const o = <usize>i << 3;
      const q = gj + o;
      let a0 = v128.load(q), a1 = v128.load(q, 16), a2 = v128.load(q, 32), a3 = v128.load(q, 48);
      let a4 = v128.load(q, 64), a5 = v128.load(q, 80), a6 = v128.load(q, 96), a7 = v128.load(q, 112);
      for (let k: i32 = 0; k < n; k++) {
        const b = <usize>load<i32>(list + (<usize>k << 2));
        const p = a + b * aRow + o;
        const x = v128.load64_splat(dj + b * dRow);
        a0 = f64x2.add(a0, f64x2.mul(x, v128.load(p)));
        a1 = f64x2.add(a1, f64x2.mul(x, v128.load(p, 16)));
        a2 = f64x2.add(a2, f64x2.mul(x, v128.load(p, 32)));
        a3 = f64x2.add(a3, f64x2.mul(x, v128.load(p, 48)));
        a4 = f64x2.add(a4, f64x2.mul(x, v128.load(p, 64)));
        a5 = f64x2.add(a5, f64x2.mul(x, v128.load(p, 80)));
        a6 = f64x2.add(a6, f64x2.mul(x, v128.load(p, 96)));
        a7 = f64x2.add(a7, f64x2.mul(x, v128.load(p, 112)));
      }
      v128.store(q, a0);
      v128.store(q, a1, 16);
      v128.store(q, a2, 32);
      v128.store(q, a3, 48);
      v128.store(q, a4, 64);
      v128.store(q, a5, 80);
      v128.store(q, a6, 96);
      v128.store(q, a7, 112);
    }
    for (; i < F; i += 2) {
      const o = <usize>i << 3;
      let a0 = v128.load(gj + o);
      for (let k: i32 = 0; k < n; k++) {
        const b = <usize>load<i32>(list + (<usize>k << 2));
        a0 = f64x2.add(a0, f64x2.mul(v128.load64_splat(dj + b * dRow), v128.load(a + b * aRow + o)));
      }
      v128.store(gj + o, a0);
    }
  }
}
