/**
 * A file's lines, read in chunks with a bound on each line: memory stays bounded whatever the
 * file holds (a 30 MB line, 200 MB of junk). A line longer than the bound is not kept: it comes
 * out as an OverLong with its size, so a reader can report it with its number and go on.
 * Lines are split on bytes and decoded whole, so a character split across two chunks stays whole.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { type Line, MAX_LINE_BYTES } from './record-lines.ts';

const CHUNK_BYTES = 1 << 16;

/** Splits chunks of bytes into lines, keeping at most `max` bytes of the line in progress. */
class Splitter {
  private parts: Buffer[] = [];
  private size = 0;
  private dropped = 0;

  constructor(private readonly max: number) {}

  *push(chunk: Buffer): Generator<Line> {
    let from = 0;
    for (;;) {
      const cut = chunk.indexOf(0x0a, from);
      if (cut < 0) {
        this.keep(chunk.subarray(from));
        return;
      }
      if (this.size === 0 && this.dropped === 0 && cut - from <= this.max)
        yield chunk.toString('utf8', from, cut); // a line inside one chunk: no copy
      else {
        this.keep(chunk.subarray(from, cut));
        yield this.take();
      }
      from = cut + 1;
    }
  }

  *end(): Generator<Line> {
    if (this.size > 0 || this.dropped > 0) yield this.take();
  }

  private keep(bytes: Buffer): void {
    if (bytes.length === 0) return;
    if (this.dropped > 0 || this.size + bytes.length > this.max) {
      this.dropped += this.size + bytes.length;
      this.parts = [];
      this.size = 0;
      return;
    }
    this.parts.push(Buffer.from(bytes)); // a copy: the chunk's buffer is reused for the next read
    this.size += bytes.length;
  }

  private take(): Line {
    const line: Line =
      this.dropped > 0 ? { overLong: this.dropped } : Buffer.concat(this.parts, this.size).toString('utf8');
    this.parts = [];
    this.size = 0;
    this.dropped = 0;
    return line;
  }
}

/** The lines of a file, read synchronously (scripts, and a bounded part of a record). */
export function* lines(path: string, max = MAX_LINE_BYTES): Generator<Line> {
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.alloc(CHUNK_BYTES);
    const splitter = new Splitter(max);
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      yield* splitter.push(chunk.subarray(0, n));
    }
    yield* splitter.end();
  } finally {
    closeSync(fd);
  }
}

/** The lines of a file, read without blocking (the studio's server reads records while it answers other requests). */
export async function* linesAsync(path: string, max = MAX_LINE_BYTES): AsyncGenerator<Line> {
  const file = await open(path, 'r');
  try {
    const chunk = Buffer.alloc(CHUNK_BYTES);
    const splitter = new Splitter(max);
    for (;;) {
      const { bytesRead } = await file.read(chunk, 0, chunk.length, null);
      if (bytesRead === 0) break;
      yield* splitter.push(chunk.subarray(0, bytesRead));
    }
    yield* splitter.end();
  } finally {
    await file.close();
  }
}

/** The first line of a file (null when the file is empty). */
export function firstLine(path: string, max = MAX_LINE_BYTES): Line | null {
  for (const line of lines(path, max)) return line;
  return null;
}

/**
 * The whole lines in the last `bytes` of a file, oldest first: a line cut by the window's start is
 * left out (unless the window starts the file); a last line without its newline is kept.
 */
export function lastLines(path: string, bytes: number): string[] {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - bytes);
    const buffer = Buffer.alloc(size - start);
    let read = 0;
    while (read < buffer.length) {
      const n = readSync(fd, buffer, read, buffer.length - read, start + read);
      if (n === 0) break;
      read += n;
    }
    const text = buffer.subarray(0, read);
    const from = start === 0 ? 0 : text.indexOf(0x0a) + 1;
    if (start > 0 && from === 0) return [];
    return text
      .subarray(from)
      .toString('utf8')
      .split('\n')
      .filter((l) => l.length > 0);
  } finally {
    closeSync(fd);
  }
}
