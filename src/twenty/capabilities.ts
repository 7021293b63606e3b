/**
 * What differs between Twenty versions, detected instead of assumed (twenty-api.md §1, §4):
 * - the batch maximum (`QUERY_MAX_RECORDS`: 200 since Sep 2025, 60 before), learned from TOO_MANY_RECORDS_TO_UPDATE;
 * - the note/task target link columns (`personId` in 1.x, `targetPersonId` in 2.x), read off the noteTarget and
 *   taskTarget objects' fields;
 * - which standard fields exist (`city` and `xLink` are gone from Person in 2.43, `employees` from Company).
 */
import type { EventSink } from './events.js';
import type { TwentyObject, TwentySchema } from './schema.js';

/** Twenty's `QUERY_MAX_RECORDS` since PR #14358 (§1). */
export const DEFAULT_BATCH_MAX = 200;
/** `QUERY_MAX_RECORDS` before it (§1). */
export const LEGACY_BATCH_MAX = 60;

/** The largest batch this server accepts, lowered when it refuses one as too large, and remembered. */
export class BatchLimit {
  private current: number;

  constructor(
    initial = DEFAULT_BATCH_MAX,
    private readonly onEvent?: EventSink,
  ) {
    this.current = Math.max(1, Math.floor(initial));
  }

  get value(): number {
    return this.current;
  }

  /**
   * After a batch of `sent` records was refused as too large: the maximum the server stated, else 60, else half
   * the batch. Always below `sent`, never above the current value.
   */
  lower(stated: number | undefined, sent: number): number {
    let next = stated ?? (sent > LEGACY_BATCH_MAX ? LEGACY_BATCH_MAX : Math.floor(sent / 2));
    if (next >= sent) next = Math.floor(sent / 2);
    next = Math.max(1, Math.min(this.current, next));
    if (next < this.current) {
      this.onEvent?.({ type: 'batch-max-lowered', from: this.current, to: next });
      this.current = next;
    }
    return this.current;
  }
}

export type LinkTarget = 'person' | 'company' | 'opportunity';

/** How a note or task is linked to a record: one noteTarget/taskTarget row per link (§4). */
export interface TargetLinks {
  /** `noteTarget` or `taskTarget`. */
  object: string;
  /** `noteTargets` or `taskTargets`: the plural for `POST /rest/batch/...`. */
  namePlural: string;
  /** `noteId` / `taskId`. */
  parentColumn: string;
  /** `plain`: `personId` (1.x); `target`: `targetPersonId` (2.x). */
  style: 'plain' | 'target';
  /** Join column per linkable object, e.g. `{person: 'targetPersonId', company: 'targetCompanyId', ...}`. */
  columns: Partial<Record<LinkTarget, string>>;
}

export interface TwentyCapabilities {
  /** Records per batch request now (200, or less once the server refused a batch). */
  batchMax: number;
  noteTargets: TargetLinks | undefined;
  taskTargets: TargetLinks | undefined;
  /** Whether `object` (singular or plural name) has an active field `field`. */
  hasField(object: string, field: string): boolean;
  /** Of the standard fields that come and go between versions, those this workspace lacks, e.g. `person.city`. */
  missingStandardFields: string[];
}

/** Standard fields present in some Twenty versions and not others (§4). */
const VERSION_DEPENDENT_FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['person', 'city'],
  ['person', 'xLink'],
  ['person', 'linkedinLink'],
  ['person', 'jobTitle'],
  ['person', 'phones'],
  ['company', 'employees'],
  ['company', 'xLink'],
  ['company', 'linkedinLink'],
  ['company', 'idealCustomerProfile'],
  ['company', 'annualRecurringRevenue'],
  ['company', 'annualRevenue'],
  ['company', 'address'],
  ['opportunity', 'owner'],
];

function capitalised(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Field names and join columns of an object, as one set. */
function namesOf(object: TwentyObject): Set<string> {
  const names = new Set<string>();
  for (const f of object.fields) {
    if (!f.isActive) continue;
    names.add(f.name);
    if (f.joinColumnName !== undefined) names.add(f.joinColumnName);
  }
  return names;
}

/** Reads the link columns of `noteTarget` / `taskTarget`: `targetPerson`(`Id`) means 2.x style, `person`(`Id`) 1.x. */
export function detectTargetLinks(schema: TwentySchema, kind: 'note' | 'task'): TargetLinks | undefined {
  const object = schema.object(`${kind}Target`);
  if (object === undefined) return undefined;
  const names = namesOf(object);
  const columns: Partial<Record<LinkTarget, string>> = {};
  let targetStyle = 0;
  let plainStyle = 0;
  for (const t of ['person', 'company', 'opportunity'] as const) {
    const target = `target${capitalised(t)}`;
    if (names.has(target) || names.has(`${target}Id`)) {
      columns[t] = `${target}Id`;
      targetStyle++;
    } else if (names.has(t) || names.has(`${t}Id`)) {
      columns[t] = `${t}Id`;
      plainStyle++;
    }
  }
  if (targetStyle === 0 && plainStyle === 0) return undefined;
  return {
    object: object.nameSingular,
    namePlural: object.namePlural,
    parentColumn: `${kind}Id`,
    style: targetStyle >= plainStyle ? 'target' : 'plain',
    columns,
  };
}

export function capabilitiesOf(schema: TwentySchema, batchLimit: BatchLimit): TwentyCapabilities {
  const hasField = (object: string, field: string): boolean => {
    const f = schema.field(object, field);
    return f !== undefined && f.isActive;
  };
  return {
    batchMax: batchLimit.value,
    noteTargets: detectTargetLinks(schema, 'note'),
    taskTargets: detectTargetLinks(schema, 'task'),
    hasField,
    missingStandardFields: VERSION_DEPENDENT_FIELDS.filter(
      ([object, field]) => schema.object(object) !== undefined && !hasField(object, field),
    ).map(([object, field]) => `${object}.${field}`),
  };
}
