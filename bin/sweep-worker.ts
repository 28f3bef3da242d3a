/**
 * Worker-thread entry for `npm run sweep` (bin/thread-pool.ts runs it, bundled by esbuild): one
 * run of a grid per task (bin/sweep-task.ts).
 */
import {serveThreadTasks} from "./thread-pool.js";
import {sweepTask} from "./sweep-task.js";

serveThreadTasks(sweepTask);
