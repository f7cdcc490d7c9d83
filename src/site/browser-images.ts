/**
 * A folder of images as a Dataset in a browser (a page or a worker): the same plan and packing as
 * under Node (data/image-folder.ts), the decoding the browser's own (createImageBitmap, then the
 * planned square drawn onto an OffscreenCanvas at the training size). The images never leave the
 * tab. Imports nothing from node:.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Dataset } from '../data/dataset.ts';
import {
  type DecodedImage,
  type ImageFile,
  type ImageOptions,
  type PlannedImage,
  packImages,
  planImages,
} from '../data/image-folder.ts';

/** One image's RGBA at size x size: its centred square, smoothed as it shrinks; or why it did not decode. */
async function decode(image: PlannedImage, size: number): Promise<DecodedImage> {
  const { file, crop, header } = image;
  let bitmap: ImageBitmap;
  try {
    const blob = new Blob([file.bytes.slice()], { type: header.format === 'png' ? 'image/png' : 'image/jpeg' });
    bitmap = await createImageBitmap(blob);
  } catch {
    return E.left(`${file.path}: cannot be decoded, expected a PNG or JPEG image`);
  }
  const canvas = new OffscreenCanvas(size, size);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) return E.left(`${file.path}: this browser has no 2D canvas to draw it on`);
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, crop.x, crop.y, crop.side, crop.side, 0, 0, size, size);
  bitmap.close();
  return E.right(ctx.getImageData(0, 0, size, size).data);
}

/** The folder's images as a Dataset, sized and coloured as `o` says (its source names the skipped files). */
export async function imagesInBrowser(
  name: string,
  files: readonly ImageFile[],
  o: ImageOptions,
): Promise<E.Either<string, Dataset>> {
  const plan = planImages(name, files, o);
  if (E.isLeft(plan)) return plan;
  const decoded = new Map<PlannedImage, DecodedImage>();
  for (const image of plan.right.images) decoded.set(image, await decode(image, plan.right.size));
  const packed = packImages(plan.right, (image) => decoded.get(image)!, o.channels);
  return E.isLeft(packed) ? packed : E.right(packed.right.dataset);
}
