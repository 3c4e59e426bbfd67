/**
 * Turns the Kubernetes JSON schemas of the PyPI package kubernetes-validate into the standalone
 * form kubeconform reads from a local directory (called by ensure-tool.sh k8s-schemas).
 *
 *   node scripts/tools/k8s-schemas.ts <in: v1.NN.0-local-strict> <out>
 *
 * In the package, each kind's schema (`deployment-apps-v1.json`) refers to shared definitions as
 * `/api/_definitions.json#/$defs/<name>` (and they to each other as `#/$defs/<name>`); kubeconform
 * cannot follow the first kind of reference from a file.
 * Each output schema carries, under its own `$defs`, the definitions it reaches (transitively),
 * with the references rewritten to `#/$defs/<name>`. File names stay as they are, which is the
 * naming kubeconform's `{{ .ResourceKind }}{{ .KindSuffix }}.json` template expects.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A reference from a kind's file to the shared file, or (inside the shared file) to a sibling definition. */
const DEFINITION_REF = /^(?:\/api\/_definitions\.json)?#\/\$defs\/(.+)$/;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A copy of `node` with shared references made local; every definition name met goes into `found`. */
function localise(node: Json, found: Set<string>): Json {
  if (Array.isArray(node)) return node.map((item) => localise(item, found));
  if (node === null || typeof node !== 'object') return node;
  const copy: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(node)) {
    const shared = key === '$ref' && typeof value === 'string' ? DEFINITION_REF.exec(value) : null;
    if (shared) {
      found.add(shared[1]!);
      copy[key] = `#/$defs/${shared[1]}`;
    } else {
      copy[key] = localise(value, found);
    }
  }
  return copy;
}

export function standalone(schema: Json, definitions: Record<string, Json>): Json {
  const pending = new Set<string>();
  const root = localise(schema, pending) as { [key: string]: Json };
  const defs: Record<string, Json> = {};
  for (const name of pending) {
    if (name in defs) continue;
    const definition = definitions[name];
    if (definition === undefined) throw new Error(`unknown definition ${name}`);
    defs[name] = localise(definition, pending);
  }
  return { ...root, $defs: defs };
}

if (import.meta.main) {
  const [input, output] = process.argv.slice(2);
  if (!input || !output) {
    console.error('usage: k8s-schemas.ts <in> <out>');
    process.exit(2);
  }
  const shared = JSON.parse(readFileSync(join(input, '_definitions.json'), 'utf8')) as { $defs: Record<string, Json> };
  mkdirSync(output, { recursive: true });
  let written = 0;
  for (const file of readdirSync(input)) {
    if (!file.endsWith('.json') || file.startsWith('_')) continue;
    const schema = JSON.parse(readFileSync(join(input, file), 'utf8')) as Json;
    writeFileSync(join(output, file), JSON.stringify(standalone(schema, shared.$defs)));
    written++;
  }
  console.log(`wrote ${written} standalone schemas to ${output}`);
}
