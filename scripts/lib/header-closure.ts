/**
 * The headers of an include root that a set of source files reaches through quoted #include
 * lines, each resolved from the root (as a compiler given `-I root` does). The sources' own
 * includes that the root does not hold are theirs (beside them) and are passed over; a header
 * that the root's headers include but the root lacks is an error.
 */
import * as E from 'fp-ts/lib/Either.js';

const INCLUDE = /^\s*#\s*include\s+"([^"]+)"/gm;
const includes = (text: string) => [...text.matchAll(INCLUDE)].map((m) => m[1]!);

export function headerClosure(
  sources: readonly string[],
  read: (path: string) => string | undefined,
): E.Either<string, readonly string[]> {
  const seen = new Set<string>();
  const queue = sources.flatMap(includes).filter((path) => read(path) !== undefined);
  for (let path = queue.shift(); path !== undefined; path = queue.shift()) {
    if (seen.has(path)) continue;
    const text = read(path);
    if (text === undefined) return E.left(`no header ${path}, which the C API's headers include`);
    seen.add(path);
    queue.push(...includes(text));
  }
  return E.right([...seen].sort());
}
