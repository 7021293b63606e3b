/**
 * Configuration read from the environment, in one place (design.md "Configuration"). Keys are not read here: the
 * Twenty client and the LLM rerank take theirs where they use them, so no module holds a key it does not need.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

type Env = Record<string, string | undefined>;

/** Where migrations keep their state: `MIGRATION_HOME`, or `~/.kartra-twenty`. */
export function migrationHome(env: Env = process.env): string {
  return env.MIGRATION_HOME?.trim() || join(homedir(), '.kartra-twenty');
}
