import { describeWorkspace } from '../twenty/describe.js';
import { connectTwenty } from '../twenty/index.js';
import { table, terminalSafe } from './table.js';

export const DESCRIBE_TWENTY_USAGE = 'kartra-twenty describe-twenty [--json]';

/**
 * `kartra-twenty describe-twenty`: which Twenty this would write to (a live workspace, or the local rehearsal
 * sandbox when TWENTY_API_URL is unset), and what its data model offers a migration. Reads only.
 */
export async function describeTwentyCommand(options: { json: boolean }): Promise<number> {
  const connection = await connectTwenty();
  try {
    const summary = await describeWorkspace(connection);
    const objects = summary.migrationObjects;
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
