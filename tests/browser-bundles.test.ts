// What a browser page or a Web Worker loads must import nothing from node: each entry is bundled
// by esbuild for the browser, where a node: import anywhere in its graph cannot be resolved.

import { build } from 'esbuild';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

/** The training pipeline (a worker will run it), the run's flags and names, both pages and both workers, the explore figures and the saved format. */
const ENTRIES = [
  'src/streams/training.ts',
  'src/plan/train-options.ts',
  'src/plan/fit-dataset.ts',
  'src/data/names.ts',
  'src/data/from-bytes.ts',
  'src/streams/sources/record-lines.ts',
  'src/studio/answers.ts',
  'src/studio/page/main.ts',
  'src/studio/page/explore.ts',
  'src/site/worker.ts',
  'src/site/explore-worker.ts',
  'src/studio/explore-figures.ts',
  'src/model/persistence.ts',
];

test('the training pipeline, the flags and both pages bundle for the browser: no node: import in their graphs', async () => {
  const failed: string[] = [];
  for (const entry of ENTRIES) {
    try {
      await build({
        entryPoints: [entry],
        bundle: true,
        platform: 'browser',
        format: 'esm',
        write: false,
        logLevel: 'silent',
      });
    } catch (e) {
      const errors = (e as { errors?: { text: string; location?: { file: string } | null }[] }).errors ?? [];
      failed.push(`${entry}: ${errors.map((x) => `${x.location?.file ?? '?'}: ${x.text}`).join('; ') || String(e)}`);
    }
  }
  assert.equal(failed, []);
});

test.run();
