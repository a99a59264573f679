// The session's one engine (src/ui/engine-client.ts), shared by the actions and the window readout.
import { EngineClient } from './engine-client.ts';

export const engine = new EngineClient();
