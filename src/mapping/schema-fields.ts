/**
 * The destinations a live Twenty workspace offers a mapping: for the objects a Kartra migration writes rows to, every
 * field a column can fill, one entry per subfield of a composite field. Custom fields already in the workspace are
 * included, so a re-run maps to the fields an earlier run created instead of planning them again.
 */
import type { TwentyField, TwentySchema } from '../twenty/schema.js';
import { COMPOSITE_SUBFIELDS, type CandidateField } from './baseline-twenty-matcher.js';
import { TWENTY_OBJECTS, type TwentyObject } from './corpus.js';

/** Fields no import writes: bookkeeping Twenty fills itself. `createdAt` is not among them: the join date goes there. */
const NOT_IMPORTABLE = new Set(['id', 'updatedAt', 'deletedAt', 'createdBy', 'updatedBy', 'position', 'searchVector', 'avatarUrl', 'avatarFile']);

/** Field types that hold a value a CSV cell can give. */
const SCALAR_TYPES = new Set(['TEXT', 'NUMBER', 'NUMERIC', 'BOOLEAN', 'DATE', 'DATE_TIME', 'SELECT', 'MULTI_SELECT', 'RATING', 'ARRAY']);

/** Relations a column can connect: to the people and companies the migration itself writes. */
const RELATION_TARGETS = new Set(['person', 'company']);

/** The part of a composite field one column fills when nothing says which: the primary value. */
export const PRIMARY_SUBFIELD: Record<string, string> = {
  FULL_NAME: 'firstName',
  EMAILS: 'primaryEmail',
  PHONES: 'primaryPhoneNumber',
  LINKS: 'primaryLinkUrl',
  CURRENCY: 'amountMicros',
  ADDRESS: 'addressStreet1',
};

export const isComposite = (type: string): type is keyof typeof COMPOSITE_SUBFIELDS => Object.hasOwn(COMPOSITE_SUBFIELDS, type);

/** The candidates of one field (none when a column cannot fill it). */
export function candidatesOfField(object: TwentyObject, field: TwentyField): CandidateField[] {
  if (!field.isActive || NOT_IMPORTABLE.has(field.name)) return [];
  if (field.isSystem && field.name !== 'createdAt') return [];
  const base = { object, field: field.name, type: field.type, ...(field.isCustom ? { custom: true } : {}) };
  if (isComposite(field.type)) {
    return COMPOSITE_SUBFIELDS[field.type].map((s) => ({ ...base, subfield: s.subfield, label: `${field.label} / ${s.label}` }));
  }
  if (field.type === 'RELATION' || field.type === 'MORPH_RELATION') {
    const target = field.relation?.targetObject?.nameSingular;
    const manyToOne = field.relation?.type === undefined || field.relation.type === 'MANY_TO_ONE' || field.joinColumnName !== undefined;
    return target !== undefined && RELATION_TARGETS.has(target) && manyToOne ? [{ ...base, label: field.label }] : [];
  }
  return SCALAR_TYPES.has(field.type) || field.name === 'createdAt' ? [{ ...base, label: field.label }] : [];
}

/** Every destination the workspace offers on the objects a migration writes rows to. */
export function candidatesFromSchema(schema: TwentySchema): CandidateField[] {
  return TWENTY_OBJECTS.flatMap((object) => (schema.object(object)?.fields ?? []).flatMap((field) => candidatesOfField(object, field)));
}
