#!/usr/bin/env node
// `ganstream <command> [flags]`, from any folder: runs scripts/<command>.ts of this package in this
// process, with tsx (a dependency of the package) as the TypeScript loader. This is the entry that
// npm links as `ganstream` when the package is installed (`npx ganstream train --epochs 3`).
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const COMMANDS = {
  train: 'train a GAN and write a run folder',
  studio: 'start the studio: set up, watch and steer runs in the browser',
  site: "build the studio as a static site that trains in the visitor's own browser tab",
  replay: 'analyse a recorded run again (summary, warnings, plots), or compare runs',
  generate: 'draw digits from a saved generator (PNG grid or IDX file)',
  evaluate: "score images with the evaluator's classifier (FID, classes, recognisable share)",
  bench: 'time the training step',
  'train-classifier': "train the evaluator's classifier",
};
const USAGE = `Usage: ganstream <command> [flags]     (ganstream <command> --help for its flags)

${Object.entries(COMMANDS)
  .map(([name, what]) => `  ${name.padEnd(17)} ${what}`)
  .join('\n')}
`;

const [command, ...rest] = process.argv.slice(2);
if (command === '--help' || command === 'help') {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (!command || !Object.hasOwn(COMMANDS, command)) {
  process.stderr.write(
    `error: ${command ? `unknown command '${command}'` : 'no command given'}: expected one of ${Object.keys(COMMANDS).join(', ')} (see ganstream --help)\n`,
  );
  process.exit(2);
}
const script = new URL(`../scripts/${command}.ts`, import.meta.url);
process.argv = [process.argv[0], fileURLToPath(script), ...rest];
register();
await import(script.href);
