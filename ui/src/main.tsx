import { render } from 'preact';
import { App } from './app.js';
import './styles.css';

const root = document.getElementById('app')!;
// The static page shows a header while the script loads; the app replaces it.
root.textContent = '';
render(<App />, root);
