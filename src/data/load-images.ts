/**
 * A folder (or zip archive) of PNG and JPEG images from disk, decoded by Skia through
 * @napi-rs/canvas (prebuilt, the same under Node and Deno): image-folder.ts plans and packs, this
 * file reads and decodes. Each file is measured before it is read and each image's header before
 * it is decoded, so a huge file or image is refused without the memory it would take.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, join, relative, sep } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { Dataset } from './dataset.ts';
import { filesOfZip, isZip } from './image-archive.ts';
import {
  type DecodedImage,
  hidden,
  IMAGE_LIMITS,
  IMAGE_NAME,
  type ImageFile,
  type ImageOptions,
  type PlannedImage,
  packImages,
  planImages,
} from './image-folder.ts';

interface SkiaImage {
  src: Uint8Array;
  readonly width: number;
  onerror: ((e: unknown) => void) | null;
}
interface Skia {
  readonly Image: new () => SkiaImage;
  createCanvas(
    w: number,
    h: number,
  ): {
    getContext(type: '2d'): CanvasRenderingContext2D;
  };
}
const require = createRequire(import.meta.url);

/** Every file under `dir` (images with their bytes, others by name only), or why not. */
function filesOfFolder(dir: string): E.Either<string, ImageFile[]> {
  const files: ImageFile[] = [];
  const walk = (at: string): string | null => {
    for (const entry of readdirSync(at, { withFileTypes: true })) {
      const full = join(at, entry.name);
      const path = relative(dir, full).split(sep).join('/');
      if (hidden(path)) continue;
      if (entry.isDirectory()) {
        const why = walk(full);
        if (why) return why;
        continue;
      }
      if (!entry.isFile()) continue;
      if (files.length > IMAGE_LIMITS.images * 2) return `more than ${IMAGE_LIMITS.images * 2} files under ${dir}`;
      if (!IMAGE_NAME.test(entry.name)) {
        files.push({ path, bytes: new Uint8Array(0) });
        continue;
      }
      const size = statSync(full).size;
      if (size > IMAGE_LIMITS.fileBytes)
        return `${path} is ${(size / 2 ** 20).toFixed(0)} MB, expected an image file of at most ${IMAGE_LIMITS.fileBytes / 2 ** 20} MB`;
      files.push({ path, bytes: new Uint8Array(readFileSync(full)) });
    }
    return null;
  };
  try {
    const why = walk(dir);
    return why ? E.left(`${dir}: ${why}`) : E.right(files);
  } catch (e) {
    return E.left(`${dir}: cannot read the folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** Decodes with Skia, drawing the planned square at size x size (smoothing 'high': mipmaps when it shrinks). */
function skiaDecoder(size: number): (image: PlannedImage) => DecodedImage {
  const skia = require('@napi-rs/canvas') as Skia;
  const canvas = skia.createCanvas(size, size);
  const ctx = canvas.getContext('2d');
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  return ({ file, crop }) => {
    const img = new skia.Image();
    img.onerror = () => {}; // Skia reports a failed decode later as an event; the blank drawing below tells now
    img.src = file.bytes;
    if (img.width === 0) return E.left(`${file.path}: cannot be decoded, expected a PNG or JPEG image`);
    ctx.clearRect(0, 0, size, size);
    ctx.drawImage(img as unknown as CanvasImageSource, crop.x, crop.y, crop.side, crop.side, 0, 0, size, size);
    return E.right(ctx.getImageData(0, 0, size, size).data);
  };
}

/** A folder of images, or a zip archive of one, as a Dataset (its source records the path, hash and skipped files). */
export function loadImageFolder(path: string, o: ImageOptions): E.Either<string, Dataset> {
  let files: E.Either<string, ImageFile[]>;
  const stat = statSync(path);
  if (stat.isDirectory()) files = filesOfFolder(path);
  else {
    if (stat.size > IMAGE_LIMITS.datasetBytes)
      return E.left(
        `${path}: ${(stat.size / 2 ** 30).toFixed(1)} GB, expected an archive of at most ${IMAGE_LIMITS.datasetBytes / 2 ** 30} GB`,
      );
    const bytes = new Uint8Array(readFileSync(path));
    if (!isZip(bytes)) return E.left(`${path}: not a zip archive, expected a folder of images or a .zip of one`);
    files = filesOfZip(bytes, path);
  }
  if (E.isLeft(files)) return files;
  const named = path.replace(/[/\\]+$/, '') || basename(path);
  const plan = planImages(named, files.right, o);
  if (E.isLeft(plan)) return plan;
  const packed = packImages(plan.right, skiaDecoder(plan.right.size), o.channels);
  return E.isLeft(packed) ? packed : E.right(packed.right.dataset);
}
