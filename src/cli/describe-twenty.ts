import { connectTwenty } from '../twenty/index.js';
import { table, terminalSafe } from './table.js';

export const DESCRIBE_TWENTY_USAGE = 'kartra-twenty describe-twenty [--json]';

/** The objects a Kartra migration writes to; the rest of the workspace is listed only by count. */
const MIGRATION_OBJECTS = ['person', 'company', 'opportunity', 'note', 'task', 'noteTarget', 'taskTarget'];

/**
 * `kartra-twenty describe-twenty`: which Twenty this would write to (a live workspace, or the local rehearsal
 * sandbox when TWENTY_API_URL is unset), and what its data model offers a migration. Reads only.
 */
export async function describeTwentyCommand(options: { json: boolean }): Promise<number> {
  const connection = await connectTwenty();
  try {
    const schema = await connection.client.schema();
    const capabilities = await connection.client.capabilities();
    const objects = MIGRATION_OBJECTS.flatMap((name) => {
      const object = schema.object(name);
      if (!object) return [];
      const active = object.fields.filter((f) => f.isActive && !f.isSystem);
      return [{ name: object.namePlural, fields: active.length, custom: active.filter((f) => f.isCustom).map((f) => `${f.name} (${f.type})`) }];
    });
    const summary = {
      mode: connection.mode,
      connection: connection.describe(),
      objects: schema.objects.length,
      migrationObjects: objects,
      batchMax: capabilities.batchMax,
      noteTargetLinks: capabilities.noteTargets?.style ?? 'none',
      missingStandardFields: capabilities.missingStandardFields,
    };
    if (options.json) {
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
      return 0;
    }
    const lines = [
      `Twenty: ${terminalSafe(summary.connection)}`,
      `  ${summary.objects} objects; batches of up to ${summary.batchMax} records; note links ${summary.noteTargetLinks === 'target' ? 'targetPersonId (2.x)' : summary.noteTargetLinks === 'plain' ? 'personId (1.x)' : 'not found'}`,
      `  standard fields this version lacks: ${summary.missingStandardFields.join(', ') || 'none'}`,
      '',
      table(
        ['object', 'fields', 'custom fields'],
        objects.map((o) => [o.name, String(o.fields), o.custom.join(', ') || '-']),
      ),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    await connection.close();
  }
}
