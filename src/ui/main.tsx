import { render } from 'preact';
import '@create-figma-plugin/ui/css/base.css';
import { App } from './app.tsx';

render(<App />, document.getElementById('root')!);
