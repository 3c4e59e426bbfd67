import { existsSync } from 'node:fs';
import { SERVICES } from '../../../libs/contracts/src/services.ts';
import { findings, readText, REPO, type Findings } from './support.ts';

/** The base image every stage starts from: Node 24 on Debian slim (multi-arch upstream). */
const NODE_IMAGE = /^node:24(\.\d+){0,2}-(bookworm-|trixie-)?slim(@sha256:[0-9a-f]{64})?$/;

interface Stage {
  name: string;
  from: string;
  /** The instructions of the stage, continuation lines joined, comments dropped. */
  lines: string[];
}

/** The Dockerfile's stages in order, each with its instructions. */
export function dockerfileParsed(): { args: Record<string, string>; stages: Stage[] } {
  const lines = readText('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const args: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const from = /^FROM\s+(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?\s*$/i.exec(line);
    if (from) stages.push({ from: from[1]!, name: from[2] ?? String(stages.length), lines: [] });
    else if (stages.length) stages.at(-1)!.lines.push(line);
    else {
      const arg = /^ARG\s+(\w+)=(\S+)$/i.exec(line);
      if (arg) args[arg[1]!] = arg[2]!;
    }
  }
  return { args, stages };
}

/** The named stages of the Dockerfile (`FROM ... AS name`). */
export function dockerfileStages(): string[] {
  return dockerfileParsed().stages.map((stage) => stage.name);
}

/**
 * The Dockerfile, read the way BuildKit reads it (stages, global ARGs, continuation lines), for
 * what the issue asks of the images: multi-stage, every stage on Node 24 slim, the default target
 * (the last stage) a service selected by the APP build argument, running as a non-root user, with
 * production dependencies only (no stage that installed dev dependencies is copied into it), the
 * same command as the service's `npm start`; and every file it copies exists.
 */
export function checkDockerfile(): Findings {
  const result = findings();
  const problem = (message: string) => result.problems.push(`Dockerfile: ${message}`);
  const text = readText('Dockerfile');
  for (const match of text.matchAll(/^COPY\s+(?!--from)(?:--\S+\s+)*(.+)$/gm)) {
    const sources = match[1]!.trim().split(/\s+/).slice(0, -1);
    for (const source of sources) {
      if (source !== '.' && !existsSync(`${REPO}${source}`)) problem(`copies ${source}, which does not exist`);
    }
  }
  const { args, stages } = dockerfileParsed();
  const byName = new Map(stages.map((stage) => [stage.name, stage]));
  if (stages.length < 2) problem('is not multi-stage');
  for (const wanted of ['build', 'runtime', 'ops']) if (!byName.has(wanted)) problem(`has no stage ${wanted}`);

  // Every stage starts from the Node image or from an earlier stage.
  for (const stage of stages) {
    const image = stage.from.replace(/^\$\{?(\w+)\}?$/, (_match, name: string) => args[name] ?? `$${name}`);
    if (!byName.has(image) && !NODE_IMAGE.test(image)) problem(`stage ${stage.name} starts from ${image}, not node:24-slim`);
  }

  const runtime = stages.at(-1);
  if (!runtime || runtime.name !== 'runtime') {
    problem('the last stage (the default target) must be runtime');
    return result;
  }
  if (!runtime.lines.some((line) => /^ARG\s+APP\s*$/.test(line))) problem('the runtime stage does not take the APP build argument');
  if (!runtime.lines.some((line) => line.includes('${APP}'))) problem('the runtime stage does not use APP to pick the service');
  const user = runtime.lines.filter((line) => /^USER\s/i.test(line)).at(-1)?.split(/\s+/)[1];
  if (!user || user === 'root' || user === '0' || user.startsWith('0:')) problem(`the runtime stage runs as ${user ?? 'root'}; it must switch to an unprivileged user`);
  if (!runtime.lines.some((line) => /^ENV\s+NODE_ENV=production\b/.test(line))) problem('the runtime stage does not set NODE_ENV=production');

  // What the runtime copies in, followed through the stages it builds on.
  const ancestry = (name: string): Stage[] => {
    const stage = byName.get(name);
    return stage ? [stage, ...ancestry(stage.from)] : [];
  };
  for (const line of runtime.lines.filter((l) => /^COPY\s+.*--from=/.test(l))) {
    const source = /--from=(\S+)/.exec(line)![1]!;
    const chain = ancestry(source);
    if (chain.length === 0) problem(`the runtime stage copies from ${source}, which is not a stage`);
    // A folder staged by `docker-stage.ts files` holds package.json files and dist/ only.
    const paths = line.replace(/^COPY\s+/, '').split(/\s+/).filter((word) => !word.startsWith('--')).slice(0, -1);
    const staged = chain.flatMap((stage) => stage.lines.flatMap((l) => (/docker-stage\.ts files /.test(l) ? [l.split(/\s+/).at(-1)!] : [])));
    if (paths.length && paths.every((path) => staged.includes(path.replace(/\/$/, '')))) continue;
    const installs = chain.flatMap((stage) => stage.lines.filter((l) => /\bnpm\s+(ci|install)\b/.test(l)));
    for (const install of installs) {
      if (!/--omit[= ]dev\b/.test(install)) problem(`the runtime stage copies from ${source}, which installs dev dependencies (${install})`);
    }
    if (installs.length && !installs.every((install) => install.includes('${APP'))) problem(`${source}: the production install is not limited to the APP workspace`);
  }

  const cmd = runtime.lines.find((line) => /^CMD\s/.test(line))?.replace(/^CMD\s+/, '');
  const command = cmd?.startsWith('[') ? (JSON.parse(cmd) as string[]).join(' ') : '';
  if (!command) problem('the runtime stage needs a CMD in exec form');
  for (const { name } of SERVICES) {
    const start = (JSON.parse(readText(`apps/${name}/package.json`)) as { scripts?: { start?: string } }).scripts?.start;
    if (start !== command) problem(`runtime CMD is "${command}", but apps/${name} starts with "${start}"`);
  }
  const ignore = readText('.dockerignore');
  for (const wanted of ['**/node_modules', '**/dist', '.git']) if (!ignore.split('\n').includes(wanted)) result.problems.push(`.dockerignore does not leave out ${wanted}`);
  if (result.problems.length === 0) {
    result.notes.push(`${stages.length} stages on ${args.NODE_IMAGE ?? 'node'}; runtime: APP selects the service, user ${user}, production dependencies only`);
  }
  return result;
}
