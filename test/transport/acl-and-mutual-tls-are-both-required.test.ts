/**
 * TLS authenticates the connection, ACL each request: a server can demand both, and a call is
 * served only when the client has a certificate from the CA and signs its requests.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import type tls from 'node:tls';
import { AclClientRpcHook } from '../../src/transport/acl-hook.js';
import { AclVerifier } from '../../src/transport/acl-verifier.js';
import { Counter, RecordingLogger, bodyText, newClient, rejectionOf, request, response, startServer } from '../support/transport-harness.js';
import { hasOpenssl, makeTestPki, type TestPki } from '../support/transport-tls.js';

const skip = hasOpenssl() ? false : 'openssl is not installed';
let pki: TestPki;
before(() => {
  if (!skip) pki = makeTestPki();
});

test('over mutual TLS a signed call is served, an unsigned one gets NO_PERMISSION, a client without a certificate gets nothing', { skip }, async (t) => {
  const serverTls: tls.TlsOptions = { key: pki.serverKey, cert: pki.serverCert, ca: pki.ca, requestCert: true, rejectUnauthorized: true };
  const acl = new AclVerifier({ accounts: [{ accessKey: 'svc-a', secretKey: 'secret-a' }], logger: new RecordingLogger() });
  const processed = new Counter();
  const { addr } = await startServer(t, { tls: serverTls, acl }, (s) =>
    s.registerProcessor(1, (_req, context) => {
      processed.increment();
      return response(0, { body: `served ${context.caller?.accessKey}` });
    }),
  );
  const certificate = { ca: pki.ca, cert: pki.clientCert, key: pki.clientKey };

  const { client: signing } = newClient(t, { tls: certificate, hooks: [new AclClientRpcHook({ accessKey: 'svc-a', secretKey: 'secret-a' })] });
  assert.equal(bodyText(await signing.invokeSync(addr, request(1, { body: 'x' }), 10_000)), 'served svc-a');

  const { client: unsigned } = newClient(t, { tls: certificate });
  const refused = await unsigned.invokeSync(addr, request(1), 10_000);
  assert.equal(refused.code, 16);

  const { client: noCertificate } = newClient(t, { tls: { ca: pki.ca }, hooks: [new AclClientRpcHook({ accessKey: 'svc-a', secretKey: 'secret-a' })] });
  const error = (await rejectionOf(noCertificate.invokeSync(addr, request(1), 10_000))) as { code?: string };
  assert.ok(['CONNECT_FAILED', 'CONNECTION_CLOSED'].includes(error.code ?? ''), `a signature does not replace the certificate: ${String(error)}`);

  assert.equal(processed.value, 1);
  assert.equal(acl.counts.verified, 1);
  assert.equal(acl.counts.denied.NOT_SIGNED, 1);
});
