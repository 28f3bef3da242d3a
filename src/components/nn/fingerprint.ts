/**
 * A run fingerprint: the first 12 hex digits of SHA-256 (@noble/hashes) over the bytes of every
 * layer's weights then biases, in layer order, as little-endian IEEE-754 doubles. Two networks
 * with the same fingerprint have, for any practical purpose, the same parameters bit for bit,
 * so a reader can tell that a published run and their re-run are the same network.
 * −0 is hashed as +0: the two behave the same in every pass, and JSON (the saved file) cannot
 * tell them apart.
 */
import {sha256} from "@noble/hashes/sha2.js";
import type {Layer} from "./network.js";

export const FINGERPRINT_LENGTH = 12;

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function bytes(array: Float64Array): Uint8Array {
  // x + 0 turns −0 into +0 and leaves every other value as it is.
  const canonical = array.map((x) => x + 0);
  const view = new Uint8Array(canonical.buffer);
  if (littleEndian) return view;
  const copy = new Uint8Array(view.length);
  for (let i = 0; i < view.length; i += 8) for (let k = 0; k < 8; k++) copy[i + k] = view[i + 7 - k];
  return copy;
}

/** Fingerprint of the parameters: 12 lowercase hex characters. */
export function fingerprint(layers: readonly Layer[]): string {
  const hash = sha256.create();
  for (const {weights, biases} of layers) hash.update(bytes(weights)).update(bytes(biases));
  let hex = "";
  for (const b of hash.digest().subarray(0, FINGERPRINT_LENGTH / 2)) hex += b.toString(16).padStart(2, "0");
  return hex;
}
