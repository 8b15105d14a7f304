// One scenario, the same for both credentials: a fresh emulator behind the recording proxy, the faulty run (with
// the faults, maybe a SIGKILL), a healthy re-run, and one more healthy run that must change nothing. What a
// credential brings (its starting state, inputs, watch and end-of-run checks) comes in as a Credential.

import type { Fixture } from '../../../emulator/fixture.ts';
import { startEmulator, type Emulator } from '../../../emulator/server.ts';
import type { DistRun } from '../../run-dist.ts';
import { startProxy, type RecordingProxy } from '../proxy.ts';
import { allViolations, healed } from './checks.ts';
import type { KillPlan } from './faults.ts';
import { runReport, runWatched } from './run-action.ts';
import type {
  BaseScenarioConfig,
  CredentialFindings,
  RunKind,
  RunReport,
  ScenarioOptions,
  ScenarioReport
} from './types.ts';
import type { Watch } from './watch.ts';

/** One scenario's credential-specific part, once its starting state is seeded. */
export interface CredentialSession<W extends Watch> {
  /** Every secret seen so far: invariant 4 looks for each of them in what the runs show. */
  readonly secrets: ReadonlySet<string>;
  watch(kind: RunKind, kill: KillPlan | undefined): W;
  inputs(proxyUrl: string, mode: string): Record<string, string>;
  /** After a run, once the emulator answered everything: collect what it issued, then check the run's end. */
  finishRun(watch: W, run: DistRun): void;
  /** Every target holds the current credential. */
  allTargetsCurrent(): boolean;
  /** Right after the faulty run: false when no healthy run can follow (a protocol limit). Default true. */
  healable?(faulty: W): boolean;
  findings(watches: readonly W[]): CredentialFindings;
}

export interface Credential<Config extends BaseScenarioConfig, W extends Watch> {
  fixture(config: Config): Fixture;
  /** Seeds the scenario's starting state into a fresh emulator. */
  open(config: Config, emu: Emulator): Promise<CredentialSession<W>>;
}

/** A fresh emulator with the fixture behind a recording proxy, for one scenario; both are closed after it. */
export async function inWorld<T>(
  fixture: Fixture,
  body: (emu: Emulator, proxy: RecordingProxy) => Promise<T>
): Promise<T> {
  const emu = await startEmulator({ fixture });
  const proxy = await startProxy(emu.url);
  try {
    return await body(emu, proxy);
  } finally {
    await proxy.close();
    await emu.close();
  }
}

/** Fault labels as the emulator logged them, one per faulted request. */
export function firedFaults(emu: Emulator): string[] {
  return emu
    .requests()
    .map((request) => request.fault)
    .filter((fault): fault is string => fault !== undefined);
}

interface DoneRun<W extends Watch> {
  readonly watch: W;
  readonly run: DistRun;
  readonly report: RunReport;
}

export async function runScenarioWith<Config extends BaseScenarioConfig, W extends Watch>(
  credential: Credential<Config, W>,
  config: Config,
  options: ScenarioOptions = {}
): Promise<ScenarioReport<Config>> {
  const started = performance.now();
  return inWorld(credential.fixture(config), async (emu, proxy) => {
    const session = await credential.open(config, emu);
    for (const planned of config.faults) emu.faults.add(planned.rule);
    const runOnce = async (kind: RunKind): Promise<DoneRun<W>> => {
      const watch = session.watch(kind, kind === 'faulty' ? config.kill : undefined);
      const mode = kind === 'faulty' ? config.mode : 'auto';
      const run = await runWatched(emu, proxy, watch, session.inputs(proxy.url, mode), options);
      session.finishRun(watch, run);
      return { watch, run, report: runReport(watch, run, session.allTargetsCurrent()) };
    };

    const faulty = await runOnce('faulty');
    emu.faults.clear();
    const done = [faulty];
    if (session.healable?.(faulty.watch) ?? true) {
      emu.clock.advance(config.pauseMs);
      const heal = await runOnce('heal');
      done.push(heal);
      emu.clock.advance(config.pauseMs);
      if (heal.run.exitCode === 0) done.push(await runOnce('again'));
    }
    const violations = allViolations(done, session.secrets);
    return {
      config,
      runs: done.map(({ report }) => report),
      violations,
      ...session.findings(done.map(({ watch }) => watch)),
      firedFaults: firedFaults(emu),
      killed: faulty.watch.kill.killedAt !== undefined,
      healed: healed(done[1], violations),
      durationMs: performance.now() - started
    };
  });
}
