/**
 * What a step did, seen on fixed images: D's scores on the same real images and on G's images
 * from the same noise, before and after. The studio takes one before a student's "one step" and
 * one after it; the page walks through the difference stage by stage. Reads the networks only.
 */
import type { Dataset } from '../data/dataset.ts';
import { normals, seeded } from '../data/random.ts';
import type { Gan } from '../model/gan.ts';
import type { LossName } from '../model/losses.ts';
import { dScores, generate } from '../model/steps.ts';
import type { TrainConfig } from '../streams/config.ts';
import { packPixels, toGreyLevels } from '../streams/events.ts';
import { sample } from '../streams/operators/comparison.ts';
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
/** A run's probe inputs: fixed real images and noise, from its seed. */
export function probeInputs(gan: Gan, data: Dataset, config: TrainConfig): ProbeInputs {
  const real = sample(data, PROBE_COUNT, config.seed + 1);
  return {
    real: real.images,
    realLabels: real.labels,
    noise: normals(seeded(config.seed + 1, 0x70be), PROBE_COUNT * gan.noiseDim),
    loss: config.loss,
    rows: data.rows,
    cols: data.cols,
  };
}

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

/**
 * The close-ups of a student's steps for one run: a probe taken when the steps are asked for, and
 * compared with one taken after the last of them. The studio's live runs and the site's worker
 * both keep one.
 */
export class StepCloseUps {
  private pending: { taken: Taken; steps: number; kind: StepProbe['kind'] } | null = null;
  private lastStep: number;

  constructor(
    private readonly gan: Gan,
    private readonly inputs: ProbeInputs,
    resumedAt = 0,
  ) {
    this.lastStep = resumedAt;
  }

  /** The student asked for `steps` steps: how things look before them. */
  asked(steps: number, kind: StepProbe['kind']): void {
    this.pending = { taken: takeProbe(this.gan, this.lastStep, this.inputs), steps, kind };
  }

  /** A step was recorded; after the last one asked for (none left to take), what they changed. */
  stepped(step: number, stepsLeft: number): StepProbe | null {
    this.lastStep = step;
    if (stepsLeft !== 0 || !this.pending) return null;
    const { taken, steps, kind } = this.pending;
    this.pending = null;
    return stepProbe(this.gan, taken, steps, step, this.inputs, kind);
  }
}
