/**
 * The setup form: built from the fields and presets the server derives from the flag table, its
 * values read back as flags, and the server's messages shown beside the fields they are about.
 */
import type { FormField, StudioState } from '../answers.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The run's name: a field of the form that is not a flag. */
const NAME_FIELD: FormField = {
  flag: 'name',
  label: 'Run name',
  placeholder: 'date and time',
  choices: null,
  default: null,
};

/** The form's fields: the server's, then the run's name. */
const fieldsOf = (s: StudioState): readonly FormField[] => [...s.fields, NAME_FIELD];

const inputOf = (f: FormField) => $<HTMLInputElement | HTMLSelectElement>(`field-${f.flag}`);

/** Builds the form and the presets' menu (the first preset applied). */
export function buildForm(s: StudioState): void {
  const form = $('form');
  form.replaceChildren();
  const archTitle = (name: string) => s.architectures[name] ?? '';
  for (const f of fieldsOf(s)) {
    const label = document.createElement('label');
    label.textContent = f.label;
    const input = f.choices ? document.createElement('select') : document.createElement('input');
    input.id = `field-${f.flag}`;
    input.name = f.flag;
    if (input instanceof HTMLSelectElement) for (const c of f.choices ?? []) input.append(new Option(c, c));
    else input.placeholder = f.placeholder;
    if (f.flag === 'arch') {
      input.title = archTitle(f.default ?? '');
      input.addEventListener('change', () => {
        input.title = archTitle(input.value);
      });
    }
    const error = document.createElement('span');
    error.className = 'field-error';
    error.id = `error-${f.flag}`;
    error.setAttribute('aria-live', 'polite');
    label.append(input, error);
    form.append(label);
  }
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

/** Each field's message beside it (the others cleared). */
export function showFieldErrors(s: StudioState, messages: Readonly<Record<string, string>>): void {
  for (const f of fieldsOf(s)) $(`error-${f.flag}`).textContent = messages[f.flag] ?? '';
}
