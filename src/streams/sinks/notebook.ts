/**
 * A notebook's live view of a run: one grid (what G draws from the fixed noise) and one plot (the
 * losses and D's accuracy), each displayed once and then redrawn in place as events arrive, at
 * most once every `everyMs` (a run sends about twenty steps a second; a picture per step would
 * flood the notebook and slow the run). The end of the run is always drawn. What displays the
 * pictures is given: Deno's Jupyter kernel in notebooks/ (Deno.jupyter.broadcast with a display
 * id), a recorder in the tests.
 */
import type { Observable, Subscription } from 'rxjs';
import { History } from '../analysis/history.ts';
import {
  type Milestone,
  type RunStarted,
  type Snapshot,
  type TrainingEvent,
  unpackPixels,
  type Warning,
} from '../events.ts';
import { gridPng, historyPng } from './canvas.ts';

export interface NotebookDisplay {
  /** Shows a new picture under the cell, known by `id` from now on. */
  show(id: string, png: Uint8Array, caption: string): unknown;
  /** Replaces the picture shown as `id`. */
  update(id: string, png: Uint8Array, caption: string): unknown;
}

export interface NotebookOptions {
  /** Least time between two redraws, in ms (default 2000). */
  readonly everyMs?: number;
  /** The clock (tests give their own). */
  readonly now?: () => number;
  /** Display ids, unique in the notebook (default 'grid' and 'curves'). */
  readonly ids?: { readonly grid: string; readonly curves: string };
}

export function notebookSink(
  events$: Observable<TrainingEvent>,
  display: NotebookDisplay,
  o: NotebookOptions = {},
): Subscription {
  const everyMs = o.everyMs ?? 2000;
  const now = o.now ?? Date.now;
  const ids = o.ids ?? { grid: 'grid', curves: 'curves' };
  const history = new History();
  const warnings: Warning[] = [];
  let run: RunStarted | null = null;
  let grid: Snapshot | Milestone | null = null;
  let caption = '';
  let drawnAt: number | null = null;
  let ended = false;
  const shown = new Set<string>();
  const put = (id: string, png: Uint8Array, text: string) => {
    if (shown.has(id)) display.update(id, png, text);
    else {
      shown.add(id);
      display.show(id, png, text);
    }
  };

  const draw = () => {
    if (!run || !grid) return;
    const count = Math.min(16, grid.count);
    const gridImage = gridPng(unpackPixels(grid).subarray(0, count * grid.rows * grid.cols), {
      count,
      rows: grid.rows,
      cols: grid.cols,
      gridCols: 4,
      scale: 3,
      pad: 3,
    });
    const curves = history.points().step.length > 0 ? historyPng(history, run, warnings) : null;
    const gridCaption = `what G draws from ${count} fixed noise points at step ${grid.step}`;
    put(ids.grid, gridImage, gridCaption);
    if (curves) put(ids.curves, curves, caption);
    drawnAt = now();
  };

  return events$.subscribe({
    next: (e) => {
      switch (e.type) {
        case 'run-started':
          run = e;
          break;
        case 'step':
          history.add(e);
          caption = `step ${e.step} of ${run?.totalSteps ?? '?'}: D loss ${e.dLoss.toFixed(3)}, G loss ${e.gLoss.toFixed(3)}`;
          break;
        case 'rolled-back':
          history.rollBack(e.step);
          break;
        case 'warning':
          warnings.push(e);
          break;
        case 'snapshot':
        case 'milestone':
          grid = e;
          break;
        default:
          break;
      }
      if (e.type === 'run-ended') {
        ended = true;
        draw();
      } else if (drawnAt === null || now() - drawnAt >= everyMs) draw();
    },
    // A stream that ends without run-ended (stopped early) still shows where it got to.
    complete: () => {
      if (!ended) draw();
    },
  });
}
