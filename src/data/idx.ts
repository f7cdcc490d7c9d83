/**
 * The IDX format of MNIST and Fashion-MNIST: a 4-byte magic number (0, 0, data type, number of
 * dimensions), the dimensions as big-endian uint32, then the data. Pure: bytes in, value or error out
 * (gzipped files are inflated before: load.ts in Node, from-bytes.ts anywhere).
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Dataset } from './dataset.ts';

export interface IdxArray {
  readonly dims: readonly number[];
  readonly data: Uint8Array;
}

const UBYTE = 0x08;
const hex = (n: number) => `0x${(n >>> 0).toString(16).padStart(8, '0')}`;

export const isGzip = (bytes: Uint8Array): boolean => bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;

/** Parses an IDX file of unsigned bytes with the expected number of dimensions (3 images, 1 labels). */
export function parseIdx(bytes: Uint8Array, name: string, expectedRank: 1 | 3): E.Either<string, IdxArray> {
  const expectedMagic = 0x800 + expectedRank;
  if (bytes.length < 4)
    return E.left(`${name}: ${bytes.length} bytes is too short for an IDX file (expected at least a 4-byte header)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    return E.left(`${name}: not an IDX file: magic number ${hex(magic)}, expected ${hex(expectedMagic)}`);
  }
  if (bytes[2] !== UBYTE) {
    return E.left(
      `${name}: IDX data type 0x${bytes[2].toString(16).padStart(2, '0')} is not supported, expected 0x08 (unsigned bytes)`,
    );
  }
  const rank = bytes[3];
  if (rank !== expectedRank) {
    return E.left(
      `${name}: IDX file has ${rank} dimensions (magic ${hex(magic)}), expected ${expectedRank} (magic ${hex(expectedMagic)}, ${expectedRank === 3 ? 'images' : 'labels'})`,
    );
  }
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes)
    return E.left(`${name}: truncated IDX header: ${bytes.length} bytes, expected at least ${headerBytes}`);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(view.getUint32(4 + 4 * i));
  if (dims.some((d) => d === 0))
    return E.left(`${name}: IDX dimensions ${dims.join('x')} contain a zero, expected every dimension at least 1`);
  const expected = dims.reduce((a, b) => a * b, 1);
  const found = bytes.length - headerBytes;
  if (found < expected)
    return E.left(`${name}: truncated IDX data: ${found} bytes for dimensions ${dims.join('x')}, expected ${expected}`);
  if (found > expected)
    return E.left(
      `${name}: ${found - expected} unexpected bytes after the IDX data (dimensions ${dims.join('x')}, expected ${expected} bytes)`,
    );
  return E.right({ dims, data: bytes.subarray(headerBytes) });
}

/** Writes unsigned bytes as IDX: the inverse of parseIdx (used by tests and to export samples). */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = UBYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d);
  });
  out.set(data, 4 + 4 * dims.length);
  return out;
}

/** An images array and its labels array (or none) as a Dataset; the names say which files they came from. */
export function idxDataset(
  images: IdxArray,
  labels: IdxArray | null,
  names: { readonly images: string; readonly labels: string | null; readonly dataset: string },
): E.Either<string, Dataset> {
  const [count, rows, cols] = images.dims;
  const set = { name: names.dataset, count, rows, cols, channels: 1 as const, bytes: images.data };
  if (labels === null) return E.right({ ...set, labels: null });
  return labels.dims[0] === count
    ? E.right({ ...set, labels: labels.data })
    : E.left(
        `${names.labels}: ${labels.dims[0]} labels do not match the ${count} images of ${names.images}, expected ${count}`,
      );
}
