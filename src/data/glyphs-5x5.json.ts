/**
 * The ten 5×5 glyphs from data/glyphs-5x5.txt, checked at build time (a malformed file fails the
 * build naming the file and line), as JSON: {glyphs: number[10][25]}.
 */
import {readFileSync} from "node:fs";
import {fileURLToPath} from "node:url";
import {parseGlyphs} from "../components/datasets/glyphs.js";

const path = fileURLToPath(new URL("../../data/glyphs-5x5.txt", import.meta.url));
const glyphs = parseGlyphs(readFileSync(path, "utf8"), "data/glyphs-5x5.txt");
process.stdout.write(JSON.stringify({glyphs: glyphs.map((g) => Array.from(g))}));
