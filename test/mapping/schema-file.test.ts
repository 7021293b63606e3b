import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mappingDocumentSchema, mappingJsonSchema } from '../../src/mapping/document.js';

describe('schemas/mapping.schema.json', () => {
  it('is the current JSON Schema of the mapping document (run `npm run schemas` after changing document.ts)', () => {
    const committed = JSON.parse(readFileSync('schemas/mapping.schema.json', 'utf8'));
    expect(committed).toEqual(mappingJsonSchema());
  });

  it('requires what the zod schema requires', () => {
    const schema = mappingJsonSchema() as { required: string[]; properties: Record<string, unknown> };
    expect(schema.required).toEqual(expect.arrayContaining(['format', 'formatVersion', 'migrationId', 'version', 'columns', 'customFields']));
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(mappingDocumentSchema.shape).sort());
  });
});
