/** The notebook sink: one grid and one plot, shown once and redrawn in place, at most once per interval, and always at the end. */

import { readFileSync } from 'node:fs';
import { from, map } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { decodeEvent, packPixels, type TrainingEvent } from '../src/streams/events.ts';
import { notebookSink } from '../src/streams/sinks/notebook.ts';
import { pngSize } from './helpers/cli.ts';
import { unwrap } from './helpers/either.ts';

/** The healthy fixture's 300 steps over 30 recorded seconds, with a 4x4 snapshot grid every 10 steps. */
function recorded(): TrainingEvent[] {
  const events: TrainingEvent[] = [];
  for (const line of readFileSync('fixtures/streams/healthy.ndjson', 'utf8').split('\n').filter(Boolean)) {
    const e = unwrap(decodeEvent(line));
    events.push(e);
    if (e.type === 'step' && e.step % 10 === 0) {
      events.push({
        type: 'snapshot',
        step: e.step,
        epoch: e.epoch,
        rows: 28,
        cols: 28,
        count: 16,
        pixels: packPixels(new Uint8Array(16 * 784).fill(e.step % 256)),
      });
    }
  }
  return events;
}

test("redraws at most once per interval of the run's clock, shows each picture once, updates it in place, and draws the end", () => {
  const events = recorded();
  let clock = 0;
  const calls: { kind: 'show' | 'update'; id: string; png: Uint8Array; caption: string; at: number }[] = [];
  const display = {
    show: (id: string, png: Uint8Array, caption: string) => calls.push({ kind: 'show', id, png, caption, at: clock }),
    update: (id: string, png: Uint8Array, caption: string) =>
      calls.push({ kind: 'update', id, png, caption, at: clock }),
  };
  // The clock follows the recorded times: 30 s of run, 2 s between redraws at most.
  let recordedAt = 0;
  const timed = events.map((e) => {
    recordedAt = 'time' in e ? (e as { time: number }).time * 1000 : recordedAt;
    return { e, t: recordedAt };
  });
  const source = from(timed).pipe(
    map(({ e, t }) => {
      clock = t;
      return e;
    }),
  );
  notebookSink(source, display, { everyMs: 2000, now: () => clock });
  const shows = calls.filter((c) => c.kind === 'show');
  assert.equal(
    shows.map((c) => c.id),
    ['grid', 'curves'],
    'each picture shown once',
  );
  const gridDraws = calls.filter((c) => c.id === 'grid');
  assert.ok(
    gridDraws.length >= 10 && gridDraws.length <= 30 / 2 + 2,
    `${gridDraws.length} redraws of the grid in 30 s`,
  );
  for (let i = 1; i < gridDraws.length - 1; i++)
    assert.ok(
      gridDraws[i].at - gridDraws[i - 1].at >= 2000,
      `redraw ${i} came ${gridDraws[i].at - gridDraws[i - 1].at} ms after the one before`,
    );
  const last = calls.at(-1)!;
  assert.is(last.id, 'curves');
  assert.match(last.caption, /^step 300 of 300: D loss \d\.\d{3}, G loss \d\.\d{3}$/);
  assert.match(calls.filter((c) => c.id === 'grid').at(-1)!.caption, /at step 300$/);
  assert.ok(pngSize(last.png)!.width > 500 && pngSize(gridDraws[0].png)!.width === 4 * (28 * 3 + 3) + 3);
});

test('nothing to show before a grid exists; a stream stopped early still draws where it got to', () => {
  const events = recorded()
    .filter((e) => e.type !== 'run-ended')
    .slice(0, 40);
  const calls: string[] = [];
  notebookSink(
    from(events),
    { show: (id) => calls.push(`show ${id}`), update: (id) => calls.push(`update ${id}`) },
    { everyMs: 1e9, now: () => 0 },
  );
  assert.equal(calls, ['show grid', 'show curves', 'update grid', 'update curves']);
});

test.run();
