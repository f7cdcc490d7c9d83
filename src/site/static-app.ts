/**
 * The site's folder served on this machine (`npm run site -- --serve`, the site's benchmark): files
 * read as streams, nothing outside the folder, and the studio's host guard, since a server on
 * 127.0.0.1 is reachable by every page the browser opens. A file's precompressed copy (NAME.br,
 * NAME.gz) is served in its place to a browser that accepts that encoding.
 */
import { createReadStream, statSync } from 'node:fs';
import { extname, join, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import { allowedHostNames, sameOriginOnly } from '../studio/guard.ts';
import { PRECOMPRESSED } from './precompress.ts';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.gz': 'application/gzip',
  '.wasm': 'application/wasm',
  '.bin': 'application/octet-stream',
};

/** A regular file's size in bytes, null where there is none. */
function fileSize(file: string): number | null {
  try {
    const s = statSync(file);
    return s.isFile() ? s.size : null;
  } catch {
    return null;
  }
}

export function siteApp(dir: string): Hono {
  const root = resolve(dir);
  const app = new Hono();
  app.use('*', sameOriginOnly(allowedHostNames('127.0.0.1')));
  app.get('*', (c) => {
    const path = decodeURIComponent(new URL(c.req.url).pathname);
    const file = resolve(join(root, path.endsWith('/') ? `${path}index.html` : path));
    if (file !== root && !file.startsWith(root + sep)) return c.text('not found', 404);
    const size = fileSize(file);
    if (size === null) return c.text('not found', 404);
    const accepted = (c.req.header('accept-encoding') ?? '')
      .split(',')
      .filter((e) => !/;\s*q=0(\.0*)?\s*$/.test(e))
      .map((e) => e.trim().split(';')[0]);
    const encoded = PRECOMPRESSED.filter((p) => accepted.includes(p.encoding))
      .map((p) => ({ ...p, size: fileSize(file + p.suffix) }))
      .find((p) => p.size !== null);
    const headers: Record<string, string> = {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-length': String(encoded?.size ?? size),
      vary: 'accept-encoding',
    };
    if (encoded) headers['content-encoding'] = encoded.encoding;
    const body = Readable.toWeb(createReadStream(encoded ? file + encoded.suffix : file)) as ReadableStream<Uint8Array>;
    return c.body(body, 200, headers);
  });
  return app;
}
