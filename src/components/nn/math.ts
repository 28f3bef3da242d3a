/**
 * Elementary functions that give the same bits on every JavaScript engine.
 *
 * ECMAScript leaves Math.exp, Math.log, Math.tanh and ** free to differ in the last bit, and
 * they do: Node 20 and Chromium 156 disagree on about 7 % of Math.log and 10 % of Math.exp
 * results (measured over 20,000 arguments). One such bit in an initial weight or a softmax makes
 * two runs drift apart, so everything that feeds the weights uses these pure-JavaScript ports of
 * FreeBSD's msun (via stdlib), built only from +, −, ×, ÷ and √, which IEEE 754 rounds exactly.
 * Math.sqrt, Math.max and Math.abs are exact everywhere and stay as they are.
 */
import stdlibExp from "@stdlib/math-base-special-exp";
import stdlibLn from "@stdlib/math-base-special-ln";
import stdlibTanh from "@stdlib/math-base-special-tanh";
import stdlibPow from "@stdlib/math-base-special-pow";

/** e^x, reproducible bit for bit across engines. */
export const exp: (x: number) => number = stdlibExp;
/** Natural logarithm, reproducible bit for bit across engines. */
export const ln: (x: number) => number = stdlibLn;
/** Hyperbolic tangent, reproducible bit for bit across engines. */
export const tanh: (x: number) => number = stdlibTanh;
/** x^y, reproducible bit for bit across engines. */
export const pow: (x: number, y: number) => number = stdlibPow;
