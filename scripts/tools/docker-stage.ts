/**
 * Used by the Dockerfile to put only what one service needs into its image.
 *
 *   node scripts/tools/docker-stage.ts files <app|all> <out>   copy package.json + dist/ of the app and
 *                                                             of every workspace library it depends on
 *   node scripts/tools/docker-stage.ts prune <app|all>         delete the other workspaces (their
 *                                                             manifests and node_modules links)
 *
 * "Depends on" follows `dependencies` (never devDependencies) through the workspaces' own
 * package.json files, so an app that does not use a library does not carry it. Run from the
 * repository (or image) root. Plain Node, no dependencies: it runs before `npm ci` has anything.
 */
import { cpSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

interface Workspace {
  name: string;
  dir: string;
  dependencies: string[];
}

function workspaces(root: string): Map<string, Workspace> {
  const found = new Map<string, Workspace>();
  for (const parent of ['apps', 'libs', 'tests']) {
    if (!existsSync(join(root, parent))) continue;
    for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
      const manifest = join(root, parent, entry.name, 'package.json');
      if (!entry.isDirectory() || !existsSync(manifest)) continue;
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name: string; dependencies?: Record<string, string> };
      found.set(pkg.name, { name: pkg.name, dir: join(parent, entry.name), dependencies: Object.keys(pkg.dependencies ?? {}) });
    }
  }
  return found;
}

/** The apps asked for plus every workspace reachable through their production dependencies. */
export function needed(all: Map<string, Workspace>, app: string): Workspace[] {
  const roots = [...all.values()].filter((ws) => ws.dir.startsWith('apps/') && (app === 'all' || ws.dir === `apps/${app}`));
  if (roots.length === 0) throw new Error(`no app named ${app} under apps/`);
  const result = new Map<string, Workspace>();
  const visit = (ws: Workspace): void => {
    if (result.has(ws.name)) return;
    result.set(ws.name, ws);
    for (const dependency of ws.dependencies) {
      const inner = all.get(dependency);
      if (inner) visit(inner);
    }
  };
  roots.forEach(visit);
  return [...result.values()];
}

function copyFiles(root: string, app: string, out: string): void {
  for (const ws of needed(workspaces(root), app)) {
    cpSync(join(root, ws.dir, 'package.json'), join(out, ws.dir, 'package.json'));
    // Declarations and build info are for compilers; source maps stay (--enable-source-maps).
    cpSync(join(root, ws.dir, 'dist'), join(out, ws.dir, 'dist'), {
      recursive: true,
      filter: (source) => !/\.d\.ts(\.map)?$|\.tsbuildinfo$/.test(source),
    });
    console.log(`staged ${ws.dir}`);
  }
}

function prune(root: string, app: string): void {
  const all = workspaces(root);
  const keep = new Set(needed(all, app).map((ws) => ws.name));
  for (const ws of all.values()) {
    if (keep.has(ws.name)) continue;
    rmSync(join(root, ws.dir), { recursive: true, force: true });
    rmSync(join(root, 'node_modules', ws.name), { recursive: true, force: true });
    console.log(`pruned ${ws.dir}`);
  }
}

if (import.meta.main) {
  const [command, app, out] = process.argv.slice(2);
  if (command === 'files' && app && out) copyFiles(process.cwd(), app, out);
  else if (command === 'prune' && app) prune(process.cwd(), app);
  else {
    console.error('usage: docker-stage.ts files <app|all> <out> | prune <app|all>');
    process.exit(2);
  }
}
