/**
 * Beginner mode, the default on a first visit: a word on what G and D are, and the form's few
 * basic fields with the rest folded under "More settings". The header's checkbox turns it off; the
 * browser remembers the choice.
 */
const KEY = 'ganstream-beginner-mode';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** The remembered choice (on where none is, or where the browser keeps nothing). */
function remembered(): boolean {
  try {
    return localStorage.getItem(KEY) !== 'off';
  } catch {
    return true;
  }
}

function remember(on: boolean): void {
  try {
    localStorage.setItem(KEY, on ? 'on' : 'off');
  } catch {
    // A browser that keeps nothing (a private window's storage refused): the mode lasts this visit.
  }
}

/** Shows the page in the mode the box says: the intro, and "More settings" folded or open. */
export function applyMode(): void {
  const on = $<HTMLInputElement>('beginner').checked;
  document.body.classList.toggle('beginner', on);
  $('intro').hidden = !on;
  const more = document.getElementById('more-settings') as HTMLDetailsElement | null;
  if (more) more.open = !on;
}

/** Sets the box from the remembered choice, and follows it from now on. */
export function beginnerMode(): void {
  const box = $<HTMLInputElement>('beginner');
  box.checked = remembered();
  box.onchange = () => {
    remember(box.checked);
    applyMode();
  };
  applyMode();
}
