export { OtlpReceiver, SPAN_KIND, type ReceivedLogRecord, type ReceivedMetricPoint, type ReceivedSpan } from './otlp-receiver.ts';
export { createTestDatabase, type TestDatabase } from './test-database.ts';
export { TestIdentityProvider, TEST_AUDIENCE, TEST_ISSUER, type TokenClaims } from './identity-provider.ts';
export { ServiceProcess, REPO_ROOT, SERVICE_NODE_FLAGS, type ExitStatus, type ServiceProcessOptions } from './service-process.ts';
export { serviceEnv, TEST_INTERNAL_TOKEN, type ServiceEnvOptions } from './service-env.ts';
export { databaseUrl, localInfra } from './local-infra.ts';
export { freePort } from './free-port.ts';
export { KafkaProbe, type ProbedMessage } from './kafka-probe.ts';
export { createTestApp } from './test-app.ts';
