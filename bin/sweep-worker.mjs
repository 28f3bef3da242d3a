// Worker-thread entry for tinypool: Node 20's worker threads do not inherit tsx's loader, so this
// plain-JavaScript shim loads the TypeScript task through tsx's API.
import {tsImport} from "tsx/esm/api";

const task = await tsImport("./sweep-worker.ts", import.meta.url);
export default task.default;
