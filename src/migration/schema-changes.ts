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

/** Applies the changes in order; returns what each did. A field that appeared meanwhile is reused, not duplicated. */
export async function applySchemaChanges(client: TwentyClient, changes: readonly SchemaChange[]): Promise<string[]> {
  const done: string[] = [];
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
    } else {
      const result = await client.addSelectOptions(change.object, change.field, change.options);
      done.push(`added ${result.added.length} options to ${change.object}.${change.field}`);
    }
  }
  return done;
}
