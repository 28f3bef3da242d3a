// What a command-line main() writes, captured: stdout and stderr are spied on while it runs and
// restored after it (after its promise settles when it returns one).
//
//   const {code, stdout, stderr} = capture(() => main(["--epochs", "1"]));          // sync main
//   const {code, stdout, stderr} = await capture(() => sweepMain(["--merge", f]));   // async main
import {vi} from "vitest";

export interface Captured {
  /** main's exit code. */
  code: number;
  stdout: string;
  stderr: string;
}

export function capture(main: () => Promise<number>): Promise<Captured>;
export function capture(main: () => number): Captured;
export function capture(main: () => number | Promise<number>): Captured | Promise<Captured> {
  let stdout = "",
    stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  const restore = () => {
    out.mockRestore();
    err.mockRestore();
  };
  let code: number | Promise<number>;
  try {
    code = main();
  } catch (error) {
    restore();
    throw error;
  }
  if (typeof code === "number") {
    restore();
    return {code, stdout, stderr};
  }
  return code.then(
    (c) => (restore(), {code: c, stdout, stderr}),
    (error) => {
      restore();
      throw error;
    },
  );
}
