/**
 * What the page and the training worker say to each other. The page sends the flags (as the
 * studio's form does) and the controls; the worker fetches the dataset the flags name from the
 * site's data folder and answers with the run's record lines, as the studio's server does, its
 * state and the close-ups of a student's steps. Imports nothing from node:.
 */
import type { ImageFile } from '../data/image-folder.ts';
import type { RunState, StepProbe } from '../studio/answers.ts';

/** A student's own images, dropped on the page: the folder's name (the run's --dataset) and its files. */
export interface OwnImages {
  readonly name: string;
  readonly files: readonly ImageFile[];
}

/** The page to the worker. */
export type ToWorker =
  | {
      readonly type: 'start';
      /** Flag name (without --) to value, as the studio's form sends them (a resumed run: the ones it may change). */
      readonly flags: Readonly<Record<string, string>>;
      /** Continue a run from its last checkpoint and its record (as the tab kept them). */
      readonly resume?: { readonly checkpoint: Uint8Array; readonly record: string };
      /** The student's own images, when --dataset names them rather than one the site carries. */
      readonly images?: OwnImages;
    }
  /** Whether a checkpoint and a record belong together and can be continued (a run opened in the page). */
  | { readonly type: 'check'; readonly checkpoint: Uint8Array; readonly record: string }
  | { readonly type: 'pause' | 'play' | 'stop' }
  /** Lets `steps` more steps through (updating only D or only G if asked), then holds. */
  | { readonly type: 'step'; readonly steps: number; readonly only?: 'd' | 'g' };

/** The worker to the page. */
export type FromWorker =
  | { readonly type: 'event'; readonly line: string }
  /** A control it cannot obey (no run, a second start): the run goes on as it was. */
  | { readonly type: 'refused'; readonly message: string }
  /** The answer to a check: null when the run can be continued, else why not. */
  | { readonly type: 'checked'; readonly problem: string | null }
  /** Something the run goes on without (no quality checks, and why). */
  | { readonly type: 'note'; readonly message: string }
  /** The engine it trains on, once chosen, and why auto passed over the ones before it (null: it did not). */
  | { readonly type: 'backend'; readonly name: string; readonly why: string | null }
  | { readonly type: 'state'; readonly state: RunState; readonly message: string | null }
  /** A resumed run's record as it continues: the kept lines, cut at its checkpoint (events follow). */
  | { readonly type: 'kept'; readonly lines: readonly string[] }
  /** A checkpoint of the run (its event's line comes too), for the tab to keep. */
  | { readonly type: 'checkpoint'; readonly step: number; readonly bytes: Uint8Array }
  /** The saved networks of a run that ended (generator/ and discriminator/ as a run folder holds them), sent before its end. */
  | { readonly type: 'networks'; readonly files: Readonly<Record<string, Uint8Array>> }
  /** What a student's last steps changed. */
  | { readonly type: 'probe'; readonly probe: StepProbe };

/** The flags as the CLI takes them: --name value, in the form's order. */
export const argvOf = (flags: Readonly<Record<string, string>>): string[] =>
  Object.entries(flags).flatMap(([flag, value]) => [`--${flag}`, value]);
