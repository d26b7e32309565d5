/** Entry of the script-tag build: exposes the default client as `window.paragon` and `window.switchboard`. */
import { paragon, switchboard } from './index';

Object.assign(globalThis, { paragon, switchboard });
