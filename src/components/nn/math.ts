/**
 * Elementary functions that give the same bits on every JavaScript engine.
 *
 * ECMAScript leaves Math.exp, Math.log, Math.tanh and ** free to differ in the last bit, and
 * they do: Node 20 and Chromium 156 disagree on about 7 % of Math.log and 10 % of Math.exp
 * results (measured over 20,000 arguments). One such bit in an initial weight or a softmax makes
 * two runs drift apart, so everything that feeds the weights uses pure-JavaScript ports of
 * FreeBSD's msun (ln, tanh and pow from stdlib, exp below), built only from +, −, ×, ÷ and √,
 * which IEEE 754 rounds exactly.
 * Math.sqrt, Math.max and Math.abs are exact everywhere and stay as they are.
 */
import stdlibLn from "@stdlib/math-base-special-ln";
import stdlibTanh from "@stdlib/math-base-special-tanh";
import stdlibPow from "@stdlib/math-base-special-pow";

// exp is on the hot path (every softmax output, every sigmoid unit), so it is written out here:
// stdlib's version reaches ldexp through two calls V8 does not inline, and each call returns its
// double boxed on the heap, which made training allocate (and collect) garbage on every step.
// Same algorithm (FreeBSD msun e_exp.c): x = k·ln2 + r, e^r from a rational approximation,
// then an exact scaling by 2^k from a table of powers of two.
const LN2_HI = 6.9314718036912381649e-1;
const LN2_LO = 1.90821492927058770002e-10;
const LOG2_E = 1.442695040888963387;
const P1 = 1.66666666666666019037e-1;
const P2 = -2.77777777770155933842e-3;
const P3 = 6.61375632143793436117e-5;
const P4 = -1.6533902205465251539e-6;
const P5 = 4.13813679705723846039e-8;
const OVERFLOW = 7.09782712893383973096e2;
const UNDERFLOW = -7.4513321910194110842e2;
const TINY = 3.725290298461914e-9; // 2⁻²⁸
/** POW2[k + 1022] = 2^k for k = −1022 … 1023, each exact. */
const POW2 = new Float64Array(2046);
POW2[1022] = 1;
for (let k = 1; k <= 1023; k++) POW2[1022 + k] = POW2[1021 + k] * 2;
for (let k = 1; k <= 1022; k++) POW2[1022 - k] = POW2[1023 - k] / 2;

/** e^x, reproducible bit for bit across engines (max error below 1 ulp, as msun's). */
export function exp(x: number): number {
  if (!(x <= OVERFLOW)) return x !== x ? x : Infinity; // NaN, or overflow to +∞
  if (x < UNDERFLOW) return 0;
  if (x > -TINY && x < TINY) return 1 + x;
  const k = Math.trunc(LOG2_E * x + (x < 0 ? -0.5 : 0.5));
  const hi = x - k * LN2_HI,
    lo = k * LN2_LO;
  const r = hi - lo,
    t = r * r;
  const c = r - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  const y = 1 - (lo - (r * c) / (2 - c) - hi);
  // y·2^k: one exact multiplication, two at the ends of the range (k = 1024, or k < −1022).
  if (k > 1023) return y * POW2[2045] * 2;
  if (k < -1022) return y * POW2[k + 1022 + 1000] * POW2[22];
  return y * POW2[k + 1022];
}
/** Natural logarithm, reproducible bit for bit across engines. */
export const ln: (x: number) => number = stdlibLn;
/** Hyperbolic tangent, reproducible bit for bit across engines. */
export const tanh: (x: number) => number = stdlibTanh;
/** x^y, reproducible bit for bit across engines. */
export const pow: (x: number, y: number) => number = stdlibPow;

// cos(πx) for the learning-rate schedules: the kernels of FreeBSD msun's k_cos.c and k_sin.c
// (|r| ≤ π/4, tail y = 0), reached by an exact reduction of x, so again only +, −, × and ÷.
const C1 = 4.16666666666666019037e-2;
const C2 = -1.38888888888741095749e-3;
const C3 = 2.48015872894767294178e-5;
const C4 = -2.75573143513906633035e-7;
const C5 = 2.0875723212981748279e-9;
const C6 = -1.13596475577881948265e-11;
const S1 = -1.66666666666666324348e-1;
const S2 = 8.33333333332248946124e-3;
const S3 = -1.98412698298579493134e-4;
const S4 = 2.75573137070700676789e-6;
const S5 = -2.50507602534068634195e-8;
const S6 = 1.58969099521155010221e-10;

function kernelCos(x: number): number {
  const z = x * x,
    w = z * z;
  const r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
  const hz = 0.5 * z,
    v = 1 - hz;
  return v + (1 - v - hz + z * r);
}

function kernelSin(x: number): number {
  const z = x * x,
    w = z * z;
  const r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
  return x + z * x * (S1 + z * r);
}

/**
 * cos(πx), reproducible bit for bit across engines (error about 1 ulp). x is reduced exactly to
 * [0, 1] (cos(πx) is even with period 2), then to a kernel argument within π/4:
 * cos(πx) = kcos(πx) for x ≤ ¼, ksin(π(½ − x)) for x ≤ ¾, −kcos(π(1 − x)) above. So cospi(0) = 1,
 * cospi(½) = 0 and cospi(1) = −1 exactly. NaN and ±∞ give NaN.
 */
export function cospi(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  let r = Math.abs(x);
  r -= 2 * Math.floor(r / 2); // [0, 2), exact
  if (r > 1) r = 2 - r; // exact (Sterbenz)
  if (r <= 0.25) return kernelCos(Math.PI * r);
  if (r <= 0.75) return kernelSin(Math.PI * (0.5 - r));
  return -kernelCos(Math.PI * (1 - r));
}
