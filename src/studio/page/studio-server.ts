/**
 * The studio's server as the page sees it (a Trainer): each request with its answer decoded by the
 * server's own codecs (answers.ts), and the live run's feed as a stream of decoded messages.
 */
import * as E from 'fp-ts/lib/Either.js';
import type * as t from 'io-ts';
import { Observable } from 'rxjs';
import { validationPath } from '../../streams/events.ts';
import { Controlled, Failure, LiveState, type RunState, Started, StepProbe, StudioState } from '../answers.ts';
import type { StartRequest } from '../requests.ts';
import { type Answer, type Control, failed, type LiveMessage, type Trainer } from './trainer.ts';

const LOST: Answer<never> = {
  ok: false,
  lost: true,
  failure: { error: 'the studio server is not answering (stopped, or restarting?): nothing was done' },
};

/** A refusal's answer: the server's Failure, or `otherwise` when the body is not one. */
const refused = (json: unknown, otherwise: string): Answer<never> => {
  const failure = Failure.decode(json);
  return E.isRight(failure) ? { ok: false, lost: false, failure: failure.right } : failed(otherwise);
};

/** The first thing wrong with an answer, as `path: got X`. */
const unexpected = (path: string, errors: t.Errors): string => {
  const e = errors[0];
  const where = (e && validationPath(e)) || 'the answer';
  return `${path}: an answer the page cannot read (${where}: got ${JSON.stringify(e?.value)?.slice(0, 40)})`;
};

/** A request and its answer, decoded by `codec` (a failure by Failure). */
export async function request<A>(path: string, codec: t.Decoder<unknown, A>, init?: RequestInit): Promise<Answer<A>> {
  let response: Response;
  try {
    response = await fetch(path, init);
  } catch {
    return LOST;
  }
  const json: unknown = await response.json().catch(() => undefined);
  if (!response.ok) return refused(json, `${path}: answered ${response.status}`);
  const decoded = codec.decode(json);
  return E.isRight(decoded) ? { ok: true, value: decoded.right } : failed(unexpected(path, decoded.left));
}

export const posting = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const runPath = (name: string) => `/api/runs/${encodeURIComponent(name)}`;

export const studioServer: Trainer = {
  where: 'server',
  state: () => request('/api/state', StudioState),
  start: (body: StartRequest) => request('/api/runs', Started, posting(body)),
  resume: (name: string) => request(`${runPath(name)}/resume`, Started, posting({})),
  control: (c: Control) =>
    request(
      `/api/live/${c.action}`,
      Controlled,
      posting(c.action === 'step' ? { steps: c.steps, ...(c.only ? { only: c.only } : {}) } : {}),
    ),

  async record(name: string): Promise<Answer<string>> {
    const path = `${runPath(name)}/record`;
    let response: Response;
    try {
      response = await fetch(path);
      if (response.ok) return { ok: true, value: await response.text() };
    } catch {
      return LOST;
    }
    return refused(
      await response.json().catch(() => undefined),
      `the record of '${name}' could not be read (${response.status})`,
    );
  },

  /** By Server-Sent Events: a broken connection is 'lost', after which the feed ends. */
  live: (): Observable<LiveMessage> =>
    new Observable<LiveMessage>((subscriber) => {
      const source = new EventSource('/api/live/events');
      const decoded = <A>(codec: t.Decoder<unknown, A>, data: string): A | null => {
        try {
          const r = codec.decode(JSON.parse(data));
          return E.isRight(r) ? r.right : null;
        } catch {
          return null;
        }
      };
      source.addEventListener('event', (m) =>
        subscriber.next({ kind: 'event', line: (m as MessageEvent<string>).data }),
      );
      source.addEventListener('probe', (m) => {
        const probe = decoded(StepProbe, (m as MessageEvent<string>).data);
        if (probe) subscriber.next({ kind: 'probe', probe });
        else console.warn('skipped a close-up the page cannot read');
      });
      source.addEventListener('state', (m) => {
        const s = decoded(LiveState, (m as MessageEvent<string>).data);
        if (s) subscriber.next({ kind: 'state', ...s });
        else console.warn('skipped a state the page cannot read');
      });
      source.onerror = () => {
        source.close();
        subscriber.next({ kind: 'lost' });
        subscriber.complete();
      };
      return () => source.close();
    }),
};

/** Whether a run in this state is over (its feed has nothing more to bring). */
export const isOver = (state: RunState): boolean => state === 'ended' || state === 'failed';
