// The CLI on the engine thread: wires the process to main(); SIGINT/SIGTERM abort the run cleanly.
import { onInterrupt } from '../engine-thread.js';
import { runAbortController } from '../abort-signals.js';
import { main } from './main.js';

// Every in-flight request listens to this one signal.
const controller = runAbortController();
onInterrupt((signal) => {
  process.stderr.write(`\n${signal}: stopping; nothing will be deleted\n`);
  controller.abort(new Error(`interrupted by ${signal}`));
});
process.exitCode = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  env: process.env,
  signal: controller.signal,
});
