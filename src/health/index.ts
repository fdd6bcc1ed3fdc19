export * from './probe.js';
export * from './active-prober.js';
export * from './outlier-detection.js';
