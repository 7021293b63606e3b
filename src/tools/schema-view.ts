/** Schema changes as the schema tools show them: the export-derived option labels labelled untrusted. */
import { z } from 'zod';
import { describeChange, type SchemaChange } from '../migration/schema-changes.js';
import { untrusted, untrustedValues } from './params.js';

const MAX_CHANGES_SHOWN = 150;

export const schemaChangesView = {
  changes: z.array(
    z.object({
      kind: z.enum(['create-field', 'add-options']),
      field: z.string(),
      type: z.string().optional(),
      unique: z.boolean().optional(),
      options: z.number(),
      optionLabels: untrustedValues,
    }),
  ),
  changesNotShown: z.number(),
};

export function viewSchemaChanges(changes: readonly SchemaChange[]) {
  return {
    changes: changes.slice(0, MAX_CHANGES_SHOWN).map((c) =>
      c.kind === 'create-field'
        ? { kind: c.kind, field: `${c.object}.${c.name}`, type: c.type, unique: c.isUnique, options: c.options?.length ?? 0, optionLabels: untrusted((c.options ?? []).map((o) => o.label), 5, 40) }
        : { kind: c.kind, field: `${c.object}.${c.field}`, options: c.options.length, optionLabels: untrusted(c.options.map((o) => o.label), 5, 40) },
    ),
    changesNotShown: Math.max(0, changes.length - MAX_CHANGES_SHOWN),
  };
}

/** One line per change for the chat, without option labels (they come from the exports). */
export function schemaChangeLines(changes: readonly SchemaChange[], max = 40): string[] {
  const lines = changes.slice(0, max).map((c) => `- ${c.kind === 'create-field' ? describeChange(c) : `add ${c.options.length} option${c.options.length === 1 ? '' : 's'} to ${c.object}.${c.field}`}`);
  if (changes.length > max) lines.push(`… and ${changes.length - max} more`);
  return lines;
}
