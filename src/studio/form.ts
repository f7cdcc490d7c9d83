/**
 * The studio's form, derived from the flag table: the fields it shows (in their places), what
 * each shows when empty, the choices of its selects, the flags a start request may set, and the
 * ones a resume request may change.
 */

import { ARCHITECTURES, DEFAULT_ARCHITECTURE } from '../model/architectures.ts';
import { SETTINGS, settingOf } from '../plan/flag-table.ts';
import type { FormField } from './answers.ts';

/**
 * The form's fields in their places, defaults for the default architecture. `ownImages`: the
 * student's own image folders are offered here (`folders`, as more choices of Dataset), so the
 * image settings are shown too.
 */
export function formFields(now = new Date(), ownImages = false, folders: readonly string[] = []): FormField[] {
  const d = { arch: ARCHITECTURES[DEFAULT_ARCHITECTURE], now };
  return SETTINGS.flatMap((s) => {
    if (!s.form || (s.form.ownImages && !ownImages)) return [];
    const value = s.default(d);
    const shown = value === undefined || value === null ? null : (s.codec.encode as (v: unknown) => string)(value);
    return [
      {
        place: s.form.place,
        flag: s.flag,
        label: s.form.label,
        help: s.form.explain,
        basic: s.form.basic === true,
        placeholder: s.form.empty ?? shown ?? '',
        choices: s.form.choices ? [...s.form.choices, ...(s.flag === 'dataset' ? folders : [])] : null,
        default: shown,
      },
    ];
  })
    .sort((a, b) => a.place - b.place)
    .map(({ place: _, ...field }) => field);
}

/** The flags a start request may set: the run folder and the backend are the server's. */
export const FORM_FLAGS: readonly string[] = SETTINGS.filter((s) => s.studio).map((s) => s.flag);

/** The flags a resume request may change (the CLI's resume rule, less the server's own). */
export const RESUME_FLAGS: readonly string[] = SETTINGS.filter((s) => s.studio && s.onResume === 'may change').map(
  (s) => s.flag,
);

/** The choices of a flag whose form field is a select (the form accepts nothing else for it). */
export const choicesOf = (flag: string): readonly string[] | null => settingOf(flag)?.form?.choices ?? null;
