import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type Admin, type LogEntry } from 'kafkajs';
import { isLocalHost, loadConfig, type InfraConfig } from './config.ts';
import { commandPath, InfraError, isRunning, lastLines, readPidFile, run, stopByPidFile, tailFile, waitFor, withTimeout, type Summary } from './process.ts';

// kafkajs prints a banner about its v2 default partitioner on every producer; we know.
process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const START_TIMEOUT_MS = 120_000;
const WARMUP_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 30_000;
// What the broker's command line contains; used to recognise our pid after a reboot.
const PROCESS_MARKER = 'kafka.Kafka';
// Our own, so warming up never puts a stray message on a topic services consume.
// Double underscore: infrastructure, not a business topic; no '.' so Kafka's
// "period/underscore may collide" warning does not apply.
export const WARMUP_TOPIC = '__bankshop_warmup';
export const WARMUP_GROUP = 'bankshop-infra-warmup';

interface KafkaFiles {
  pom: string;
  libs: string;
  state: string;
  data: string;
  properties: string;
  log4j: string;
  serverLog: string;
  stdoutLog: string;
  pid: string;
}

function kafkaFiles(cfg: InfraConfig): KafkaFiles {
  const { homeDir, stateDir } = cfg.kafka;
  return {
    pom: join(homeDir, 'pom.xml'),
    libs: join(homeDir, 'libs'),
    state: stateDir,
    data: join(stateDir, 'data'),
    properties: join(stateDir, 'server.properties'),
    log4j: join(stateDir, 'log4j2.xml'),
    serverLog: join(stateDir, 'server.log'),
    stdoutLog: join(stateDir, 'kafka.out'),
    pid: join(stateDir, 'kafka.pid'),
  };
}

// kafkajs logs every refused connection while we poll a starting broker. Keep its warnings and
// errors out of the terminal and show the latest distinct ones only when we fail.
const kafkajsLog: string[] = [];
function logCreator() {
  return ({ namespace, label, log }: LogEntry) => {
    const line = `${label} [${namespace}] ${log.message}${log.error ? `: ${String(log.error)}` : ''}`;
    if (kafkajsLog.includes(line)) return;
    kafkajsLog.push(line);
    if (kafkajsLog.length > 15) kafkajsLog.shift();
  };
}

function client(cfg: InfraConfig, retries: number): Kafka {
  return new Kafka({
    clientId: 'bankshop-infra',
    brokers: cfg.kafka.brokers,
    connectionTimeout: 2000,
    requestTimeout: 10_000,
    retry: { retries, initialRetryTime: 200, maxRetryTime: 2000 },
    logLevel: logLevel.WARN,
    logCreator,
  });
}

/**
 * Makes a Kafka broker available at KAFKA_BROKERS with the service topics, and warms up its
 * coordinators. Reuses a broker that answers; otherwise runs Apache Kafka's jars (fetched once
 * into the cache) as a single-node KRaft broker+controller.
 */
export async function ensureKafka(cfg: InfraConfig = loadConfig()): Promise<Summary> {
  const address = cfg.kafka.brokers.join(',');
  const f = kafkaFiles(cfg);
  try {
    let action: Summary['action'] = 'reused';
    if (!(await answers(cfg))) {
      const listener = singleLocalBroker(cfg);
      const pid = readPidFile(f.pid);
      if (pid !== undefined && isRunning(pid, PROCESS_MARKER)) {
        // Ours, but still starting (another infra:up, or a startKafka() a moment ago): wait for
        // it, unless it was started for another address; there is one broker per cache dir.
        const running = readFileSync(f.properties, 'utf8').match(/^advertised\.listeners=PLAINTEXT:\/\/(.+)$/m)?.[1];
        if (running !== `${listener.host}:${listener.port}`) {
          throw new InfraError(`The Kafka infra:up started (pid ${pid}) serves ${running ?? 'another address'}, not ${address}; run infra:down first.`);
        }
      } else {
        await startBroker(cfg, f, listener);
        action = 'started';
      }
      await waitUntilAnswering(cfg, f);
    }
    const created = await ensureTopics(cfg);
    const warmed = await warmUp(cfg, action === 'started');
    const pid = readPidFile(f.pid);
    const owner = pid !== undefined && isRunning(pid, PROCESS_MARKER) ? `pid ${pid}` : 'not started by infra:up';
    const topics = created.length ? `created topics ${created.join(', ')}` : `${cfg.kafka.topics.length} topics`;
    return { component: 'kafka', action, address, detail: `${owner}; ${topics}; ${warmed}` };
  } catch (err) {
    throw withKafkajsLog(err);
  }
}

