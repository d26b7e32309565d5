import { runCli } from './cli/runCli';
import { main } from './main';

/** Entry of the `switchboard` command. */
const code = await runCli(process.argv.slice(2), {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  startServer: main,
});
if (process.argv[2] !== 'start') process.exit(code);
