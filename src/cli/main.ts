#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { UserError } from '../errors.js';
import { terminalSafe } from './table.js';
import { INSPECT_USAGE, inspectCommand } from './inspect.js';
import { GENERATE_USAGE, generateSamplesCommand } from './generate-samples.js';
import { SANDBOX_USAGE, sandboxCommand } from './sandbox.js';
import { DESCRIBE_TWENTY_USAGE, describeTwentyCommand } from './describe-twenty.js';
import { MAP_USAGE, mapCommand } from './map.js';
import {
  IMPORT_USAGE,
  MIGRATE_USAGE,
  PREVIEW_USAGE,
  REPORT_USAGE,
  ROLLBACK_USAGE,
  STATUS_USAGE,
  importCommand,
  migrateCommand,
  previewCommand,
  reportCommand,
  rollbackCommand,
  statusCommand,
} from './migrate.js';

const USAGE = `Usage:
  ${INSPECT_USAGE}
  ${MAP_USAGE}
  ${PREVIEW_USAGE}
  ${IMPORT_USAGE}
  ${STATUS_USAGE}
  ${REPORT_USAGE}
  ${ROLLBACK_USAGE}
  ${MIGRATE_USAGE}
  ${GENERATE_USAGE}
  ${DESCRIBE_TWENTY_USAGE}
  ${SANDBOX_USAGE}`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'inspect': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { json: { type: 'boolean', default: false } } });
      return inspectCommand(positionals, { json: values.json });
    }
    case 'map': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { json: { type: 'boolean', default: false }, fresh: { type: 'boolean', default: false } },
      });
      return mapCommand(positionals, { json: values.json, fresh: values.fresh });
    }
    case 'preview': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { policy: { type: 'string' }, json: { type: 'boolean', default: false } } });
      return previewCommand(positionals, { policy: values.policy, json: values.json });
    }
    case 'import': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { stage: { type: 'string' }, since: { type: 'string' }, policy: { type: 'string' }, yes: { type: 'boolean', default: false } },
      });
      return importCommand(positionals, { stage: values.stage, since: values.since, policy: values.policy, yes: values.yes });
    }
    case 'migrate': {
      const { values, positionals } = parseArgs({ args: rest, allowPositionals: true, options: { policy: { type: 'string' }, yes: { type: 'boolean', default: false } } });
      return migrateCommand(positionals, { policy: values.policy, yes: values.yes });
    }
    case 'status': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
      return statusCommand(positionals);
    }
    case 'report': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {} });
      return reportCommand(positionals[0]);
    }
    case 'rollback': {
      const { values, positionals } = parseArgs({
        args: rest,
        allowPositionals: true,
        options: { yes: { type: 'boolean', default: false }, 'remove-fields': { type: 'boolean', default: false } },
      });
      return rollbackCommand(positionals[0], { yes: values.yes, removeFields: values['remove-fields'] });
    }
    case 'generate-samples': {
      const { values } = parseArgs({
        args: rest,
        options: {
          out: { type: 'string' },
          leads: { type: 'string', default: '500' },
          seed: { type: 'string', default: '1' },
          messy: { type: 'boolean', default: false },
        },
      });
      return generateSamplesCommand(values);
    }
    case 'describe-twenty': {
      const { values } = parseArgs({ args: rest, options: { json: { type: 'boolean', default: false } } });
      return describeTwentyCommand({ json: values.json });
    }
    case 'sandbox': {
      const { values } = parseArgs({
        args: rest,
        options: {
          port: { type: 'string' },
          profile: { type: 'string' },
          'rate-limit': { type: 'string' },
          data: { type: 'string' },
          faults: { type: 'string' },
        },
      });
      return sandboxCommand(values);
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(`${USAGE}\n`);
      return command === undefined ? 2 : 0;
    default:
      throw new UserError(`Unknown command "${command}".\n${USAGE}`);
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // User mistakes get their message, nothing else. parseArgs reports bad options with ERR_PARSE_ARGS_* codes.
    const code = (error as { code?: string }).code ?? '';
    if (error instanceof UserError || code.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`kartra-twenty: ${terminalSafe((error as Error).message)}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`kartra-twenty: internal error: ${(error as Error)?.message ?? String(error)}\nPlease report this with the command you ran.\n`);
    process.exitCode = 70;
  },
);
