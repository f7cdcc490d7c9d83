/**
 * The setup form: built from the fields and presets the server derives from the flag table, its
 * values read back as flags, and the server's messages shown beside the fields they are about.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { FormField, StudioState } from '../answers.ts';
import { decodeForm } from '../requests.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The run's name: a field of the form that is not a flag. */
const NAME_FIELD: FormField = {
  flag: 'name',
  label: 'Run name',
  help: 'A name for the run in the runs list. Empty: the date and time it started.',
  basic: false,
  placeholder: 'date and time',
  choices: null,
  default: null,
};

/** The form's fields: the server's, then the run's name. */
const fieldsOf = (s: StudioState): readonly FormField[] => [...s.fields, NAME_FIELD];

const inputOf = (f: FormField) => $<HTMLInputElement | HTMLSelectElement>(`field-${f.flag}`);

/**
 * One field: its label, the input, a "?" that shows its help (for touch screens; hover and focus
 * show it too, and screen readers read it as the input's description), and its message line.
 */
function fieldBox(f: FormField, archTitle: (name: string) => string): HTMLElement {
  const box = document.createElement('div');
  box.className = 'field';
  box.dataset.flag = f.flag;
  const label = document.createElement('label');
  label.textContent = f.label;
  label.htmlFor = `field-${f.flag}`;
  const input = f.choices ? document.createElement('select') : document.createElement('input');
  input.id = `field-${f.flag}`;
  input.name = f.flag;
  if (input instanceof HTMLSelectElement)
    for (const c of f.choices ?? []) {
      // A folder of the studio's --images: its name, the path in its tooltip.
      const option = new Option(c.includes('/') ? `${c.slice(c.lastIndexOf('/') + 1)} (your images)` : c, c);
      if (c.includes('/')) option.title = c;
      input.append(option);
    }
  else input.placeholder = f.placeholder;
  // Hover shows the help as the field's tooltip (the architecture's: with the one chosen).
  label.title = input.title = f.help;
  if (f.flag === 'arch') {
    input.title = `${f.help}\n${archTitle(f.default ?? '')}`;
    input.addEventListener('change', () => {
      input.title = `${f.help}\n${archTitle(input.value)}`;
    });
  }
  const help = document.createElement('span');
  help.className = 'field-help';
  help.id = `help-${f.flag}`;
  help.textContent = f.help;
  const toggle = document.createElement('button');
  toggle.type = 'button';
  toggle.className = 'help-toggle';
  toggle.textContent = '?';
  toggle.setAttribute('aria-label', `What is ${f.label}?`);
  toggle.setAttribute('aria-expanded', 'false');
  toggle.setAttribute('aria-controls', help.id);
  toggle.onclick = () => {
    const open = box.classList.toggle('show-help');
    toggle.setAttribute('aria-expanded', String(open));
  };
  const error = document.createElement('span');
  error.className = 'field-error';
  error.id = `error-${f.flag}`;
  error.setAttribute('aria-live', 'polite');
  input.setAttribute('aria-describedby', `${help.id} ${error.id}`);
  box.append(label, input, toggle, error, help);
  return box;
}

/**
 * Builds the form and the presets' menu (the first preset applied): the fields beginner mode shows
 * first, the others under "More settings".
 */
export function buildForm(s: StudioState): void {
  const form = $('form');
  form.replaceChildren();
  const archTitle = (name: string) => s.architectures[name] ?? '';
  const more = document.createElement('details');
  more.id = 'more-settings';
  const summary = document.createElement('summary');
  summary.textContent = 'More settings';
  more.append(summary);
  for (const f of fieldsOf(s)) (f.basic ? form : more).append(fieldBox(f, archTitle));
  form.append(more);
  const presets = $<HTMLSelectElement>('preset');
  presets.replaceChildren(...s.presets.map((p) => new Option(p.title, p.name)));
  presets.onchange = () => applyPreset(s, presets.value);
  applyPreset(s, presets.value);
}

function applyPreset(s: StudioState, name: string): void {
  const preset = s.presets.find((p) => p.name === name);
  if (!preset) return;
  $('lesson').textContent = preset.lesson;
  for (const f of fieldsOf(s)) {
    const input = inputOf(f);
    input.value =
      preset.flags[f.flag] ?? (input instanceof HTMLSelectElement ? (f.default ?? input.options[0]?.value ?? '') : '');
  }
  showFieldErrors(s, {});
}

/** The form's values: the run's name, and the flags of the fields that are not empty. */
export function formValues(s: StudioState): { name: string; flags: Record<string, string> } {
  const flags: Record<string, string> = {};
  let name = '';
  for (const f of fieldsOf(s)) {
    const value = inputOf(f).value.trim();
    if (f.flag === 'name') name = value;
    else if (value !== '') flags[f.flag] = value;
  }
  return { name, flags };
}

/** Each field's message beside it (the others cleared); "More settings" opens when one of its fields has one. */
export function showFieldErrors(s: StudioState, messages: Readonly<Record<string, string>>): void {
  for (const f of fieldsOf(s)) $(`error-${f.flag}`).textContent = messages[f.flag] ?? '';
  if (fieldsOf(s).some((f) => !f.basic && messages[f.flag])) $<HTMLDetailsElement>('more-settings').open = true;
}

/** The URL parameter listing the fields a link hides (a teacher's: `hide=lr,seed`). */
export const HIDE_PARAM = 'hide';

/**
 * Settings from a link (`?epochs=3&seed=7&hide=lr`): each known field set to its value and checked
 * by the CLI's codecs, its message beside it when it is bad; the fields named by `hide` hidden.
 * Returns a line about what the link holds that the form has no field for (empty: nothing).
 */
export function applyLink(s: StudioState, params: URLSearchParams): string {
  const known = new Set(fieldsOf(s).map((f) => f.flag));
  const flags: Record<string, string> = {};
  const unknown: string[] = [];
  for (const [key, value] of params) {
    if (key === HIDE_PARAM) continue;
    if (!known.has(key)) {
      unknown.push(key);
      continue;
    }
    inputOf(fieldsOf(s).find((f) => f.flag === key)!).value = value;
    if (key !== 'name') flags[key] = value;
  }
  const hidden = (params.get(HIDE_PARAM) ?? '').split(',').filter(Boolean);
  for (const flag of hidden) {
    if (known.has(flag)) ($(`field-${flag}`).closest('.field') as HTMLElement).hidden = true;
    else unknown.push(`${HIDE_PARAM}=${flag}`);
  }
  const checked = decodeForm(flags, [...known]);
  showFieldErrors(s, E.isLeft(checked) ? (checked.left.fields ?? {}) : {});
  return unknown.length === 0
    ? ''
    : `the link's ${unknown.map((u) => `'${u}'`).join(', ')}: not a setting of this form (expected ${[...known].join(', ')})`;
}

/** A link to this page with the form's settings (and the same hidden fields). */
export function linkOf(s: StudioState, here: URL): string {
  const url = new URL(here.href);
  const hide = url.searchParams.get(HIDE_PARAM);
  url.search = '';
  const { name, flags } = formValues(s);
  for (const [flag, value] of Object.entries(flags)) url.searchParams.set(flag, value);
  if (name) url.searchParams.set('name', name);
  if (hide) url.searchParams.set(HIDE_PARAM, hide);
  return url.href;
}
