/**
 * What every tool call shares in one server process: the configuration read from the environment, one connection to
 * Twenty (opened on first use: the live workspace, or the embedded rehearsal sandbox), the confirmation tokens, the
 * jobs running here, and the inspections already made. Tools get it as an argument, so tests build their own.
 */
import { migrationHome } from '../config.js';
import type { ImportResult } from '../migration/engine.js';
import { connectTwenty, REHEARSAL_NOTICE, type TwentyConnection } from '../twenty/connect.js';
import { Confirmations } from './confirmations.js';
import { Jobs } from './jobs.js';

export type Env = Record<string, string | undefined>;

export class ServerContext {
  readonly home: string;
  readonly mode: 'live' | 'rehearsal';
  readonly confirmations: Confirmations;
  readonly jobs: Jobs;
  /** Dry-run results by the hash of the plan they preview: a preview asked again costs nothing. */
  readonly previews = new Map<string, ImportResult>();
  /** How long preview_import waits for a dry-run before answering "still preparing" (calls last about 60 s). */
  readonly previewWaitMs: number;
  private connecting: Promise<TwentyConnection> | undefined;

  constructor(
    readonly env: Env = process.env,
    options: { now?: () => number; connect?: (env: Env) => Promise<TwentyConnection>; previewWaitMs?: number } = {},
  ) {
    this.previewWaitMs = options.previewWaitMs ?? 40_000;
    this.home = migrationHome(env);
    this.mode = env.TWENTY_API_URL?.trim() ? 'live' : 'rehearsal';
    this.confirmations = new Confirmations(options.now);
    this.jobs = new Jobs();
    this.connect = options.connect ?? ((e) => connectTwenty(e));
  }

  private readonly connect: (env: Env) => Promise<TwentyConnection>;

  /** The one connection to Twenty, opened on first use; a failed attempt is not kept, so the next call tries again. */
  connection(): Promise<TwentyConnection> {
    if (!this.connecting) {
      this.connecting = this.connect(this.env);
      this.connecting.catch(() => (this.connecting = undefined));
    }
    return this.connecting;
  }

  /** For a person: where writes go. Known without connecting. */
  target(): string {
    if (this.mode === 'rehearsal') return REHEARSAL_NOTICE;
    try {
      return `live Twenty at ${new URL(this.env.TWENTY_API_URL!.trim()).host}`;
    } catch {
      return 'live Twenty (TWENTY_API_URL is not a valid URL)';
    }
  }

  async close(): Promise<void> {
    await this.jobs.stopAll();
    const connecting = this.connecting;
    this.connecting = undefined;
    if (connecting) await (await connecting.catch(() => undefined))?.close();
  }
}
