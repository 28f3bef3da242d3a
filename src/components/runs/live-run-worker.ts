/**
 * Web Worker entry for live training runs (src/components/runs/worker-run.ts drives it): receives
 * the data once, then trains the page's current run with the same LiveRun as the main thread and
 * the CLI, posting its state and weights after every notification.
 */
import {serveSession} from "./worker-pool.js";
import {liveRunHost} from "./worker-run.js";

serveSession(liveRunHost);
