/** The studio's page: its layout and style. The script (studio.js, bundled from main.ts) fills it in. */
import { SITE_EXAMPLE, SITE_EXPLORE_PAGE, SITE_WORKER_SCRIPT } from '../../site/site-files.ts';

/** The head every studio page starts with, its colours, header and type included; the page's own rules follow. */
export const pageHead = (title: string): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="data:,">
<style>
  :root { --ink: #1d1d1f; --muted: #5f6368; --line: #d7d9dd; --accent: #1f5fbf; --warn: #c62828; --bg: #f5f6f8; }
  * { box-sizing: border-box; }
  [hidden] { display: none !important; }
  body { margin: 0; font: 17px/1.45 system-ui, sans-serif; color: var(--ink); background: var(--bg); }
  header { display: flex; align-items: baseline; gap: 1.2em; padding: 0.6em 1.2em; background: #fff; border-bottom: 1px solid var(--line); flex-wrap: wrap; }
  header h1 { font-size: 1.3em; margin: 0; }
`;

export const PAGE_HTML = `${pageHead('ganstream studio')}
  #status { font-variant-numeric: tabular-nums; }
  #status .state { font-weight: 600; }
  main { display: grid; grid-template-columns: minmax(300px, 360px) 1fr; gap: 1em; padding: 1em; }
  section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 0.8em 1em; margin-bottom: 1em; }
  h2 { font-size: 1.05em; margin: 0 0 0.5em; }
  label { display: grid; grid-template-columns: 9.5em 1fr; align-items: center; gap: 0.4em; margin: 0.25em 0; }
  .field { display: grid; grid-template-columns: minmax(6.5em, 8em) minmax(0, 1fr) 1.7em; align-items: center; gap: 0.2em 0.4em; margin: 0.3em 0; }
  .field label { display: block; margin: 0; }
  .field .field-error { grid-column: 2 / -1; }
  .field { position: relative; }
  .field-help { display: none; grid-column: 1 / -1; color: #1d1d1f; font-size: 0.88em; background: #eef3fb; border: 1px solid #c5d4ee; border-radius: 4px; padding: 0.2em 0.5em; }
  /* Focus shows the help above the field, over what is there, so that nothing below moves; clicks pass through it. */
  .field:focus-within .field-help { display: block; position: absolute; left: 0; right: 0; bottom: calc(100% + 2px); z-index: 5; pointer-events: none; box-shadow: 0 2px 8px rgba(0, 0, 0, 0.18); }
  /* The "?" (a touch screen's way) puts it in the form, under the field, until pressed again. */
  .field.show-help .field-help { display: block; position: static; box-shadow: none; pointer-events: auto; }
  .help-toggle { padding: 0; width: 1.6em; height: 1.6em; border-radius: 50%; font-size: 0.85em; line-height: 1; color: var(--accent); }
  #more-settings > summary { cursor: pointer; color: var(--accent); margin: 0.5em 0 0.2em; }
  #probe-section.stale #probe, #probe-section.stale #probe-text { opacity: 0.45; }
  .stale { color: var(--warn); font-weight: 600; margin: 0.4em 0 0; }
  .model-row { display: flex; flex-wrap: wrap; align-items: stretch; gap: 0.25em 0; margin: 0.3em 0 0.7em; }
  .model-name { flex-basis: 100%; font-weight: 600; font-size: 0.92em; }
  .node { display: flex; flex-direction: column; justify-content: center; border: 1px solid #b9bcc2; border-radius: 5px; padding: 0.15em 0.45em; font-size: 0.8em; line-height: 1.25; background: #fff; transition: opacity 0.2s, background 0.2s; }
  .model-row > :not(.model-name) + :not(.model-name) { margin-left: 1.1em; position: relative; }
  .model-row > :not(.model-name) + :not(.model-name)::before { content: '→'; position: absolute; left: -1.05em; top: 50%; transform: translateY(-50%); color: var(--muted); }
  .either { display: flex; flex-direction: column; gap: 0.2em; }
  .node span { color: var(--muted); }
  .node.layer { background: #eef3fb; border-color: #9fb6dc; }
  .node.io { background: #fdf6e3; border-color: #d9c48a; }
  #model-graph.walking .node { opacity: 0.35; }
  #model-graph.walking .node.lit { opacity: 1; outline: 3px solid #f2a900; }
  .view-help { color: var(--muted); font-size: 0.9em; margin: -0.2em 0 0.5em; }
  #intro p { margin: 0.3em 0; }
  header .mode { display: inline-flex; gap: 0.35em; align-items: center; margin-left: auto; grid-template-columns: none; }
  header .mode input { width: auto; }
  input, select, button { font: inherit; }
  input, select { width: 100%; padding: 0.2em 0.35em; border: 1px solid #b9bcc2; border-radius: 4px; }
  .field-error { color: var(--warn); font-size: 0.85em; grid-column: 2; }
  button { padding: 0.35em 0.9em; border: 1px solid #9aa0a6; border-radius: 5px; background: #fff; cursor: pointer; }
  button.primary { background: var(--accent); color: #fff; border-color: var(--accent); }
  button:disabled { opacity: 0.45; cursor: default; }
  button:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #f2a900; outline-offset: 1px; }
  .buttons { display: flex; gap: 0.5em; flex-wrap: wrap; margin-top: 0.5em; }
  .lesson { color: var(--muted); font-size: 0.92em; margin: 0.3em 0 0.6em; }
  .error { color: var(--warn); font-weight: 600; }
  .views { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 2fr); gap: 1em; align-items: start; }
  .views.even { grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); }
  label.wide { grid-template-columns: 1fr; }
  canvas { max-width: 100%; height: auto; display: block; background: #fff; }
  canvas.fit { width: 100%; }
  canvas.actual { max-width: none; }
  section { min-width: 0; }
  section:has(canvas.actual) { overflow-x: auto; }
  #grid { image-rendering: pixelated; width: 100%; max-width: 560px; }
  #runs { list-style: none; padding: 0; margin: 0; max-height: 22em; overflow: auto; }
  #runs li { border-top: 1px solid var(--line); padding: 0.4em 0; }
  #runs li .meta { color: var(--muted); font-size: 0.88em; }
  #runs li .buttons { margin-top: 0.2em; }
  #runs li button, #runs li a { font-size: 0.88em; padding: 0.15em 0.5em; }
  .cards { display: grid; gap: 0.5em; }
  .card { border-left: 5px solid var(--warn); background: #fff6f5; padding: 0.4em 0.7em; border-radius: 4px; white-space: pre-wrap; }
  .card b { color: var(--warn); }
  .card.cleared { border-left-color: #9aa0a6; background: #f1f3f4; color: var(--muted); }
  .card.cleared b { color: var(--muted); }
  .numbers { display: flex; gap: 1.5em; flex-wrap: wrap; font-variant-numeric: tabular-nums; }
  .numbers div b { display: block; font-size: 1.4em; }
  #scrub { width: 100%; }
  .hint { color: var(--muted); font-size: 0.9em; }
  .drop { border: 2px dashed var(--muted); border-radius: 6px; padding: 0.2em 0.8em; margin: 0.8em 0; }
  .drop.over { border-color: var(--accent); background: rgba(31, 95, 191, 0.08); }
  .drop .file { display: inline; text-decoration: underline; cursor: pointer; color: var(--accent); }
  .drop .file input { position: absolute; width: 1px; height: 1px; opacity: 0; }
  #server-lost { background: var(--warn); color: #fff; padding: 0.5em 1em; font-weight: 600; position: sticky; top: 0; z-index: 10; }
  main > div { min-width: 0; }
  @media (max-width: 1100px) { main { grid-template-columns: minmax(0, 1fr); } .views, .views.even { grid-template-columns: minmax(0, 1fr); } }
  @media (max-width: 520px) {
    main { padding: 0.5em; } section { padding: 0.6em 0.7em; }
    .field { grid-template-columns: minmax(0, 1fr) 1.7em; } .field label, .field .field-error { grid-column: 1 / -1; }
    label { grid-template-columns: 1fr; }
  }
</style>
</head>
<body>
<header>
  <h1>ganstream studio</h1>
  <div id="status" role="status" aria-live="polite">connecting...</div>
  <label class="mode" title="Beginner mode: a few settings, the rest under More settings, and a word on what a GAN is"><input type="checkbox" id="beginner"> Beginner mode</label>
</header>
<div id="server-lost" role="alert" hidden></div>
<main>
  <div>
    <section aria-labelledby="intro-title" id="intro" hidden>
      <h2 id="intro-title">What you will see</h2>
      <p>A GAN is two networks in a contest. <b>G</b>, the generator, turns random noise into pictures; <b>D</b>, the discriminator, is shown real pictures and G's, and guesses which are which.</p>
      <p>Each step D gets better at telling them apart and G at fooling it: press <b>Start training</b> and watch G's pictures turn from noise into digits, while the curves show who is winning.</p>
    </section>
    <section aria-labelledby="setup-title">
      <h2 id="setup-title">Set up a run</h2>
      <label class="wide" title="Ready-made settings, each with a lesson: what to watch for">Preset <select id="preset" aria-describedby="lesson"></select></label>
      <p class="lesson" id="lesson"></p>
      <form id="form" autocomplete="off"></form>
      <div id="own-images" class="drop" hidden>
        <p><b>Your own images:</b> drop a folder of PNG or JPEG images here (one subfolder per class, or all in the folder itself), or a .zip of one, or choose
          <label class="file">a folder<input type="file" id="images-folder" webkitdirectory multiple></label> or
          <label class="file">a .zip<input type="file" id="images-zip" accept=".zip,application/zip"></label>.
          They stay in this tab.</p>
        <p class="hint" id="images-status" role="status"></p>
        <p class="error" id="images-error" role="alert"></p>
      </div>
      <p class="hint" id="own-images-hint" hidden></p>
      <div class="buttons"><button id="start" class="primary" type="button">Start training</button>
        <button id="share" type="button" title="A link that opens this page with these settings">Share these settings</button></div>
      <p class="error" id="start-error" role="alert"></p>
      <input id="share-link" readonly hidden aria-label="a link to this page with these settings">
    </section>
    <section aria-labelledby="control-title">
      <h2 id="control-title">Control</h2>
      <div class="buttons">
        <button id="pause" type="button">Pause</button>
        <button id="play" type="button">Resume</button>
        <button id="step" type="button" title="Train one step (one D update and one G update), then pause">One step</button>
        <button id="step-d" type="button" title="Update D alone for one step (G is measured, not moved), then pause">D step</button>
        <button id="step-g" type="button" title="Update G alone for one step (D is measured, not moved), then pause">G step</button>
        <button id="step10" type="button">10 steps</button>
        <button id="stop" type="button" title="Stop with a checkpoint; the run can be continued">Stop</button>
      </div>
      <div class="buttons"><button id="walk" type="button" class="primary" title="Pause, train one step, and walk through what it did, stage by stage">Walk through one update</button></div>
      <p class="hint" id="step-note"></p>
      <p class="hint" id="keys">Keys: space pauses and resumes, s takes one step.</p>
      <p class="hint" id="engine"></p>
      <p class="hint" id="run-note" role="status"></p>
    </section>
    <section aria-labelledby="runs-title">
      <h2 id="runs-title">Runs folder</h2>
      <label>Replay speed <select id="speed">
        <option value="0">instant</option><option value="10">10x</option><option value="60" selected>60x</option><option value="600">600x</option>
      </select></label>
      <ul id="runs"></ul>
      <div class="buttons"><button id="compare" type="button" disabled>Compare the checked runs</button></div>
      <div id="open-run-box" hidden>
        <label class="wide">Open a run (.zip: a Download, or a command-line run folder zipped; or drop it here)
          <input id="open-run" type="file" accept=".zip,application/zip"></label>
        <p class="error" id="open-error" role="alert"></p>
      </div>
    </section>
  </div>
  <div>
    <section aria-labelledby="numbers-title">
      <h2 id="numbers-title">Now</h2>
      <p class="view-help" id="numbers-help">The latest step: how wrong D is (D loss) and how badly G fails to fool it (G loss), how often D is right, and the speed.</p>
      <div class="numbers" id="numbers"></div>
    </section>
    <div class="views">
      <section aria-labelledby="grid-title">
        <h2 id="grid-title">What G draws from 16 fixed noise points</h2>
        <p class="view-help" id="grid-help">The same 16 random inputs each time, so you watch the same attempts improve. Drag the slider to look back.</p>
        <canvas id="grid" role="img" aria-label="G's pictures from 16 fixed noise points" aria-describedby="grid-help scrub-label"></canvas>
        <input id="scrub" type="range" min="0" max="0" value="0" aria-label="history: the grid at an earlier step">
        <div class="hint" id="scrub-label">Drag to look back; the grid follows training at the right end.</div>
      </section>
      <section aria-labelledby="curves-title">
        <h2 id="curves-title">Losses and D's accuracy</h2>
        <p class="view-help" id="curves-help">Neither network should win outright: losses that level off, and D right 50-80% of the time, mean a fair contest.</p>
        <canvas id="curves" role="img" aria-label="D's and G's losses and D's accuracy over the run" aria-describedby="curves-help numbers"></canvas>
      </section>
    </div>
    <section aria-labelledby="model-title" id="model-section">
      <h2 id="model-title">The two networks</h2>
      <p class="view-help" id="model-help">G turns noise into a picture; D turns a picture into a score, real or fake. Each box is a layer: what it does, the shape it passes on, and how many numbers it learns.</p>
      <div id="model-graph"></div>
    </section>
    <section aria-labelledby="probe-title" id="probe-section" hidden>
      <h2 id="probe-title">One step, up close</h2>
      <p class="view-help" id="probe-help">One training step slowed down, stage by stage: what D saw, how it scored each picture, and how each network changed.</p>
      <p id="probe-text"></p>
      <canvas id="probe" role="img" aria-label="the stage's pictures with D's score under each" aria-describedby="probe-text"></canvas>
      <div class="buttons">
        <button id="probe-back" type="button">Back</button>
        <button id="probe-next" type="button">Next stage</button>
        <span class="hint" id="probe-stage"></span>
        <button id="probe-continue" type="button" title="Resume training (the run is paused while you walk through the update)">Continue training</button>
      </div>
      <p class="stale" id="probe-stale" role="status" hidden></p>
    </section>
    <section aria-labelledby="warnings-title">
      <h2 id="warnings-title">Warnings</h2>
      <p class="view-help" id="warnings-help">Signs that training is going wrong (D winning outright, G drawing the same picture for every input), each with what to try.</p>
      <div class="cards" id="warnings"><span class="hint">None so far: D and G are keeping each other in check.</span></div>
    </section>
    <section aria-labelledby="milestones-title">
      <h2 id="milestones-title">Milestones: the same 64 noise points over the run</h2>
      <p class="view-help" id="milestones-help">G's pictures from 64 fixed inputs at chosen moments, oldest on the left: the whole run's progress at a glance.</p>
      <canvas id="milestones" role="img" aria-label="grids of G's pictures at the milestones, labelled with their step or epoch" aria-describedby="milestones-help"></canvas>
    </section>
    <div class="views even">
      <section aria-labelledby="histogram-title">
        <h2 id="histogram-title">Which digits</h2>
        <p class="view-help" id="histogram-help">Which class a trained classifier sees in each of G's pictures. Even bars: G draws them all; one tall bar: G is stuck on a few.</p>
        <canvas id="histogram" role="img" aria-label="bar chart: the share of G's pictures in each class" aria-describedby="histogram-help"></canvas>
      </section>
      <section aria-labelledby="quality-title">
        <h2 id="quality-title">Sample quality</h2>
        <p class="view-help" id="quality-help">FID: how far G's pictures are, as a whole, from real ones (lower is better). Recognisable: the share a classifier names with confidence.</p>
        <canvas id="quality" role="img" aria-label="FID and recognisable share at each quality check" aria-describedby="quality-help numbers"></canvas>
      </section>
    </div>
    <section aria-labelledby="rvf-title">
      <h2 id="rvf-title">Real or fake?</h2>
      <p class="view-help" id="rvf-help">Real pictures above G's, each with D's score under it: 1 means D is sure it is real, 0 sure it is fake.</p>
      <canvas id="real-vs-fake" role="img" aria-label="real and generated pictures with D's score under each" aria-describedby="rvf-help"></canvas>
    </section>
    <section aria-labelledby="compare-title" id="compare-section" hidden>
      <h2 id="compare-title">Runs compared, step-aligned</h2>
      <p class="view-help" id="compared-help">The checked runs' losses and D's accuracy on one plot, step by step: which settings kept the contest fair.</p>
      <canvas id="compared" role="img" aria-label="the checked runs' curves on one plot" aria-describedby="compared-help"></canvas>
    </section>
  </div>
</main>
<script type="module" src="studio.js"></script>
</body>
</html>
`;

/**
 * The same page as the static site serves it: runs train in a worker of the tab (the page reads
 * these attributes), on the datasets the site carries; `example`: the name of the trained run
 * the site carries, opened where the tab keeps no run yet.
 */
export const sitePageHtml = (datasets: readonly string[], example: string | null = null): string =>
  PAGE_HTML.replace(
    '<body>',
    `<body data-trainer="tab" data-worker="${SITE_WORKER_SCRIPT}" data-explore="${SITE_EXPLORE_PAGE}" data-datasets="${datasets.join(',')}"${example ? ` data-example="${SITE_EXAMPLE}" data-example-name="${example}"` : ''}>`,
  );
