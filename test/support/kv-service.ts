import { defineContract, J, method } from '../../src/rpc/index.js';

/**
 * The service the cluster tests call: `get` is idempotent (safe to resend after a failure), `put`
 * is not. Each provider answers with its own name, so a test sees where a call went.
 */
export const KvService = defineContract('com.example.cluster.KvService', {
  get: method([J.String], J.String, { idempotent: true }),
  put: method([J.String, J.String], J.String),
});
