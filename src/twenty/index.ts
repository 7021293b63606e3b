/**
 * The Twenty API client: the public surface. Import from here (`src/twenty/index.js`), not from the modules.
 *
 * ```ts
 * const twenty = clientFromEnvironment();          // undefined when TWENTY_API_URL is unset: rehearsal
 * const caps = await twenty.capabilities();        // batchMax, noteTargets.columns.person, missingStandardFields
 * await twenty.ensureField({ object: 'person', name: 'kartraLeadId', label: 'Kartra lead id', type: 'TEXT', isUnique: true });
 * const { written, rejected } = await twenty.upsertMany('people', rows);
 * for await (const page of twenty.find('people', { filter: where(eq('kartraLeadId', '42')) })) { ... }
 * ```
 */
export { clientFromEnvironment, createTwentyClient } from './client.js';
export { REHEARSAL_NOTICE, connectTwenty } from './connect.js';
export type { TwentyConnection } from './connect.js';
export type { TwentyClient, TwentyClientOptions, TwentyClientStats } from './client.js';

export {
  TwentyAuthError,
  TwentyBatchTooLargeError,
  TwentyConfigError,
  TwentyError,
  TwentyNotFoundError,
  TwentyRateLimitError,
  TwentyResponseError,
  TwentySchemaConflictError,
  TwentyUnavailableError,
  TwentyValidationError,
} from './errors.js';
export type { CallInfo, ValidationDetails } from './errors.js';

export type { EventSink, TwentyClientEvent } from './events.js';
export type { HttpMethod, TwentyRequest } from './http.js';
export { restPath } from './http.js';
export { TWENTY_DEFAULT_BUCKETS } from './rate-limit.js';
export type { Bucket, RateLimitOptions } from './rate-limit.js';

export { TwentySchema } from './schema.js';
export type { RelationInfo, SelectOption, TwentyField, TwentyObject } from './schema.js';
export { DEFAULT_BATCH_MAX, LEGACY_BATCH_MAX } from './capabilities.js';
export type { LinkTarget, TargetLinks, TwentyCapabilities } from './capabilities.js';

export { TAG_COLORS, checkOptions } from './fields.js';
export type {
  AddOptionsResult,
  CustomFieldType,
  EnsureFieldResult,
  EnsureObjectResult,
  FieldSpec,
  ObjectSpec,
  RelationSpec,
  SelectOptionInput,
  TagColor,
} from './fields.js';

export type { FindQuery, RejectedRecord, TwentyPage, TwentyRecord, UpsertOptions, UpsertResult, WrittenRecord } from './records.js';
export type { PageInfo } from './response.js';
export { and, compare, eq, isIn, isNull, not, or, where } from './filters.js';
export type { Comparator, FilterValue } from './filters.js';
