/** The command line's messages in the page's words (src/studio/page/page-words.ts). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { formFields } from '../src/studio/form.ts';
import { inPageWords } from '../src/studio/page/page-words.ts';

test("each --flag the form has is named by its field's label; a longer flag is not cut; others stay", () => {
  const fields = formFields();
  assert.is(
    inPageWords('Try --label-smoothing 0.1, a lower --lr (now 0.0002), or --lr-d 1e-4 with --beta1 0.5.', fields),
    "Try “Label smoothing” 0.1, a lower “Learning rate” (now 0.0002), or “D's rate” 1e-4 with --beta1 0.5.",
  );
  assert.is(inPageWords('nothing to change', fields), 'nothing to change');
});

test.run();
