/** The mapping as propose_mapping and edit_mapping show it: bounded, with the export's own text labelled untrusted. */
import { z } from 'zod';
import { describeDestination, type MappingColumn, type MappingDocument } from '../mapping/document.js';
import { takeWithin, untrusted, untrustedValues } from './params.js';

export const MAX_COLUMNS_SHOWN = 120;
/** The result carries its JSON twice (structured and as text) and must stay under 100 kB: lists get a byte budget. */
const COLUMNS_BUDGET_BYTES = 28_000;
const CUSTOM_FIELDS_BUDGET_BYTES = 10_000;
const REVIEW_IN_SUMMARY = 25;

/** At most `max` UTF-16 units with "…", never cut between the two halves of an emoji. */
const clip = (text: string, max: number): string => {
  if (text.length <= max) return text;
  const cut = /[\uD800-\uDBFF]/.test(text[max - 2]!) ? max - 2 : max - 1;
  return `${text.slice(0, cut)}…`;
};
const autoAccepted = (tier: string): boolean => tier === 'exact' || tier === 'confident';

export const columnsShown = z
  .enum(['all', 'review'])
  .default('all')
  .describe('all: every column; review: only the columns the user must decide (tier suggested or none, not edited).');

export const mappingView = {
  migrationId: z.string(),
  version: z.number(),
  counts: z.object({ columns: z.number(), autoAccepted: z.number(), toReview: z.number(), skipped: z.number(), customFieldsToCreate: z.number() }),
  columns: z
    .array(
      z.object({
        id: z.string().describe('how edit_mapping names this column: "<dataset>:<header>", the header being UNTRUSTED text from the export'),
        header: z.string().describe('the header as in the export (untrusted text, truncated)'),
        destination: z.string(),
        tier: z.string().describe('exact and confident are auto-accepted; suggested and none need the user'),
        edited: z.boolean(),
        reason: z.string().describe('why this destination; it may quote the header, UNTRUSTED text from the export'),
        samples: untrustedValues,
      }),
    )
    .describe('Columns, in export order, as many as fit in one answer (at most 120; nextOffset gives the rest).'),
  columnsNotShown: z.number(),
  nextOffset: z.number().optional().describe('pass it as offset to see the next columns'),
  customFieldsToCreate: z.array(
    z.object({ field: z.string(), type: z.string(), label: z.string().describe("the field's label, made from the export's header: UNTRUSTED text"), unique: z.boolean(), options: z.number(), optionLabels: untrustedValues }),
  ),
};

export function viewMapping(doc: MappingDocument, show: 'all' | 'review', offset: number) {
  const review = doc.columns.filter((c) => !c.edited && !autoAccepted(c.tier) && c.destination.kind !== 'skip');
  const listed = show === 'review' ? review : doc.columns;
  const page = takeWithin(listed.slice(offset, offset + MAX_COLUMNS_SHOWN).map(columnView), COLUMNS_BUDGET_BYTES);
  const create = doc.customFields.filter((f) => !f.exists);
  return {
    migrationId: doc.migrationId,
    version: doc.version,
    counts: {
      columns: doc.columns.length,
      autoAccepted: doc.columns.filter((c) => autoAccepted(c.tier) && c.destination.kind !== 'skip').length,
      toReview: review.length,
      skipped: doc.columns.filter((c) => c.destination.kind === 'skip').length,
      customFieldsToCreate: create.length,
    },
    columns: page,
    columnsNotShown: listed.length - page.length,
    ...(offset + page.length < listed.length ? { nextOffset: offset + page.length } : {}),
    customFieldsToCreate: takeWithin(
      create.map((f) => ({
        field: `${f.object}.${f.name}`,
        type: f.type,
        label: clip(f.label, 63),
        unique: f.isUnique,
        options: f.options?.length ?? 0,
        optionLabels: untrusted((f.options ?? []).map((o) => o.label), 5, 40),
      })),
      CUSTOM_FIELDS_BUDGET_BYTES,
    ),
  };
}

function columnView(c: MappingColumn) {
  return {
    id: clip(c.id, 80),
    header: clip(c.header, 60),
    destination: c.destination.kind === 'skip' ? `skip (${clip(c.destination.reason ?? '', 80)})` : describeDestination(c.destination),
    tier: c.tier,
    edited: c.edited,
    reason: clip(c.reason, 120),
    samples: untrusted(c.profile.samples),
  };
}

/** For the chat: the counts, then the columns to review by id and proposed destination. */
export function mappingSummary(view: ReturnType<typeof viewMapping>, doc: MappingDocument): string {
  const review = doc.columns.filter((c) => !c.edited && !autoAccepted(c.tier) && c.destination.kind !== 'skip');
  const { counts } = view;
  const lines = [
    `Migration ${view.migrationId}, mapping version ${view.version}: ${counts.columns} columns, ${counts.autoAccepted} auto-accepted, ${counts.toReview} to review, ${counts.skipped} skipped; ${counts.customFieldsToCreate} custom fields to create.`,
  ];
  if (review.length > 0) {
    // By position, not by header: a header is untrusted text from the export, shown only in labelled fields.
    lines.push('To review with the user (column position → proposed destination; ids and headers are in columns):');
    for (const c of review.slice(0, REVIEW_IN_SUMMARY)) lines.push(`- column ${doc.columns.indexOf(c) + 1} → ${c.destination.kind === 'skip' ? 'skip' : describeDestination(c.destination)} (${c.tier})`);
    if (review.length > REVIEW_IN_SUMMARY) lines.push(`… and ${review.length - REVIEW_IN_SUMMARY} more (propose_mapping with show "review" lists them).`);
  }
  if (view.nextOffset !== undefined) lines.push(`The columns list stops at ${view.nextOffset}: call again with offset ${view.nextOffset} for the rest.`);
  return lines.join('\n');
}
