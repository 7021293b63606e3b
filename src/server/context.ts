/**
 * What every tool call shares in one server process: the configuration read from the environment, one connection to
 * Twenty (opened on first use: the live workspace, or the embedded rehearsal sandbox), the confirmation tokens, the
 * jobs running here, and the inspections already made. Tools get it as an argument, so tests build their own.
 */
import { migrationHome, setting } from '../config.js';
import { connectTwenty, REHEARSAL_NOTICE, type TwentyConnection } from '../twenty/connect.js';
import { Confirmations } from './confirmations.js';
import { Jobs } from './jobs.js';

export type Env = Record<string, string | undefined>;

export class ServerContext {
  readonly home: string;
  readonly mode: 'live' | 'rehearsal';
  readonly confirmations: Confirmations;
  readonly jobs: Jobs;
  /** Results of long reads (dry-runs, reports) by the hash of what they read: asked again, they cost nothing. */
  private readonly results = new Map<string, unknown>();
  /**
   * How long a tool waits for work it started as a job before answering "still working" (Claude Desktop gives a
   * call about 60 seconds).
   */
  readonly callWaitMs: number;
  private connecting: Promise<TwentyConnection> | undefined;

  constructor(
    readonly env: Env = process.env,
    options: { now?: () => number; connect?: (env: Env) => Promise<TwentyConnection>; callWaitMs?: number } = {},
  ) {
    this.callWaitMs = options.callWaitMs ?? 40_000;
    this.home = migrationHome(env);
    this.mode = setting(env, 'TWENTY_API_URL') ? 'live' : 'rehearsal';
    this.confirmations = new Confirmations(options.now);
    this.jobs = new Jobs();
    this.connect = options.connect ?? ((e) => connectTwenty(e));
  }

  private readonly connect: (env: Env) => Promise<TwentyConnection>;

  recall<T>(key: string): T | undefined {
    return this.results.get(key) as T | undefined;
  }

  /** Keeps a result for `recall`; the oldest go first past a few dozen (each holds at most a few samples). */
  remember(key: string, value: unknown): void {
    this.results.set(key, value);
    if (this.results.size > 32) this.results.delete(this.results.keys().next().value!);
  }

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
      return `live Twenty at ${new URL(setting(this.env, 'TWENTY_API_URL')!).host}`;
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
