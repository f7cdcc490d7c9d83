/** Debian's chromium, as the browser tests launch it (never a downloaded browser). */
export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Turns beginner mode off (the page remembers it): every field of the form shown, for tests that fill the advanced ones. */
export async function showAllSettings(page: import('playwright-core').Page): Promise<void> {
  await page.locator('#field-epochs').waitFor();
  await page.uncheck('#beginner');
}
