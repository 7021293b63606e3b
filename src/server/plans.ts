/**
 * The plans a preview shows and a write carries out, reduced to what decides them, for the confirmation tokens: the
 * hash changes when anything the user saw changes (the mapping's version and content, the export files, the
 * workspace's data model, the stage, the policy, what the journal says was written).
 */
import { schemaFingerprint } from '../mapping/build.js';
import type { MappingDocument } from '../mapping/document.js';
import type { RollbackPlan } from '../migration/rollback.js';
import type { SchemaChange } from '../migration/schema-changes.js';
import type { TwentySchema } from '../twenty/schema.js';
import { planHash } from './confirmations.js';

const mappingPart = (mapping: MappingDocument): unknown => ({
  migrationId: mapping.migrationId,
  version: mapping.version,
  // the content too: two edits that both make version 3 are not the same plan
  content: planHash({ columns: mapping.columns, customFields: mapping.customFields }),
  files: mapping.datasets.flatMap((d) => d.files.map((f) => f.sha256)).sort(),
});

export function schemaPlanHash(mapping: MappingDocument, schema: TwentySchema, changes: readonly SchemaChange[]): string {
  return planHash({ write: 'schema', mapping: mappingPart(mapping), workspace: schemaFingerprint(schema), changes });
}

export function importPlanHash(
  mapping: MappingDocument,
  schema: TwentySchema,
  plan: { stage: string; policy: string; since?: string | undefined },
): string {
  return planHash({ write: 'import', mapping: mappingPart(mapping), workspace: schemaFingerprint(schema), ...plan });
}

export function rollbackPlanHash(migrationId: string, plan: RollbackPlan, removeFields: boolean): string {
  return planHash({ write: 'rollback', migrationId, plan, removeFields });
}
