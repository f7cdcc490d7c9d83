/**
 * What the page may send, as io-ts codecs, and the checks that turn it into a run: the form's
 * fields are the CLI's flags, decoded by the CLI's own codecs (so the page shows the CLI's
 * messages beside the fields), and run names are plain names inside the runs folder, never paths.
 */

import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { decodeTrainArgs, defaultOutDir } from '../plan/train-options.ts';
import type { TrainConfig } from '../streams/config.ts';
import { validationPath } from '../streams/events.ts';
import { choicesOf, FORM_FLAGS } from './form.ts';

const Flags = t.record(t.string, t.string, 'an object of flag names and string values');
export const StartRequest = t.intersection(
  [t.type({ flags: Flags }), t.partial({ name: t.string })],
  'an object with flags and an optional name',
);
export type StartRequest = t.TypeOf<typeof StartRequest>;
export const ResumeRequest = t.partial({ flags: Flags });
export type ResumeRequest = t.TypeOf<typeof ResumeRequest>;
export const NearestRequest = t.intersection(
  [t.type({ pixels: t.array(t.number, 'an array of grey levels') }), t.partial({ k: t.number })],
  'an object with pixels (grey levels 0-255) and an optional k',
);
export type NearestRequest = t.TypeOf<typeof NearestRequest>;
export const StepRequest = t.intersection(
  [t.type({ steps: t.number }), t.partial({ only: t.keyof({ d: null, g: null }) })],
  'an object with steps and an optional only (d or g)',
);

/** A rejected request: a one-line message, and per form field the message to show beside it. */
export interface Rejection {
  readonly status: 400 | 404 | 409 | 422;
  readonly message: string;
  readonly fields?: Readonly<Record<string, string>>;
}

const reject = (message: string, fields?: Record<string, string>): Rejection => ({
  status: 400,
  message,
  ...(fields ? { fields } : {}),
});

/** The first io-ts error of a request body as one line. */
export function bodyError(what: string, errors: t.Errors): Rejection {
  const e = errors[0];
  const path = (e && validationPath(e)) || 'body';
  const expected = (path === 'body' ? e?.context[0] : e?.context[e.context.length - 1])?.type.name ?? 'a value';
  const got = e?.value === undefined ? 'nothing' : (JSON.stringify(e.value) ?? String(e.value));
  return reject(`${what}: ${path}: expected ${expected}, got ${got.length > 40 ? `${got.slice(0, 37)}...` : got}`);
}

const RUN_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$/;

/** A run's name: a folder directly inside the runs folder (no separators, no "..", no leading dot). */
export function checkRunName(name: string): E.Either<Rejection, string> {
  return RUN_NAME.test(name) && !name.includes('..')
    ? E.right(name)
    : E.left(
        reject(
          `run name '${name.length > 40 ? `${name.slice(0, 37)}...` : name}': expected 1-80 letters, digits, '.', '_' or '-', not starting with '.' or '-' and without '..' (a name in the runs folder, not a path)`,
        ),
      );
}

/**
 * Each given flag decoded on its own (one message per bad field), then all together into a
 * configuration. `more`: choices a select takes here besides the form's (a tab's own images).
 */
export function decodeForm(
  flags: Readonly<Record<string, string>>,
  allowed: readonly string[],
  more: Readonly<Record<string, readonly string[]>> = {},
): E.Either<Rejection, { config: TrainConfig; given: Partial<TrainConfig> }> {
  const fields: Record<string, string> = {};
  const argv: string[] = [];
  for (const [flag, value] of Object.entries(flags)) {
    if (value.trim() === '') continue; // an empty field: the default
    if (!allowed.includes(flag)) {
      fields[flag] = `--${flag}: not a setting here, expected one of ${allowed.join(', ')}`;
      continue;
    }
    const choices = choicesOf(flag)?.concat(more[flag] ?? []);
    if (choices && !choices.includes(value)) {
      fields[flag] = `--${flag}: expected one of ${choices.join(', ')}, got '${value}'`;
      continue;
    }
    const alone = decodeTrainArgs([`--${flag}`, value]);
    if (E.isLeft(alone)) {
      fields[flag] = alone.left;
      continue;
    }
    argv.push(`--${flag}`, value);
  }
  const bad = Object.values(fields);
  if (bad.length > 0) return E.left(reject(bad[0], fields));
  const all = decodeTrainArgs(argv);
  if (E.isLeft(all)) return E.left(reject(all.left));
  if (all.right.help) return E.left(reject('--help is not a setting'));
  return E.right({ config: all.right.config, given: all.right.given });
}

/**
 * A start request checked: its run's name (the given one, else the time's) and its form, every
 * field's problem at once, the name's beside the others'. `taken` says whether a run of that name
 * exists already (in the runs folder, or in the tab); `allowed`: the flags the form may set.
 */
export function checkStart(
  request: StartRequest,
  taken: (name: string) => boolean,
  now: Date,
  allowed: readonly string[] = FORM_FLAGS,
  more: Readonly<Record<string, readonly string[]>> = {},
): E.Either<Rejection, { name: string; config: TrainConfig; given: Partial<TrainConfig> }> {
  const name = request.name?.trim() || defaultOutDir(now).replace(/^runs\//, '');
  const checked = checkRunName(name);
  const exists = E.isRight(checked) && taken(name);
  const nameProblem = E.isLeft(checked)
    ? checked.left.message
    : exists
      ? `run '${name}' already exists in the runs folder: choose another name, or resume it`
      : null;
  const form = decodeForm(request.flags, allowed, more);
  if (nameProblem !== null) {
    const fields = { ...(E.isLeft(form) ? form.left.fields : {}), name: nameProblem };
    return E.left({ status: exists && E.isRight(form) ? 409 : 400, message: nameProblem, fields });
  }
  return E.isLeft(form) ? form : E.right({ name, ...form.right });
}
