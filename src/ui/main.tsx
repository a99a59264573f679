import '@create-figma-plugin/ui/css/base.css';
import '@create-figma-plugin/ui/css/theme.css';
import './app.css';
import { render } from 'preact';
import { startApp } from './actions.ts';
import { App } from './app.tsx';

// Figma puts figma-light / figma-dark on <html> (themeColors) and defines the colour
// variables itself. Outside Figma (the host harness) theme.css supplies them for body.
if (!/figma-(light|dark)/.test(document.documentElement.className)) document.body.classList.add('figma-light');
else document.body.classList.add(document.documentElement.className.includes('figma-dark') ? 'figma-dark' : 'figma-light');

render(<App />, document.getElementById('root')!);
startApp();
