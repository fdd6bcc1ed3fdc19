export { registerInstrumentation, type Instrumentation, type ClientCallStart, type ServerCallStart, type CallScope, type ServerCallScope } from './instrumentation.js';
export { defaultLogger, silentLogger, childLogger, type Logger, type LogFn, type LogFields } from './log.js';
export type { EngineStats, EngineSide, ClusterStats } from './stats.js';
