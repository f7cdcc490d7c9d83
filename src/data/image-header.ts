/**
 * What an image file is and how large, read from its first bytes: PNG's IHDR chunk, JPEG's frame
 * header. Nothing is decoded (the decoders do that: @napi-rs/canvas in Node and Deno,
 * createImageBitmap in a page); this only lets a loader refuse a file that is no image, or one too
 * large to decode, before it spends the memory. Pure; imports nothing from node:.
 */
import * as E from 'fp-ts/lib/Either.js';

export type ImageFormat = 'png' | 'jpeg';

export interface ImageHeader {
  readonly format: ImageFormat;
  readonly width: number;
  readonly height: number;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** A PNG ends with an empty IEND chunk: length 0, 'IEND', its CRC. */
const PNG_END = [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];

const startsWith = (bytes: Uint8Array, prefix: readonly number[], at = 0) =>
  bytes.length >= at + prefix.length && prefix.every((b, i) => bytes[at + i] === b);

function pngHeader(bytes: Uint8Array, name: string): E.Either<string, ImageHeader> {
  // Signature, then the IHDR chunk: length 13, 'IHDR', width, height (big-endian).
  if (bytes.length < 24 || String.fromCharCode(...bytes.subarray(12, 16)) !== 'IHDR')
    return E.left(`${name}: corrupt PNG: no IHDR header after the signature, expected a PNG image`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  // Skia draws a PNG cut short as a blank image without a word: the end chunk tells.
  if (!startsWith(bytes, PNG_END, bytes.length - PNG_END.length))
    return E.left(`${name}: corrupt PNG: it does not end with an IEND chunk (cut short?), expected a whole PNG file`);
  return E.right({ format: 'png', width, height });
}

/** JPEG markers that carry a frame header (SOF0-SOF15 but DHT, JPG and DAC). */
const isFrameMarker = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;

function jpegHeader(bytes: Uint8Array, name: string): E.Either<string, ImageHeader> {
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return E.left(`${name}: corrupt JPEG: no marker at byte ${at}, expected a JPEG image`);
    const marker = bytes[at + 1];
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2; // markers without a segment
      continue;
    }
    const length = (bytes[at + 2] << 8) | bytes[at + 3];
    if (isFrameMarker(marker)) {
      if (at + 9 > bytes.length) break;
      const height = (bytes[at + 5] << 8) | bytes[at + 6];
      const width = (bytes[at + 7] << 8) | bytes[at + 8];
      return E.right({ format: 'jpeg', width, height });
    }
    if (marker === 0xda || marker === 0xd9 || length < 2) break; // image data or the end before any frame header
    at += 2 + length;
  }
  return E.left(`${name}: corrupt JPEG: no frame header with the image's size, expected a JPEG image`);
}

/** The format and size of a PNG or JPEG file, or a one-line error naming the file. */
export function imageHeader(bytes: Uint8Array, name: string): E.Either<string, ImageHeader> {
  if (startsWith(bytes, PNG_SIGNATURE)) return pngHeader(bytes, name);
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return jpegHeader(bytes, name);
  return E.left(`${name}: not a PNG or JPEG image (${bytes.length} bytes starting ${hexStart(bytes)})`);
}

const hexStart = (bytes: Uint8Array) =>
  Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ') || 'nothing';
