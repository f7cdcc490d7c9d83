/** The model overview's words for the layers (src/studio/page/model-overview.ts) against the layer table. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { LAYER_KINDS } from '../src/model/layers/index.ts';
import { LAYER_WORDS } from '../src/studio/page/model-overview.ts';

test('every kind of layer has a name in the overview and a plain-words line on what it does', () => {
  assert.equal(Object.keys(LAYER_WORDS).sort(), Object.keys(LAYER_KINDS).sort());
  for (const [kind, words] of Object.entries(LAYER_WORDS))
    assert.ok(words.name && words.does.length > 30, `${kind}: '${words.does}'`);
});

test.run();
