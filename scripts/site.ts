#!/usr/bin/env -S node --import tsx
/**
 * Builds the static site (src/site/build.ts): the studio's page that trains in the student's own
 * tab, for any static host. `--serve` serves the folder on this machine afterwards.
 * `npm run site -- --help` lists the flags.
 */
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import * as E from 'fp-ts/lib/Either.js';
import { parseFlags } from '../src/plan/flags.ts';
import { intIn, nonEmptyString } from '../src/plan/values.ts';
import { buildSite } from '../src/site/build.ts';
import { PRECOMPRESSED } from '../src/site/precompress.ts';
import { SITE_DATASETS } from '../src/site/site-files.ts';
import { siteApp } from '../src/site/static-app.ts';
import { fail } from './lib/exit.ts';
import { flagValue } from './lib/flag-value.ts';

const HELP = `Usage: npm run site -- [flags]

Builds the studio as a static site: one page that trains GANs in the visitor's own browser tab
(in a Web Worker, on the GPU through WebGL where the browser offers it), with the datasets as
files beside it. Any static host serves the folder; no server code, no special headers.

  --out DIR          where to write the site (default site); must be empty unless --force
  --datasets A,B     the datasets to carry (default: every one this machine has, of
                     ${Object.keys(SITE_DATASETS).join(', ')})
  --example RUN      a trained run (a run folder or its .zip) for the site to carry: a tab that
                     keeps no run yet opens it, so that its replay and explore views work at once
  --force            replace what is in --out
  --serve            serve the folder afterwards on 127.0.0.1 (Ctrl-C stops it)
  --port N           the port for --serve (default 4100; 0 picks a free one)
  --help             this text
`;

const flags = parseFlags(process.argv.slice(2), ['out', 'datasets', 'port', 'example'], ['help', 'force', 'serve']);
if (E.isLeft(flags)) fail(flags.left);
const given = flags.right;
if (given.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const out = resolve(flagValue(given, 'out', nonEmptyString, 'site'));
const port = flagValue(given, 'port', intIn(0, 65535), 4100);
const datasets = given.datasets === undefined ? undefined : flagValue(given, 'datasets', nonEmptyString, '').split(',');

const example = given.example === undefined ? undefined : flagValue(given, 'example', nonEmptyString, '');
const built = await buildSite(out, { datasets, force: given.force === true, example });
if (E.isLeft(built)) fail(built.left);
const site = built.right;
const paths = new Set(site.files.map((f) => f.path));
const isCopy = (path: string) =>
  PRECOMPRESSED.some((p) => path.endsWith(p.suffix) && paths.has(path.slice(0, -p.suffix.length)));
const own = site.files.filter((f) => !isCopy(f.path));
const mb = (files: readonly { bytes: number }[]) => (files.reduce((n, f) => n + f.bytes, 0) / 1e6).toFixed(1);
process.stdout.write(
  `built the site in ${site.dir}: ${own.length} files, ${mb(own)} MB, and ${site.files.length - own.length} precompressed copies (.br, .gz), ${mb(site.files.filter((f) => isCopy(f.path)))} MB; datasets ${site.datasets.join(', ')}${site.example ? `; example run ${site.example}` : ''}\n`,
);
for (const why of site.skipped) process.stdout.write(`  left out ${why}\n`);

if (given.serve) {
  const server = serve({ fetch: siteApp(site.dir).fetch, hostname: '127.0.0.1', port }, (info) =>
    process.stdout.write(`serving it at http://127.0.0.1:${info.port}/ (Ctrl-C stops)\n`),
  );
  process.on('SIGINT', () => server.close(() => process.exit(0)));
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}
