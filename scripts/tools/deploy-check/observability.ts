import { readdirSync, readFileSync } from 'node:fs';
import { findings, readText, readYaml, REPO, run, withTool, type Findings } from './support.ts';

// ---------------------------------------------------------------------------------------------
// The collector

interface CollectorConfig {
  receivers?: Record<string, unknown>;
  processors?: Record<string, unknown>;
  exporters?: Record<string, unknown>;
  connectors?: Record<string, unknown>;
  extensions?: Record<string, unknown>;
}

/** Test ports for the overrides file's `${env:...}` references, so that it validates. */
const TEST_OVERRIDES_ENV = {
  TEST_HEALTH_PORT: '13133',
  TEST_OTLP_GRPC_PORT: '4317',
  TEST_OTLP_HTTP_PORT: '4318',
  TEST_RECEIVER_ENDPOINT: 'http://127.0.0.1:4319',
};

/**
 * `otelcol validate` on the configuration (and on the test variant the collector spec runs),
 * with the collector built from otel/builder-config.yaml; and the manifest lists exactly the
 * component types the two configurations use, no more, no fewer.
 */
export function checkCollector(): Findings {
  const result = findings();
  withTool('otelcol', result, 'otelcol validate', (otelcol) => {
    const main = run(otelcol, ['validate', '--config=otel/collector-config.yaml']);
    if (!main.ok) result.problems.push(`otelcol validate otel/collector-config.yaml:\n${main.output}`);
    const variant = run(otelcol, ['validate', '--config=otel/collector-config.yaml', '--config=otel/collector-test-overrides.yaml'], { env: TEST_OVERRIDES_ENV });
    if (!variant.ok) result.problems.push(`otelcol validate with collector-test-overrides.yaml:\n${variant.output}`);
    result.notes.push('otelcol validate: collector-config.yaml and the test variant are valid');
  });

  const used = new Set<string>();
  for (const file of ['otel/collector-config.yaml', 'otel/collector-test-overrides.yaml']) {
    const config = readYaml<CollectorConfig>(file);
    for (const kind of ['receivers', 'processors', 'exporters', 'connectors', 'extensions'] as const) {
      for (const id of Object.keys(config[kind] ?? {})) used.add(`${kind}:${normalise(id.split('/')[0]!)}`);
    }
  }
  const manifest = readYaml<Record<string, { gomod: string }[] | undefined>>('otel/builder-config.yaml');
  const built = new Set<string>();
  for (const kind of ['receivers', 'processors', 'exporters', 'connectors', 'extensions']) {
    const suffix = kind.slice(0, -1);
    for (const { gomod } of manifest[kind] ?? []) built.add(`${kind}:${gomod.split(' ')[0]!.split('/').at(-1)!.replace(new RegExp(`${suffix}$`), '')}`);
  }
  for (const component of used) if (!built.has(component)) result.problems.push(`builder-config.yaml lacks ${component}, which the configuration uses`);
  for (const component of built) if (!used.has(component)) result.problems.push(`builder-config.yaml builds ${component}, which no configuration uses`);
  result.notes.push(`builder-config.yaml: ${built.size} components, exactly those the configurations use`);
  return result;
}

/** `memory_limiter` and the module `memorylimiterprocessor` name the same type. */
const normalise = (type: string) => type.replaceAll('_', '');

// ---------------------------------------------------------------------------------------------
// Prometheus

export function checkPrometheus(): Findings {
  const result = findings();
  withTool('promtool', result, 'promtool', (promtool) => {
    for (const args of [
      ['check', 'config', 'prometheus/prometheus.yml'],
      ['check', 'rules', 'prometheus/alerts.yml'],
      ['test', 'rules', 'prometheus/alerts.test.yml'],
    ]) {
      const check = run(promtool, args);
      if (!check.ok) result.problems.push(`promtool ${args.join(' ')}:\n${check.output}`);
    }
    result.notes.push('promtool: config and rules valid, rule unit tests pass');
  });
  return result;
}

// ---------------------------------------------------------------------------------------------
// The metric contract (otel/metrics.yaml)

interface ContractMetric {
  name: string;
  kind: 'counter' | 'gauge' | 'histogram' | 'updowncounter';
  unit?: string;
  planned?: boolean;
}

interface Contract {
  metrics: ContractMetric[];
  external: { prometheus_name: string }[];
}

const UNIT_SUFFIX: Record<string, string> = { s: 'seconds', ms: 'milliseconds', By: 'bytes', '1': 'ratio' };

/** The Prometheus name of an OpenTelemetry metric, as Prometheus's OTLP receiver names it (prometheus.yml). */
export function prometheusNames(metric: ContractMetric): string[] {
  const unit = metric.unit ? UNIT_SUFFIX[metric.unit] : undefined;
  const base = [metric.name.replaceAll('.', '_'), ...(unit ? [unit] : [])].join('_');
  if (metric.kind === 'counter') return [`${base}_total`];
  if (metric.kind === 'histogram') return [`${base}_bucket`, `${base}_sum`, `${base}_count`];
  return [base];
}

