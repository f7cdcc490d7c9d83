/**
 * A GAN's whole training state as one byte array and back: every variable of both networks
 * (BatchNorm statistics included), the generator's weight average, and both Adam optimizers
 * (moments, step count, learning rate), plus a JSON object the caller adds (where the run is).
 *
 * Layout: "GSCK", a uint32 header length, the header (JSON), padding to 4 bytes, then float32
 * tensors in header order. Tensors are named by role and layer position, not by tfjs variable
 * names, so any process can read any other's checkpoint.
 */
import * as tf from '@tensorflow/tfjs';
import * as E from 'fp-ts/lib/Either.js';
import type { Adam } from './adam.ts';
import type { Gan } from './gan.ts';
import type { Network } from './network.ts';

const MAGIC = 'GSCK';
export const CHECKPOINT_VERSION = 1;

export interface TensorEntry {
  readonly name: string;
  readonly shape: readonly number[];
}

export interface CheckpointHeader<R> {
  readonly format: 'ganstream-checkpoint';
  readonly version: number;
  readonly arch: string;
  readonly optimizers: { readonly generator: OptimizerScalars; readonly discriminator: OptimizerScalars };
  readonly averageUpdates: number | null;
  readonly tensors: readonly TensorEntry[];
  /** The caller's part: run configuration, position in the data and noise streams. */
  readonly run: R;
}

interface OptimizerScalars {
  readonly iterations: number;
  readonly lr: number;
}

/** Every tensor of the GAN's training state, with its stable name. */
function stateTensors(gan: Gan): [string, tf.Variable][] {
  const weights = (role: string, net: Network): [string, tf.Variable][] =>
    net.layers.flatMap((l, i) =>
      l.params ? Object.entries(l.params).map(([k, v]): [string, tf.Variable] => [`${role}/${i}/${k}`, v]) : [],
    );
  const moments = (role: string, net: Network, adam: Adam): [string, tf.Variable][] =>
    weights(role, net)
      .filter(([, v]) => v.trainable)
      .flatMap(([name, v]): [string, tf.Variable][] => {
        const slot = adam.slots.get(v.name);
        if (!slot) throw new Error(`no Adam slot for ${v.name}`);
        return [
          [`adam/${name}/m`, slot.m],
          [`adam/${name}/v`, slot.v],
        ];
      });
  return [
    ...weights('generator', gan.generator),
    ...weights('discriminator', gan.discriminator),
    ...(gan.generatorAverage ? weights('average', gan.generatorAverage.network) : []),
    ...moments('generator', gan.generator, gan.gOptimizer),
    ...moments('discriminator', gan.discriminator, gan.dOptimizer),
  ];
}

/** The GAN's state now, and `run`, as bytes. Reads every tensor (synchronously). */
export function snapshot<R>(gan: Gan, run: R): Uint8Array {
  const tensors = stateTensors(gan);
  const header: CheckpointHeader<R> = {
    format: 'ganstream-checkpoint',
    version: CHECKPOINT_VERSION,
    arch: gan.arch.name,
    optimizers: {
      generator: { iterations: gan.gOptimizer.iterations, lr: gan.gOptimizer.lr },
      discriminator: { iterations: gan.dOptimizer.iterations, lr: gan.dOptimizer.lr },
    },
    averageUpdates: gan.generatorAverage?.updates ?? null,
    tensors: tensors.map(([name, v]) => ({ name, shape: v.shape })),
    run,
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = align4(8 + json.length);
  const floats = tensors.reduce((n, [, v]) => n + v.size, 0);
  const out = new Uint8Array(dataStart + floats * 4);
  out.set(
    Uint8Array.from(MAGIC, (c) => c.charCodeAt(0)),
    0,
  );
  new DataView(out.buffer).setUint32(4, json.length, true);
  out.set(json, 8);
  const data = new Float32Array(out.buffer, dataStart, floats);
  let offset = 0;
  for (const [, v] of tensors) {
    data.set(v.dataSync() as Float32Array, offset);
    offset += v.size;
  }
  return out;
}

const align4 = (n: number) => (n + 3) & ~3;

export interface Checkpoint<R> {
  readonly header: CheckpointHeader<R>;
  readonly tensors: ReadonlyMap<string, Float32Array>;
}

/** The header at the start of a checkpoint's bytes (which may stop after it), or a one-line reason it is not one. */
export function parseCheckpointHeader(bytes: Uint8Array): E.Either<string, CheckpointHeader<unknown>> {
  if (bytes.length < 8 || String.fromCharCode(...bytes.subarray(0, 4)) !== MAGIC)
    return E.left('not a ganstream checkpoint (no GSCK signature)');
  const length = checkpointHeaderLength(bytes);
  if (8 + length > bytes.length) return E.left(`truncated: header of ${length} bytes, file of ${bytes.length}`);
  let header: CheckpointHeader<unknown>;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
  } catch (e) {
    return E.left(`header is not JSON (${(e as Error).message})`);
  }
  if (header?.format !== 'ganstream-checkpoint' || !Array.isArray(header.tensors))
    return E.left('header is not a ganstream checkpoint header');
  const scalarsOk = (o: OptimizerScalars | undefined) => typeof o?.iterations === 'number' && typeof o?.lr === 'number';
  if (!scalarsOk(header.optimizers?.generator) || !scalarsOk(header.optimizers?.discriminator))
    return E.left('header has no optimizer state');
  if (header.version !== CHECKPOINT_VERSION)
    return E.left(`checkpoint version ${JSON.stringify(header.version)}, expected ${CHECKPOINT_VERSION}`);
  return E.right(header);
}

