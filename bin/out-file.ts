/**
 * Output files of the CLIs: checked before any work, written so a crash never leaves half a file.
 */
import {accessSync, closeSync, constants, existsSync, fsyncSync, openSync, renameSync, rmSync, statSync, writeSync} from "node:fs";
import {dirname, resolve} from "node:path";
import {InvalidArgumentError} from "commander";

/**
 * Checks an --out path before any training: its folder exists and is writable, it is not a
 * folder, and it does not exist unless `force`. throws InvalidArgumentError naming the file.
 */
export function checkOut(file: string, force = false): string {
  const path = resolve(file);
  const folder = dirname(path);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new InvalidArgumentError(`--out ${file}: folder ${folder} does not exist`);
  try {
    accessSync(folder, constants.W_OK);
  } catch {
    throw new InvalidArgumentError(`--out ${file}: folder ${folder} is not writable`);
  }
  if (existsSync(path)) {
    if (statSync(path).isDirectory()) throw new InvalidArgumentError(`--out ${file} is a folder`);
    if (!force) throw new InvalidArgumentError(`--out ${file} exists; pass --force to overwrite it`);
  }
  return path;
}

/**
 * Writes `text` to `path` atomically: a temporary file in the same folder, flushed to disk, then
 * renamed over `path`. A reader (or a crash) sees the old file or the new one, never a part.
 * throws Error naming `path`.
 */
export function writeFileAtomic(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  try {
    const fd = openSync(temporary, "w");
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, {force: true});
    throw new Error(`cannot write ${path}: ${(error as Error).message}`);
  }
}

/** An append-only file of lines, each written in one call and flushed to disk before append returns. */
export class LineLog {
  private fd: number | null;
  constructor(readonly path: string) {
    this.fd = openSync(path, "a");
  }
  append(line: string): void {
    if (this.fd === null) return;
    writeSync(this.fd, line);
    fsyncSync(this.fd);
  }
  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
