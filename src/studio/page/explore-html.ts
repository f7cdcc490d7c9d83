/** The explore page's layout and style (the studio's look). Its script, explore.js, is bundled from explore.ts. */
import { SITE_EXPLORE_WORKER_SCRIPT } from '../../site/site-files.ts';
import { pageHead } from './html.ts';

export const EXPLORE_HTML = `${pageHead('ganstream studio: explore')}
  main { display: grid; grid-template-columns: minmax(0, 1fr) minmax(0, 1fr); gap: 1em; padding: 1em; align-items: start; }
  section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 0.8em 1em; margin-bottom: 1em; }
  h2 { font-size: 1.05em; margin: 0 0 0.5em; }
  input, select, button { font: inherit; }
  input, select { padding: 0.2em 0.35em; border: 1px solid #b9bcc2; border-radius: 4px; }
  input[type=number] { width: 7em; }
  button { padding: 0.3em 0.8em; border: 1px solid #9aa0a6; border-radius: 5px; background: #fff; cursor: pointer; }
  button.on { background: var(--accent); color: #fff; border-color: var(--accent); }
  button:disabled { opacity: 0.45; cursor: default; }
  button:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #f2a900; outline-offset: 1px; }
  .row { display: flex; gap: 0.6em; flex-wrap: wrap; align-items: center; margin: 0.4em 0; }
  .lesson { color: var(--muted); font-size: 0.92em; margin: 0.3em 0 0.6em; }
  .error { color: var(--warn); font-weight: 600; }
  canvas { max-width: 100%; height: auto; display: block; background: #fff; }
  #grid { cursor: pointer; image-rendering: pixelated; }
  .pixelated { image-rendering: pixelated; }
  .closeup { display: flex; gap: 1em; flex-wrap: wrap; align-items: flex-start; }
  .closeup figure { margin: 0; }
  .closeup figcaption { color: var(--muted); font-size: 0.85em; max-width: 14em; }
  .figure { font-variant-numeric: tabular-nums; }
  .wide { grid-column: 1 / -1; }
  @media (max-width: 1100px) { main { grid-template-columns: 1fr; } }
</style>
</head>
<body>
<header>
  <h1>ganstream studio: explore</h1>
  <div id="what" role="status" aria-live="polite">loading...</div>
  <a href="./">back to the studio</a>
</header>
<main>
  <div>
    <section aria-labelledby="make-title">
      <h2 id="make-title">Make more</h2>
      <p class="lesson">G turns each noise vector into an image. Same seed, same noise, same images: this page runs the saved generator itself, in your browser, with TensorFlow.js.</p>
      <div class="row">
        <label>Seed <input id="seed" type="number" min="0" value="1"></label>
        <label>Images <select id="count"><option value="16">16</option><option value="32" selected>32</option><option value="64">64</option></select></label>
        <button id="new-noise" type="button">New noise</button>
      </div>
      <div class="row" id="classes" hidden></div>
      <canvas id="grid" aria-label="generated images: click one to look at it closely"></canvas>
      <p class="lesson" id="grid-note">Click an image to look at it closely.</p>
      <p class="error" id="error" role="alert"></p>
    </section>
    <section aria-labelledby="walk-title">
      <h2 id="walk-title">Walk between images</h2>
      <p class="lesson">Pick two images (a line between them) or four (a square with them at its corners) with "Pick for a walk". The straight path passes closer to the centre of the noise space than G ever saw in training; the spherical one keeps the noise at its usual length.</p>
      <div class="row">
        <span id="picks">No images picked.</span>
        <label>Path <select id="path"><option value="spherical">spherical</option><option value="linear">linear</option></select></label>
        <button id="walk" type="button" disabled>Walk</button>
        <button id="clear-picks" type="button">Clear</button>
      </div>
      <canvas id="walked" class="pixelated"></canvas>
    </section>
    <section aria-labelledby="tracks-title">
      <h2 id="tracks-title">Which classes G made over time</h2>
      <p class="lesson">The milestone grids are drawn from the same noise points all run long. Each row is one point; its colour, the class the evaluator's classifier saw at each milestone. Colours that keep changing: G hopping between modes; many rows of one colour: collapse.</p>
      <p class="hint" id="tracks-note" hidden></p>
      <canvas id="tracks"></canvas>
      <canvas id="shares"></canvas>
    </section>
  </div>
  <div>
    <section aria-labelledby="closeup-title">
      <h2 id="closeup-title">This image, up close</h2>
      <div class="closeup">
        <figure><canvas id="picked" class="pixelated" width="224" height="224"></canvas><figcaption id="picked-caption">No image chosen yet.</figcaption></figure>
        <figure><canvas id="saliency" class="pixelated" width="224" height="224"></canvas><figcaption>What D looks at: red where more ink would make D believe the image more (where G's next update adds ink), blue where less would.</figcaption></figure>
        <figure><canvas id="swatch" width="150" height="150"></canvas><figcaption id="swatch-caption">Its noise vector: one cell per number, red positive, blue negative.</figcaption></figure>
      </div>
      <div class="row">
        <button id="nudge" type="button" disabled>Nudge the noise</button>
        <label>by <select id="nudge-size"><option value="0.1">a little (0.1)</option><option value="0.3" selected>some (0.3)</option><option value="1">a lot (1.0)</option></select></label>
        <button id="pick" type="button" disabled>Pick for a walk</button>
      </div>
      <h2>Is this one a copy? Its nearest training images</h2>
      <p class="lesson" id="nearest-note">Click an image in the grid: its nearest training images appear here, by pixels and by what the evaluator's classifier sees (its features).</p>
      <canvas id="nearest"></canvas>
    </section>
    <section aria-labelledby="d-title">
      <h2 id="d-title">What D thinks</h2>
      <p class="lesson">D's score under each image: its belief that the image is real. The fakes are this grid; the reals are training images.</p>
      <div class="row">
        <label>Fakes <select id="fake-order"><option value="desc">most convincing first</option><option value="asc">least convincing first</option></select></label>
        <label>Reals <select id="real-order"><option value="asc">least convincing first</option><option value="desc">most convincing first</option></select></label>
      </div>
      <canvas id="scores"></canvas>
    </section>
    <section aria-labelledby="novelty-title">
      <h2 id="novelty-title">Is G copying its training images?</h2>
      <p class="lesson">How far each of 1,000 generated images is from its nearest training image, beside the same for 1,000 real images G never saw (for a folder of your own images, which G trained on all of: each training image's distance to its nearest other). A generator that learned the images makes them as new as unseen real ones; one that memorised piles up near zero.</p>
      <canvas id="novelty"></canvas>
      <p class="figure" id="novelty-text">Measuring (a few seconds)...</p>
    </section>
  </div>
</main>
<script type="module" src="explore.js"></script>
</body>
</html>
`;

/** The same page as the static site serves it: the run from the tab's store, the figures from the explore worker. */
export const siteExploreHtml = (): string =>
  EXPLORE_HTML.replace('<body>', `<body data-trainer="tab" data-worker="${SITE_EXPLORE_WORKER_SCRIPT}">`);
