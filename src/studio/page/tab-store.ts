/**
 * The tab's runs kept in the browser (IndexedDB), so that a reload or a closed tab loses nothing
 * a checkpoint holds: each run's record lines, its last checkpoint and, once it has ended, its
 * saved networks, written at every checkpoint and when the run ends. Where IndexedDB is missing or refuses (a private window, a
 * full disk), runs live as long as the tab and the page says so.
 */

/** One run as kept: its record's lines, and its last checkpoint (null before the first). */
export interface StoredRun {
  readonly name: string;
  readonly lines: readonly string[];
  readonly checkpoint: Uint8Array | null;
  /** The saved networks once it has ended (generator/ and discriminator/ files by their run-folder names); absent before. */
  readonly networks?: Readonly<Record<string, Uint8Array>> | null;
}

export interface TabStore {
  /** Every run kept, in no particular order. */
  readonly all: () => Promise<StoredRun[]>;
  /** One run kept, or null. */
  readonly get: (name: string) => Promise<StoredRun | null>;
  /** Keeps a run (replacing what was kept under its name); resolves once it is written. */
  readonly put: (run: StoredRun) => Promise<void>;
  /** Why runs are not kept (null: they are). */
  readonly problem: string | null;
}

const DB = 'ganstream-runs';
const STORE = 'runs';

const done = <T>(request: IDBRequest<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('IndexedDB refused'));
  });

/** Runs that live as long as the tab. */
function inMemory(problem: string): TabStore {
  const runs = new Map<string, StoredRun>();
  return {
    all: async () => [...runs.values()],
    get: async (name) => runs.get(name) ?? null,
    put: async (run) => {
      runs.set(run.name, run);
    },
    problem,
  };
}

export async function openTabStore(): Promise<TabStore> {
  if (typeof indexedDB === 'undefined') return inMemory('this browser has no IndexedDB');
  let db: IDBDatabase;
  try {
    const request = indexedDB.open(DB, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: 'name' });
    db = await done(request);
  } catch (e) {
    return inMemory(`IndexedDB refused (${(e as Error).message})`);
  }
  const store = (mode: IDBTransactionMode) => db.transaction(STORE, mode).objectStore(STORE);
  return {
    all: () => done(store('readonly').getAll() as IDBRequest<StoredRun[]>),
    get: async (name) => ((await done(store('readonly').get(name))) as StoredRun | undefined) ?? null,
    put: async (run) => {
      const transaction = db.transaction(STORE, 'readwrite');
      transaction.objectStore(STORE).put({ ...run, lines: [...run.lines] });
      await new Promise<void>((resolve, reject) => {
        transaction.oncomplete = () => resolve();
        transaction.onerror = transaction.onabort = () => reject(transaction.error ?? new Error('not written'));
      });
    },
    problem: null,
  };
}
