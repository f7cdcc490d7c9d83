/**
 * Pull-based sources as an observable. The batch and noise sources are lazy iterables; `zipPaced`
 * pulls one item from each per turn of the event loop, in lockstep (so the console, timers and
 * signals keep running between training steps).
 * Nothing is read ahead: memory stays flat however long the run. A `hold` function, polled before
 * each item, pauses the source while it returns true (checked again every HOLD_POLL_MS).
 */
import { Observable } from 'rxjs';

/** How often a held source asks again whether it may go on. */
export const HOLD_POLL_MS = 20;

/**
 * Runs `f` on the event loop's next turn, after what is pending: setImmediate under Node and Deno,
 * a MessageChannel's message in a browser or a Web Worker (setTimeout would wait 4 ms a step).
 * Returns its cancel.
 */
function nextTurn(f: () => void): () => void {
  if (typeof setImmediate === 'function') {
    const t = setImmediate(f);
    return () => clearImmediate(t);
  }
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    f();
  };
  channel.port2.postMessage(null);
  return () => channel.port1.close();
}

export function zipPaced<A, B>(a: Iterable<A>, b: Iterable<B>, hold?: () => boolean): Observable<[A, B]> {
  return new Observable<[A, B]>((subscriber) => {
    const ia = a[Symbol.iterator]();
    const ib = b[Symbol.iterator]();
    let cancelTurn: (() => void) | undefined;
    let wait: ReturnType<typeof setTimeout> | undefined;
    const tick = () => {
      if (hold?.()) {
        wait = setTimeout(tick, HOLD_POLL_MS);
        return;
      }
      try {
        const x = ia.next();
        const y = x.done ? x : ib.next();
        if (x.done || y.done) {
          subscriber.complete();
          return;
        }
        subscriber.next([x.value, y.value]);
      } catch (e) {
        subscriber.error(e);
        return;
      }
      if (!subscriber.closed) cancelTurn = nextTurn(tick);
    };
    cancelTurn = nextTurn(tick);
    return () => {
      cancelTurn?.();
      if (wait) clearTimeout(wait);
      ia.return?.();
      ib.return?.();
    };
  });
}
