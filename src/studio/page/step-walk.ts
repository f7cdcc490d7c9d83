/**
 * "One step, up close": a student's step walked through in stages, from what the studio measured
 * before and after it on fixed images (a StepProbe): G draws, D judges, the losses, D's update,
 * G's update. Each stage is a sentence with the real numbers and the rows of images it is about.
 */
import type { ScoredRow } from '../../render/labelled-grids.ts';
import { type Step, unpackPixels } from '../../streams/events.ts';
import type { StepProbe } from '../answers.ts';
import type { ModelPart } from './model-overview.ts';

export interface Stage {
  readonly title: string;
  /** The parts of the model overview it walks through. */
  readonly parts: readonly ModelPart[];
  readonly text: string;
  readonly rows: readonly ScoredRow[];
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const f2 = (x: number) => x.toFixed(2);

export function stagesOf(p: StepProbe, last: Step | null): Stage[] {
  const b = p.before,
    a = p.after;
  const what = p.kind === 'd' ? 'D step' : p.kind === 'g' ? 'G step' : 'step';
  const steps = p.steps === 1 ? `the ${what}` : `the ${p.steps} ${what}s`;
  const real = unpackPixels({ pixels: b.real });
  const oldFake = unpackPixels({ pixels: b.fake });
  const newFake = unpackPixels({ pixels: a.fake });
  const stages: Stage[] = [
    {
      title: '1. G draws',
      parts: ['noise', 'g', 'fake'],
      text: `Before ${steps} (after step ${b.step}): G turns 8 fixed noise vectors into images. This is all G can do: it never sees a real digit, only D's verdict on its own images.`,
      rows: [{ title: 'G draws', grey: oldFake, scores: [] }],
    },
    {
      title: '2. D judges',
      parts: ['real', 'fake', 'd', 'score'],
      text: `D gives each image its belief that the image is real (1: surely real, 0: surely fake). On these real digits it says ${f2(mean(b.realScores))} on average, on G's images ${f2(mean(b.fakeScores))}. D wants the first near 1 and the second near 0; G wants its images near 1.`,
      rows: [
        { title: 'real', grey: real, scores: b.realScores },
        { title: 'G draws', grey: oldFake, scores: b.fakeScores },
      ],
    },
  ];
  if (last) {
    stages.push({
      title: '3. The losses',
      parts: ['score', 'loss'],
      text: `On the step's own batch (step ${last.step}): D's loss is ${f2(last.dLossReal)} on the real images plus ${f2(last.dLossFake)} on the fakes (= ${f2(last.dLoss)}); it is small when D is right and sure. G's loss is ${f2(last.gLoss)}: small when D takes G's images for real. D was right on ${Math.round(100 * last.dAccReal)}% of the real and ${Math.round(100 * last.dAccFake)}% of the fake images. ${p.kind === 'd' ? 'In a D step only D moves its weights against the gradient of its loss; G is measured, not moved.' : p.kind === 'g' ? 'In a G step only G moves its weights against the gradient of its loss; D is measured, not moved.' : 'Each network moves its weights a little against the gradient of its own loss.'}`,
      rows: [],
    });
  }
  stages.push(
    {
      title: `${stages.length + 1}. D's update`,
      parts: ['loss', 'd'],
      text:
        p.kind === 'g'
          ? `D was held still (${steps}): it scores the real digits ${f2(mean(a.realScores))} and G's old images ${f2(mean(p.oldFakeScoresAfter))}, as before.`
          : `After ${steps}, D looks at the same images again: the real digits now get ${f2(mean(a.realScores))} (before ${f2(mean(b.realScores))}) and G's old images ${f2(mean(p.oldFakeScoresAfter))} (before ${f2(mean(b.fakeScores))}). ${mean(p.oldFakeScoresAfter) < mean(b.fakeScores) ? 'D got better at spotting these fakes.' : "D learned from the step's own batch, not from these 8 images, and on them its update went the other way: one step is a small, noisy move."}`,
      rows: [
        { title: 'real', grey: real, scores: a.realScores },
        { title: 'old fakes', grey: oldFake, scores: p.oldFakeScoresAfter },
      ],
    },
    {
      title: `${stages.length + 2}. G's update`,
      parts: ['loss', 'd', 'g', 'noise'],
      text:
        p.kind === 'd'
          ? `G was held still (${steps}): from the same noise it draws the same images, which D now scores ${f2(mean(a.fakeScores))}.`
          : `G moved${p.kind === 'g' ? '' : ' too'}: from the same noise it now draws these images, which ${p.kind === 'g' ? '' : 'the updated '}D scores ${f2(mean(a.fakeScores))}, against ${f2(mean(p.oldFakeScoresAfter))} for its old ones. ${mean(a.fakeScores) > mean(p.oldFakeScoresAfter) ? 'G moved towards what D calls real.' : 'This time D stayed ahead.'}`,
      rows: [
        { title: 'old fakes', grey: oldFake, scores: p.oldFakeScoresAfter },
        { title: 'new fakes', grey: newFake, scores: a.fakeScores },
      ],
    },
  );
  return stages;
}
