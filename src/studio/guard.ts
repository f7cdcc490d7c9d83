/**
 * Who may talk to the studio. A server on 127.0.0.1 is reachable from every page the student's
 * browser opens, so the studio answers only requests that are its own:
 *
 * - The Host header must name the studio: a loopback name (localhost, 127.0.0.1, [::1]) or an
 *   address it was told it listens on. A page on a foreign name that resolves to 127.0.0.1 (DNS
 *   rebinding) sends its own name as the Host, and gets 421 for every request, reads included.
 * - An API request that says where it comes from must come from the page the studio served: its
 *   Origin must be `http://` and that same Host, and a browser's Sec-Fetch-Site must be
 *   same-origin (or none: typed in the address bar). Another local port is another origin, though
 *   the same "site". 403 otherwise. Clients that say nothing (curl, scripts) are not browsers
 *   carrying a student's visit to another page, and may call the API.
 * - A request that changes something (any method but GET and HEAD) must carry JSON: 415
 *   otherwise. A foreign page can send text/plain or a form to any address without asking, but
 *   application/json from another origin needs the browser to ask first (a CORS preflight), and
 *   the studio never says yes.
 *
 * No per-session token: the three rules need none of the page's cooperation, and a token would
 * only add a secret that every script and the command line would have to find.
 */
import type { MiddlewareHandler } from 'hono';

/** Host names that reach this machine only. */
export const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'] as const;

/** The names (without port) this studio answers to: loopback, and what it listens on. */
export function allowedHostNames(listenHost: string, interfaces: readonly string[] = []): string[] {
  const bracketed = (h: string) => (h.includes(':') && !h.startsWith('[') ? `[${h}]` : h);
  const wildcard = listenHost === '0.0.0.0' || listenHost === '::' || listenHost === '[::]';
  const names = new Set<string>([...LOOPBACK_NAMES, bracketed(listenHost).toLowerCase()]);
  if (wildcard) for (const a of interfaces) names.add(bracketed(a).toLowerCase());
  if (wildcard) {
    names.delete('0.0.0.0');
    names.delete('[::]');
  }
  return [...names];
}

/** The name part of a Host header value ("127.0.0.1:4000" -> "127.0.0.1", "[::1]:80" -> "[::1]"). */
export function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.indexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

const shown = (s: string) => JSON.stringify(s.length > 60 ? `${s.slice(0, 57)}...` : s);

/** Hono middleware applying the rules above; `names` are the allowed host names, without ports. */
export function sameOriginOnly(names: readonly string[]): MiddlewareHandler {
  const allowed = new Set(names.map((n) => n.toLowerCase()));
  return async (c, next) => {
    const host = c.req.header('host') ?? new URL(c.req.url).host;
    if (!allowed.has(hostName(host))) {
      return c.json(
        {
          error: `host ${shown(host)}: expected this studio's own address (${[...allowed].join(', ')}); a page on another name is refused`,
        },
        421,
      );
    }
    const path = new URL(c.req.url).pathname;
    if (!path.startsWith('/api/')) return next();
    const origin = c.req.header('origin');
    if (origin !== undefined && origin !== `http://${host}`) {
      return c.json(
        {
          error: `origin ${shown(origin)}: expected http://${host}, the studio's own page; other pages cannot use the studio`,
        },
        403,
      );
    }
    const site = c.req.header('sec-fetch-site');
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      return c.json(
        {
          error: `a ${site} request: expected one from the studio's own page (same-origin); other pages cannot use the studio`,
        },
        403,
      );
    }
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') {
      const type = (c.req.header('content-type') ?? '').split(';')[0].trim().toLowerCase();
      if (type !== 'application/json') {
        return c.json({ error: `content-type ${shown(type || 'none')}: expected application/json` }, 415);
      }
    }
    return next();
  };
}
