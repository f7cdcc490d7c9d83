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

/** Whether a canvas of the page holds colour: some pixel whose channels differ by more than 40. */
export const canvasHasColour = (page: import('playwright-core').Page, id: string): Promise<boolean> =>
  page.evaluate((id) => {
    const c = document.getElementById(id) as HTMLCanvasElement;
    const d = c.getContext('2d', { willReadFrequently: true })!.getImageData(0, 0, c.width, c.height).data;
    for (let i = 0; i < d.length; i += 4)
      if (Math.max(d[i], d[i + 1], d[i + 2]) - Math.min(d[i], d[i + 1], d[i + 2]) > 40) return true;
    return false;
  }, id);
