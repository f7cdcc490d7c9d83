/**
 * The page's script, bundled from src/studio/page/main.ts at start-up by esbuild (no build step,
 * no bundle in the repository): the page imports src/render and the event codecs as they are.
 */
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import * as E from 'fp-ts/lib/Either.js';
import { EXPLORE_HTML } from './page/explore-html.ts';
import { PAGE_HTML } from './page/html.ts';
import type { PageAssets } from './server.ts';

export const PAGE_ENTRY = fileURLToPath(new URL('./page/main.ts', import.meta.url));
export const EXPLORE_ENTRY = fileURLToPath(new URL('./page/explore.ts', import.meta.url));

/**
 * One entry point as one script for the browser: an ES module (the pages) or a classic script (a
 * worker); minified without a source map, or readable with an inline one. The studio's pages and
 * the static site (site/build.ts) are bundled here alike.
 */
export async function bundleForBrowser(
  entry: string,
  o: { readonly minify: boolean; readonly format?: 'esm' | 'iife'; readonly legalComments?: 'none' },
): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: o.format ?? 'esm',
    platform: 'browser',
    target: 'es2020',
    sourcemap: o.minify ? false : 'inline',
    minify: o.minify,
    ...(o.legalComments ? { legalComments: o.legalComments } : {}),
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

/** Why a bundle failed, as one line: esbuild's first error with its place, else the exception's message. */
export function bundleError(e: unknown): string {
  const errors = (e as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors;
  const first = errors?.[0];
  return first
    ? `${first.location ? `${first.location.file}:${first.location.line}: ` : ''}${first.text}`
    : (e as Error).message;
}

export async function buildPage(): Promise<E.Either<string, PageAssets>> {
  try {
    const [script, exploreScript] = await Promise.all([
      bundleForBrowser(PAGE_ENTRY, { minify: false }),
      bundleForBrowser(EXPLORE_ENTRY, { minify: true }),
    ]);
    return E.right({ html: PAGE_HTML, script, exploreHtml: EXPLORE_HTML, exploreScript });
  } catch (e) {
    return E.left(`the page did not bundle: ${bundleError(e)}`);
  }
}
