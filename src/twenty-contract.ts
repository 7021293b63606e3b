/**
 * Facts of Twenty's API contract (../shared/docs/twenty-api.md §3) that both the client (src/twenty) and the sandbox
 * (src/sandbox) must agree on. Data only, no behaviour: each side still implements the contract on its own, so that
 * one side's misreading of it shows up as a failing contract test instead of passing twice.
 */

/** Colours Twenty accepts for select options (`TAG_COLORS`). */
export const TAG_COLORS = [
  'red', 'ruby', 'crimson', 'tomato', 'orange', 'amber', 'yellow', 'lime', 'grass', 'green', 'jade', 'mint',
  'turquoise', 'cyan', 'sky', 'blue', 'iris', 'violet', 'purple', 'plum', 'pink', 'bronze', 'gold', 'brown', 'gray',
] as const;

/** Field and object API names: camelCase, a lowercase letter first. */
export const CAMEL_CASE_NAME = /^[a-z][a-zA-Z0-9]*$/;

/** twenty-shared isSnakeCaseString: select option values, a letter first, UPPER_SNAKE segments, no double underscore. */
export const UPPER_SNAKE_VALUE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

/** The longest name, option value or option label Twenty accepts. */
export const MAX_IDENTIFIER_LENGTH = 63;
