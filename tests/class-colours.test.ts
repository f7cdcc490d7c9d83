/**
 * The class colours (src/render/explore-plots.ts) as students with each common colour-vision
 * deficiency see them: simulated by Viénot, Brettel and Mollon's (1999) matrices on linear sRGB
 * (Machado et al.'s severity-1 values), compared in CIELAB.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { CLASS_COLORS, inkOn } from '../src/render/explore-plots.ts';

const linear = (c: number) => {
  const v = c / 255;
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
};
const rgbOf = (hex: string) => [1, 3, 5].map((i) => linear(Number.parseInt(hex.slice(i, i + 2), 16)));

const VISION: Readonly<Record<string, number[][] | null>> = {
  typical: null,
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  tritanopia: [
    [1.255528, -0.076749, -0.178779],
    [-0.078411, 0.930809, 0.147602],
    [0.004733, 0.691367, 0.3039],
  ],
};

function lab([r, g, b]: number[]): number[] {
  const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : ((24389 / 27) * t + 16) / 116);
  const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
  const y = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
  const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}

const seen = (hex: string, m: number[][] | null) => {
  const c = rgbOf(hex);
  return lab(m ? m.map((row) => Math.min(1, Math.max(0, row[0] * c[0] + row[1] * c[1] + row[2] * c[2]))) : c);
};

/** Colours this far apart in CIELAB are told apart at a glance in a chart's legend. */
const APART = 12;

for (const [vision, matrix] of Object.entries(VISION))
  test(`with ${vision}, any two of the ten class colours are at least ${APART} CIELAB units apart`, () => {
    const labs = CLASS_COLORS.map((c) => seen(c, matrix));
    for (let i = 0; i < labs.length; i++)
      for (let j = i + 1; j < labs.length; j++) {
        const d = Math.hypot(...labs[i].map((v, k) => v - labs[j][k]));
        assert.ok(d >= APART, `classes ${i} and ${j} (${CLASS_COLORS[i]}, ${CLASS_COLORS[j]}): ${d.toFixed(1)} apart`);
      }
  });

test('a class named in its band is written in white on the dark colours and in ink on the light', () => {
  assert.is(inkOn('#332288'), '#ffffff');
  assert.is(inkOn('#dddddd'), '#222222');
});

test.run();
