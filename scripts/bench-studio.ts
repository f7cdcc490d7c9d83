#!/usr/bin/env -S node --import tsx
/**
 * How much the studio slows training: the same run by the CLI and by the studio with a page
 * following it live in Debian's chromium, alternated, compared by the training samples/s each
 * run's summary.json reports. `npm run bench:studio -- --help` for the flags.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { chromium } from 'playwright-core';
import { parseFlags } from '../src/plan/flags.ts';

const HELP = `Usage: npm run bench:studio -- [--rounds N] [--limit N] [--epochs N]

Trains the same run (the default networks on the first --limit MNIST digits, --epochs epochs, no
quality checks) --rounds times by the CLI and --rounds times by the studio with a page open in
/usr/bin/chromium, alternating, and prints each run's training samples/s and the studio's mean
against the CLI's. Defaults: --rounds 3 --limit 16384 --epochs 2.
`;

const flags = parseFlags(process.argv.slice(2), ['rounds', 'limit', 'epochs'], ['help']);
if (E.isLeft(flags)) {
  process.stderr.write(`error: ${flags.left}\n`);
  process.exit(2);
}
if (flags.right.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const int = (name: string, fallback: number) => {
  const raw = flags.right[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) {
    process.stderr.write(`error: --${name}: expected an integer >= 1, got '${raw}'\n`);
    process.exit(2);
  }
  return n;
};
const rounds = int('rounds', 3),
  limit = int('limit', 16384),
  epochs = int('epochs', 2);
const settings = { limit: String(limit), epochs: String(epochs), 'eval-every': '0', 'milestone-steps': '0' };
const root = mkdtempSync(join(tmpdir(), 'ganstream-bench-studio-'));
const samplesPerSec = (dir: string) =>
  (JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')) as { samplesPerSec: number }).samplesPerSec;

function cliRun(i: number): number {
  const out = join(root, `cli-${i}`);
  const argv = Object.entries(settings).flatMap(([k, v]) => [`--${k}`, v]);
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/train.ts', ...argv, '--out', out], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`the CLI run failed: ${r.stderr}`);
  return samplesPerSec(out);
}

const runsDir = join(root, 'studio');
const server = spawn(
  process.execPath,
  ['--import', 'tsx', 'scripts/studio.ts', '--port', '0', '--runs', runsDir, '--no-quality'],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const address = await new Promise<string>((resolve, reject) => {
  let out = '';
  server.stdout!.on('data', (d) => {
    out += d;
    const m = /(http:\/\/\S+)/.exec(out);
    if (m) resolve(m[1]);
  });
  server.on('exit', (code) => reject(new Error(`the studio exited (${code})`)));
});
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
  ],
});
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
await page.goto(address);

async function studioRun(i: number): Promise<number> {
  const name = `studio-${i}`;
  // Started as the page's Start button does; then the page, reloaded, follows it live to the end.
  const response = await page.evaluate(
    async ([body]) =>
      (await fetch('/api/runs', { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status,
    [JSON.stringify({ name, flags: settings })],
  );
  if (response !== 201) throw new Error(`the studio refused the run (${response})`);
  await page.reload();
  await page.waitForFunction(
    (n) => new RegExp(`${n}: ended`).test(document.getElementById('status')!.innerText),
    name,
    { timeout: 0 },
  );
  return samplesPerSec(join(runsDir, name));
}

const cli: number[] = [],
  studio: number[] = [];
for (let i = 0; i < rounds; i++) {
  cli.push(cliRun(i));
  studio.push(await studioRun(i));
  process.stdout.write(
    `round ${i + 1}: CLI ${cli[i].toFixed(0)} samples/s, studio with a page ${studio[i].toFixed(0)} samples/s\n`,
  );
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
process.stdout.write(
  `mean: CLI ${mean(cli).toFixed(0)}, studio ${mean(studio).toFixed(0)} samples/s: the studio trains at ${((100 * mean(studio)) / mean(cli)).toFixed(1)}% of the CLI's speed\n`,
);
await browser.close();
server.kill('SIGTERM');
