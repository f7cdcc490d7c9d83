/**
 * What a step did, seen on fixed images: D's scores on the same real images and on G's images
 * from the same noise, before and after. The studio takes one before a student's "one step" and
 * one after it; the page walks through the difference stage by stage. Reads the networks only.
 */
import type { Gan } from '../model/gan.ts';
import type { LossName } from '../model/losses.ts';
import { dScores, generate } from '../model/steps.ts';
import { packPixels, toGreyLevels } from '../streams/events.ts';
import type { Probe, StepProbe } from './answers.ts';

/** Images in each row of a probe. */
export const PROBE_COUNT = 8;

export interface ProbeInputs {
  /** PROBE_COUNT real images in [-1, 1], and their labels (a cGAN's D judges each with its own). */
  readonly real: Float32Array;
  readonly realLabels?: Uint8Array;
  /** PROBE_COUNT noise vectors. */
  readonly noise: Float32Array;
  readonly loss: LossName;
  readonly rows: number;
  readonly cols: number;
}

/** A probe, and G's images as numbers (to judge them again after D's update). */
export interface Taken {
  readonly probe: Probe;
  readonly fake: Float32Array;
}

export function takeProbe(gan: Gan, at: number, o: ProbeInputs): Taken {
  const fake = generate(gan, o.noise, { live: true });
  return {
    fake,
    probe: {
      step: at,
      rows: o.rows,
      cols: o.cols,
      real: packPixels(toGreyLevels(o.real)),
      fake: packPixels(toGreyLevels(fake)),
      realScores: Array.from(dScores(gan, o.real, o.loss, o.realLabels)),
      fakeScores: Array.from(dScores(gan, fake, o.loss)),
    },
  };
}

export function stepProbe(
  gan: Gan,
  before: Taken,
  steps: number,
  at: number,
  o: ProbeInputs,
  kind: StepProbe['kind'] = 'both',
): StepProbe {
  return {
    steps,
    kind,
    before: before.probe,
    after: takeProbe(gan, at, o).probe,
    oldFakeScoresAfter: Array.from(dScores(gan, before.fake, o.loss)),
  };
}
