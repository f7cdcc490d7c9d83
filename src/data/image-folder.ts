/**
 * A folder of PNG and JPEG images as a Dataset, in two pure steps around the decoder:
 *
 *   planImages: the files (path inside the folder, bytes) -> which are images, their classes (the
 *     subfolder each lies in; none when they lie in the folder itself), the size to train at, and
 *     for each image the centred square to cut from it; or a one-line error.
 *   packImages: each planned image decoded to RGBA at that size (by whoever can decode: Skia in
 *     Node and Deno, the browser in a page) -> the Dataset, grey or colour.
 *
 * A file that does not decode is skipped and named, not fatal; everything else wrong is an error
 * before any decoding. Imports nothing from node:.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Channels, Dataset } from './dataset.ts';
import { type ImageHeader, imageHeader } from './image-header.ts';

export const IMAGE_LIMITS = {
  /** Widest or tallest image decoded (a 4096 x 4096 RGBA image takes 64 MB while it is cut down). */
  side: 4096,
  /** Largest --image-size: a 64 x 64 colour image is 12,288 values, the widest input the networks here train on in minutes. */
  size: 64,
  /** Images in one folder (MNIST has 60,000). */
  images: 100_000,
  /** Bytes of one image file. */
  fileBytes: 64 * 1024 * 1024,
  /** Bytes of the packed images in memory (count * size * size * 3 while they are read). */
  datasetBytes: 1024 * 1024 * 1024,
} as const;

/** The size to train at when the images do not all share a small square one. */
export const DEFAULT_IMAGE_SIZE = 28;

export interface ImageFile {
  /** The path inside the folder (or archive), '/' between its parts. */
  readonly path: string;
  readonly bytes: Uint8Array;
}

export interface ImageOptions {
  /** --image-size, or null: the images' own size when they share a small square one, else 28. */
  readonly imageSize: number | null;
  /** --channels, or null: 3 when any image has colour, else 1. */
  readonly channels: Channels | null;
}

/** The part of an image to draw: a centred square, scaled to size x size. */
export interface Crop {
  readonly x: number;
  readonly y: number;
  readonly side: number;
}

export interface PlannedImage {
  readonly file: ImageFile;
  readonly header: ImageHeader;
  readonly crop: Crop;
  /** Index into classes, or null for an unlabelled folder. */
  readonly label: number | null;
}

export interface ImagePlan {
  /** The folder's name, as the run and the pictures show it. */
  readonly name: string;
  readonly size: number;
  readonly images: readonly PlannedImage[];
  /** Subfolder names in order (their index is the label), or null when the images lie in the folder itself. */
  readonly classes: readonly string[] | null;
  /** Files that are no image or do not decode, each with why. */
  readonly skipped: readonly string[];
  /** A hash of the images' paths and bytes: the same folder gives the same hash, on any machine. */
  readonly hash: string;
}

/** The file names read as images. */
export const IMAGE_NAME = /\.(png|jpe?g)$/i;
/** Dot files and folders, and the __MACOSX folder a Mac's zip adds: never data. */
export const hidden = (path: string): boolean =>
  path.split('/').some((part) => part.startsWith('.') || part === '__MACOSX');

const centreSquare = (h: ImageHeader): Crop => {
  const side = Math.min(h.width, h.height);
  return { x: Math.floor((h.width - side) / 2), y: Math.floor((h.height - side) / 2), side };
};

