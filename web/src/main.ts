// The dashboard's single page: a hash route (#/ or #/e/NAME[/t/N]), a banner while the storage
// does not answer, and the view of the route.
import { signal } from '@preact/signals';
import { render } from 'preact';
import 'uplot/dist/uPlot.min.css';
import './style.css';
import { openExperiment, openList, storageDown } from './data.js';
import { html } from './html.js';
import { ExperimentView } from './views/experiment.js';
import { ExperimentsView } from './views/experiments.js';

type Route = { view: 'list' } | { view: 'experiment'; name: string; trial: number | null };

function parse(hash: string): Route {
  const m = /^#\/e\/([^/]+)(?:\/t\/(\d+))?$/.exec(hash);
  return m ? { view: 'experiment', name: decodeURIComponent(m[1]), trial: m[2] === undefined ? null : Number(m[2]) } : { view: 'list' };
}

const route = signal<Route>(parse(location.hash));

function follow(r: Route): void {
  if (r.view === 'list') void openList();
  else void openExperiment(r.name);
}

window.addEventListener('hashchange', () => {
  route.value = parse(location.hash);
  follow(route.value);
});
follow(route.value);

function App() {
  const r = route.value;
  return html`<div class="app">
    <nav class="top"><a href="#/" class="brand">naskit</a><span class="muted">dashboard</span>${r.view === 'experiment' ? html`<span class="crumb">/ ${r.name}</span>` : null}</nav>
    ${storageDown.value !== null
      ? html`<div class="banner" role="alert" data-testid="storage-banner">The storage does not answer: ${storageDown.value}. Showing the last data read; this page recovers by itself when it returns.</div>`
      : null}
    ${r.view === 'list' ? html`<${ExperimentsView} />` : html`<${ExperimentView} key=${r.name} name=${r.name} selected=${r.trial} />`}
  </div>`;
}

render(html`<${App} />`, document.getElementById('app')!);
