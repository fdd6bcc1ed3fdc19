/** The `raw-tick` reference's server: the answers to one read in one write, however many. */
import { serveRaw } from './raw-server.js';

serveRaw(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY);
