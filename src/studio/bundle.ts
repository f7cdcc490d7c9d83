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

/** One entry point as one ES module (the explore page's carries stock TensorFlow.js: minified, without a source map). */
async function bundle(entry: string, small: boolean): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2020',
    sourcemap: small ? false : 'inline',
    minify: small,
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

export async function buildPage(): Promise<E.Either<string, PageAssets>> {
  try {
    const [script, exploreScript] = await Promise.all([bundle(PAGE_ENTRY, false), bundle(EXPLORE_ENTRY, true)]);
    return E.right({ html: PAGE_HTML, script, exploreHtml: EXPLORE_HTML, exploreScript });
  } catch (e) {
    const errors = (e as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors;
    const first = errors?.[0];
    return E.left(
      `the page did not bundle: ${first ? `${first.location ? `${first.location.file}:${first.location.line}: ` : ''}${first.text}` : (e as Error).message}`,
    );
  }
}
