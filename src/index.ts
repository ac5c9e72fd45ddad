/** The Action's entry point (action.yml `runs.main`, bundled into dist/index.js). */
import { run } from './action/main.js';

await run();
