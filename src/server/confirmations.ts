/**
 * The confirmation protocol (Claude Desktop has no elicitation): every write needs the token its preview returned.
 * A token is bound to one tool and to the hash of the exact plan the user saw; it is refused when that plan has
 * changed since (a new mapping version, an export file changed, the workspace's data model changed, another stage or
 * policy), when it was used already, when it expired, or when it is unknown (tokens live in this process only, so a
 * restart of the server asks for a fresh preview, which is what a user would want anyway).
 */
import { createHash, randomBytes } from 'node:crypto';
import { UserError } from '../errors.js';

export const TOKEN_TTL_MS = 30 * 60_000;

export type WriteTool = 'apply_schema_changes' | 'start_import' | 'rollback_import';

export const PREVIEW_OF: Record<WriteTool, string> = {
  apply_schema_changes: 'preview_schema_changes',
  start_import: 'preview_import',
  rollback_import: 'preview_rollback',
};

type Issued = { tool: WriteTool; planHash: string; migrationId: string; expiresAt: number; usedAt?: number };

/** The hash of a plan: any JSON value, keys sorted so the same plan always hashes the same. */
export function planHash(plan: unknown): string {
  return createHash('sha256').update(canonical(plan)).digest('hex');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    return `{${entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export class ConfirmationError extends UserError {
  override readonly name = 'ConfirmationError';
}

export class Confirmations {
  private readonly issued = new Map<string, Issued>();

  constructor(private readonly now: () => number = Date.now) {}

  issue(tool: WriteTool, migrationId: string, hash: string): { token: string; expiresAt: string } {
    this.forgetExpired();
    const token = `ct_${randomBytes(18).toString('base64url')}`;
    const expiresAt = this.now() + TOKEN_TTL_MS;
    this.issued.set(token, { tool, planHash: hash, migrationId, expiresAt });
    return { token, expiresAt: new Date(expiresAt).toISOString() };
  }

  /**
   * Checks a token against the plan as it is now and marks it used. `describeChange` says, for a person, what differs
   * when the hashes do not match.
   */
  consume(tool: WriteTool, migrationId: string, token: string, currentHash: string): void {
    const again = `Run ${PREVIEW_OF[tool]} again, show the user what it will do, and use the token it returns once they agree.`;
    const issued = this.issued.get(token);
    if (!issued) throw new ConfirmationError(`This confirmation token is not one ${PREVIEW_OF[tool]} gave (or it was given before the server restarted). ${again}`);
    if (issued.tool !== tool) throw new ConfirmationError(`This confirmation token is for ${issued.tool}, not ${tool}. ${again}`);
    if (issued.migrationId !== migrationId) throw new ConfirmationError(`This confirmation token is for migration ${issued.migrationId}, not ${migrationId}. ${again}`);
    if (issued.usedAt !== undefined) throw new ConfirmationError(`This confirmation token was used already, at ${new Date(issued.usedAt).toISOString()}: each preview confirms one write. ${again}`);
    if (this.now() > issued.expiresAt) throw new ConfirmationError(`This confirmation token expired at ${new Date(issued.expiresAt).toISOString()} (tokens last ${TOKEN_TTL_MS / 60_000} minutes). ${again}`);
    if (issued.planHash !== currentHash) {
      throw new ConfirmationError(
        `The plan changed since its preview (the mapping, the export files, the Twenty data model, the stage or the policy is not what the user saw), so this token no longer confirms it. ${again}`,
      );
    }
    issued.usedAt = this.now();
  }

  private forgetExpired(): void {
    const now = this.now();
    for (const [token, issued] of this.issued) if (now > issued.expiresAt + TOKEN_TTL_MS) this.issued.delete(token);
  }
}
