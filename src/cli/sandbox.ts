import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import { describeRateLimit, parseFaultsSpec, parseRateLimitSpec, startSandbox, type FaultOptions, type SandboxOptions } from '../sandbox/index.js';

export const SANDBOX_USAGE = 'kartra-twenty sandbox [--port N] [--profile v1|v2] [--rate-limit 100/60s] [--data FILE] [--faults JSON]';

export interface SandboxCommandOptions {
  port?: string | undefined;
  profile?: string | undefined;
  'rate-limit'?: string | undefined;
  data?: string | undefined;
  faults?: string | undefined;
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return 0;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UserError(`--port must be a whole number from 0 to 65535 (0 picks a free port), not "${text}"`);
  return port;
}

function parseProfile(text: string | undefined): 'v1' | 'v2' | undefined {
  if (text === undefined || text === 'v1' || text === 'v2') return text;
  throw new UserError(`--profile must be v1 (Twenty 1.x) or v2 (Twenty 2.x), not "${text}"`);
}

function describeFaults(faults: Required<FaultOptions>): string {
  const parts = (['error500Rate', 'hangRate', 'dropAfterApplyRate', 'rateLimitStormRate', 'invalidRecordRate', 'latencyMs'] as const).filter((k) => faults[k] > 0).map((k) => `${k}=${faults[k]}${k === 'rateLimitStormRate' ? ` (${faults.rateLimitStormLength} calls each)` : ''}`);
  return parts.length === 0 ? 'none' : `${parts.join(', ')} (seed ${faults.seed})`;
}

/** Resolves when the process is asked to stop (Ctrl-C or SIGTERM). */
function stopRequested(): Promise<NodeJS.Signals> {
  return new Promise((done) => {
    const stop = (signal: NodeJS.Signals) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * `kartra-twenty sandbox`: runs the local Twenty sandbox until Ctrl-C and prints how to reach it. The API key is the
 * sandbox's own (it guards a local test server, not a real CRM), so printing it is fine.
 */
export async function sandboxCommand(values: SandboxCommandOptions): Promise<number> {
  const faults = values.faults === undefined ? undefined : parseFaultsSpec(values.faults);
  const options: SandboxOptions = {
    port: parsePort(values.port),
    ...(values['rate-limit'] === undefined ? {} : { rateLimit: parseRateLimitSpec(values['rate-limit']) }),
    ...(faults ? { faults } : {}),
  };
  const profile = parseProfile(values.profile);
  if (profile) options.profile = profile;
  const dataFile = values.data === undefined ? undefined : resolve(values.data);
  if (dataFile) options.dataFile = dataFile;

  const sandbox = await startSandbox(options);
  const out = [
    `Twenty sandbox (profile ${sandbox.profile}): a local rehearsal server, not a real CRM.`,
    `TWENTY_API_URL=${sandbox.url}`,
    `TWENTY_API_KEY=${sandbox.apiKey}`,
    `rate limit: ${describeRateLimit(sandbox.rateLimit)}`,
    `data: ${dataFile ? `${dataFile} (kept across restarts)` : 'in memory (lost when stopped; keep it with --data FILE)'}`,
    `faults: ${faults ? describeFaults(faults) : 'none'}`,
    'Press Ctrl-C to stop.',
  ];
  process.stdout.write(`${out.join('\n')}\n`);
  await stopRequested();
  await sandbox.close();
  process.stdout.write(`Sandbox stopped.${dataFile ? ` Data saved in ${dataFile}.` : ''}\n`);
  return 0;
}
