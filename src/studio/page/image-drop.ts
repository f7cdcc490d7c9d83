/**
 * Your own images on the page: a folder or a .zip of PNG and JPEG images, dropped on the drop area
 * or chosen with its buttons, read in the tab (they are never sent anywhere), checked at once by
 * the same plan as the command line's (image-folder.ts: what is wrong shows beside the drop area,
 * in the command line's words), and offered as a dataset of the form under the folder's name.
 * The training worker decodes them when a run starts.
 */
import * as E from 'fp-ts/lib/Either.js';
import { filesOfZip } from '../../data/image-archive.ts';
import { type ImageFile, planImages } from '../../data/image-folder.ts';
import type { OwnImages } from '../../site/worker-messages.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

let dropped: OwnImages | null = null;

/** The images added last, if their check passed (the form's dataset of that name). */
export const droppedImages = (): OwnImages | null => dropped;

const bytesOf = async (file: File) => new Uint8Array(await file.arrayBuffer());

/** A folder's files from a drop, walked through its entries; paths inside the folder. */
async function filesOfEntry(entry: FileSystemEntry, under = ''): Promise<ImageFile[]> {
  if (entry.isFile) {
    const file = await new Promise<File>((done, failed) => (entry as FileSystemFileEntry).file(done, failed));
    return [{ path: `${under}${entry.name}`, bytes: await bytesOf(file) }];
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const children: FileSystemEntry[] = [];
  // A directory reader answers in batches until an empty one.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((done, failed) => reader.readEntries(done, failed));
    if (batch.length === 0) break;
    children.push(...batch);
  }
  const nested = await Promise.all(children.map((c) => filesOfEntry(c, `${under}${entry.name}/`)));
  return nested.flat();
}

/** The name and files of what was given: one folder, one zip, or loose files (named "my images"). */
async function imagesOf(
  name: string,
  files: readonly { path: string; file: File }[],
): Promise<E.Either<string, OwnImages>> {
  if (files.length === 1 && /\.zip$/i.test(files[0].path)) {
    const unzipped = filesOfZip(await bytesOf(files[0].file), files[0].path);
    return E.isLeft(unzipped)
      ? unzipped
      : E.right({ name: files[0].path.replace(/\.zip$/i, ''), files: unzipped.right });
  }
  return E.right({
    name,
    files: await Promise.all(files.map(async (f) => ({ path: f.path, bytes: await bytesOf(f.file) }))),
  });
}

/** A folder chosen with the folder button: each file's path starts with the folder's name. */
function chosenFolder(list: FileList): { name: string; files: { path: string; file: File }[] } {
  const all = Array.from(list);
  const name = all[0]?.webkitRelativePath.split('/')[0] || 'my images';
  return { name, files: all.map((file) => ({ path: file.webkitRelativePath.split('/').slice(1).join('/'), file })) };
}

async function fromDrop(transfer: DataTransfer): Promise<E.Either<string, OwnImages>> {
  const entries = Array.from(transfer.items, (i) => i.webkitGetAsEntry()).filter((e): e is FileSystemEntry => !!e);
  if (entries.length === 1 && entries[0].isDirectory) {
    const files = await filesOfEntry(entries[0]);
    const root = `${entries[0].name}/`;
    return E.right({ name: entries[0].name, files: files.map((f) => ({ ...f, path: f.path.slice(root.length) })) });
  }
  return imagesOf(
    'my images',
    Array.from(transfer.files, (file) => ({ path: file.name, file })),
  );
}

/** What the check says of a good folder: how many images, in which classes, at what size. */
function summary(images: OwnImages, imageSize: number | null): E.Either<string, string> {
  const plan = planImages(images.name, images.files, { imageSize, channels: null });
  if (E.isLeft(plan)) return plan;
  const p = plan.right;
  const classes = p.classes ? `${p.classes.length} classes (${p.classes.join(', ')})` : 'no classes';
  const skipped = p.skipped.length ? `; ${p.skipped.length} files passed over: ${p.skipped.join('; ')}` : '';
  return E.right(
    `${images.name}: ${p.images.length} images, ${classes}, to train at ${p.size}x${p.size}${imageSize === null ? ' (Image size, under More settings, changes it)' : ''}. Chosen as the dataset; they stay in this tab${skipped}.`,
  );
}

/** Offers the checked images as the form's dataset, under the folder's name, and chooses it. */
function offer(images: OwnImages): void {
  const select = document.getElementById('field-dataset') as HTMLSelectElement | null;
  if (!select) return;
  for (const o of Array.from(select.options)) if (o.dataset.own) o.remove();
  const option = new Option(`${images.name} (your images)`, images.name);
  option.dataset.own = 'yes';
  select.append(option);
  select.value = images.name;
}

/** The form's image size when it holds a whole number, else null (the field's own message says what is wrong). */
function imageSizeField(): number | null {
  const raw = (document.getElementById('field-image-size') as HTMLInputElement | null)?.value.trim() ?? '';
  return /^\d+$/.test(raw) ? Number(raw) : null;
}

/** Shows the drop area and listens on it and on its two buttons. */
export function wireImageDrop(): void {
  const area = $('own-images');
  // Under the Dataset field, whose choice it adds to.
  document.querySelector('.field[data-flag="dataset"]')?.after(area);
  area.hidden = false;
  const refuse = (why: string) => {
    $('images-status').textContent = dropped ? `Still chosen: ${dropped.name}.` : '';
    $('images-error').textContent = why;
  };
  const take = async (given: Promise<E.Either<string, OwnImages>>) => {
    $('images-error').textContent = '';
    $('images-status').textContent = 'reading...';
    let images: E.Either<string, OwnImages>;
    try {
      images = await given;
    } catch (e) {
      images = E.left(`the files could not be read (${(e as Error).message})`);
    }
    if (E.isLeft(images)) return refuse(images.left);
    const said = summary(images.right, imageSizeField());
    if (E.isLeft(said)) return refuse(said.left);
    dropped = images.right;
    offer(dropped);
    $('images-status').textContent = said.right;
  };
  area.addEventListener('dragover', (e) => {
    e.preventDefault();
    area.classList.add('over');
  });
  area.addEventListener('dragleave', () => area.classList.remove('over'));
  area.addEventListener('drop', (e) => {
    e.preventDefault();
    area.classList.remove('over');
    if (e.dataTransfer) void take(fromDrop(e.dataTransfer));
  });
  const folder = $<HTMLInputElement>('images-folder');
  folder.addEventListener('change', () => {
    if (!folder.files?.length) return;
    const { name, files } = chosenFolder(folder.files);
    void take(imagesOf(name, files));
    folder.value = '';
  });
  const zip = $<HTMLInputElement>('images-zip');
  zip.addEventListener('change', () => {
    const file = zip.files?.[0];
    if (!file) return;
    void take(imagesOf(file.name, [{ path: file.name, file }]));
    zip.value = '';
  });
}
