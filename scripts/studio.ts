#!/usr/bin/env -S node --import tsx
/**
 * The studio: a local web page to set up, start, watch, steer and replay GAN runs.
 * `npm run studio -- --help` lists the flags. Runs under Node (@hono/node-server) and Deno (Deno.serve).
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import { resolve } from 'node:path';
import { serve } from '@hono/node-server';
import * as E from 'fp-ts/lib/Either.js';
import { engineOf } from '../src/model/backend.ts';
import { parseFlags } from '../src/plan/flags.ts';
import { intIn, nonEmptyString } from '../src/plan/values.ts';
import { buildPage } from '../src/studio/bundle.ts';
import { allowedHostNames } from '../src/studio/guard.ts';
import { studioApp } from '../src/studio/server.ts';
import { Studio } from '../src/studio/studio.ts';
import { startBackend } from './lib/backend.ts';
import { fail } from './lib/exit.ts';
import { flagValue } from './lib/flag-value.ts';

const HELP = `Usage: npm run studio -- [flags]     (also: deno task studio)

Starts the studio, a page to set up, start, watch and steer training runs, and to replay them,
and prints its address. Runs started there are run folders like the CLI's (--resume continues them).

  --host HOST   address to listen on (default 127.0.0.1: this machine only); the studio
                answers requests naming this address or a loopback name in their Host
                header, and API requests from its own page or from non-browser clients
  --port N      port (default 4000; 0 picks a free one)
  --runs DIR    the runs folder (default runs): where runs are written and listed
  --images DIR  your own images: each folder (one subfolder per class, or the images in it) or
                .zip of PNG or JPEG images in DIR is offered as a dataset in the form, with
                Image size and Colour channels (default: none)
  --no-quality  no quality checks during runs (they load the evaluator's classifier)
  --help        this text

Ctrl-C stops the running training with a checkpoint, as the CLI does, then the server.
`;

const flags = parseFlags(process.argv.slice(2), ['host', 'port', 'runs', 'images'], ['help', 'no-quality']);
if (E.isLeft(flags)) fail(flags.left);
if (flags.right.help) {
  process.stdout.write(HELP);
  process.exit(0);
}
const host = flagValue(flags.right, 'host', nonEmptyString, '127.0.0.1');
const port = flagValue(flags.right, 'port', intIn(0, 65535), 4000);
const runsDir = resolve(flagValue(flags.right, 'runs', nonEmptyString, 'runs'));
try {
  mkdirSync(runsDir, { recursive: true });
} catch (e) {
  fail(
    `--runs: cannot create ${runsDir} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): expected a folder this user can write`,
  );
}

const imagesFlag = flags.right.images;
const imagesDir = typeof imagesFlag === 'string' ? resolve(imagesFlag) : null;
if (imagesDir !== null && !(existsSync(imagesDir) && statSync(imagesDir).isDirectory()))
  fail(`--images: ${imagesFlag} is not a folder: expected a folder holding folders (or .zip files) of images`);

const backend = await startBackend('auto');
const page = await buildPage();
if (E.isLeft(page)) fail(page.left, 1);
const studio = new Studio({ runsDir, backend, quality: flags.right['no-quality'] !== true, imagesDir });
const interfaces = Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address));
const app = studioApp(studio, page.right, allowedHostNames(host, [...interfaces, hostname()]));

type Closer = { close: () => Promise<void> | void; port: number };
async function listen(): Promise<Closer> {
  const deno = (
    globalThis as {
      Deno?: {
        serve: (
          o: object,
          h: (r: Request) => Response | Promise<Response>,
        ) => { shutdown: () => Promise<void>; addr: { port: number } };
      };
    }
  ).Deno;
  if (deno) {
    let listening: () => void = () => undefined;
    const ready = new Promise<void>((resolve) => {
      listening = resolve;
    });
    const server = deno.serve({ hostname: host, port, onListen: () => listening() }, app.fetch);
    await ready;
    return { close: () => server.shutdown(), port: server.addr.port };
  }
  return new Promise((done, failed) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info) =>
      done({
        close: () => {
          server.close();
        },
        port: info.port,
      }),
    );
    server.on('error', (e: NodeJS.ErrnoException) => failed(e));
  });
}

let server: Closer;
try {
  server = await listen();
} catch (e) {
  const code = (e as NodeJS.ErrnoException).code;
  fail(
    code === 'EADDRINUSE'
      ? `--port ${port}: already in use on ${host}: expected a free port (0 picks one)`
      : `cannot listen on ${host}:${port} (${code ?? (e as Error).message})`,
  );
}
const shown = host.includes(':') ? `[${host}]` : host;
process.stdout.write(
  `ganstream studio: http://${shown}:${server.port}/  (runs folder ${runsDir}; backend ${engineOf(backend)}; Ctrl-C to stop)\n`,
);

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) process.exit(130);
    closing = true;
    const live = studio.live;
    const training = live && live.state !== 'ended' && live.state !== 'failed';
    process.stdout.write(
      training
        ? `\n${signal}: stopping run '${live!.name}' with a checkpoint, then the server\n`
        : `\n${signal}: stopping the server\n`,
    );
    void studio.close().then(async () => {
      await server.close();
      process.exit(0);
    });
  });
}
