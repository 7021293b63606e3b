/**
 * Configuration read from the environment, in one place (design.md "Configuration"). Keys are not read here: the
 * Twenty client and the LLM rerank take theirs where they use them, so no module holds a key it does not need.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

type Env = Record<string, string | undefined>;

/**
 * A setting from the environment, trimmed; undefined when empty or when it is an MCP bundle placeholder the host
 * left unfilled (`${user_config.x}`: some hosts pass it through for an optional setting left empty).
 */
export function setting(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value && !/^\$\{user_config\.[^}]*\}$/.test(value) ? value : undefined;
}

/** Where migrations keep their state: `MIGRATION_HOME`, or `~/.kartra-twenty`. */
export function migrationHome(env: Env = process.env): string {
  return setting(env, 'MIGRATION_HOME') ?? join(homedir(), '.kartra-twenty');
}
