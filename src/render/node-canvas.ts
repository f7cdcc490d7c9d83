/**
 * A canvas for Node and Deno, typed for what ganstream uses. In order of preference:
 * node-canvas-webgl (node-canvas for 2D; an optional dependency, built from source, Node only),
 * @napi-rs/canvas (Skia, prebuilt Node-API binaries: Node and Deno alike), and last ganstream's
 * raster canvas, which draws image grids but no text or lines.
 * GANSTREAM_CANVAS=node-canvas-webgl|@napi-rs/canvas|raster picks one (and fails if it cannot load).
 */
import { createRequire } from 'node:module';
import { createRasterCanvas } from './raster-canvas.ts';

export interface NodeCanvas {
  readonly width: number;
  readonly height: number;
  getContext(type: '2d'): CanvasRenderingContext2D;
  toBuffer(mime: 'image/png'): Uint8Array;
}

export type CreateCanvas = (width: number, height: number) => NodeCanvas;

export const CANVAS_NAMES = ['node-canvas-webgl', '@napi-rs/canvas', 'raster'] as const;
export type CanvasName = (typeof CANVAS_NAMES)[number];

const require = createRequire(import.meta.url);
const LOADERS: Record<CanvasName, () => CreateCanvas> = {
  'node-canvas-webgl': () => (require('node-canvas-webgl') as { createCanvas: CreateCanvas }).createCanvas,
  '@napi-rs/canvas': () => (require('@napi-rs/canvas') as { createCanvas: CreateCanvas }).createCanvas,
  raster: () => createRasterCanvas,
};

/** The canvas in use, and for each one passed over, why it did not load. */
export interface CanvasKind {
  readonly name: CanvasName;
  readonly skipped: readonly string[];
  readonly create: CreateCanvas;
}

/** Loads the named canvas, or the first of the preference order that loads. Throws when a named one does not. */
export function loadCanvas(name?: CanvasName): CanvasKind {
  if (name) return { name, skipped: [], create: LOADERS[name]() };
  const skipped: string[] = [];
  for (const candidate of CANVAS_NAMES) {
    try {
      const create = LOADERS[candidate]();
      create(1, 1); // a binary that loads but cannot draw shows it here
      return { name: candidate, skipped, create };
    } catch (e) {
      skipped.push(`${candidate}: ${(e as Error).message.split('\n')[0]}`);
    }
  }
  throw new Error(`no canvas: ${skipped.join('; ')}`); // unreachable: the raster canvas always loads
}

let chosen: CanvasKind | null = null;

/** Which canvas createNodeCanvas uses here, chosen once per process. */
export function canvasKind(): CanvasKind {
  if (!chosen) {
    const wanted = process.env.GANSTREAM_CANVAS;
    if (wanted !== undefined && !(CANVAS_NAMES as readonly string[]).includes(wanted)) {
      throw new Error(`GANSTREAM_CANVAS: expected one of ${CANVAS_NAMES.join(', ')}, got '${wanted}'`);
    }
    chosen = loadCanvas(wanted as CanvasName | undefined);
  }
  return chosen;
}

/** Draws with the named canvas from now on in this process (tests draw every picture with each). */
export function useCanvas(name: CanvasName): CanvasKind {
  chosen = loadCanvas(name);
  return chosen;
}

export function createNodeCanvas(width: number, height: number): NodeCanvas {
  return canvasKind().create(width, height);
}
