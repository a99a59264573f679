// The session's one engine (engine-client.ts), shared by the actions and the window readout; it
// starts nothing until startApp() connects it.
import { EngineClient } from './engine-client.ts';

export const engine = new EngineClient();
