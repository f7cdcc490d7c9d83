/**
 * The studio's HTTP interface, as a Hono app (Web-standard Request and Response: the same app runs
 * under Node, through @hono/node-server, and under Deno.serve). Every body is decoded with io-ts;
 * bad input gets a 4xx with a one-line message; run names are names in the runs folder, never paths.
 */
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { type Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { streamSSE } from 'hono/streaming';
import type * as t from 'io-ts';
import { concatMap } from 'rxjs';
import { ARCHITECTURE_NAMES, ARCHITECTURES } from '../model/architectures.ts';
import { METRICS_FILE } from '../streams/sinks/file.ts';
import type { StudioState } from './answers.ts';
import { Explorer } from './explore.ts';
import { formFields } from './form.ts';
import { sameOriginOnly } from './guard.ts';
import type { LiveMessage } from './live-run.ts';
import { PRESETS } from './presets.ts';
import {
  bodyError,
  checkRunName,
  NearestRequest,
  type Rejection,
  ResumeRequest,
  StartRequest,
  StepRequest,
} from './requests.ts';
import { stepCountProblem } from './run-control.ts';
import { describeRunFolder, fileStream, isRunFolder, listRuns, recordStream } from './runs.ts';
import type { Studio } from './studio.ts';

export interface PageAssets {
  readonly html: string;
  readonly script: string;
  /** The explore page (explore.ts): its own script, which carries stock TensorFlow.js. */
  readonly exploreHtml: string;
  readonly exploreScript: string;
}

/** Largest request body accepted (the form is a few hundred bytes). */
export const MAX_BODY_BYTES = 64 * 1024;

const fail = (c: Context, r: Rejection) =>
  c.json({ error: r.message, ...(r.fields ? { fields: r.fields } : {}) }, r.status);

async function decodeBody<A>(c: Context, codec: t.Type<A, unknown>, what: string): Promise<E.Either<Rejection, A>> {
  let json: unknown;
  try {
    json = await c.req.json();
  } catch {
    return E.left({ status: 400, message: `${what}: the request body is not JSON` });
  }
  const decoded = codec.decode(json);
  return E.isLeft(decoded) ? E.left(bodyError(what, decoded.left)) : E.right(decoded.right);
}

/**
 * The studio's app. `hostNames` are the names (without port) it answers to: loopback and the
 * address it listens on (guard.ts, allowedHostNames); any other Host is refused.
 */
export function studioApp(studio: Studio, assets: PageAssets, hostNames: readonly string[]): Hono {
  const app = new Hono();
  const runsDir = studio.options.runsDir;
  app.use('*', sameOriginOnly(hostNames));
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: (c) => c.json({ error: `request body larger than ${MAX_BODY_BYTES} bytes` }, 413),
    }),
  );

  app.get('/', (c) => c.html(assets.html));
  app.get('/studio.js', (c) => c.body(assets.script, 200, { 'content-type': 'text/javascript; charset=utf-8' }));
  app.get('/explore', (c) => c.html(assets.exploreHtml));
  app.get('/explore.js', (c) =>
    c.body(assets.exploreScript, 200, { 'content-type': 'text/javascript; charset=utf-8' }),
  );

  app.get('/api/state', (c) => {
    const live = studio.live;
    const state: StudioState = {
      live: live ? { name: live.name, state: live.state, message: live.message ?? null } : null,
      runs: listRuns(runsDir),
      presets: [...PRESETS],
      fields: formFields(new Date(), studio.takesOwnImages, studio.imageFolders),
      architectures: Object.fromEntries(ARCHITECTURE_NAMES.map((n) => [n, ARCHITECTURES[n].summary])),
      backend: studio.options.backend.name,
    };
    return c.json(state);
  });

  app.post('/api/runs', async (c) => {
    const body = await decodeBody(c, StartRequest, 'start');
    if (E.isLeft(body)) return fail(c, body.left);
    const started = await studio.start(body.right);
    return E.isLeft(started) ? fail(c, started.left) : c.json({ name: started.right.name }, 201);
  });

  app.post('/api/runs/:name/resume', async (c) => {
    const body = await decodeBody(c, ResumeRequest, 'resume');
    if (E.isLeft(body)) return fail(c, body.left);
    const resumed = await studio.resume(c.req.param('name'), body.right);
    return E.isLeft(resumed) ? fail(c, resumed.left) : c.json({ name: resumed.right.name }, 201);
  });

  /** A run's name, checked, and known to the runs folder (with a record, readable or not, or a saved generator). */
  const recorded = (c: Context): E.Either<Rejection, string> => {
    const name = checkRunName(c.req.param('name') ?? '');
    if (E.isLeft(name)) return name;
    return isRunFolder(runsDir, name.right)
      ? name
      : E.left({ status: 404, message: `no run '${name.right}' in the runs folder` });
  };

  app.get('/api/runs/:name', (c) => {
    const name = recorded(c);
    if (E.isLeft(name)) return fail(c, name.left);
    return c.json(describeRunFolder(runsDir, name.right));
  });

  app.get('/api/runs/:name/record', (c) => {
    const name = recorded(c);
    if (E.isLeft(name)) return fail(c, name.left);
    if (!existsSync(join(runsDir, name.right, METRICS_FILE)))
      return fail(c, { status: 404, message: `run '${name.right}' has no ${METRICS_FILE}` });
    return c.body(recordStream(runsDir, name.right), 200, { 'content-type': 'application/x-ndjson; charset=utf-8' });
  });

  app.get('/api/runs/:name/:role{generator|discriminator}/:file', (c) => {
    const name = recorded(c);
    if (E.isLeft(name)) return fail(c, name.left);
    const role = c.req.param('role');
    const file = c.req.param('file');
    if (file !== 'model.json' && file !== 'weights.bin')
      return fail(c, { status: 404, message: `no ${role} file '${file}': expected model.json or weights.bin` });
    const path = join(runsDir, name.right, role, file);
    if (!existsSync(path))
      return fail(c, {
        status: 404,
        message: `run '${name.right}' has no saved ${role} yet (it is saved when the run ends or stops)`,
      });
    return c.body(fileStream(path), 200, {
      'content-length': String(statSync(path).size),
      'content-type': file === 'model.json' ? 'application/json' : 'application/octet-stream',
      'content-disposition': `attachment; filename="${name.right}-${role === 'generator' ? '' : 'discriminator-'}${file}"`,
    });
  });

  // ---- the explore view's server side (explore.ts) ----

  const explorer = new Explorer(runsDir);
  /** A query parameter as an integer in [lo, hi], its default when absent. */
  const intParam = (c: Context, key: string, fallback: number, lo: number, hi: number): E.Either<Rejection, number> => {
    const raw = c.req.query(key);
    if (raw === undefined) return E.right(fallback);
    const v = Number(raw);
    return Number.isInteger(v) && v >= lo && v <= hi
      ? E.right(v)
      : E.left({ status: 400, message: `${key} '${raw}': expected an integer from ${lo} to ${hi}` });
  };

  app.get('/api/runs/:name/real', async (c) => {
    const name = recorded(c);
    if (E.isLeft(name)) return fail(c, name.left);
    const count = intParam(c, 'count', 32, 1, 256);
    if (E.isLeft(count)) return fail(c, count.left);
    const seed = intParam(c, 'seed', 1, 0, 2 ** 31);
    if (E.isLeft(seed)) return fail(c, seed.left);
    const real = await explorer.real(name.right, count.right, seed.right);
    return E.isLeft(real) ? fail(c, real.left) : c.json(real.right);
  });

  app.post('/api/runs/:name/nearest', async (c) => {
    const name = recorded(c);
    if (E.isLeft(name)) return fail(c, name.left);
    const body = await decodeBody(c, NearestRequest, 'nearest');
    if (E.isLeft(body)) return fail(c, body.left);
    const { pixels, k = 5 } = body.right;
    if (!Number.isInteger(k) || k < 1 || k > 32)
      return fail(c, { status: 400, message: `nearest: k ${k}: expected an integer from 1 to 32` });
    const bad = pixels.findIndex((v) => !Number.isInteger(v) || v < 0 || v > 255);
    if (bad >= 0)
      return fail(c, {
        status: 400,
        message: `nearest: pixels[${bad}] is ${pixels[bad]}: expected grey levels, integers from 0 to 255`,
      });
    const found = await explorer.nearest(name.right, pixels, k);
    return E.isLeft(found) ? fail(c, found.left) : c.json(found.right);
  });

  app.get('/api/runs/:name/novelty', async (c) => {
    const name = recorded(c);
    if (E.isLeft(name)) return fail(c, name.left);
    const n = await explorer.novelty(name.right);
    return E.isLeft(n) ? fail(c, n.left) : c.json(n.right);
  });

  app.get('/api/runs/:name/class-tracks', async (c) => {
    const name = recorded(c);
    if (E.isLeft(name)) return fail(c, name.left);
    const t = await explorer.tracks(name.right);
    return E.isLeft(t) ? fail(c, t.left) : c.json(t.right);
  });

  app.get('/api/live/events', (c) => {
    const run = studio.live;
    if (!run) return fail(c, { status: 404, message: 'no run has been started in this studio' });
    return streamSSE(c, async (stream) => {
      // Each message written in turn (concatMap waits for the write); a page that leaves unsubscribes.
      const write = (m: LiveMessage) =>
        stream.writeSSE(
          m.kind === 'event'
            ? { event: 'event', data: m.line }
            : m.kind === 'probe'
              ? { event: 'probe', data: JSON.stringify(m.probe) }
              : { event: 'state', data: JSON.stringify({ state: m.state, message: m.message ?? null }) },
        );
      await new Promise<void>((done) => {
        const following = run
          .messages()
          .pipe(concatMap(write))
          .subscribe({ complete: done, error: () => done() });
        stream.onAbort(() => {
          following.unsubscribe();
          done();
        });
      });
    });
  });

  app.post('/api/live/:action', async (c) => {
    const run = studio.live;
    const action = c.req.param('action');
    if (!['pause', 'play', 'step', 'stop'].includes(action))
      return fail(c, { status: 404, message: `no action '${action}': expected pause, play, step or stop` });
    if (!run || run.state === 'ended' || run.state === 'failed')
      return fail(c, { status: 409, message: `no run is training: nothing to ${action}` });
    if (action === 'step') {
      const body = await decodeBody(c, StepRequest, 'step');
      if (E.isLeft(body)) return fail(c, body.left);
      const n = body.right.steps;
      const problem = stepCountProblem(n);
      if (problem) return fail(c, { status: 400, message: problem });
      run.step(n, body.right.only ?? 'both');
    } else if (action === 'pause') run.pause();
    else if (action === 'play') run.play();
    else run.stop();
    return c.json({ state: run.state });
  });

  app.notFound((c) => c.json({ error: `no such address: ${c.req.method} ${new URL(c.req.url).pathname}` }, 404));
  app.onError((e, c) => c.json({ error: `internal: ${e.message.split('\n')[0]}` }, 500));
  return app;
}
