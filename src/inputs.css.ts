// Data loader for /inputs.css: Framework's stylesheet for @observablehq/inputs.
//
// Framework only links its inputs.css when the page uses the implicit `Inputs`
// global (which reaches the CDN). Pages here import "@observablehq/inputs" from
// node_modules instead, so this loader serves the same stylesheet, replacing the
// `__ns__` placeholder with the class prefix of the installed @observablehq/inputs.
import {readFileSync} from "node:fs";
import {createRequire} from "node:module";

const require = createRequire(import.meta.url);

function fail(message: string): never {
  process.stderr.write(`src/inputs.css.ts: ${message}\n`);
  process.exit(1);
}

function resolve(specifier: string): string {
  try {
    return require.resolve(specifier);
  } catch {
    fail(`cannot find ${specifier} (is it installed? run npm install)`);
  }
}

const sourcePath = resolve("@observablehq/framework/dist/client/stdlib/inputs.css");
let source: string;
try {
  source = readFileSync(sourcePath, "utf8");
} catch (error) {
  fail(`cannot read ${sourcePath}: ${error}`);
}
if (!source.includes("__ns__")) fail(`${sourcePath} has no __ns__ placeholder`);

// The class prefix is baked into @observablehq/inputs' own dist/index.css,
// e.g. `.inputs-3a86ea{…}`. Derive it rather than hard-coding it.
const inputsCssPath = resolve("@observablehq/inputs/dist/index.css");
const prefixes = new Set(readFileSync(inputsCssPath, "utf8").match(/\binputs-[0-9a-f]{6}\b/g) ?? []);
if (prefixes.size !== 1) {
  fail(`expected exactly one inputs-xxxxxx class prefix in ${inputsCssPath}, found ${prefixes.size}: ${[...prefixes].join(", ")}`);
}
const [prefix] = prefixes;

process.stdout.write(`/* Framework's inputs.css for @observablehq/inputs (prefix ${prefix}) */\n`);
process.stdout.write(source.replaceAll("__ns__", prefix));
