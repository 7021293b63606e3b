import { UserError } from '../errors.js';
import { generateSamples } from '../samples/generate.js';

export const GENERATE_USAGE = 'kartra-twenty generate-samples --out DIR [--leads N] [--seed S] [--messy]';

/** `kartra-twenty generate-samples`: a deterministic, realistic export set with the figures a migration must reach. */
export async function generateSamplesCommand(options: { out?: string; leads: string; seed: string; messy: boolean }): Promise<number> {
  if (!options.out) throw new UserError(`--out DIR is required.\nUsage: ${GENERATE_USAGE}`);
  const leads = positiveInteger(options.leads, '--leads');
  const seed = positiveInteger(options.seed, '--seed');
  const { files } = await generateSamples({ outDir: options.out, leads, seed, messy: options.messy });
  process.stdout.write(`Wrote ${files.length} files to ${options.out}:\n${files.map((f) => `  ${f}`).join('\n')}\n`);
  return 0;
}

function positiveInteger(text: string, option: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < 0) throw new UserError(`${option} must be a whole number ≥ 0, not "${text}".`);
  return value;
}
