// Sandbox entry (built to dist/code.js).
import { startPlugin } from './start-plugin.ts';

startPlugin();
