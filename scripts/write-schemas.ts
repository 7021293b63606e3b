/** Writes the JSON Schemas of the project's documents under schemas/ (`npm run schemas`); a test keeps them current. */
import { writeFileSync } from 'node:fs';
import { mappingJsonSchema } from '../src/mapping/document.js';

export const SCHEMA_FILES = { 'schemas/mapping.schema.json': mappingJsonSchema } as const;

for (const [path, make] of Object.entries(SCHEMA_FILES)) {
  writeFileSync(path, `${JSON.stringify(make(), null, 2)}\n`);
  console.log(`wrote ${path}`);
}
