/**
 * Which real images a classifier learns from and is tested on, as functions of datasets already
 * in memory: the split of mnist-small, and which classifier judges which dataset. Imports nothing
 * from node: (real-sets.ts loads the sets).
 */
import type { Dataset } from '../data/dataset.ts';
import { pixelsOf } from '../data/dataset.ts';
import { MNIST_SMALL } from '../data/names.ts';

/** digits: mnist-small's 10,000 split 80/20; mnist: MNIST's standard split (60,000 to train, t10k to test); fashion: Fashion-MNIST's. */
export type ClassifierSet = 'digits' | 'mnist' | 'fashion';

/** Chosen images of a dataset, copied, in the order given. */
export function pick(d: Dataset, indices: readonly number[]): Dataset {
  const p = pixelsOf(d);
  const bytes = new Uint8Array(indices.length * p);
  indices.forEach((k, i) => {
    bytes.set(d.bytes.subarray(k * p, (k + 1) * p), i * p);
  });
  return {
    ...d,
    count: indices.length,
    bytes,
    labels: d.labels ? Uint8Array.from(indices, (k) => d.labels![k]) : null,
  };
}

/** Share of each class the digits classifier never sees. */
export const HELD_OUT_SHARE = 0.2;

/**
 * A labelled dataset split by class: the last HELD_OUT_SHARE of each class's images (at least one)
 * are held out. mnist-small holds unequal numbers of each digit, and a folder's classes any
 * numbers, so a split by position would leave some classes out of the test set. The held-out
 * images are ordered by their rank within their class, so that any first part of them (the
 * reference half) holds every class in proportion.
 */
export function splitByClass(all: Dataset, classes: number): { train: Dataset; test: Dataset } {
  const byClass: number[][] = Array.from({ length: classes }, () => []);
  for (let i = 0; i < all.count; i++) byClass[all.labels![i]].push(i);
  const train: number[] = [];
  const test: { index: number; at: number; cls: number }[] = [];
  byClass.forEach((indices, cls) => {
    const kept = indices.length - Math.max(1, Math.round(indices.length * HELD_OUT_SHARE));
    train.push(...indices.slice(0, kept));
    const held = indices.slice(kept);
    held.forEach((index, r) => {
      test.push({ index, at: r / held.length, cls });
    });
  });
  test.sort((a, b) => a.at - b.at || a.cls - b.cls);
  return {
    train: pick(
      all,
      train.sort((a, b) => a - b),
    ),
    test: {
      ...pick(
        all,
        test.map((t) => t.index),
      ),
      name: `${all.name}, held out`,
    },
  };
}

/** mnist-small's digits: the last 20% of each digit held out. */
export const splitDigits = (all: Dataset) => splitByClass(all, 10);

/**
 * Which classifier judges a dataset, by its name or --dataset spec: Fashion-MNIST's for fashion,
 * mnist-small's own for mnist-small, and MNIST's (against t10k) for mnist and any other digits.
 */
export const classifierSetFor = (dataset: string): ClassifierSet =>
  /fashion/i.test(dataset) ? 'fashion' : dataset.startsWith(MNIST_SMALL) ? 'digits' : 'mnist';
