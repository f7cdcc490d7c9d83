/**
 * The runs folder as a list: each run with what it trained and how far, and what can be done
 * with it (replay, continue, explore, download its generator, check it to compare).
 */
import { networkPaths } from '../../model/names.ts';
import type { RunListing, StudioState } from '../answers.ts';
import { isOver } from './studio-server.ts';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

export interface RunActions {
  readonly replay: (name: string) => void;
  readonly continueRun: (name: string) => void;
  /** Saves the run as a zip archive of its folder (where the runs are not files: the tab); absent elsewhere. */
  readonly download?: (name: string) => void;
  /** The explore page's address, relative to this page: 'explore' on the studio's server, 'explore.html' in the site. */
  readonly explorePage: string;
}

const runUrl = (name: string, rest: string) => `/api/runs/${encodeURIComponent(name)}/${rest}`;

function link(text: string, href: string, o: { download?: boolean; className?: string; title?: string } = {}) {
  const a = document.createElement('a');
  a.href = href;
  a.textContent = text;
  if (o.download) a.download = '';
  if (o.className) a.className = o.className;
  if (o.title) a.title = o.title;
  return a;
}

function runItem(r: RunListing, live: StudioState['live'], act: RunActions): HTMLLIElement {
  const li = document.createElement('li');
  li.dataset.run = r.name;
  const title = document.createElement('div');
  const check = document.createElement('input');
  check.type = 'checkbox';
  check.className = 'pick';
  check.value = r.name;
  check.style.width = 'auto';
  check.setAttribute('aria-label', `compare ${r.name}`);
  check.onchange = () => {
    $<HTMLButtonElement>('compare').disabled = document.querySelectorAll('.pick:checked').length < 2;
  };
  const b = document.createElement('b');
  b.textContent = ` ${r.name}`;
  title.append(check, b);
  const meta = document.createElement('div');
  meta.className = 'meta';
  if (r.problem !== null) meta.textContent = `its record cannot be read: ${r.problem}`;
  else {
    // The step and the status in their own spans: the run training now follows the live feed (showLiveStep).
    const steps = document.createElement('span');
    steps.className = 'steps';
    steps.textContent = r.steps.toLocaleString('en-US');
    const status = document.createElement('span');
    status.className = 'run-status';
    status.textContent = r.status;
    meta.append(`${r.arch} on ${r.dataset}, step `, steps, ` of ${r.totalSteps.toLocaleString('en-US')}, `, status);
  }
  const buttons = document.createElement('div');
  buttons.className = 'buttons';
  const button = (text: string, onClick: () => void) => {
    const x = document.createElement('button');
    x.type = 'button';
    x.textContent = text;
    x.onclick = onClick;
    buttons.append(x);
  };
  if (r.problem === null) button('Replay', () => act.replay(r.name));
  // Every run that stopped short with a checkpoint can continue, killed ones ('open') included, but not the one training now.
  const trainingNow = r.name === live?.name && !isOver(live.state);
  if (r.resumable && r.status !== 'completed' && !trainingNow) button('Continue', () => act.continueRun(r.name));
  const download = act.download;
  if (download && r.problem === null && !trainingNow) button('Download (.zip)', () => download(r.name));
  if (r.hasGenerator) {
    buttons.append(
      link('Explore', `${act.explorePage}?run=${encodeURIComponent(r.name)}`, {
        className: 'explore',
        title: 'make more images, walk the noise, see what D sees, check for copying',
      }),
    );
    // The server's runs are files; the tab's come in the Download's archive.
    if (!download)
      buttons.append(
        link('generator (model.json)', runUrl(r.name, networkPaths('generator').json), { download: true }),
        link('weights.bin', runUrl(r.name, networkPaths('generator').weights), { download: true }),
      );
  }
  li.append(title, meta, buttons);
  return li;
}

/** Draws the list; the runs checked for comparing stay checked. */
export function renderRuns(s: StudioState, act: RunActions): void {
  const list = $('runs');
  const checked = new Set(Array.from(document.querySelectorAll<HTMLInputElement>('.pick:checked'), (c) => c.value));
  if (s.runs.length === 0) list.innerHTML = '<li class="hint">No runs yet: start one.</li>';
  else list.replaceChildren(...s.runs.map((r) => runItem(r, s.live, act)));
  document.querySelectorAll<HTMLInputElement>('.pick').forEach((c) => {
    c.checked = checked.has(c.value);
  });
  $<HTMLButtonElement>('compare').disabled = document.querySelectorAll('.pick:checked').length < 2;
}

/** The run training now, in the list: its step and state as the live feed has them, between the list's refreshes. */
export function showLiveStep(name: string, step: number, state: string): void {
  const item = document.querySelector(`#runs li[data-run="${CSS.escape(name)}"]`);
  const steps = item?.querySelector('.steps');
  const status = item?.querySelector('.run-status');
  if (steps) steps.textContent = step.toLocaleString('en-US');
  if (status) status.textContent = state;
}
