import { run } from './main.js';

// The runner executes this file; everything happens inside run(), which never throws.
await run();
