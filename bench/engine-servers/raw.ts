/** The `raw` baseline's server: answers flushed as rocket-rpc's channel does (first 8 KiB early, then every 64 KiB, the rest per read). */
import { RAW_EARLY_FLUSH_BYTES, RAW_LATER_FLUSH_BYTES } from '../engine-raw-framing.js';
import { serveRaw } from './raw-server.js';

serveRaw(RAW_EARLY_FLUSH_BYTES, RAW_LATER_FLUSH_BYTES);
