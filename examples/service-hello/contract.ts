/**
 * The article's two Java interfaces as rocket-rpc contracts. The names are the Java binary names,
 * so the article's Java `TestClient` can call our provider and our consumer can call its
 * `TestServer`, unchanged:
 *
 *   public interface ServiceHello {
 *       String sayHello(String a, String b);
 *       Integer sayHelloInteger(Integer a, Integer b);
 *   }
 *   public interface ServiceWorld {
 *       void sayWorld(String a, String b);
 *   }
 */
import { defineContract, J, method } from '../../src/index.js';

export const ServiceHello = defineContract('com.uext.remote.rf.service.ServiceHello', {
  sayHello: method([J.String, J.String], J.String),
  sayHelloInteger: method([J.Integer, J.Integer], J.Integer),
});

export const ServiceWorld = defineContract('com.uext.remote.rf.service.ServiceWorld', {
  sayWorld: method([J.String, J.String], J.void),
});
