/**
 * The model overview: G and D drawn as their layers (each with the shape it passes on and the
 * numbers it learns), where the noise, the real images and G's images enter, and where D's score
 * becomes the two losses. HTML rather than a canvas, so that it wraps on a narrow screen and a
 * screen reader reads it. The walk through one update lights the parts its stage is about.
 */
import type { LayerRow, RunStarted } from '../../streams/events.ts';

/** The parts of the picture a stage of the walk-through can light. */
export type ModelPart = 'noise' | 'g' | 'real' | 'fake' | 'd' | 'score' | 'loss';

/** Each layer kind's name in the picture, and what it does in plain words (its tooltip). */
export const LAYER_WORDS: Readonly<Record<string, { readonly name: string; readonly does: string }>> = {
  dense: {
    name: 'dense',
    does: 'Every output is a weighted sum of every input, plus a bias: the weights are what it learns.',
  },
  batchNorm: {
    name: 'BatchNorm',
    does: 'Rescales each output over the batch to mean 0 and spread 1, then by a learned scale and shift: it keeps the numbers in a range that trains well.',
  },
  leakyRelu: {
    name: 'LeakyReLU',
    does: 'Keeps positive numbers and shrinks negative ones to a small fraction: the bend that lets stacked layers draw curves.',
  },
  relu: { name: 'ReLU', does: 'Keeps positive numbers and sets negative ones to 0.' },
  tanh: {
    name: 'tanh',
    does: "Squeezes every number into -1 to 1: G's last step, so that its pixels are in the range of the real ones.",
  },
  dropout: {
    name: 'dropout',
    does: 'While training, zeroes a random share of the numbers at each step, so that D cannot lean on any one of them.',
  },
  conv: {
    name: 'conv',
    does: 'Slides small learned filters over the image: each output pixel looks at a small patch around it.',
  },
  stridedConv: {
    name: 'strided conv',
    does: 'A convolution that moves two pixels at a time: the image comes out half as wide and high.',
  },
  reshape: {
    name: 'reshape',
    does: 'Lays the same numbers out as an image (rows, columns, channels), or back as a line.',
  },
  upsample: { name: 'upsample', does: 'Doubles the image in width and height by repeating each pixel.' },
  avgPool: { name: 'avg pool', does: 'Halves the image in width and height by averaging each 2x2 block.' },
};

const shapeText = (out: readonly number[]) => out.join('×');
const count = (n: number) => n.toLocaleString('en-US');

function node(part: ModelPart, title: string, detail: string, kind = 'io', does = ''): HTMLElement {
  const box = document.createElement('div');
  box.className = `node ${kind}`;
  box.dataset.part = part;
  if (does) box.title = does;
  const b = document.createElement('b');
  b.textContent = title;
  const small = document.createElement('span');
  small.textContent = detail;
  box.append(b, small);
  return box;
}

function layerNodes(part: 'g' | 'd', rows: readonly LayerRow[]): HTMLElement[] {
  return rows.map((r) => {
    const learned = r.params > 0 ? `, ${count(r.params)} learned` : '';
    const kind = LAYER_WORDS[r.kind] ?? { name: r.kind, does: '' };
    return node(part, kind.name, `${shapeText(r.out)} out${learned}`, r.params > 0 ? 'layer' : 'step', kind.does);
  });
}

/** Two inputs of which a step takes either (D sees a real picture or one of G's), one above the other. */
function either(...nodes: HTMLElement[]): HTMLElement {
  const group = document.createElement('div');
  group.className = 'either';
  group.append(...nodes);
  return group;
}

function row(label: string, nodes: readonly HTMLElement[]): HTMLElement {
  const line = document.createElement('div');
  line.className = 'model-row';
  line.setAttribute('role', 'list');
  line.setAttribute('aria-label', label);
  for (const n of nodes) n.setAttribute('role', 'listitem');
  const name = document.createElement('span');
  name.className = 'model-name';
  name.textContent = label;
  line.append(name, ...nodes);
  return line;
}

/** Draws the run's networks into `box`; a run recorded before layers were recorded gets a line saying so. */
export function drawModel(box: HTMLElement, run: RunStarted | null): void {
  box.classList.remove('walking');
  if (!run) {
    box.innerHTML = '<span class="hint">G and D appear here, layer by layer, when a run starts.</span>';
    return;
  }
  const g = run.params.generator.layers;
  const d = run.params.discriminator.layers;
  if (!g || !d) {
    box.innerHTML = '';
    box.append(
      `G has ${count(run.params.generator.total)} numbers to learn, D ${count(run.params.discriminator.total)} (this run was recorded before its layers were).`,
    );
    return;
  }
  const image = `${run.dataset.rows}×${run.dataset.cols}`;
  box.replaceChildren(
    row(`G, the generator (${count(run.params.generator.total)} learned numbers)`, [
      node('noise', 'noise', `${run.config.noiseDim} random numbers`),
      ...layerNodes('g', g),
      node('fake', "G's picture", `${image}, to D`),
    ]),
    row(`D, the discriminator (${count(run.params.discriminator.total)} learned numbers)`, [
      either(
        node('real', 'real pictures', `${image}, from ${run.dataset.name.split(' ')[0]}`),
        node('fake', "or G's pictures", image),
      ),
      ...layerNodes('d', d),
      node('score', "D's score", 'near 1: real; near 0: fake'),
      node('loss', 'the losses', "D's: wrong about either; G's: D not fooled"),
    ]),
  );
}

/** Lights the parts a stage is about (none: every part as it is). */
export function lightModel(box: HTMLElement, parts: readonly ModelPart[] | null): void {
  box.classList.toggle('walking', parts !== null);
  box.querySelectorAll<HTMLElement>('.node').forEach((n) => {
    n.classList.toggle('lit', parts?.includes(n.dataset.part as ModelPart) ?? false);
  });
}
