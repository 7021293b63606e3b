/**
 * What a migration changes in the workspace's data model before it writes records: the custom fields its mapping
 * plans, the options their choice fields lack, and the opportunity stages Kartra's transaction types need. Planned
 * from the mapping and the live schema (nothing already there is created again), applied through the client, which
 * reuses compatible fields and keeps every existing option.
 */
import type { MappingDocument } from '../mapping/document.js';
import type { TwentyClient } from '../twenty/client.js';
import type { FieldSpec } from '../twenty/fields.js';
import type { TwentySchema } from '../twenty/schema.js';
import { join } from 'node:path';
import { JOURNAL_FILE } from './engine.js';
import { Journal } from './journal.js';
import { EXTRA_STAGES } from './transform.js';

export type SchemaChange =
  | { kind: 'create-field'; object: string; name: string; label: string; type: string; isUnique: boolean; description: string; options?: { value: string; label: string }[] }
  | { kind: 'add-options'; object: string; field: string; options: { value: string; label: string }[] };

export function describeChange(change: SchemaChange): string {
  if (change.kind === 'create-field') {
    const options = change.options ? ` with ${change.options.length} options` : '';
    return `create ${change.object}.${change.name} (${change.type}${change.isUnique ? ', unique' : ''})${options}`;
  }
  return `add ${change.options.length} option${change.options.length === 1 ? '' : 's'} to ${change.object}.${change.field}: ${change.options.slice(0, 6).map((o) => o.label).join(', ')}${change.options.length > 6 ? '…' : ''}`;
}

/** The changes the mapping needs in this workspace; empty when everything is already there. */
export function planSchemaChanges(mapping: MappingDocument, schema: TwentySchema): SchemaChange[] {
  const changes: SchemaChange[] = [];
  for (const field of mapping.customFields) {
    const existing = schema.field(field.object, field.name);
    const options = field.options?.map(({ value, label }) => ({ value, label }));
    if (!existing) {
      changes.push({ kind: 'create-field', object: field.object, name: field.name, label: field.label, type: field.type, isUnique: field.isUnique, description: field.description, ...(options ? { options } : {}) });
      continue;
    }
    const have = new Set((existing.options ?? []).map((o) => o.value));
    const missing = (options ?? []).filter((o) => !have.has(o.value));
    if (missing.length > 0) changes.push({ kind: 'add-options', object: field.object, field: field.name, options: missing });
  }
  const writesOpportunities = mapping.datasets.some((d) => d.kind === 'transactions' || d.kind === 'subscriptions');
  const stage = schema.field('opportunity', 'stage');
  if (writesOpportunities && stage?.options) {
    const have = new Set(stage.options.map((o) => o.value));
    const missing = EXTRA_STAGES.filter((o) => !have.has(o.value));
    if (missing.length > 0) changes.push({ kind: 'add-options', object: 'opportunity', field: 'stage', options: missing });
  }
  return changes;
}

/** What applying changed: the fields created and the options added (not those reused), so a rollback can undo them. */
export type SchemaApplied = { created: { object: string; field: string }[]; options: { object: string; field: string; values: string[] }[]; lines: string[] };

/** Applies the changes in order. A field that appeared meanwhile is reused, not duplicated. */
export async function applySchemaChanges(client: TwentyClient, changes: readonly SchemaChange[]): Promise<SchemaApplied> {
  const applied: SchemaApplied = { created: [], options: [], lines: [] };
  const done = applied.lines;
  for (const change of changes) {
    if (change.kind === 'create-field') {
      const spec: FieldSpec = {
        object: change.object,
        name: change.name,
        label: change.label,
        type: change.type as FieldSpec['type'],
        description: change.description,
        isUnique: change.isUnique,
        ...(change.options ? { options: change.options } : {}),
      };
      const result = await client.ensureField(spec);
      done.push(`${result.status === 'created' ? 'created' : 'reused'} ${change.object}.${change.name}`);
      if (result.status === 'created') applied.created.push({ object: change.object, field: change.name });
      else if (result.addedOptions.length > 0) applied.options.push({ object: change.object, field: change.name, values: result.addedOptions });
    } else {
      const result = await client.addSelectOptions(change.object, change.field, change.options);
      done.push(`added ${result.added.length} options to ${change.object}.${change.field}`);
      if (result.added.length > 0) applied.options.push({ object: change.object, field: change.field, values: result.added });
    }
  }
  return applied;
}

/** Applies the mapping's schema changes and journals what they created, for a rollback asked to remove them. */
export async function applyMigrationSchema(dir: string, client: TwentyClient, mapping: MappingDocument): Promise<SchemaApplied> {
  const applied = await applySchemaChanges(client, planSchemaChanges(mapping, await client.schema({ refresh: true })));
  if (applied.created.length > 0 || applied.options.length > 0) {
    const journal = await Journal.open(join(dir, JOURNAL_FILE));
    try {
      await journal.append({ t: 'schema', created: applied.created, options: applied.options });
    } finally {
      await journal.close();
    }
  }
  return applied;
}
