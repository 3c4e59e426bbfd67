import { parseAllDocuments } from 'yaml';
import { SERVICES } from '../../../libs/contracts/src/services.ts';
import { TOPIC_PARTITIONS, TOPICS } from '../../../libs/contracts/src/topics.ts';
import { configClassOf, configProblems } from './service-config.ts';
import { findings, run, withTool, type Findings } from './support.ts';

/** Built and checked; the demo overlay also reads files outside k8s/ (otel/, prometheus/, tools/). */
const OVERLAYS = ['k8s/base', 'k8s/overlays/demo'];
const AUTOSCALED = ['gateway', 'transaction', 'order'];

interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } };
}

interface Container {
  name: string;
  command?: string[];
  args?: string[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  readinessProbe?: { httpGet?: { path?: string } };
  livenessProbe?: { httpGet?: { path?: string } };
  resources?: { requests?: { memory?: string }; limits?: { memory?: string } };
}

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  spec?: Record<string, unknown> & {
    template?: { metadata?: { labels?: Record<string, string> }; spec?: { containers?: Container[]; initContainers?: Container[] } };
    podSelector?: { matchLabels?: Record<string, string> };
    policyTypes?: string[];
    ingress?: { from?: unknown[] }[];
    scaleTargetRef?: { name: string };
  };
}

/**
 * Every overlay builds (kustomize), every object is valid for Kubernetes (kubeconform, strict,
 * against schemas on disk: see ensure-tool.sh k8s-schemas), and what a schema cannot say: each
 * service has its Deployment, Service, probes, resources, disruption budget, the autoscalers
 * exist, every service gets the environment its config class demands, and the network policies
 * leave only the gateway open.
 */
export async function checkKubernetes(): Promise<Findings> {
  const result = findings();
  let kustomize = '';
  let kubeconform = '';
  let schemas = '';
  withTool('kustomize', result, 'kustomize build and every check of the built objects', (path) => (kustomize = path));
  if (!kustomize) return result;
  withTool('kubeconform', result, 'kubeconform', (path) => (kubeconform = path));
  if (kubeconform) withTool('k8s-schemas', result, 'kubeconform', (path) => (schemas = path));
  for (const overlay of OVERLAYS) {
    // The demo overlay reads the collector, Prometheus and PostgreSQL files of the repository.
    const built = run(kustomize, ['build', '--load-restrictor', 'LoadRestrictionsNone', overlay]);
    if (!built.ok) {
      result.problems.push(`${overlay}: kustomize build failed: ${built.output}`);
      continue;
    }
    if (kubeconform && schemas) {
      const validated = run(kubeconform, ['-strict', '-summary', '-schema-location', `${schemas}/{{ .ResourceKind }}{{ .KindSuffix }}.json`, '-'], {
        input: built.output,
      });
      if (!validated.ok) result.problems.push(`${overlay}: kubeconform:\n${validated.output}`);
      else result.notes.push(`${overlay}: ${validated.output.split('\n').at(-1)}`);
    }
    const objects = parseAllDocuments(built.output).map((doc) => doc.toJS() as K8sObject).filter(Boolean);
    await checkObjects(overlay, objects, result);
  }
  return result;
}

