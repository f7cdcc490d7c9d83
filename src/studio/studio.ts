/**
 * The studio's state: the runs folder, the backend chosen at start-up, and at most one live run.
 * Starting and resuming go through the CLI's plan (planRun, buildGan), so a run started here is a
 * run folder like any other, and `npm run train -- --resume` continues it.
 */
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { BackendInfo } from '../model/backend.ts';
import { buildGan, planRun } from '../plan/plan-run.ts';
import { loadJudge } from '../quality/judge-folder.ts';
import { qualityEpochs } from '../streams/config.ts';
import { openRunFolder } from '../streams/sinks/run-folder.ts';
import { FORM_FLAGS, RESUME_FLAGS } from './form.ts';
import { imageFolders } from './image-folders.ts';
import { LiveRun } from './live-run.ts';
import {
  checkRunName,
  checkStart,
  decodeForm,
  type Rejection,
  type ResumeRequest,
  type StartRequest,
} from './requests.ts';
import { describeRunFolder } from './runs.ts';

export interface StudioOptions {
  readonly runsDir: string;
  readonly backend: BackendInfo;
  /** Quality checks during runs (the evaluator's classifier); off in tests that do not need them. */
  readonly quality?: boolean;
  /** A folder whose folders (and .zip files) of images the form offers as datasets (image-folders.ts); null: none. */
  readonly imagesDir?: string | null;
}

const conflict = (message: string): Rejection => ({ status: 409, message });
const notFound = (message: string): Rejection => ({ status: 404, message });
const bad = (message: string): Rejection => ({ status: 400, message });

export class Studio {
  private current: LiveRun | null = null;

  constructor(readonly options: StudioOptions) {}

  get live(): LiveRun | null {
    return this.current;
  }

  /** The student's image folders the form offers now (read each time: a folder added is offered at once). */
  get imageFolders(): string[] {
    return imageFolders(this.options.imagesDir ?? null);
  }

  /** Whether the form offers the student's own images at all (the studio was started with --images). */
  get takesOwnImages(): boolean {
    return (this.options.imagesDir ?? null) !== null;
  }

  private busy(): Rejection | null {
    const run = this.current;
    if (run && run.state !== 'ended' && run.state !== 'failed') {
      return conflict(
        `run '${run.name}' is still ${run.state === 'paused' ? 'paused' : 'training'}: one run at a time; stop it first`,
      );
    }
    return null;
  }

  async start(request: StartRequest, now = new Date()): Promise<E.Either<Rejection, LiveRun>> {
    const refused = this.busy();
    if (refused) return E.left(refused);
    const checked = checkStart(
      request,
      (name) => describeRunFolder(this.options.runsDir, name) !== null,
      now,
      FORM_FLAGS,
      { dataset: this.imageFolders },
    );
    if (E.isLeft(checked)) return checked;
    const { name, given } = checked.right;
    const config = { ...checked.right.config, out: join(this.options.runsDir, name), backend: 'auto' as const };
    return this.launch(name, { config, given, resume: null, force: false });
  }

  async resume(name: string, request: ResumeRequest): Promise<E.Either<Rejection, LiveRun>> {
    const refused = this.busy();
    if (refused) return E.left(refused);
    const checked = checkRunName(name);
    if (E.isLeft(checked)) return checked;
    if (describeRunFolder(this.options.runsDir, name) === null)
      return E.left(notFound(`no run '${name}' in the runs folder`));
    const form = decodeForm(request.flags ?? {}, RESUME_FLAGS);
    if (E.isLeft(form)) return form;
    const dir = join(this.options.runsDir, name);
    return this.launch(name, { config: form.right.config, given: form.right.given, resume: dir, force: false });
  }

  private async launch(name: string, request: Parameters<typeof planRun>[0]): Promise<E.Either<Rejection, LiveRun>> {
    const plan = planRun(request);
    if (E.isLeft(plan)) return E.left(bad(plan.left));
    if (plan.right.kind === 'complete')
      return E.left(
        bad(
          `run '${name}' is already complete: all ${plan.right.totalSteps} steps trained; give more epochs to train on`,
        ),
      );
    const { config, data, resumed } = plan.right;
    // A second start while this one loads its classifier is refused like any other.
    const wantsQuality = (this.options.quality ?? true) && qualityEpochs(config).length > 0;
    const judge = wantsQuality ? await loadJudge(data) : null;
    const refused = this.busy();
    if (refused) return E.left(refused);
    const gan = buildGan(plan.right);
    if (E.isLeft(gan)) return E.left(bad(gan.left));
    const opened = openRunFolder(config.out, { keptLines: resumed?.keptLines });
    if (E.isLeft(opened)) return E.left(bad(opened.left));
    this.current = new LiveRun({
      name,
      dir: config.out,
      config,
      data,
      gan: gan.right,
      backend: this.options.backend,
      judge: judge && E.isRight(judge) ? judge.right : undefined,
      resumed,
    });
    return E.right(this.current);
  }

  /** Stops the live run, if any, with its checkpoint and saved networks, as Ctrl-C does for the CLI. */
  async close(): Promise<void> {
    const run = this.current;
    if (!run) return;
    run.stop();
    await run.done;
  }
}
