// htm bound to Preact: tagged templates instead of JSX, so the browser code needs no JSX transform.
export { html } from 'htm/preact';
