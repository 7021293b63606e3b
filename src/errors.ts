/**
 * A problem the user can fix. Its message is complete and shown as-is (CLI: one line on stderr; MCP: an `isError`
 * result), never with a stack trace. Anything else that escapes is a bug in this project.
 */
export class UserError extends Error {
  override readonly name: string = 'UserError';
}

/** A user error about one export file, optionally one line of it: "<file>:<line>: <problem>. <what to do>". */
export class ExportFileError extends UserError {
  override readonly name = 'ExportFileError';
  constructor(
    readonly file: string,
    readonly problem: string,
    readonly action: string,
    readonly line?: number,
  ) {
    super(`${file}${line === undefined ? '' : `:${line}`}: ${problem}. ${action}`);
  }
}
