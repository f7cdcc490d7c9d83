/**
 * The site's folder served on this machine (`npm run site -- --serve`, the site's benchmark): files
 * read as streams, nothing outside the folder, and the studio's host guard, since a server on
 * 127.0.0.1 is reachable by every page the browser opens.
 */
import { createReadStream, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import { allowedHostNames, sameOriginOnly } from '../studio/guard.ts';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.gz': 'application/gzip',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
};

export function siteApp(dir: string): Hono {
  const root = resolve(dir);
  const app = new Hono();
  app.use('*', sameOriginOnly(allowedHostNames('127.0.0.1')));
  app.get('*', (c) => {
    const path = decodeURIComponent(new URL(c.req.url).pathname);
    const file = resolve(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (file !== root && !file.startsWith(root + sep)) return c.text('not found', 404);
    let size: number;
    try {
      const s = statSync(file);
      if (!s.isFile()) return c.text('not found', 404);
      size = s.size;
    } catch {
      return c.text('not found', 404);
    }
    const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
    return c.body(body, 200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': String(size),
    });
  });
  return app;
}
