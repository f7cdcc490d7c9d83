/**
 * One training run driven by the studio: training$ with the CLI's run-folder sinks, a RunControl
 * for play, pause, step and stop, and its record kept as encoded lines so that any number of pages
 * can follow it, each from the start, then live. Pages come and go; the run does not notice.
 */
import { finalize, map, merge, Observable, ReplaySubject, type Subscription } from 'rxjs';
import type { Dataset } from '../data/dataset.ts';
import type { BackendInfo } from '../model/backend.ts';
import { disposeGan, type Gan } from '../model/gan.ts';
import type { ResumePoint } from '../plan/resume.ts';
import type { TrainConfig } from '../streams/config.ts';
import { encodeEvent, type TrainingEvent } from '../streams/events.ts';
import type { Judge } from '../streams/operators/quality-checks.ts';
import { trainIntoFolder } from '../streams/sinks/run-folder.ts';
import type { RunState, StepProbe } from './answers.ts';
import { probeInputs, StepCloseUps } from './probe.ts';
import { RunControl, type StepKind } from './run-control.ts';

/** What a follower receives: the record's lines in order, and the run's state whenever it changes. */
export type LiveMessage =
  | { readonly kind: 'event'; readonly line: string }
  | { readonly kind: 'state'; readonly state: RunState; readonly message?: string }
  /** What the student's last "step" changed (not part of the record). */
  | { readonly kind: 'probe'; readonly probe: StepProbe };

export interface LiveRunSetup {
  readonly name: string;
  readonly dir: string;
  readonly config: TrainConfig;
  readonly data: Dataset;
  readonly gan: Gan;
  readonly backend: BackendInfo;
  readonly judge?: Judge;
  readonly resumed: ResumePoint | null;
}

export class LiveRun {
  readonly name: string;
  readonly control = new RunControl();
  readonly done: Promise<void>;
  /** The record's lines, replayed to each follower from the first. */
  private readonly record$ = new ReplaySubject<string>();
  /** The run's state: the latest replayed to each follower, also after the run ended. */
  private readonly state$ = new ReplaySubject<{ state: RunState; message?: string }>(1);
  /** What the last student's step changed, once there is one. */
  private readonly probe$ = new ReplaySubject<StepProbe>(1);
  private lineCount = 0;
  private followers = 0;
  private ended: RunState | null = null;
  private failure: string | undefined;
  private readonly subscriptions: Subscription[] = [];
  private readonly closeUps: StepCloseUps;

  constructor(private readonly setup: LiveRunSetup) {
    this.name = setup.name;
    this.state$.next({ state: this.control.state });
    const { gan, data, config, dir, resumed } = setup;
    this.closeUps = new StepCloseUps(gan, probeInputs(gan, data, config), resumed?.run.step ?? 0);
    const run = trainIntoFolder({
      gan,
      data,
      config,
      backend: setup.backend,
      dir,
      options: {
        judge: setup.judge,
        stop: this.control.shouldStop,
        hold: this.control.hold,
        only: this.control.only,
        resume: resumed ? { run: resumed.run, history: resumed.history } : undefined,
      },
      onSaving: () => this.announce('saving'),
    });
    this.subscriptions.push(run.subscription);
    this.subscriptions.push(run.events$.subscribe({ next: (e) => this.record(e), error: () => undefined }));
    this.done = run.start().then(
      () => this.finish('ended'),
      (e: Error) => {
        this.failure = e.message;
        this.finish('failed');
      },
    );
  }

  get state(): RunState {
    return this.ended ?? this.control.state;
  }
  get message(): string | undefined {
    return this.failure;
  }
  get config(): TrainConfig {
    return this.setup.config;
  }
  get eventCount(): number {
    return this.lineCount;
  }
  /** Pages following the run now. */
  get followerCount(): number {
    return this.followers;
  }

  pause(): void {
    this.control.pause();
    this.announce();
  }
  play(): void {
    this.control.play();
    this.announce();
  }
  /** Lets n steps through (updating both networks, or only one), then pauses; what they changed goes to the followers as a probe. */
  step(n: number, kind: StepKind = 'both'): void {
    this.closeUps.asked(n, kind);
    this.control.step(n, kind);
    this.announce();
  }
  stop(): void {
    this.control.stop();
    this.announce();
  }

  /**
   * The record so far, then every new line, state and probe as they happen, until the run is
   * over: the stream completes then. Unsubscribing stops following; the run does not notice.
   */
  messages(): Observable<LiveMessage> {
    return new Observable<LiveMessage>((subscriber) => {
      this.followers++;
      const all = merge(
        this.record$.pipe(map((line): LiveMessage => ({ kind: 'event', line }))),
        this.state$.pipe(map((s): LiveMessage => ({ kind: 'state', ...s }))),
        this.probe$.pipe(map((probe): LiveMessage => ({ kind: 'probe', probe }))),
      ).pipe(
        finalize(() => {
          this.followers--;
        }),
      );
      return all.subscribe(subscriber);
    });
  }

  private record(e: TrainingEvent): void {
    this.lineCount++;
    this.record$.next(encodeEvent(e));
    if (e.type !== 'step') return;
    // The last of a student's steps: what they changed, and the pause it ends in.
    const probe = this.closeUps.stepped(e.step, this.control.stepsAllowed);
    if (probe) this.probe$.next(probe);
    if (this.control.stepsAllowed === 0) this.announce();
  }

  private announce(state: RunState = this.state): void {
    this.state$.next({ state, ...(this.failure ? { message: this.failure } : {}) });
  }

  private finish(state: 'ended' | 'failed'): void {
    this.ended = state;
    this.announce();
    for (const subject of [this.record$, this.state$, this.probe$]) subject.complete();
    for (const s of this.subscriptions) s.unsubscribe();
    disposeGan(this.setup.gan);
  }
}
