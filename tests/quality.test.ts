import * as E from 'fp-ts/lib/Either.js';
import { inverse, Matrix } from 'ml-matrix';
import { from, lastValueFrom, toArray } from 'rxjs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type Dataset, imagesOf, limitDataset } from '../src/data/dataset.ts';
import { embeddedDigits } from '../src/data/embedded.ts';
import { loadDataset } from '../src/data/load.ts';
import { MNIST_NAME } from '../src/data/names.ts';
import { seeded } from '../src/data/random.ts';
import { ARCHITECTURES } from '../src/model/architectures.ts';
import { createGan, disposeGan } from '../src/model/gan.ts';
import { trainConfig } from '../src/plan/train-options.ts';
import { CLASSES, classifierDir, classify, loadClassifier } from '../src/quality/classifier.ts';
import { loadJudge } from '../src/quality/judge-folder.ts';
import {
  acceptedImages,
  argmaxes,
  classifierScore,
  coverage,
  frechetDistance,
  kthNeighbourRadii,
  moments,
  precisionRecall,
  recognisable,
} from '../src/quality/metrics.ts';
import { quality, reference } from '../src/quality/quality.ts';
import { classifierData, classifierSetFor, heldOut, splitDigits } from '../src/quality/real-sets.ts';
import { qualityEpochs } from '../src/streams/config.ts';
import { decodeEvent, encodeEvent, type QualityChecked, type TrainingEvent } from '../src/streams/events.ts';
import { coverageMessage, warnings } from '../src/streams/operators/warnings.ts';
import { QUALITY_SAMPLES, training$ } from '../src/streams/training.ts';
import { unwrap } from './helpers/either.ts';
import { useTestBackend } from './helpers/tf.ts';

await useTestBackend();