/** Starts Kafka again after stopKafka(); the same as ensureKafka(). */
export const startKafka = ensureKafka;

/** Stops the broker infra:up started (pid file): SIGTERM, SIGKILL after 30s. A reused broker is left alone. */
export function stopKafka(cfg: InfraConfig = loadConfig()): Promise<boolean> {
  return stopByPidFile(kafkaFiles(cfg).pid, PROCESS_MARKER, STOP_GRACE_MS);
}

function withKafkajsLog(err: unknown): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  if (!kafkajsLog.length) return e;
  const wrapped = new InfraError(`${e.message}\n--- kafkajs (latest warnings/errors)\n${kafkajsLog.join('\n')}`);
  kafkajsLog.length = 0;
  return wrapped;
}

/** One quick attempt: does a broker answer metadata requests? */
async function answers(cfg: InfraConfig): Promise<boolean> {
  const admin = client(cfg, 0).admin();
  try {
    await admin.connect();
    await admin.describeCluster();
    return true;
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

async function waitUntilAnswering(cfg: InfraConfig, f: KafkaFiles): Promise<void> {
  try {
    await waitFor(`Kafka at ${cfg.kafka.brokers.join(',')}`, START_TIMEOUT_MS, async () => {
      if (await answers(cfg)) return true;
      const pid = readPidFile(f.pid);
      if (pid === undefined || !isRunning(pid, PROCESS_MARKER)) throw new InfraError('the Kafka process exited');
      return undefined;
    }, 1000);
  } catch (err) {
    throw new InfraError(`${(err as Error).message}\n${brokerLogs(f)}`);
  } finally {
    // Refused connections while the broker was starting are expected, and if it never came up
    // its own logs above say why; keep the buffer for failures after this point.
    kafkajsLog.length = 0;
  }
}

/**
 * What Kafka said about this start: its ERROR lines and their "Caused by" chain (a raw tail is
 * mostly stack frames), else the tail of its log; plus anything it printed to stdout/stderr.
 */
function brokerLogs(f: KafkaFiles): string {
  const server = tailFile(f.serverLog, 500);
  const causes = server.split('\n').filter((l) => / (ERROR|FATAL) |^Caused by:/.test(l)).slice(-12);
  const stdout = tailFile(f.stdoutLog, 15);
  return [
    causes.length ? `--- errors in ${f.serverLog}\n${causes.join('\n')}` : server && `--- ${f.serverLog}\n${lastLines(server, 25)}`,
    stdout && `--- ${f.stdoutLog}\n${stdout}`,
  ].filter(Boolean).join('\n');
}

async function startBroker(cfg: InfraConfig, f: KafkaFiles, listener: { host: string; port: number }): Promise<void> {
  const java = javaCommand();
  await ensureJars(cfg, f);
  mkdirSync(f.state, { recursive: true });
  writeFileSync(f.properties, serverProperties(listener, f));
  writeFileSync(f.log4j, log4jConfig(f.serverLog));
  // One previous run's logs are kept; the current files then show only this start, so the tail
  // we print on failure is about this start.
  for (const log of [f.serverLog, f.stdoutLog]) if (existsSync(log)) renameSync(log, `${log}.1`);
  await formatStorage(java, f);
  launch(java, f);
}

/** The host and port we can start a broker on, from KAFKA_BROKERS. */
function singleLocalBroker(cfg: InfraConfig): { host: string; port: number } {
  const brokers = cfg.kafka.brokers;
  const [host = '', port = ''] = (brokers[0] ?? '').split(':');
  if (brokers.length !== 1 || !isLocalHost(host) || !Number(port)) {
    throw new InfraError(`No Kafka answers at ${brokers.join(',')}, and infra:up only starts a single broker on this machine (KAFKA_BROKERS=127.0.0.1:<port>).`);
  }
  return { host, port: Number(port) };
}

function javaCommand(): string {
  const java = process.env.JAVA_HOME ? join(process.env.JAVA_HOME, 'bin', 'java') : commandPath('java');
  if (!java || !existsSync(java)) {
    throw new InfraError('Java is not installed; Kafka needs Java 17 or newer (Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless).');
  }
  return java;
}

/**
 * Resolves Kafka's runtime jars with Maven into <cache>/kafka-<version>/libs, once.
 * Maven picks the transitive versions; slf4j-api is pinned because otherwise it resolves 1.7,
 * which the log4j slf4j2 binding cannot serve (no logging, and a warning on every start).
 */
async function ensureJars(cfg: InfraConfig, f: KafkaFiles): Promise<void> {
  if (existsSync(f.libs)) return;
  if (!commandPath('mvn')) {
    throw new InfraError(`Kafka's jars are not cached yet and Maven is missing to fetch them (Debian/Ubuntu: apt-get install -y maven).`);
  }
  mkdirSync(cfg.kafka.homeDir, { recursive: true });
  writeFileSync(f.pom, pom(cfg));
  // Download next to the final directory and rename: an interrupted download is never mistaken
  // for a complete one, since "libs exists" is the only check.
  const partial = `${f.libs}.partial`;
  rmSync(partial, { recursive: true, force: true });
  await run('mvn', ['-q', '-B', '-f', f.pom, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${partial}`], {
    cwd: cfg.kafka.homeDir,
    timeoutMs: 15 * 60_000,
  });
  renameSync(partial, f.libs);
}

function pom(cfg: InfraConfig): string {
  const dep = (g: string, a: string, v: string) =>
    `    <dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`;
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>local.bankshop</groupId>
  <artifactId>kafka-runtime</artifactId>
  <version>${cfg.kafka.version}</version>
  <packaging>pom</packaging>
  <dependencies>
${dep('org.apache.kafka', `kafka_${cfg.kafka.scalaVersion}`, cfg.kafka.version)}
${dep('org.apache.logging.log4j', 'log4j-slf4j2-impl', '2.26.1')}
${dep('org.apache.logging.log4j', 'log4j-core', '2.26.1')}
${dep('org.slf4j', 'slf4j-api', '2.0.20')}
  </dependencies>
</project>
`;
}

function serverProperties(listener: { host: string; port: number }, f: KafkaFiles): string {
  const controller = `${listener.host}:${listener.port + 1}`;
  return `# Written by scripts/infra/kafka.ts on every start; edits are overwritten.
process.roles=broker,controller
node.id=1
# Not controller.quorum.voters: "format --standalone" requires the bootstrap-servers form.
controller.quorum.bootstrap.servers=${controller}
listeners=PLAINTEXT://${listener.host}:${listener.port},CONTROLLER://${controller}
advertised.listeners=PLAINTEXT://${listener.host}:${listener.port}
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${f.data}
num.partitions=3
auto.create.topics.enable=false
# One broker: every internal topic has a single replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
# A single partition for the internal topics (default 50): they are created and loaded faster on
# first use and after each restart, and one broker gains nothing from spreading coordinators.
offsets.topic.num.partitions=1
transaction.state.log.num.partitions=1
# Tests create consumer groups all the time; do not wait 3s for more members to join.
group.initial.rebalance.delay.ms=0
`;
}

function log4jConfig(serverLog: string): string {
  const file = serverLog.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  // WARN and above only, plus the line saying the server started, to one file in the cache.
  // No log4j shutdown hook: Kafka logs from its own hook, which made log4j warn "Unable to register
  // shutdown hook" on every stop; the appender flushes each line anyway.
  return `<?xml version="1.0" encoding="UTF-8"?>
<Configuration status="WARN" shutdownHook="disable">
  <Appenders>
    <File name="file" fileName="${file}" append="true">
      <PatternLayout pattern="[%d] %p %m (%c)%n"/>
    </File>
  </Appenders>
  <Loggers>
    <Logger name="kafka.server.KafkaRaftServer" level="INFO"/>
    <Root level="WARN"><AppenderRef ref="file"/></Root>
  </Loggers>
</Configuration>
`;
}

function jvmArgs(f: KafkaFiles): string[] {
  return [
    '-Xms256m', '-Xmx512m', '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    `-Dlog4j2.configurationFile=${f.log4j}`,
    // Java expands the trailing * itself; no shell involved.
    '-cp', join(f.libs, '*'),
  ];
}

/** Formats the KRaft metadata directory, only the first time (meta.properties is its proof). */
async function formatStorage(java: string, f: KafkaFiles): Promise<void> {
  if (existsSync(join(f.data, 'meta.properties'))) return;
  // Anything left without meta.properties is an interrupted format; start clean.
  rmSync(f.data, { recursive: true, force: true });
  await run(java, [...jvmArgs(f), 'kafka.tools.StorageTool', 'format', '--standalone', '-t', clusterId(), '-c', f.properties], {
    cwd: f.state,
    timeoutMs: 120_000,
  });
}

/**
 * A Kafka cluster id: 16 random bytes, base64url without padding, like `kafka-storage random-uuid`
 * prints, without paying for a JVM start. Kafka never hands out ids starting with '-' (they read
 * as command-line flags), so neither do we.
 */
function clusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** Starts the broker in the background; it keeps running after this script exits. */
function launch(java: string, f: KafkaFiles): void {
  const out = openSync(f.stdoutLog, 'a');
  try {
    const child = spawn(java, [...jvmArgs(f), PROCESS_MARKER, f.properties], {
      cwd: f.state,
      // Own process group, no pipes back to us: the broker outlives infra:up and its terminal.
      detached: true,
      stdio: ['ignore', out, out],
    });
    child.on('error', () => {}); // a failed start shows up as "process exited" while we wait
    if (child.pid === undefined) throw new InfraError(`could not start ${java}`);
    writeFileSync(f.pid, `${child.pid}\n`);
    child.unref();
  } finally {
    closeSync(out);
  }
}

/** Creates the service topics (and the warm-up topic) that are missing. Returns those created. */
async function ensureTopics(cfg: InfraConfig): Promise<string[]> {
  const admin = client(cfg, 5).admin();
  await admin.connect();
  try {
    // A broker that has just started may still refuse topic creation for a moment; retry.
    return await waitFor('Kafka topic creation', START_TIMEOUT_MS, () => createMissingTopics(admin, cfg));
  } finally {
    await admin.disconnect();
  }
}

async function createMissingTopics(admin: Admin, cfg: InfraConfig): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const wanted = [...cfg.kafka.topics.map((topic) => ({ topic, numPartitions: cfg.kafka.partitions })), { topic: WARMUP_TOPIC, numPartitions: 1 }];
  const missing = wanted.filter((t) => !existing.has(t.topic));
  if (missing.length) {
    // Already-existing topics (a concurrent infra:up) are not an error for kafkajs.
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((t) => ({ ...t, replicationFactor: cfg.kafka.replicationFactor })),
    });
  }
  return missing.filter((t) => t.topic !== WARMUP_TOPIC).map((t) => t.topic);
}

/**
 * Drives the broker's coordinators through first use, so the services' first producer and
 * consumer group do not meet "coordinator is loading" / "not available" errors: one idempotent
 * produce (producer id allocation), one consumer group join and offset commit (creates and loads
 * __consumer_offsets). On a reused broker, reading the warm-up group's committed offset is enough
 * proof, and fast.
 */
async function warmUp(cfg: InfraConfig, justStarted: boolean): Promise<string> {
  if (!justStarted && (await alreadyWarm(cfg))) return 'coordinators ready';
  const started = Date.now();
  await waitFor('Kafka coordinators to warm up (idempotent produce, group join and commit)', WARMUP_TIMEOUT_MS, async () => {
    await produceAndConsumeOnce(client(cfg, 5));
    return true;
  }, 1000);
  return `warmed up in ${((Date.now() - started) / 1000).toFixed(1)}s`;
}

async function alreadyWarm(cfg: InfraConfig): Promise<boolean> {
  const admin = client(cfg, 5).admin();
  try {
    await admin.connect();
    const [topic] = await admin.fetchOffsets({ groupId: WARMUP_GROUP, topics: [WARMUP_TOPIC] });
    return Boolean(topic?.partitions.some((p) => Number(p.offset) > 0));
  } catch {
    return false;
  } finally {
    await admin.disconnect().catch(() => {});
  }
}

async function produceAndConsumeOnce(kafka: Kafka): Promise<void> {
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    await producer.send({ topic: WARMUP_TOPIC, acks: -1, messages: [{ key: 'warmup', value: new Date().toISOString() }] });
  } finally {
    await producer.disconnect();
  }

  const consumer = kafka.consumer({ groupId: WARMUP_GROUP });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [WARMUP_TOPIC], fromBeginning: true });
    // There is at least the message just sent past any committed offset: consume one, commit it.
    // Bounded per attempt, so a stuck join is retried (by waitFor) instead of hanging.
    const consumed = new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachMessage: async ({ topic, partition, message }) => {
            await consumer.commitOffsets([{ topic, partition, offset: (BigInt(message.offset) + 1n).toString() }]);
            resolve();
          },
        })
        .catch(reject);
      consumer.on(consumer.events.CRASH, (e) => reject(e.payload.error));
    });
    await withTimeout('warm-up consumer', 20_000, consumed);
  } finally {
    await consumer.disconnect();
  }
}
