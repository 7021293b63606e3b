/** What a workspace's data model offers a migration: the objects it writes to, their custom fields, the limits. */
import type { TwentyConnection } from './connect.js';

/** The objects a Kartra migration writes to; the rest of the workspace is listed only by count. */
const MIGRATION_OBJECTS = ['person', 'company', 'opportunity', 'note', 'task', 'noteTarget', 'taskTarget'];

export type WorkspaceSummary = {
  mode: 'live' | 'rehearsal';
  connection: string;
  objects: number;
  migrationObjects: { name: string; fields: number; custom: string[] }[];
  batchMax: number;
  noteTargetLinks: string;
  missingStandardFields: string[];
};

export async function describeWorkspace(connection: TwentyConnection): Promise<WorkspaceSummary> {
  const schema = await connection.client.schema({ refresh: true });
  const capabilities = await connection.client.capabilities();
  const migrationObjects = MIGRATION_OBJECTS.flatMap((name) => {
    const object = schema.object(name);
    if (!object) return [];
    const active = object.fields.filter((f) => f.isActive && !f.isSystem);
    return [{ name: object.namePlural, fields: active.length, custom: active.filter((f) => f.isCustom).map((f) => `${f.name} (${f.type})`) }];
  });
  return {
    mode: connection.mode,
    connection: connection.describe(),
    objects: schema.objects.length,
    migrationObjects,
    batchMax: capabilities.batchMax,
    noteTargetLinks: capabilities.noteTargets?.style ?? 'none',
    missingStandardFields: capabilities.missingStandardFields,
  };
}
