/**
 * Where the page's runs train, as the page sees it: the studio's server (studio-server.ts) or a
 * Web Worker in the tab itself (tab-trainer.ts, the static site's). Both answer the same requests
 * with the same decoded values and feed the same live messages, so the page is one page for both.
 * Nothing here throws: a refused request is its Failure, a server that does not answer is `lost`.
 */
import type * as t from 'io-ts';
import type { Observable } from 'rxjs';
import type { Controlled, Failure, LiveState, Started, StepProbe, StudioState } from '../answers.ts';
import type { StartRequest } from '../requests.ts';

export type Answer<A> =
  | { readonly ok: true; readonly value: A }
  | { readonly ok: false; readonly failure: Failure; readonly lost: boolean };

export const failed = (error: string, fields?: Readonly<Record<string, string>>): Answer<never> => ({
  ok: false,
  lost: false,
  failure: { error, ...(fields ? { fields: { ...fields } } : {}) },
});

export type Control =
  | { readonly action: 'pause' | 'play' | 'stop' }
  | { readonly action: 'step'; readonly steps: number; readonly only?: 'd' | 'g' };

/** What the live feed brings: a record line, the run's state, a step's close-up, a note, or a broken connection. */
export type LiveMessage =
  | { readonly kind: 'event'; readonly line: string }
  /** Something the run goes on without, for the student to know (no quality checks; not kept in the browser). */
  | { readonly kind: 'note'; readonly message: string }
  | ({ readonly kind: 'state' } & LiveState)
  | { readonly kind: 'probe'; readonly probe: StepProbe }
  | { readonly kind: 'lost' };

export interface Trainer {
  /** 'server': runs in the studio's runs folder; 'tab': runs trained and kept in this tab. */
  readonly where: 'server' | 'tab';
  readonly state: () => Promise<Answer<StudioState>>;
  readonly start: (body: StartRequest) => Promise<Answer<t.TypeOf<typeof Started>>>;
  readonly resume: (name: string) => Promise<Answer<t.TypeOf<typeof Started>>>;
  readonly control: (c: Control) => Promise<Answer<t.TypeOf<typeof Controlled>>>;
  /** A run's whole record, as text (record-lines.ts decodes it). */
  readonly record: (name: string) => Promise<Answer<string>>;
  /**
   * The live run's record so far, then every line, state and close-up as it happens, until the
   * run is over or the connection breaks ('lost'); unsubscribing stops following.
   */
  readonly live: () => Observable<LiveMessage>;
  /** A run as one zip archive of its folder's files, where runs are not files already (the tab). */
  readonly archive?: (name: string) => Promise<Answer<Uint8Array>>;
  /** Takes in a run folder packed as a zip (the tab's Download, or a CLI run folder zipped), named `name`. */
  readonly open?: (name: string, bytes: Uint8Array) => Promise<Answer<t.TypeOf<typeof Started>>>;
}
