/** The `raw` baseline's server: answers flushed per read and every 8 KiB, as rocket-rpc's channel does. */
import { RAW_EARLY_FLUSH_BYTES } from '../engine-raw-framing.js';
import { serveRaw } from './raw-server.js';

serveRaw(RAW_EARLY_FLUSH_BYTES);
