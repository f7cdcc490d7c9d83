/**
 * The page's script, bundled from src/studio/page/main.ts at start-up by esbuild (no build step,
 * no bundle in the repository): the page imports src/render and the event codecs as they are.
 */
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import * as E from 'fp-ts/lib/Either.js';
import { PAGE_HTML } from './page/html.ts';
import type { PageAssets } from './server.ts';

export const PAGE_ENTRY = fileURLToPath(new URL('./page/main.ts', import.meta.url));

export async function buildPage(): Promise<E.Either<string, PageAssets>> {
  try {
    const result = await esbuild.build({
      entryPoints: [PAGE_ENTRY],
      bundle: true,
      write: false,
      format: 'esm',
      platform: 'browser',
      target: 'es2020',
      sourcemap: 'inline',
      logLevel: 'silent',
    });
    return E.right({ html: PAGE_HTML, script: result.outputFiles[0].text });
  } catch (e) {
    const errors = (e as { errors?: { text: string; location?: { file: string; line: number } }[] }).errors;
    const first = errors?.[0];
    return E.left(`the page did not bundle: ${first ? `${first.location ? `${first.location.file}:${first.location.line}: ` : ''}${first.text}` : (e as Error).message}`);
  }
}