const INSTRUMENT_KIND: Record<string, ContractMetric['kind']> = {
  Counter: 'counter',
  ObservableCounter: 'counter',
  UpDownCounter: 'updowncounter',
  ObservableUpDownCounter: 'updowncounter',
  Gauge: 'gauge',
  ObservableGauge: 'gauge',
  Histogram: 'histogram',
};

/** Instruments created in the services' and libraries' code: name, kind and unit. */
function metricsInCode(): { name: string; kind: ContractMetric['kind']; unit?: string; file: string }[] {
  const found: { name: string; kind: ContractMetric['kind']; unit?: string; file: string }[] = [];
  for (const root of ['apps', 'libs']) {
    for (const file of readdirSync(`${REPO}${root}`, { recursive: true, encoding: 'utf8' })) {
      if (!file.endsWith('.ts') || file.endsWith('.spec.ts') || file.includes('node_modules') || file.includes('/dist/')) continue;
      const text = readFileSync(`${REPO}${root}/${file}`, 'utf8');
      for (const match of text.matchAll(/\.create(\w+)\(\s*'([^']+)'\s*,?\s*(\{(?:[^{}]|\{[^{}]*\})*\})?/g)) {
        const kind = INSTRUMENT_KIND[match[1]!];
        if (!kind) continue;
        const unit = /unit:\s*'([^']*)'/.exec(match[3] ?? '')?.[1];
        found.push({ name: match[2]!, kind, ...(unit ? { unit } : {}), file: `${root}/${file}` });
      }
    }
  }
  return found;
}

/** Every Prometheus metric name the dashboards and rules may use, from the contract. */
export function knownMetricNames(result: Findings): Set<string> {
  const contract = readYaml<Contract>('otel/metrics.yaml');
  const known = new Set<string>();
  for (const metric of contract.metrics) for (const name of prometheusNames(metric)) known.add(name);
  for (const external of contract.external) {
    const name = external.prometheus_name;
    known.add(name);
    for (const suffix of ['_bucket', '_sum', '_count']) known.add(`${name}${suffix}`);
  }
  for (const inCode of metricsInCode()) {
    const declared = contract.metrics.find((metric) => metric.name === inCode.name);
    if (!declared) {
      result.notes.push(`metric ${inCode.name} (${inCode.file}) is not in otel/metrics.yaml; add it there to use it in a dashboard or alert`);
      continue;
    }
    if (declared.kind !== inCode.kind || (declared.unit ?? '') !== (inCode.unit ?? '')) {
      result.problems.push(
        `metric ${inCode.name}: ${inCode.file} creates a ${inCode.kind}${inCode.unit ? ` in ${inCode.unit}` : ''}, ` +
          `otel/metrics.yaml says ${declared.kind}${declared.unit ? ` in ${declared.unit}` : ''} (the Prometheus name would differ)`,
      );
    }
  }
  return known;
}

/** Metric names in a PromQL expression: identifiers of our namespaces, not functions or labels. */
function metricNamesIn(expr: string): string[] {
  const withoutLabels = expr.replace(/\{[^}]*\}/g, '{}').replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '');
  return [...withoutLabels.matchAll(/\b(bankshop_\w+|traces_span_metrics_\w+|kafka_\w+|[a-z_]+:[a-z_]+:\w+)\b/g)].map((m) => m[1]!);
}

// ---------------------------------------------------------------------------------------------
// Alert rules and dashboards

interface Rules {
  groups: { name: string; rules: { alert?: string; record?: string; expr: string }[] }[];
}

export function checkAlertMetrics(known: Set<string>): Findings {
  const result = findings();
  const rules = readYaml<Rules>('prometheus/alerts.yml');
  for (const group of rules.groups) for (const rule of group.rules) if (rule.record) known.add(rule.record);
  for (const group of rules.groups) {
    for (const rule of group.rules) {
      for (const name of metricNamesIn(rule.expr)) {
        if (!known.has(name)) result.problems.push(`alerts.yml ${rule.alert ?? rule.record}: unknown metric ${name} (not in otel/metrics.yaml)`);
      }
    }
  }
  const wanted = ['PaymentSuccessRateLow', 'OrderSuccessRateLow', 'ReconciliationDiscrepancies', 'CircuitBreakerOpen', 'OutboxLagHigh', 'ErrorBudgetBurnFast', 'ErrorBudgetBurnSlow'];
  const alerts = new Set(rules.groups.flatMap((group) => group.rules.map((rule) => rule.alert)));
  for (const alert of wanted) if (!alerts.has(alert)) result.problems.push(`alerts.yml: the ${alert} alert is missing`);
  return result;
}

