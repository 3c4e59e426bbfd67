import { up } from '../../scripts/infra/up.ts';
import { describeMachine, loadAverage, machineLine } from './machine.ts';

export interface RunStart {
  started: Date;
  /** What the numbers are measured on (`machineLine`). */
  machine: string;
  loadAtStart: string;
}

/** The first steps of every benchmark: the infrastructure up, and what the run is measured on. */
export async function startRun(progress: (message: string) => void): Promise<RunStart> {
  const started = new Date();
  progress('infrastructure (npm run infra:up)');
  await up();
  const machine = machineLine(await describeMachine());
  const loadAtStart = loadAverage();
  progress(`${machine}; load average ${loadAtStart}`);
  return { started, machine, loadAtStart };
}