/** The header's length in bytes, from a checkpoint's first 8 bytes. */
export const checkpointHeaderLength = (bytes: Uint8Array): number =>
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(4, true);

/** Bytes back into a checkpoint, or a one-line reason they are not one. `run` is returned unchecked. */
export function parseCheckpoint(bytes: Uint8Array): E.Either<string, Checkpoint<unknown>> {
  const parsed = parseCheckpointHeader(bytes);
  if (E.isLeft(parsed)) return parsed;
  const header = parsed.right;
  const length = checkpointHeaderLength(bytes);
  const sizes = header.tensors.map((t) =>
    Array.isArray(t.shape) ? (t.shape as number[]).reduce((a: number, b: number) => a * b, 1) : Number.NaN,
  );
  const floats = sizes.reduce((a, b) => a + b, 0);
  const dataStart = align4(8 + length);
  if (!Number.isInteger(floats) || bytes.length !== dataStart + floats * 4)
    return E.left(`truncated or padded: ${bytes.length} bytes, expected ${dataStart + floats * 4}`);
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice();
  const data = new Float32Array(aligned.buffer, aligned.byteOffset + dataStart, floats);
  const tensors = new Map<string, Float32Array>();
  let offset = 0;
  header.tensors.forEach((t, i) => {
    tensors.set(t.name, data.subarray(offset, offset + sizes[i]));
    offset += sizes[i];
  });
  return E.right({ header, tensors });
}

/** The first tensor holding NaN or an infinity, or null. */
export function firstNonFinite(c: Checkpoint<unknown>): string | null {
  for (const [name, values] of c.tensors)
    for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return name;
  return null;
}

/** Loads a checkpoint into a GAN of the same architecture; every tensor must be there with its shape. */
export function restore(gan: Gan, c: Checkpoint<unknown>): E.Either<string, void> {
  if (c.header.arch !== gan.arch.name)
    return E.left(`checkpoint is of architecture ${c.header.arch}, expected ${gan.arch.name}`);
  if ((c.header.averageUpdates === null) !== (gan.generatorAverage === null))
    return E.left(
      `checkpoint ${c.header.averageUpdates === null ? 'has no' : 'has a'} generator weight average, this run ${gan.generatorAverage ? 'has one' : 'has none'} (--ema)`,
    );
  const wanted = stateTensors(gan);
  const shapes = new Map(c.header.tensors.map((t) => [t.name, t.shape]));
  for (const [name, v] of wanted) {
    const shape = shapes.get(name);
    if (!shape) return E.left(`checkpoint holds no tensor ${name}`);
    if (shape.join('x') !== v.shape.join('x'))
      return E.left(`tensor ${name} has shape [${shape.join(', ')}], expected [${v.shape.join(', ')}]`);
  }
  tf.tidy(() => {
    for (const [name, v] of wanted) v.assign(tf.tensor(c.tensors.get(name)!, v.shape));
  });
  Object.assign(gan.gOptimizer, c.header.optimizers.generator);
  Object.assign(gan.dOptimizer, c.header.optimizers.discriminator);
  if (gan.generatorAverage) {
    gan.generatorAverage.updates = c.header.averageUpdates ?? 0;
    gan.generatorAverage.calibratedAt = null;
  }
  return E.right(undefined);
}