interface Panel {
  id?: number;
  type?: string;
  title?: string;
  gridPos?: { x: number; y: number; w: number; h: number };
  datasource?: { type?: string; uid?: string };
  targets?: { refId?: string; expr?: string; datasource?: { uid?: string } }[];
  panels?: Panel[];
}

interface Dashboard {
  uid?: string;
  title?: string;
  schemaVersion?: number;
  panels?: Panel[];
  templating?: { list?: { name: string }[] };
}

const PANEL_TYPES = new Set(['row', 'timeseries', 'stat', 'state-timeline', 'table', 'gauge', 'bargauge', 'text', 'heatmap']);
const GRAFANA_VARIABLES = new Set(['__rate_interval', '__interval', '__range', '__all']);

/**
 * The provisioned dashboards: valid JSON with the fields Grafana needs, unique uids and panel
 * ids, panels inside the 24-column grid, every panel on a provisioned data source, every
 * variable defined, every metric in the contract.
 */
export function checkDashboards(known: Set<string>): Findings {
  const result = findings();
  const datasources = readYaml<{ datasources: { uid: string }[] }>('grafana/provisioning/datasources/datasources.yaml').datasources.map((d) => d.uid);
  const provider = readYaml<{ providers: { options: { path: string } }[] }>('grafana/provisioning/dashboards/dashboards.yaml').providers[0];
  const compose = readText('docker-compose.yml');
  if (!provider || !compose.includes(`./grafana/dashboards:${provider.options.path}`)) {
    result.problems.push('grafana: the dashboards provider path is not where docker-compose.yml mounts grafana/dashboards');
  }
  const uids = new Set<string>();
  for (const file of readdirSync(`${REPO}grafana/dashboards`).filter((f) => f.endsWith('.json'))) {
    const where = `grafana/dashboards/${file}`;
    let dashboard: Dashboard;
    try {
      dashboard = JSON.parse(readText(where)) as Dashboard;
    } catch (error) {
      result.problems.push(`${where}: not JSON: ${(error as Error).message}`);
      continue;
    }
    const problem = (message: string) => result.problems.push(`${where}: ${message}`);
    if (!dashboard.uid || dashboard.uid.length > 40) problem('needs a uid of at most 40 characters');
    else if (uids.has(dashboard.uid)) problem(`uid ${dashboard.uid} is used twice`);
    else uids.add(dashboard.uid);
    if (!dashboard.title) problem('needs a title');
    if (typeof dashboard.schemaVersion !== 'number') problem('needs a schemaVersion');
    const panels = (dashboard.panels ?? []).flatMap((panel) => [panel, ...(panel.panels ?? [])]);
    if (panels.filter((panel) => panel.type !== 'row').length === 0) problem('has no panels');
    const variables = new Set((dashboard.templating?.list ?? []).map((variable) => variable.name));
    const ids = new Set<number>();
    for (const panel of panels) {
      const name = `panel "${panel.title ?? panel.id}"`;
      if (typeof panel.id !== 'number' || ids.has(panel.id)) problem(`${name}: needs a unique numeric id`);
      else ids.add(panel.id);
      if (!panel.type || !PANEL_TYPES.has(panel.type)) problem(`${name}: unknown type ${panel.type}`);
      if (!panel.title) problem(`panel ${panel.id}: needs a title`);
      const grid = panel.gridPos;
      if (!grid || [grid.x, grid.y, grid.w, grid.h].some((n) => !Number.isInteger(n) || n < 0) || grid.x + grid.w > 24) {
        problem(`${name}: gridPos must be whole numbers inside the 24 columns`);
      }
      if (panel.type === 'row') continue;
      if (!panel.datasource?.uid || !datasources.includes(panel.datasource.uid)) problem(`${name}: data source ${panel.datasource?.uid} is not provisioned`);
      if (!panel.targets?.length) problem(`${name}: has no queries`);
      for (const target of panel.targets ?? []) {
        if (!target.refId || !target.expr) problem(`${name}: every query needs a refId and an expr`);
        if (target.datasource?.uid && !datasources.includes(target.datasource.uid)) problem(`${name}: data source ${target.datasource.uid} is not provisioned`);
        for (const variable of (target.expr ?? '').matchAll(/\$\{?(\w+)/g)) {
          if (!variables.has(variable[1]!) && !GRAFANA_VARIABLES.has(variable[1]!)) problem(`${name}: variable $${variable[1]} is not defined`);
        }
        for (const metric of metricNamesIn(target.expr ?? '')) if (!known.has(metric)) problem(`${name}: unknown metric ${metric} (not in otel/metrics.yaml)`);
      }
    }
  }
  for (const wanted of ['bankshop-bank', 'bankshop-shop', 'bankshop-services', 'bankshop-platform']) if (!uids.has(wanted)) result.problems.push(`grafana: dashboard ${wanted} is missing`);
  result.notes.push(`grafana: ${uids.size} dashboards valid`);
  return result;
}
