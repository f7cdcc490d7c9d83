/**
 * node-canvas-webgl's canvas (node-canvas for 2D, headless-gl for WebGL), typed for what ganstream
 * uses; where its native addon cannot load (Deno), the raster fallback.
 */
import { createRequire } from 'node:module';
import { createRasterCanvas } from './raster-canvas.ts';

export interface NodeCanvas {
  readonly width: number;
  readonly height: number;
  getContext(type: '2d'): CanvasRenderingContext2D;
  toBuffer(mime: 'image/png'): Uint8Array;
}

type CreateCanvas = (width: number, height: number) => NodeCanvas;
let create: CreateCanvas | null = null;

export interface CanvasKind { readonly name: 'node-canvas-webgl' | 'raster'; readonly why?: string }
let kind: CanvasKind | null = null;

function loadCanvas(): CreateCanvas {
  try {
    const created = (createRequire(import.meta.url)('node-canvas-webgl') as { createCanvas: CreateCanvas }).createCanvas;
    kind = { name: 'node-canvas-webgl' };
    return created;
  } catch (e) {
    kind = { name: 'raster', why: (e as Error).message.split('\n')[0] };
    return createRasterCanvas;
  }
}

export function createNodeCanvas(width: number, height: number): NodeCanvas {
  if (!create) create = loadCanvas();
  return create(width, height);
}

/** Which canvas createNodeCanvas uses here, and why when it is the raster fallback. */
export function canvasKind(): CanvasKind {
  if (!create) create = loadCanvas();
  return kind!;
}
