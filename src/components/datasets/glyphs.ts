/**
 * The 5×5 digit glyphs (data/glyphs-5x5.txt) and the held-out variants the 5×5 page tests on.
 *
 * File format: lines starting with "# " (hash, space) are comments; each digit is a line "digit N" followed by
 * five rows of five characters, "#" for ink and "." for paper, digits 0–9 in order.
 */
import {randomLcg, randomInt, randomUniform} from "d3-random";

export const GLYPH_SIZE = 5;
export const GLYPH_PIXELS = GLYPH_SIZE * GLYPH_SIZE;

/** A malformed glyph file; the message names the file and the line. */
export class GlyphFileError extends Error {
  override name = "GlyphFileError";
}

/**
 * Parses the glyph file into ten Uint8Arrays of 25 pixels (row-major, 1 = ink).
 * throws GlyphFileError naming `name`, the line number and what is wrong.
 */
export function parseGlyphs(text: string, name = "glyphs"): Uint8Array[] {
  const lines = text
    .split(/\r?\n/)
    .map((line, i) => ({line: line.trim(), number: i + 1}))
    .filter(({line}) => line !== "" && !line.startsWith("# "));
  const glyphs: Uint8Array[] = [];
  for (let k = 0; k < lines.length;) {
    const head = lines[k];
    const expected = glyphs.length;
    if (head.line !== `digit ${expected}`) throw new GlyphFileError(`${name}:${head.number}: expected "digit ${expected}", found ${JSON.stringify(head.line)}`);
    const glyph = new Uint8Array(GLYPH_PIXELS);
    for (let r = 0; r < GLYPH_SIZE; r++) {
      const row = lines[k + 1 + r];
      if (!row) throw new GlyphFileError(`${name}: digit ${expected} has ${r} rows, expected ${GLYPH_SIZE}`);
      if (!new RegExp(`^[#.]{${GLYPH_SIZE}}$`).test(row.line)) throw new GlyphFileError(`${name}:${row.number}: expected ${GLYPH_SIZE} characters of "#" or ".", found ${JSON.stringify(row.line)}`);
      for (let c = 0; c < GLYPH_SIZE; c++) glyph[r * GLYPH_SIZE + c] = row.line[c] === "#" ? 1 : 0;
    }
    glyphs.push(glyph);
    k += 1 + GLYPH_SIZE;
  }
  if (glyphs.length !== 10) throw new GlyphFileError(`${name}: ${glyphs.length} digits, expected 10 (0–9)`);
  return glyphs;
}

/** Noise and shift of one held-out variant. */
export interface VariantOptions {
  /** Probability that each pixel is flipped (default 0.08). */
  flip?: number;
  /** Largest shift in pixels along each axis (default 1); pixels shifted out are lost. */
  shift?: number;
}

/**
 * `perDigit` noisy, shifted copies of each glyph, seeded (d3-random's LCG), for testing how a
 * network trained on the ten clean glyphs generalises. Returns inputs (Float64Array of 25) and labels.
 */
export function glyphVariants(glyphs: Uint8Array[], perDigit: number, seed: number, {flip = 0.08, shift = 1}: VariantOptions = {}): {inputs: Float64Array[]; labels: number[]} {
  const random = randomLcg(seed);
  const uniform = randomUniform.source(random)(0, 1);
  const offset = randomInt.source(random)(-shift, shift + 1);
  const inputs: Float64Array[] = [],
    labels: number[] = [];
  for (let k = 0; k < perDigit; k++) {
    glyphs.forEach((glyph, digit) => {
      const dx = offset(),
        dy = offset();
      const out = new Float64Array(GLYPH_PIXELS);
      for (let r = 0; r < GLYPH_SIZE; r++)
        for (let c = 0; c < GLYPH_SIZE; c++) {
          const sr = r - dy,
            sc = c - dx;
          const ink = sr >= 0 && sr < GLYPH_SIZE && sc >= 0 && sc < GLYPH_SIZE ? glyph[sr * GLYPH_SIZE + sc] : 0;
          out[r * GLYPH_SIZE + c] = uniform() < flip ? 1 - ink : ink;
        }
      inputs.push(out);
      labels.push(digit);
    });
  }
  return {inputs, labels};
}
