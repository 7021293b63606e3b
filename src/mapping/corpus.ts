/**
 * The labelled mapping corpus (`fixtures/mapping/*.json`): header sets with sample values and the correct destination
 * of every column, used to measure the mapping proposer and the baseline (Twenty's own importer matcher).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export const TWENTY_OBJECTS = ['person', 'company', 'opportunity'] as const;
export type TwentyObject = (typeof TWENTY_OBJECTS)[number];

export const CUSTOM_FIELD_TYPES = [
  'TEXT',
  'NUMBER',
  'BOOLEAN',
  'DATE',
  'DATE_TIME',
  'SELECT',
  'MULTI_SELECT',
  'CURRENCY',
  'LINKS',
  'EMAILS',
  'PHONES',
  'ADDRESS',
  'RATING',
] as const;

const identifier = z.string().regex(/^[a-z][A-Za-z0-9]*$/, 'must be a camelCase identifier');

export const expectedFieldSchema = z
  .object({
    kind: z.literal('field'),
    object: z.enum(TWENTY_OBJECTS),
    field: identifier,
    subfield: identifier.optional(),
  })
  .strict();
export const expectedCustomSchema = z
  .object({ kind: z.literal('custom'), type: z.enum(CUSTOM_FIELD_TYPES), name: identifier.optional() })
  .strict();
export const expectedSkipSchema = z.object({ kind: z.literal('skip') }).strict();
export const expectedSchema = z.discriminatedUnion('kind', [expectedFieldSchema, expectedCustomSchema, expectedSkipSchema]);

export const corpusColumnSchema = z
  .object({
    header: z.string().min(1),
    samples: z.array(z.string()).max(5),
    expected: expectedSchema,
  })
  .strict();

export const corpusFileSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().min(1),
    object: z.enum(TWENTY_OBJECTS),
    columns: z.array(corpusColumnSchema).min(1),
  })
  .strict()
  .superRefine((file, ctx) => {
    const seen = new Set<string>();
    file.columns.forEach((c, i) => {
      if (seen.has(c.header)) ctx.addIssue({ code: 'custom', path: ['columns', i, 'header'], message: `duplicate header "${c.header}"` });
      seen.add(c.header);
    });
  });

export type Expected = z.infer<typeof expectedSchema>;
export type CorpusColumn = z.infer<typeof corpusColumnSchema>;
export type CorpusFile = z.infer<typeof corpusFileSchema>;
export type LoadedCorpusFile = CorpusFile & { file: string };

export const DEFAULT_CORPUS_DIR = 'fixtures/mapping';

export class CorpusError extends Error {
  override readonly name = 'CorpusError';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(`${file}: ${message}`);
  }
}

function describeIssue(raw: unknown, issue: z.core.$ZodIssue): string {
  const path = issue.path;
  let where = path.length ? path.join('.') : '(root)';
  if (path[0] === 'columns' && typeof path[1] === 'number') {
    const cols = (raw as { columns?: unknown[] } | null)?.columns;
    const col = Array.isArray(cols) ? (cols[path[1]] as { header?: unknown } | undefined) : undefined;
    const header = typeof col?.header === 'string' ? ` "${col.header}"` : '';
    const rest = path.slice(2).join('.');
    where = `column ${path[1]}${header}${rest ? ` (${rest})` : ''}`;
  }
  return `${where}: ${issue.message}`;
}

/** Parse and validate one corpus file's text; throws a CorpusError naming the file and the column. */
export function parseCorpusFile(file: string, text: string): LoadedCorpusFile {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new CorpusError(file, `not valid JSON (${(e as Error).message})`);
  }
  const result = corpusFileSchema.safeParse(raw);
  if (!result.success) {
    throw new CorpusError(file, result.error.issues.map((i) => describeIssue(raw, i)).join('; '));
  }
  return { ...result.data, file };
}

/** Load and validate every `*.json` file of a corpus directory, sorted by file name. */
export function loadCorpus(dir: string = DEFAULT_CORPUS_DIR): LoadedCorpusFile[] {
  const names = readdirSync(dir)
    .filter((n) => n.endsWith('.json'))
    .sort();
  if (names.length === 0) throw new CorpusError(dir, 'no corpus files (*.json)');
  return names.map((n) => parseCorpusFile(n, readFileSync(join(dir, n), 'utf8')));
}
