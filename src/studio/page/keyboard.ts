/**
 * The controls' keys: space pauses and resumes, s takes one step. A key typed into a field, or
 * pressed on a focused button (where space presses that button), is left alone.
 */
const KEYS: Readonly<Record<string, readonly string[]>> = {
  ' ': ['pause', 'play'],
  s: ['step'],
};

export function controlKeys(): void {
  document.addEventListener('keydown', (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
    const target = e.target as HTMLElement;
    if (target.closest('input, select, textarea, button, summary, a, [contenteditable]')) return;
    const ids = KEYS[e.key.length === 1 ? e.key.toLowerCase() : e.key];
    if (!ids) return;
    const button = ids
      .map((id) => document.getElementById(id) as HTMLButtonElement | null)
      .find((b) => b && !b.disabled);
    e.preventDefault();
    button?.click();
  });
}
