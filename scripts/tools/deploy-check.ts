/**
 * `npm run deploy:check`: every static check of the deployment files, without a Docker engine or
 * a cluster. Part of `npm test` (after the type check, which builds the services whose config
 * classes the environment checks load).
 *
 *   collector    otelcol validate (a collector built from otel/builder-config.yaml), components
 *   prometheus   promtool check config / check rules / test rules
 *   dashboards   Grafana JSON and provisioning; every metric a panel or rule reads is in otel/metrics.yaml
 *   compose      compose-spec schema, builds, environments, dependencies, healthchecks, memory
 *   dockerfile   multi-stage on node:24-slim, APP selects the service, non-root, production
 *                dependencies only, the service's own start command, copied files exist
 *   kubernetes   kustomize build of every overlay, kubeconform (strict), probes, policies, environments
 *
 * The Go tools and the Kubernetes schemas are built into ~/.cache/bankshop/tools on first use
 * (scripts/tools/ensure-tool.sh); cold, that is a long compile once per machine, which CI starts
 * in the background early (.ci/run). A tool that cannot be had at all (no Go, python3 or
 * docker-compose) skips what needs it with a SKIPPED note; a tool that fails to build fails the
 * check. Run a subset with `npm run deploy:check -- compose kubernetes`.
 */
import { checkCompose } from './deploy-check/compose.ts';
import { checkDockerfile } from './deploy-check/dockerfile.ts';
import { checkKubernetes } from './deploy-check/kubernetes.ts';
import { checkAlertMetrics, checkCollector, checkDashboards, checkPrometheus, knownMetricNames } from './deploy-check/observability.ts';
import { findings, type Findings } from './deploy-check/support.ts';

const CHECKS: Record<string, () => Findings | Promise<Findings>> = {
  collector: checkCollector,
  prometheus: checkPrometheus,
  dashboards: () => {
    const result = findings();
    const known = knownMetricNames(result);
    for (const part of [checkAlertMetrics(known), checkDashboards(known)]) {
      result.problems.push(...part.problems);
      result.notes.push(...part.notes);
    }
    return result;
  },
  compose: checkCompose,
  dockerfile: checkDockerfile,
  kubernetes: checkKubernetes,
};

const selected = process.argv.slice(2);
const unknown = selected.filter((name) => !(name in CHECKS));
if (unknown.length) {
  console.error(`unknown check(s) ${unknown.join(', ')}; choose from ${Object.keys(CHECKS).join(', ')}`);
  process.exit(2);
}

const started = Date.now();
let failed = 0;
for (const [name, check] of Object.entries(CHECKS)) {
  if (selected.length && !selected.includes(name)) continue;
  const began = Date.now();
  let result: Findings;
  try {
    result = await check();
  } catch (error) {
    result = { problems: [(error as Error).stack ?? String(error)], notes: [] };
  }
  const seconds = ((Date.now() - began) / 1000).toFixed(1);
  console.log(`${result.problems.length ? '✗' : '✓'} ${name} (${seconds} s)`);
  for (const note of result.notes) console.log(`    ${note}`);
  for (const problem of result.problems) console.log(`  ✗ ${problem.replaceAll('\n', '\n      ')}`);
  if (result.problems.length) failed++;
}
console.log(`deploy:check ${failed ? `failed (${failed} check${failed > 1 ? 's' : ''})` : 'passed'} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);
