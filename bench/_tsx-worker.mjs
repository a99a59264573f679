// Starts a TypeScript worker_threads entry under tsx (Node 20 workers do not inherit tsx's
// loader from execArgv): a file, so no worker is created from evaluated source.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