async function checkObjects(overlay: string, objects: K8sObject[], result: Findings): Promise<void> {
  const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  const problem = (message: string) => result.problems.push(`${overlay}: ${message}`);

  for (const { name, port } of SERVICES) {
    const deployment = find('Deployment', name);
    if (!deployment) {
      problem(`no Deployment ${name}`);
      continue;
    }
    if (!find('Service', name)) problem(`no Service ${name}`);
    if (!find('PodDisruptionBudget', name)) problem(`no PodDisruptionBudget ${name}`);
    const hpa = objects.find((o) => o.kind === 'HorizontalPodAutoscaler' && o.spec?.scaleTargetRef?.name === name);
    if (AUTOSCALED.includes(name) !== Boolean(hpa)) problem(`${name}: ${hpa ? 'unexpected' : 'missing'} HorizontalPodAutoscaler`);
    const container = deployment.spec?.template?.spec?.containers?.find((c) => c.name === name);
    if (!container) {
      problem(`${name}: no container named ${name}`);
      continue;
    }
    if (container.readinessProbe?.httpGet?.path !== '/health/ready') problem(`${name}: readiness probe must be GET /health/ready`);
    if (container.livenessProbe?.httpGet?.path !== '/health/live') problem(`${name}: liveness probe must be GET /health/live`);
    const env = environmentOf(container, objects);
    if (env.PORT !== String(port)) problem(`${name}: PORT is ${env.PORT}, the service's port is ${port}`);
    for (const message of configProblems(await configClassOf(name), env)) problem(`${name} would refuse to start: ${message}`);
  }

  for (const object of objects) {
    for (const container of [...(object.spec?.template?.spec?.containers ?? []), ...(object.spec?.template?.spec?.initContainers ?? [])]) {
      if (!container.resources?.limits?.memory || !container.resources.requests?.memory) {
        problem(`${object.kind} ${object.metadata.name}: container ${container.name} needs memory requests and limits`);
      }
    }
  }

  checkNetworkPolicies(objects, problem);
  const ingress = objects.filter((o) => o.kind === 'Ingress');
  for (const object of ingress) {
    const backends = JSON.stringify(object.spec).match(/"service":\{"name":"([^"]+)"/g) ?? [];
    if (backends.some((backend) => !backend.endsWith('"gateway"'))) problem(`Ingress ${object.metadata.name} routes to something other than the gateway`);
  }

  const topicsJob = find('Job', 'kafka-topics');
  if (topicsJob) {
    const env = environmentOf((topicsJob.spec?.template?.spec?.containers ?? [])[0]!, objects);
    if ((env.TOPICS ?? '').split(/\s+/).sort().join() !== [...TOPICS].sort().join()) problem(`Job kafka-topics creates ${env.TOPICS}, the contracts list ${TOPICS.join(' ')}`);
    if (Number(env.PARTITIONS) !== TOPIC_PARTITIONS) problem(`Job kafka-topics: ${env.PARTITIONS} partitions, TOPIC_PARTITIONS is ${TOPIC_PARTITIONS}`);
  }
}

/** The environment a container gets, resolved through the ConfigMaps and Secrets of the build. */
function environmentOf(container: Container, objects: K8sObject[]): Record<string, string> {
  const valuesOf = (kind: string, name: string): Record<string, string> => {
    const object = objects.find((o) => o.kind === kind && o.metadata.name === name);
    const decoded = Object.fromEntries(Object.entries(object?.data ?? {}).map(([k, v]) => [k, kind === 'Secret' ? Buffer.from(v, 'base64').toString('utf8') : v]));
    return { ...decoded, ...object?.stringData };
  };
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    if (source.configMapRef) Object.assign(env, valuesOf('ConfigMap', source.configMapRef.name));
    if (source.secretRef) Object.assign(env, valuesOf('Secret', source.secretRef.name));
  }
  for (const variable of container.env ?? []) {
    const ref = variable.valueFrom?.secretKeyRef ?? variable.valueFrom?.configMapKeyRef;
    const kind = variable.valueFrom?.secretKeyRef ? 'Secret' : 'ConfigMap';
    const value = ref ? valuesOf(kind, ref.name)[ref.key] : variable.value;
    if (value !== undefined) env[variable.name] = value;
  }
  return env;
}

/**
 * Ingress to the services' pods: a default deny for the namespace, and an allow-from-anywhere
 * rule on the gateway only. Every other service pod may be reached only by rules with a `from`.
 */
function checkNetworkPolicies(objects: K8sObject[], problem: (message: string) => void): void {
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy');
  const selects = (policy: K8sObject, labels: Record<string, string>) =>
    Object.entries(policy.spec?.podSelector?.matchLabels ?? {}).every(([key, value]) => labels[key] === value);
  const defaultDeny = policies.some(
    (p) => Object.keys(p.spec?.podSelector?.matchLabels ?? {}).length === 0 && p.spec?.policyTypes?.includes('Ingress') && !(p.spec?.ingress?.length),
  );
  if (!defaultDeny) problem('no default-deny ingress NetworkPolicy');
  for (const { name } of SERVICES) {
    const labels = objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name)?.spec?.template?.metadata?.labels ?? {};
    const openToAll = policies.filter((p) => selects(p, labels) && (p.spec?.ingress ?? []).some((rule) => !rule.from?.length));
    if (name === 'gateway' && openToAll.length === 0) problem('the gateway is not reachable from the Ingress (no NetworkPolicy admits it)');
    if (name !== 'gateway' && openToAll.length > 0) problem(`${name} is open to any source by NetworkPolicy ${openToAll.map((p) => p.metadata.name).join(', ')}`);
  }
}
