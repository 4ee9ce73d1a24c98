/**
 * The recorded `docker compose down` situations (test/fixtures/compose/README.md: Docker 26.1.5, Compose v2.26.1),
 * and the project loaded for each recorded command line, for the planner's tests.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type ComposeDownCommand, parseDockerCommand } from '../../../src/core/command-line.js';
import type { ComposeProject } from '../../../src/core/compose-model.js';
import type { Snapshot } from '../../../src/core/model.js';

export interface ComposeFixture {
  readonly recordedWith: { readonly engine: string; readonly compose: string };
  readonly situation: string;
  readonly commands: Readonly<Record<string, ComposeProject | { readonly error: string }>>;
  readonly snapshot: Snapshot;
}

const dir = join(import.meta.dirname, '../../fixtures/compose');

export function composeFixture(situation: string): ComposeFixture {
  return JSON.parse(readFileSync(join(dir, `${situation}.json`), 'utf8')) as ComposeFixture;
}

export const composeSituations = (): string[] =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''));

/** The project as loaded at recording time for `line`, with the Compose version that recorded it. */
export function recordedProject(fx: ComposeFixture, line: string): ComposeProject {
  const project = fx.commands[line];
  if (!project) throw new Error(`${fx.situation}.json recorded no project for "${line}"`);
  if ('error' in project) throw new Error(`loading failed at recording time: ${project.error}`);
  const composeVersion = fx.recordedWith.compose.split('-')[0] as string;
  if (project.mode === 'labels') return { ...project, composeVersion: project.composeVersion ?? composeVersion };
  return {
    ...project,
    model: {
      ...project.model,
      source: project.model.source ?? 'builtin',
      composeVersion: project.model.composeVersion ?? composeVersion,
    },
  };
}

export const composeCommand = (line: string) => parseDockerCommand(line.split(' ')) as ComposeDownCommand;