/** FNV-1a over the paths and bytes, twice with different offsets: 64 bits, as 16 hex digits. */
export function imagesHash(files: readonly ImageFile[]): string {
  let a = 0x811c9dc5,
    b = 0x01000193 ^ 0x5bd1e995;
  const mix = (byte: number) => {
    a = Math.imul(a ^ byte, 0x01000193);
    b = Math.imul(b ^ byte, 0x01000193);
    b = (b << 13) | (b >>> 19);
  };
  const encoder = new TextEncoder();
  for (const f of files) {
    for (const byte of encoder.encode(`${f.path}\n`)) mix(byte);
    for (let i = 0; i < f.bytes.length; i++) mix(f.bytes[i]);
  }
  return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

const sizeText = (h: ImageHeader) => `${h.width}x${h.height}`;

/** The default size: the images' own when they all share one small square size; else 28 (mixed sizes are an error). */
function sizeFor(named: string, images: readonly { file: ImageFile; header: ImageHeader }[]): E.Either<string, number> {
  const first = images[0];
  const other = images.find((i) => i.header.width !== first.header.width || i.header.height !== first.header.height);
  if (other)
    return E.left(
      `${named}: images of mixed sizes (${first.file.path} is ${sizeText(first.header)}, ${other.file.path} ${sizeText(other.header)}): expected --image-size N to cut each to its centred square and scale it to N x N`,
    );
  const { width, height } = first.header;
  return E.right(width === height && width <= IMAGE_LIMITS.size ? width : DEFAULT_IMAGE_SIZE);
}

/** Which files are images, their classes, the size to train at: everything but decoding. */
export function planImages(named: string, files: readonly ImageFile[], o: ImageOptions): E.Either<string, ImagePlan> {
  const visible = files.filter((f) => !hidden(f.path)).sort((p, q) => (p.path < q.path ? -1 : p.path > q.path ? 1 : 0));
  const candidates = visible.filter((f) => IMAGE_NAME.test(f.path));
  if (candidates.length === 0) {
    const others = visible.slice(0, 3).map((f) => f.path);
    return E.left(
      `${named}: no PNG or JPEG images (${visible.length === 0 ? 'the folder is empty' : `${visible.length} other files, such as ${others.join(', ')}`}), expected *.png, *.jpg or *.jpeg files, in one subfolder per class or all in the folder itself`,
    );
  }
  if (candidates.length > IMAGE_LIMITS.images)
    return E.left(
      `${named}: ${candidates.length.toLocaleString('en-US')} images, expected at most ${IMAGE_LIMITS.images.toLocaleString('en-US')}`,
    );
  const loose = candidates.find((f) => !f.path.includes('/'));
  const nested = candidates.find((f) => f.path.includes('/'));
  if (loose && nested)
    return E.left(
      `${named}: images both in the folder itself (${loose.path}) and in subfolders (${nested.path}): expected one subfolder per class, or every image in the folder itself`,
    );
  const skipped: string[] = [];
  const readable: { file: ImageFile; header: ImageHeader }[] = [];
  for (const file of candidates) {
    if (file.bytes.length > IMAGE_LIMITS.fileBytes)
      return E.left(
        `${named}: ${file.path} is ${(file.bytes.length / 2 ** 20).toFixed(0)} MB, expected an image file of at most ${IMAGE_LIMITS.fileBytes / 2 ** 20} MB`,
      );
    const header = imageHeader(file.bytes, file.path);
    if (E.isLeft(header)) {
      skipped.push(header.left);
      continue;
    }
    const h = header.right;
    if (h.width === 0 || h.height === 0) {
      skipped.push(`${file.path}: an image of ${sizeText(h)} pixels, expected at least 1x1`);
      continue;
    }
    if (h.width > IMAGE_LIMITS.side || h.height > IMAGE_LIMITS.side)
      return E.left(
        `${named}: ${file.path} is ${sizeText(h)} pixels, expected at most ${IMAGE_LIMITS.side} on a side (shrink the images first)`,
      );
    readable.push({ file, header: h });
  }
  if (readable.length === 0)
    return E.left(`${named}: none of its ${candidates.length} image files can be read (${skipped[0]})`);
  const size = o.imageSize === null ? sizeFor(named, readable) : E.right(o.imageSize);
  if (E.isLeft(size)) return size;
  const packedBytes = readable.length * size.right ** 2 * 3;
  if (packedBytes > IMAGE_LIMITS.datasetBytes)
    return E.left(
      `${named}: ${readable.length.toLocaleString('en-US')} images of ${size.right}x${size.right} take ${(packedBytes / 2 ** 30).toFixed(1)} GB, expected at most ${IMAGE_LIMITS.datasetBytes / 2 ** 30} GB: a smaller --image-size or fewer images`,
    );
  const classes = loose ? null : [...new Set(readable.map((r) => r.file.path.split('/')[0]))];
  if (classes && classes.length > 256)
    return E.left(`${named}: ${classes.length} subfolders (classes), expected at most 256`);
  return E.right({
    name: named,
    size: size.right,
    classes,
    skipped,
    hash: imagesHash(readable.map((r) => r.file)),
    images: readable.map((r) => ({
      file: r.file,
      header: r.header,
      crop: centreSquare(r.header),
      label: classes ? classes.indexOf(r.file.path.split('/')[0]) : null,
    })),
  });
}

/** An image's RGBA pixels at size x size, or why it could not be decoded. */
export type DecodedImage = E.Either<string, Uint8ClampedArray>;

/** A pixel is coloured when its channels differ by more than this (JPEG's noise on grey stays well under it). */
const COLOUR_SPREAD = 24;

/** Coloured: more than 1% of its pixels have channels that differ. */
function hasColour(rgba: Uint8ClampedArray): boolean {
  let coloured = 0;
  for (let i = 0; i < rgba.length; i += 4) {
    const r = rgba[i],
      g = rgba[i + 1],
      b = rgba[i + 2];
    if (Math.max(r, g, b) - Math.min(r, g, b) > COLOUR_SPREAD) coloured++;
  }
  return coloured * 100 > rgba.length / 4;
}

/** Grey level of a colour (Rec. 601 luma). */
const luma = (r: number, g: number, b: number) => Math.round(0.299 * r + 0.587 * g + 0.114 * b);

export interface PackedImages {
  readonly dataset: Dataset;
  readonly skipped: readonly string[];
}

/**
 * The planned images as a Dataset: transparent pixels over black (as MNIST's background), grey
 * (luma) or colour as --channels says, or as the images are. `decode` gives each image's RGBA at
 * plan.size; an image that does not decode, or decodes to nothing visible, is skipped.
 */
export function packImages(
  plan: ImagePlan,
  decode: (image: PlannedImage) => DecodedImage,
  channels: Channels | null,
): E.Either<string, PackedImages> {
  const skipped = [...plan.skipped];
  const kept: { rgba: Uint8ClampedArray; label: number | null }[] = [];
  for (const image of plan.images) {
    const rgba = decode(image);
    if (E.isLeft(rgba)) {
      skipped.push(rgba.left);
      continue;
    }
    let visible = false;
    for (let i = 3; i < rgba.right.length && !visible; i += 4) visible = rgba.right[i] > 0;
    if (!visible) {
      skipped.push(
        `${image.file.path}: decodes to no visible pixels (corrupt, or wholly transparent), expected an image`,
      );
      continue;
    }
    kept.push({ rgba: rgba.right, label: image.label });
  }
  if (kept.length === 0)
    return E.left(`${plan.name}: none of its ${plan.images.length} images decodes (${skipped[skipped.length - 1]})`);
  const c: Channels = channels ?? (kept.some((k) => hasColour(k.rgba)) ? 3 : 1);
  const per = plan.size * plan.size;
  const bytes = new Uint8Array(kept.length * per * c);
  kept.forEach(({ rgba }, n) => {
    for (let p = 0; p < per; p++) {
      const a = rgba[p * 4 + 3] / 255;
      const [r, g, b] = [rgba[p * 4] * a, rgba[p * 4 + 1] * a, rgba[p * 4 + 2] * a];
      const at = (n * per + p) * c;
      if (c === 1) bytes[at] = luma(r, g, b);
      else {
        bytes[at] = Math.round(r);
        bytes[at + 1] = Math.round(g);
        bytes[at + 2] = Math.round(b);
      }
    }
  });
  return E.right({
    skipped,
    dataset: {
      name: plan.name,
      count: kept.length,
      rows: plan.size,
      cols: plan.size,
      channels: c,
      bytes,
      labels: plan.classes ? Uint8Array.from(kept, (k) => k.label ?? 0) : null,
      classes: plan.classes,
      source: { path: plan.name, hash: plan.hash, skipped },
    },
  });
}