const rng = seeded(3);
const gaussian = (
  n: number,
  d: number,
  shift: (j: number) => number = () => 0,
  scale: (j: number) => number = () => 1,
) => {
  const out = new Float32Array(n * d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) out[i * d + j] = rng.normal() * scale(j) + shift(j);
  return out;
};
const close = (a: number, b: number, tol: number, what: string) =>
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a}, expected ${b} ± ${tol}`);

test('Fréchet distance: 0 for identical sets; |shift|^2 for a shifted copy', () => {
  const x = gaussian(2000, 8);
  const mx = moments(x, 2000, 8);
  close(frechetDistance(mx, mx), 0, 1e-6, 'identical');
  const shifted = x.map((v, i) => v + (i % 8 === 2 ? 3 : i % 8 === 5 ? -4 : 0));
  close(frechetDistance(mx, moments(shifted, 2000, 8)), 25, 1e-3, 'shifted by (3, -4)');
});

test('Fréchet distance of given Gaussians: the analytic value, also after a common rotation', () => {
  const a = { mean: Float64Array.from([0, 0, 0]), cov: Matrix.diag([1, 4, 9]) };
  const b = { mean: Float64Array.from([1, 0, 2]), cov: Matrix.diag([4, 4, 1]) };
  // |mu|^2 = 5; sum (sigma_a - sigma_b)^2 = (1-2)^2 + 0 + (3-1)^2 = 5.
  close(frechetDistance(a, b), 10, 1e-9, 'diagonal');
  const c = Math.cos(0.7),
    s = Math.sin(0.7);
  const r = new Matrix([
    [c, -s, 0],
    [s, c, 0],
    [0, 0, 1],
  ]);
  const rot = (m: { mean: Float64Array; cov: Matrix }) => ({
    mean: Float64Array.from(r.mmul(Matrix.columnVector(Array.from(m.mean))).to1DArray()),
    cov: r.mmul(m.cov).mmul(r.transpose()),
  });
  close(frechetDistance(rot(a), rot(b)), 10, 1e-9, 'rotated');
  // Sampled: N(0, I) against N(1, 4I) in 4 dimensions: 4 * 1 + 4 * (2 - 1)^2 = 8.
  const fid = frechetDistance(
    moments(gaussian(20000, 4), 20000, 4),
    moments(
      gaussian(
        20000,
        4,
        () => 1,
        () => 2,
      ),
      20000,
      4,
    ),
  );
  close(fid, 8, 0.25, 'sampled');
});

test('Fréchet distance with covariances that do not commute: a hand-computed 2x2 case', () => {
  // S1 S2 = [[2, 2], [1, 2]]: tr 4, det 2, so tr((S1 S2)^(1/2)) = sqrt(4 + 2 sqrt 2) = 2.6131259...
  // FID = |(1, 2)|^2 + tr S1 + tr S2 - 2 * 2.6131259 = 5 + 3 + 3 - 5.2262519 = 5.7737481.
  // The plausible mistake tr(S1^(1/2) S2^(1/2)) = (2 sqrt 2 + 3) / sqrt 5 would give 5.7869498.
  const a = {
    mean: Float64Array.from([0, 0]),
    cov: new Matrix([
      [2, 0],
      [0, 1],
    ]),
  };
  const b = {
    mean: Float64Array.from([1, 2]),
    cov: new Matrix([
      [1, 1],
      [1, 2],
    ]),
  };
  close(frechetDistance(a, b), 5.773748140494494, 1e-9, 'S1 = diag(2, 1), S2 = [[1, 1], [1, 2]]');
  close(frechetDistance(b, a), 5.773748140494494, 1e-9, 'the same, arguments swapped');
});

/** tr((S1 S2)^(1/2)) of 2x2 matrices in closed form: the eigenvalues l1, l2 of S1 S2 give (sqrt l1 + sqrt l2)^2 = tr + 2 sqrt(det). */
const crossTrace2x2 = (s1: Matrix, s2: Matrix) => {
  const p = s1.mmul(s2);
  return Math.sqrt(p.trace() + 2 * Math.sqrt(p.get(0, 0) * p.get(1, 1) - p.get(0, 1) * p.get(1, 0)));
};

/** The square root of a (not symmetric) matrix by the Denman-Beavers iteration: Y -> A^(1/2), independent of the eigendecomposition path. */
function sqrtDenmanBeavers(m: Matrix): Matrix {
  let y = m.clone();
  let z = Matrix.eye(m.rows);
  for (let k = 0; k < 60; k++) {
    const yInverse = inverse(y),
      zInverse = inverse(z);
    y = y.add(zInverse).div(2);
    z = z.add(yInverse).div(2);
  }
  return y;
}

const randomCovariance = (d: number) => {
  const g = new Matrix(d, d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) g.set(i, j, rng.normal());
  return g.mmul(g.transpose()).add(Matrix.eye(d).mul(0.1));
};

test('Fréchet distance with random, non-commuting covariances: against a 2x2 closed form and an independent matrix square root', () => {
  for (let k = 0; k < 20; k++) {
    const s1 = randomCovariance(2),
      s2 = randomCovariance(2);
    const expected = s1.trace() + s2.trace() - 2 * crossTrace2x2(s1, s2);
    close(
      frechetDistance({ mean: new Float64Array(2), cov: s1 }, { mean: new Float64Array(2), cov: s2 }),
      expected,
      1e-8 * (1 + expected),
      `2x2 pair ${k}`,
    );
  }
  for (let k = 0; k < 5; k++) {
    const s1 = randomCovariance(6),
      s2 = randomCovariance(6);
    assert.ok(s1.mmul(s2).sub(s2.mmul(s1)).norm() > 1, 'the covariances do not commute');
    const expected = s1.trace() + s2.trace() - 2 * sqrtDenmanBeavers(s1.mmul(s2)).trace();
    close(
      frechetDistance({ mean: new Float64Array(6), cov: s1 }, { mean: new Float64Array(6), cov: s2 }),
      expected,
      1e-6 * (1 + expected),
      `6x6 pair ${k}`,
    );
  }
});

test('classifier score, coverage and recognisability on known class probabilities', () => {
  const n = 1000;
  const oneHot = (cls: (i: number) => number, sure = 1) => {
    const p = new Float32Array(n * CLASSES);
    for (let i = 0; i < n; i++)
      for (let c = 0; c < CLASSES; c++) p[i * CLASSES + c] = c === cls(i) ? sure : (1 - sure) / (CLASSES - 1);
    return p;
  };
  const even = oneHot((i) => i % 10);
  close(classifierScore(even, n, CLASSES), 10, 1e-6, 'ten classes, certain');
  const cov = coverage(even, n, CLASSES);
  assert.is(cov.covered, 10);
  close(cov.klFromUniform, 0, 1e-9, 'even');
  assert.equal(cov.histogram, new Array(10).fill(100));
  const ones = oneHot(() => 1);
  close(classifierScore(ones, n, CLASSES), 1, 1e-6, 'one class');
  const collapsed = coverage(ones, n, CLASSES);
  assert.is(collapsed.covered, 1, 'a generator of ones covers 1 class of 10');
  close(collapsed.klFromUniform, Math.log(10), 1e-9, 'one class: ln 10');
  assert.is(collapsed.topShare, 1);
  assert.is(
    recognisable(
      oneHot((i) => i % 10, 0.95),
      n,
      CLASSES,
    ),
    1,
  );
  assert.is(
    recognisable(
      oneHot((i) => i % 10, 0.5),
      n,
      CLASSES,
    ),
    0,
  );
  assert.equal(Array.from(argmaxes(even, 12, CLASSES)), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
});

test('precision and recall by hand: each ball reaches the k-th nearest other point, not the (k-1)-th', () => {
  // One dimension. Real points 0, 1, 3, 7: squared distance to the 2nd nearest other point 9, 4, 9, 36 (to the 1st: 1, 1, 4, 16).
  const real = Float32Array.from([0, 1, 3, 7]);
  const radii = Array.from(kthNeighbourRadii(real, 4, 1, 2));
  radii.forEach((r, i) => {
    assert.ok(Math.abs(r - [9, 4, 9, 36][i]) < 1e-4, `radius ${i}: ${r}`);
  });
  // 12 is inside 7's ball (25 <= 36) and -2.5 inside 0's (6.25 <= 9), each outside the (k-1)-th balls (16, 1); 20 is outside every ball; 0.5 inside both.
  const fake = Float32Array.from([12, -2.5, 20, 0.5]);
  const pr = precisionRecall(real, 4, fake, 4, 1, 2);
  assert.ok(Math.abs(pr.precision - 0.75) < 1e-9, `precision ${pr.precision}`);
  assert.ok(Math.abs(pr.recall - 1) < 1e-9, `recall ${pr.recall}`);
});

test('precision and recall with a reject option: a rejected sample is never inside, a rejected real image has no ball', () => {
  const real = Float32Array.from([0, 1, 3, 7]);
  const fake = Float32Array.from([12, -2.5, 20, 0.5]);
  const all = new Uint8Array(4).fill(1);
  // The same as without: everything accepted.
  assert.equal(
    precisionRecall(real, 4, fake, 4, 1, 2, { real: all, fake: all }),
    precisionRecall(real, 4, fake, 4, 1, 2),
  );
  // 12 was precise only through 7's ball: with 7 rejected it is not; -2.5 rejected itself is not either; 0.5 still is.
  const pr = precisionRecall(real, 4, fake, 4, 1, 2, {
    real: Uint8Array.from([1, 1, 1, 0]),
    fake: Uint8Array.from([1, 0, 1, 1]),
  });
  assert.ok(Math.abs(pr.precision - 0.25) < 1e-9, `precision ${pr.precision}`);
  // Recall: real 7 is rejected (not counted); the others lie in the accepted samples' balls (0.5's and 12's reach them, -2.5's is gone).
  assert.ok(Math.abs(pr.recall - 0.75) < 1e-9, `recall ${pr.recall}`);
  // What the classifier's probabilities say: rejected where 1 - (sum of the ten) outweighs the top digit.
  const probs = new Float32Array(30);
  probs[3] = 0.95; // a sure 3
  probs[10 + 5] = 0.3;
  probs[10 + 6] = 0.3; // none 0.4 > 0.3: rejected
  probs[20 + 1] = 0.2;
  probs[20 + 2] = 0.25;
  probs[20 + 7] = 0.3; // none 0.25 < 0.3: accepted
  assert.equal(Array.from(acceptedImages(probs, 3, CLASSES)), [1, 0, 1]);
});

test('precision and recall: 1 and 1 for the same set, 0 and 0 for far-apart sets, precision 1 and low recall for a tight subset', () => {
  const real = gaussian(600, 6);
  const same = precisionRecall(real, 600, real, 600, 6);
  assert.equal(same, { precision: 1, recall: 1 });
  const far = precisionRecall(
    real,
    600,
    gaussian(600, 6, () => 50),
    600,
    6,
  );
  assert.equal(far, { precision: 0, recall: 0 });
  // Generated samples all near one real point: inside the real manifold, but covering little of it.
  const collapsed = gaussian(
    600,
    6,
    (j) => real[j],
    () => 0.01,
  );
  const pr = precisionRecall(real, 600, collapsed, 600, 6);
  assert.is(pr.precision, 1);
  assert.ok(pr.recall < 0.05, `recall ${pr.recall}`);
});

const digits = await loadClassifier(classifierDir('digits'));

test('the committed digits classifier, measured here on the 2,000 held-out digits it never trained on: at least 98% right, as recorded', () => {
  const c = unwrap(digits);
  const held = unwrap(heldOut('digits'));
  const train = unwrap(classifierData('digits')).train;
  assert.ok(!sharesAnImage(held, train), 'a held-out digit is also in the training split');
  const predicted = argmaxes(classify(c, imagesOf(held), held.count).probs, held.count, CLASSES);
  const accuracy = predicted.filter((p, i) => p === held.labels![i]).length / held.count;
  assert.ok(accuracy >= 0.98, `held-out accuracy ${accuracy}`);
  close(accuracy, c.about.testAccuracy, 0.002, 'measured against the recorded accuracy');
});

/** Whether any image of `a` is pixel for pixel an image of `b`. */
function sharesAnImage(a: Dataset, b: Dataset): boolean {
  const size = a.bytes.length / a.count;
  const key = (d: Dataset, i: number) =>
    Buffer.from(d.bytes.buffer, d.bytes.byteOffset + i * size, size).toString('base64');
  const seen = new Set(Array.from({ length: b.count }, (_, i) => key(b, i)));
  return Array.from({ length: a.count }, (_, i) => key(a, i)).some((k) => seen.has(k));
}

test('the MNIST classifier, measured here on the 10,000 t10k digits: at least 99%, as recorded; mnist runs (and other digits) are judged by it against t10k', async () => {
  const c = unwrap(await loadClassifier(classifierDir('mnist')));
  const t10k = unwrap(heldOut('mnist'));
  assert.is(t10k.count, 10000);
  const t10kImages = imagesOf(t10k);
  const predicted = argmaxes(classify(c, t10kImages, t10k.count).probs, t10k.count, CLASSES);
  const accuracy = predicted.filter((p, i) => p === t10k.labels![i]).length / t10k.count;
  assert.ok(accuracy >= 0.99, `t10k accuracy ${accuracy}`);
  close(accuracy, c.about.testAccuracy, 0.001, 'measured against the recorded accuracy');
  assert.is(classifierSetFor(MNIST_NAME), 'mnist');
  assert.is(classifierSetFor('mnist'), 'mnist');
  assert.is(classifierSetFor('fixtures/idx-gz'), 'mnist');
  assert.is(classifierSetFor(embeddedDigits().name), 'digits');
  assert.is(classifierSetFor('mnist-small'), 'digits');
  assert.is(classifierSetFor('fashion-mnist'), 'fashion');
  const judge = unwrap(await loadJudge({ name: MNIST_NAME, rows: 28, cols: 28 }));
  // The other half of t10k, as if a generator drew real test digits: every class, a small FID.
  const check = judge(t10kImages.subarray(5000 * 784, 6000 * 784), 1000);
  assert.is(check.classifier, 'mnist');
  assert.is(check.realSamples, 10000, 'all of t10k: its two halves differ (SD-3 and SD-1)');
  assert.is(check.covered, 10);
  assert.ok(check.fid < 20 && check.recognisable > 0.9, `FID ${check.fid}, recognisable ${check.recognisable}`);
});

test('quality of real digits against real digits: FID near 0, all classes, precision and recall near 1; noise images score far worse', () => {
  const c = unwrap(digits);
  const held = unwrap(heldOut('digits'));
  assert.is(held.count, 2000);
  const ref = reference(c, imagesOf(held, 0, 1000), 1000);
  const real = quality(c, ref, imagesOf(held, 1000, 2000), 1000);
  assert.ok(real.fid < 10, `real vs real FID ${real.fid}`);
  assert.is(real.coverage.covered, 10);
  assert.ok(real.precision > 0.7 && real.recall > 0.7, `precision ${real.precision}, recall ${real.recall}`);
  const noise = Float32Array.from({ length: 1000 * 784 }, () => rng.uniform() * 2 - 1);
  const bad = quality(c, ref, noise, 1000);
  assert.ok(bad.fid > 20 * Math.max(1, real.fid), `noise FID ${bad.fid} vs real ${real.fid}`);
  assert.ok(bad.precision < 0.1, `noise precision ${bad.precision}`);
});

test('a generator that only ever draws one digit: coverage 1 of 10, and the warnings say mode collapse', async () => {
  const c = unwrap(digits);
  const d = unwrap(loadDataset('fixtures/idx-gz'));
  const one = d.labels!.indexOf(1);
  const images = new Float32Array(500 * 784);
  for (let i = 0; i < 500; i++) images.set(imagesOf(d, one, one + 1), i * 784);
  const ref = reference(c, imagesOf(unwrap(heldOut('digits')), 0, 1000), 1000);
  const q = quality(c, ref, images, 500);
  assert.is(q.coverage.covered, 1);
  assert.is(q.coverage.topShare, 1);
  assert.ok(q.recall < 0.1, `recall ${q.recall}`);
  const event: QualityChecked = {
    type: 'quality',
    step: 100,
    epoch: 3,
    samples: 500,
    realSamples: 1000,
    classifier: 'digits',
    fid: q.fid,
    classifierScore: q.classifierScore,
    covered: q.coverage.covered,
    klFromUniform: q.coverage.klFromUniform,
    topShare: q.coverage.topShare,
    recognisable: q.recognisable,
    histogram: q.coverage.histogram,
  };
  assert.match(
    coverageMessage(event)!,
    /^mode collapse at epoch 3: the classifier finds only 1 of 10 classes in 500 samples \(class 1 takes 100%\)/,
  );
  const out = await lastValueFrom(
    from([event] as TrainingEvent[]).pipe(warnings({ window: 20, collapseBy: 'coverage' }), toArray()),
  );
  assert.equal(
    out.map((e) => e.type),
    ['quality', 'warning'],
  );
  assert.is(coverageMessage({ ...event, covered: 10 }), null, 'ten classes: no warning');
  assert.is(coverageMessage({ ...event, recognisable: 0 }), null, 'nothing recognisable yet: untrained, not collapsed');
});

test('the digits split: disjoint, 20% of every class held out, both halves of the held-out set in proportion', () => {
  const all = unwrap(loadDataset('mnist-small'));
  const { train, test } = splitDigits(all);
  assert.is(train.count + test.count, all.count);
  const hist = (labels: Uint8Array) =>
    labels.reduce((h, l) => {
      h[l]++;
      return h;
    }, new Array<number>(10).fill(0));
  const total = hist(all.labels!),
    held = hist(test.labels!);
  held.forEach((h, c) => {
    assert.ok(Math.abs(h - 0.2 * total[c]) <= 1, `class ${c}: ${h} of ${total[c]}`);
  });
  const a = hist(test.labels!.subarray(0, 1000)),
    b = hist(test.labels!.subarray(1000));
  a.forEach((h, c) => {
    assert.ok(Math.abs(h - b[c]) <= 1, `class ${c}: ${h} vs ${b[c]}`);
  });
  // No held-out image is among the training images.
  assert.ok(!sharesAnImage(test, train));
});

test('quality epochs: the milestones by default, every N epochs and the last, or none', () => {
  assert.equal(qualityEpochs({ evalEvery: null, milestones: [1, 30], epochs: 15 }), [1, 15]);
  assert.equal(qualityEpochs({ evalEvery: 4, milestones: [1], epochs: 10 }), [4, 8, 10]);
  assert.equal(qualityEpochs({ evalEvery: 0, milestones: [1], epochs: 10 }), []);
});

test('in training: quality events at the quality epochs, judged by the committed classifier, recorded and decodable', async () => {
  const data = limitDataset(unwrap(loadDataset('mnist-small')), 256);
  const config = trainConfig({
    epochs: 2,
    batchSize: 64,
    limit: 256,
    dataset: 'mnist-small',
    milestones: [1],
    out: 'unused',
    evalEvery: 1,
  });
  const gan = createGan(ARCHITECTURES[config.arch], {
    pixels: 784,
    seed: config.seed,
    lr: config.lr,
    beta1: config.beta1,
    ema: config.ema,
  });
  const judge = unwrap(await loadJudge(data));
  const events = await lastValueFrom(
    training$(gan, data, config, { name: 'wasm', threads: 1, kernels: [] }, { judge }).pipe(toArray()),
  );
  const checks = events.filter((e): e is QualityChecked => e.type === 'quality');
  assert.equal(
    checks.map((q) => q.epoch),
    [1, 2],
  );
  for (const q of checks) {
    assert.is(q.samples, QUALITY_SAMPLES);
    assert.is(q.realSamples, 1000);
    assert.is(
      q.histogram.reduce((a, b) => a + b, 0),
      QUALITY_SAMPLES,
    );
    assert.ok(Number.isFinite(q.fid) && q.fid > 0);
    assert.equal(unwrap(decodeEvent(encodeEvent(q))), q);
  }
  disposeGan(gan);
});

test('a missing classifier folder is a one-line error naming it', async () => {
  const r = await loadClassifier('/nonexistent/classifier');
  assert.ok(
    E.isLeft(r) &&
      /^no classifier at \/nonexistent\/classifier \(expected .*model\.json; train one with scripts\/train-classifier\.ts\)$/.test(
        r.left,
      ),
  );
});

test.run();
