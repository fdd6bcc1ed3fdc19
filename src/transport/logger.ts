/** The engine's default logger lives with the other telemetry pieces; kept here for existing imports. */
export { defaultLogger } from '../telemetry/log.js';
