/**
 * inventory.md, the automation inventory: what a Kartra account holds that cannot move as data. Kartra runs a business
 * on tags, lists, sequences and the rules between them, and only the first two leave in its exports (as cells of the
 * leads export). This document says what was migrated where, which tags, lists and sequences the migrated people
 * carry (the names an automation refers to), what Kartra never exports, and what to rebuild as Twenty workflows.
 *
 * Every name in it (tags, lists, headers) comes from the exports and is untrusted: it is escaped so it shows as the
 * text it is, and cut short, never rendered as markdown or HTML.
 */
import { leadFieldOf } from '../kartra/columns.js';
import { readDatasetRows } from '../kartra/dataset-rows.js';
import type { Dataset, Inspection } from '../kartra/inspect.js';
import type { InspectedFile } from '../kartra/inspect-file.js';
import { uniteMultiValues } from '../kartra/multi-value.js';
import { isEmail, isPlaceholder } from '../kartra/values.js';
import { describeDestination, type MappingColumn, type MappingDocument } from '../mapping/document.js';

export type TagListSequenceCounts = { tags: Map<string, number>; lists: Map<string, number>; sequences: Map<string, number> };

export type InventoryInput = {
  migrationId: string;
  inspection: Inspection;
  mapping: MappingDocument;
  /** Leads per tag, list and sequence; when given, used as is. */
  counts?: TagListSequenceCounts;
  /** Per Twenty object, from an import, when one ran. */
  results?: { object: string; created: number; updated: number; unchanged: number; skipped: number; failed: number }[];
};

type Category = keyof TagListSequenceCounts;
const CATEGORIES: readonly Category[] = ['tags', 'lists', 'sequences'];
const FIELD_OF_CATEGORY: Record<Category, string> = { tags: 'kartraTags', lists: 'kartraLists', sequences: 'kartraSequences' };
const PERSON_DATASETS = new Set<string>(['leads', 'contact-list']);

// ---------------------------------------------------------------------------------------------------------------
// Counts

/**
 * How many leads carry each tag, list and sequence, over the people a migration keeps: rejected rows (ragged, or
 * without a valid email) do not count, and a lead and its duplicates count as one person holding the union of their
 * items, as the migration unites them. Items are compared without case ("VIP" and "vip" are one tag, shown with the
 * first spelling met, oldest lead first). Each file's cells are split by the mapping's separator for the column, else
 * by the one the reader found in that file, else by ','.
 *
 * Memory: people are streamed; only the people who have duplicates are held (their item sets), plus one counter per
 * distinct item. Datasets of different kinds (a leads export and a generic contact list) are counted one after the
 * other, so someone in both counts in each, as the reader keeps them apart too.
 */
export async function tagListSequenceCounts(inspection: Inspection, mapping: MappingDocument): Promise<TagListSequenceCounts> {
  const counters: Record<Category, ItemCounter> = { tags: new ItemCounter(), lists: new ItemCounter(), sequences: new ItemCounter() };
  for (const dataset of inspection.datasets) {
    if (!PERSON_DATASETS.has(dataset.kind)) continue;
    const files = inspection.files.filter((f) => dataset.files.includes(f.name));
    await countDataset(dataset, files, mapping, counters);
  }
  return { tags: counters.tags.result(), lists: counters.lists.result(), sequences: counters.sequences.result() };
}

/** Where a file keeps its multi-valued columns, and how each splits. */
type FilePlan = { email: number; columns: { index: number; category: Category; separator: string }[] };

async function countDataset(dataset: Dataset, files: InspectedFile[], mapping: MappingDocument, counters: Record<Category, ItemCounter>): Promise<void> {
  const plans = new Map(files.map((file) => [file.name, filePlan(dataset, file, mapping)]));
  if (![...plans.values()].some((p) => p.columns.length > 0)) return;
  // A losing duplicate's items go to its winner, so both are held until the read ends; everyone else is counted at once.
  const winnerOf = new Map<string, string>();
  for (const d of dataset.duplicates) winnerOf.set(rowKey(d.file, d.line), rowKey(d.duplicateOf.file, d.duplicateOf.line));
  const grouped = new Map<string, Record<Category, Set<string>>>();
  for (const winner of winnerOf.values()) grouped.set(winner, { tags: new Set(), lists: new Set(), sequences: new Set() });

  for await (const row of readDatasetRows(files)) {
    const plan = plans.get(row.file)!;
    if (row.ragged || !hasValidEmail(row.cells, plan.email)) continue;
    const key = rowKey(row.file, row.line);
    const group = grouped.get(winnerOf.get(key) ?? key);
    for (const { index, category, separator } of plan.columns) {
      const items = uniteMultiValues(row.cells[index]!.split(separator));
      if (group) for (const item of items) group[category].add(counters[category].spelling(item));
      else for (const item of items) counters[category].count(counters[category].spelling(item));
    }
  }
  for (const group of grouped.values()) {
    for (const category of CATEGORIES) for (const key of group[category]) counters[category].count(key);
  }
}

function filePlan(dataset: Dataset, file: InspectedFile, mapping: MappingDocument): FilePlan {
  const email = file.header.findIndex((h) => leadFieldOf(h) === 'email');
  const columns: FilePlan['columns'] = [];
  file.header.forEach((header, index) => {
    const column = mapping.columns.find((c) => c.dataset === dataset.kind && c.header === header);
    const category = categoryOf(header, column);
    if (category === undefined) return;
    const separator = column?.transforms.separator ?? file.columns[index]?.separator ?? ',';
    columns.push({ index, category, separator });
  });
  return { email, columns };
}

/** A column holds tags, lists or sequences when the mapping sends it to their field, or else when its header says so. */
function categoryOf(header: string, column: MappingColumn | undefined): Category | undefined {
  const d = column?.destination;
  const field = d === undefined || d.kind === 'skip' ? undefined : d.kind === 'field' ? d.field : d.name;
  const byField = CATEGORIES.find((c) => FIELD_OF_CATEGORY[c] === field);
  if (byField) return byField;
  const lead = leadFieldOf(header);
  return lead === 'tags' || lead === 'lists' || lead === 'sequences' ? lead : undefined;
}

/** The reader's rule for a lead it rejects: no email, a placeholder, or not an address (src/kartra/inspect-file.ts). */
function hasValidEmail(cells: string[], index: number): boolean {
  const email = index === -1 ? '' : cells[index]!.trim();
  return email !== '' && !isPlaceholder(email) && isEmail(email);
}

const rowKey = (file: string, line: number): string => `${file}\u0000${line}`;

/** People per item, keyed without case; each key remembers the first spelling met. */
class ItemCounter {
  private readonly items = new Map<string, { label: string; people: number }>();

  /** The item's key, registering its spelling if it is the first. */
  spelling(item: string): string {
    const key = item.toLowerCase();
    if (!this.items.has(key)) this.items.set(key, { label: item, people: 0 });
    return key;
  }

  count(key: string): void {
    this.items.get(key)!.people++;
  }

  /** Most carried first, then by name. */
  result(): Map<string, number> {
    const entries = [...this.items.values()].filter((e) => e.people > 0);
    entries.sort((a, b) => b.people - a.people || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
    return new Map(entries.map((e) => [e.label, e.people]));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Markdown

/** Longest name shown; longer ones are cut with an ellipsis (a Kartra cell may hold 255 characters and more). */
export const MAX_NAME_LENGTH = 80;
/** Rows per table: an account with thousands of tags gets the most used ones and a line counting the rest. */
export const MAX_TABLE_ROWS = 500;

/**
 * Untrusted text as inert markdown: control characters and line breaks become spaces, the text is cut to `max`
 * characters, and every character markdown or HTML gives a meaning to is backslash-escaped (|, *, _, `, [, ], <, >,
 * #, ~, the backslash itself, and & where it would start an entity).
 */
export function markdownText(text: string, max = MAX_NAME_LENGTH): string {
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ').replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  const cut = chars.length > max ? `${chars.slice(0, max - 1).join('').trimEnd()}…` : flat;
  return cut.replace(/[\\`*_[\]<>#|~]/g, '\\$&').replace(/&(?=#?[A-Za-z0-9]+;)/g, '\\&');
}

const NUMBER = new Intl.NumberFormat('en-US');
const fmt = (n: number): string => NUMBER.format(n);

const OBJECT_LABELS: Record<string, string> = { person: 'People', company: 'Companies', opportunity: 'Opportunities' };
const objectLabel = (object: string): string => OBJECT_LABELS[object] ?? markdownText(object, 40);

/** The automation inventory, as markdown. */
export function automationInventory(input: InventoryInput & { counts: NonNullable<InventoryInput['counts']> }): string {
  const { mapping, inspection, counts } = input;
  const sections = [
    header(input),
    migratedWhere(inspection, mapping, input.results),
    tagsListsSequences(mapping, counts),
    neverExported(mapping),
    rebuildAsWorkflows(mapping, counts),
  ];
  return `${sections.join('\n\n').trimEnd()}\n`;
}

function header(input: InventoryInput): string {
  const { mapping } = input;
  const where = mapping.twenty.mode === 'live' ? 'your Twenty workspace' : 'the rehearsal sandbox (nothing was written to your CRM)';
  return [
    '# Automation inventory',
    '',
    `Migration ${markdownText(input.migrationId, 40)} · mapping version ${mapping.version} · into ${where}`,
    '',
    "Kartra runs a business on tags, lists, sequences and the rules that connect them. Its CSV exports carry the data " +
      '(leads with their tags and lists, transactions, subscriptions) but none of the rules, so those cannot be moved: ' +
      'they have to be rebuilt. This document lists what was moved and where, the tags, lists and sequences your ' +
      'automations refer to with how many people carry each, what Kartra never exports, and what to rebuild as Twenty ' +
      'workflows. Names from the exports are shown as text, cut at ' +
      `${MAX_NAME_LENGTH} characters.`,
  ].join('\n');
}

// --- What was migrated where

function migratedWhere(inspection: Inspection, mapping: MappingDocument, results: InventoryInput['results']): string {
  const lines = ['## What was migrated where', ''];
  lines.push('| Kartra export | Files | Rows | Rejected | Duplicates | Become | Records to migrate |', '|---|---:|---:|---:|---:|---|---:|');
  for (const dataset of inspection.datasets) {
    const object = mapping.datasets.find((d) => d.kind === dataset.kind)?.object;
    lines.push(
      `| ${dataset.kind} | ${dataset.files.length} | ${fmt(dataset.rows)} | ${fmt(dataset.rejectedRows)} | ${fmt(dataset.duplicates.length)} | ` +
        `${object ? objectLabel(object) : 'not migrated'} | ${fmt(dataset.uniqueRows)} |`,
    );
  }
  lines.push(
    '',
    'Rejected rows (no valid email, or cells out of line with the header) and losing duplicates (the older lead wins, ' +
      "as in Kartra; its duplicates' tags and lists are added to it) are not migrated; each skipped or failed row is " +
      'in rejects.csv with its original values and the reason.',
  );
  if (inspection.failures.length > 0) {
    lines.push('', `Files that could not be read, so nothing of them was migrated: ${inspection.failures.map((f) => markdownText(f.file)).join(', ')}.`);
  }
  lines.push('', resultsTable(results));
  for (const dataset of inspection.datasets) lines.push('', datasetSection(dataset, mapping));
  return lines.join('\n');
}

function resultsTable(results: InventoryInput['results']): string {
  if (results === undefined || results.length === 0) {
    return 'No import has run yet: the figures above are what the exports hold. A preview or an import gives what happens to them in Twenty.';
  }
  const lines = ['### Import results', '', '| Twenty object | Created | Updated | Unchanged | Skipped | Failed |', '|---|---:|---:|---:|---:|---:|'];
  for (const r of results) {
    lines.push(`| ${objectLabel(r.object)} | ${fmt(r.created)} | ${fmt(r.updated)} | ${fmt(r.unchanged)} | ${fmt(r.skipped)} | ${fmt(r.failed)} |`);
  }
  return lines.join('\n');
}

function datasetSection(dataset: Dataset, mapping: MappingDocument): string {
  const columns = mapping.columns.filter((c) => c.dataset === dataset.kind);
  const object = mapping.datasets.find((d) => d.kind === dataset.kind)?.object;
  const title = `### ${dataset.kind} → ${object ? objectLabel(object) : 'not migrated'}`;
  if (columns.length === 0) return `${title}\n\nThe mapping has no columns for this export.`;
  const kept = columns.filter((c) => c.destination.kind !== 'skip');
  const skipped = columns.filter((c) => c.destination.kind === 'skip');
  const lines = [title, '', `${kept.length} of ${columns.length} columns are migrated.`, ''];
  lines.push('| Column | Goes to |', '|---|---|');
  for (const c of kept) lines.push(`| ${markdownText(c.header)} | ${destinationText(c)} |`);
  if (skipped.length > 0) {
    lines.push('', 'Not migrated:', '', '| Column | Why |', '|---|---|');
    for (const c of skipped) lines.push(`| ${markdownText(c.header)} | ${markdownText(c.destination.kind === 'skip' ? c.destination.reason : '', 200)} |`);
  }
  const fields = plannedFieldsOf(columns, mapping);
  if (fields.length > 0) {
    const created = fields.filter((f) => !f.exists);
    const reused = fields.filter((f) => f.exists);
    lines.push('');
    if (created.length > 0) lines.push(`Custom fields this migration creates: ${created.map(fieldText).join(', ')}.`);
    if (reused.length > 0) lines.push(`Custom fields already in the workspace, reused: ${reused.map(fieldText).join(', ')}.`);
  }
  return lines.join('\n');
}

function destinationText(c: MappingColumn): string {
  // Destinations are identifiers the document's schema checks ([A-Za-z0-9]), so a code span cannot be broken out of.
  const path = `\`${describeDestination(c.destination).replace(' (new)', '')}\``;
  return c.destination.kind === 'new-field' ? `${path} (new custom field)` : path;
}

type Planned = MappingDocument['customFields'][number];

/** The planned custom fields the columns of one dataset fill. */
function plannedFieldsOf(columns: MappingColumn[], mapping: MappingDocument): Planned[] {
  return mapping.customFields.filter((f) =>
    columns.some((c) => c.destination.kind !== 'skip' && c.destination.object === f.object && (c.destination.kind === 'new-field' ? c.destination.name : c.destination.field) === f.name),
  );
}

function fieldText(f: Planned): string {
  const options = f.options ? `, ${f.options.length} options` : '';
  return `${markdownText(f.label, 63)} (\`${f.object}.${f.name}\`, ${f.type}${options})`;
}

// --- Tags, lists and sequences

/** Where the mapping sends a category's column(s), in words. */
function whereCategoryGoes(mapping: MappingDocument, category: Category): { migrated: string[]; skipped: string[] } {
  const migrated = new Set<string>();
  const skipped = new Set<string>();
  for (const c of mapping.columns) {
    if (!PERSON_DATASETS.has(c.dataset) || categoryOf(c.header, c) !== category) continue;
    if (c.destination.kind === 'skip') skipped.add(`${markdownText(c.header)} (${markdownText(c.destination.reason, 160)})`);
    else migrated.add(`\`${describeDestination(c.destination).replace(' (new)', '')}\``);
  }
  return { migrated: [...migrated], skipped: [...skipped] };
}

function tagsListsSequences(mapping: MappingDocument, counts: TagListSequenceCounts): string {
  const lines = [
    '## Tags, lists and sequences',
    '',
    "Kartra's automation rules are written in these names (\"when tag X is added, subscribe to sequence Y\"). The counts " +
      'are people as migrated: rejected rows left out, a lead and its duplicates counted once.',
  ];
  const tags = whereCategoryGoes(mapping, 'tags');
  lines.push('', `### Tags (${fmt(counts.tags.size)})`, '', placement('tags', tags));
  if (counts.tags.size > 0) lines.push('', ...countTable('Tag', counts.tags));
  const lists = whereCategoryGoes(mapping, 'lists');
  lines.push('', `### Lists (${fmt(counts.lists.size)})`, '', placement('lists', lists));
  if (counts.lists.size > 0) lines.push('', ...countTable('List', counts.lists));
  lines.push('', `### Sequences (${fmt(counts.sequences.size)})`, '', sequencesText(mapping, counts.sequences));
  return lines.join('\n');
}

function placement(category: 'tags' | 'lists', where: { migrated: string[]; skipped: string[] }): string {
  const parts: string[] = [];
  if (where.migrated.length > 0) parts.push(`Migrated to ${where.migrated.join(', ')} (one choice per ${category === 'tags' ? 'tag' : 'list'}).`);
  if (where.skipped.length > 0) parts.push(`Not migrated: ${where.skipped.join('; ')}. Edit the mapping to keep them.`);
  if (parts.length === 0) parts.push(`The exports have no ${category} column, so no ${category} were migrated.`);
  return parts.join(' ');
}

function countTable(label: string, counts: Map<string, number>, extra?: (name: string) => string): string[] {
  const lines = [`| ${label} | People |${extra ? ' What it likely did |' : ''}`, `|---|---:|${extra ? '---|' : ''}`];
  let shown = 0;
  for (const [name, people] of counts) {
    if (shown === MAX_TABLE_ROWS) break;
    lines.push(`| ${markdownText(name)} | ${fmt(people)} |${extra ? ` ${extra(name)} |` : ''}`);
    shown++;
  }
  const rest = [...counts.values()].slice(MAX_TABLE_ROWS);
  if (rest.length > 0) lines.push('', `… and ${fmt(rest.length)} more, carried by ${fmt(rest[0]!)} people or fewer each.`);
  return lines;
}

function sequencesText(mapping: MappingDocument, sequences: Map<string, number>): string {
  const why =
    'Sequences cannot be migrated: a Kartra sequence is a timed series of emails (and SMS) with its own steps, and ' +
    "neither the steps, their content, their timing nor each lead's current step is in any export. Twenty has no " +
    'drip sequences of its own; rebuild each one in your email tool, or as Twenty workflows for the simple ones (below). ' +
    'Copy every email of every sequence out of Kartra before the account closes.';
  if (sequences.size === 0) {
    const where = whereCategoryGoes(mapping, 'sequences');
    const column = where.migrated.length > 0 || where.skipped.length > 0;
    const lead = column
      ? 'The sequences column is empty for every migrated lead.'
      : "The exports have no sequences column, so which lead was in which sequence is not known here (Kartra's lead export is not documented to include one; its API returns a lead's sequences with their step, one lead per call).";
    return `${lead} ${why} List your sequences from Kartra's sequence builder.`;
  }
  const where = whereCategoryGoes(mapping, 'sequences');
  const kept = where.migrated.length > 0 ? ` The sequence names each lead was in are kept in ${where.migrated.join(', ')}, so the people to re-enrol can be found.` : '';
  return [`${why}${kept}`, '', ...countTable('Sequence', sequences, likelyPurpose)].join('\n');
}

/** A guess from the name alone, worded as one: the sequence's emails are not in the exports. */
const PURPOSES: readonly [RegExp, string][] = [
  [/welcome|onboard|intro|getting.?started|new.?(lead|subscriber)/i, 'welcome or onboarding emails after sign-up'],
  [/cart|abandon|checkout/i, 'follow-up of an abandoned cart or checkout'],
  [/webinar|workshop|masterclass|summit|event|live|replay/i, 'reminders and replay for a webinar or event'],
  [/launch|promo|sale|offer|black.?friday|cyber|discount|coupon/i, 'a launch or promotion'],
  [/re.?engag|win.?back|come.?back|inactive|cold|sunset/i, 're-engagement of inactive leads'],
  [/buyer|customer|purchase|order|upsell|cross.?sell|thank|receipt|member/i, 'follow-up after a purchase (delivery, upsell)'],
  [/freebie|lead.?magnet|download|e.?book|guide|checklist|cheat.?sheet|pdf/i, 'delivery of a free download (lead magnet)'],
  [/nurture|newsletter|tips|course|lesson|challenge|day.?\d|week.?\d|series/i, 'a nurture or content series'],
  [/payment|dunning|failed|card|renew|billing/i, 'payment reminders (failed card, renewal)'],
];

function likelyPurpose(name: string): string {
  const found = PURPOSES.find(([pattern]) => pattern.test(name));
  return found ? `probably ${found[1]}` : 'not clear from the name: check it in Kartra';
}

// --- What Kartra never exported

/**
 * What the exports lack, with how sure the project's research is (../shared/docs/kartra-exports.md tags: V = Kartra's
 * own docs, V3 = third-party code reading real exports, 2nd = second-hand, I = inferred).
 */
const NEVER_EXPORTED: readonly [what: string, known: string, todo: string][] = [
  [
    'Email opens, clicks, page visits, video views and other behaviour',
    'not exported as data rows; only what a rule turned into a tag survives (second-hand: a migration vendor)',
    'Nothing to import. Keep the tags that stand for behaviour (e.g. "Webinar Attendee"); track new activity in Twenty or your email tool.',
  ],
  [
    'Sequences: their steps, email content and who is at which step',
    'not exported (second-hand); the API gives one lead\'s sequences with step and status per call',
    'Copy every email out of Kartra; rebuild the sequences in your email tool; re-enrol people from the list above.',
  ],
  [
    'Automation rules ("when tag added, then ...")',
    'no export of any kind found in Kartra\'s docs or in code reading its exports (inferred)',
    'Write each rule down in Kartra before closing the account; rebuild it as a Twenty workflow (below).',
  ],
  [
    'Funnels, pages, forms and their opt-in settings',
    'forms "do not export as data rows" (second-hand); no export of pages or funnels found (inferred)',
    'Rebuild forms on your new site or form tool and send them to Twenty (a workflow or the API); redirect old page URLs.',
  ],
  [
    'Memberships and course progress',
    'membership access and course enrolment are not exported (second-hand); the API gives a lead\'s memberships one at a time',
    'Export member lists from each membership\'s page if you can, and recreate access on the new course platform.',
  ],
  [
    'Calendars and bookings',
    'no export header found; Kartra shows an agenda filterable by calendar, class and status (Kartra\'s docs)',
    'Not migrated unless an export exists (none was given). Move upcoming bookings by hand; past ones stay in Kartra.',
  ],
  [
    'Affiliates and JV partners: commissions, reserves, payouts',
    'only usernames, names, emails and revenue on each transaction (third-party code); the affiliate table can be downloaded as a payments-due list (Kartra\'s docs)',
    'Settle or download payouts before leaving; transaction-level affiliate columns are migrated as the mapping says.',
  ],
  [
    'Helpdesk tickets and conversations',
    'no export found in any source (inferred); "helpdesk" appears only as a lead source',
    'Export or close open tickets in Kartra; nothing of them reaches Twenty.',
  ],
  [
    'Score rules and score history',
    'the current score is a lead field; the rules that award points are not exported (inferred from the API field list)',
    'The current score is migrated if its column is mapped; rebuild scoring as a workflow that updates the score field.',
  ],
  [
    'GDPR consent history',
    "status, its date and IP are lead fields (Kartra's docs); earlier changes are not exported; the communications flag's meaning contradicts itself in Kartra's docs, so its raw value is kept",
    'Check what 0 and 1 meant in your account before acting on the communications field.',
  ],
];

function neverExported(mapping: MappingDocument): string {
  const lines = [
    '## What Kartra never exported',
    '',
    "Kartra has no bulk API: its data leaves only as CSV exports from its web interface. These were not in them, so they are not in Twenty. Each line says how sure that is; check anything you rely on in Kartra while the account is open.",
    '',
    '| What | What is known | What to do |',
    '|---|---|---|',
  ];
  for (const [what, known, todo] of NEVER_EXPORTED) lines.push(`| ${what} | ${known} | ${todo} |`);
  const kinds = new Set(mapping.datasets.map((d) => d.kind));
  const missing = [
    ...(kinds.has('leads') || kinds.has('contact-list') ? [] : ['leads']),
    ...(kinds.has('transactions') ? [] : ['transactions']),
    ...(kinds.has('subscriptions') ? [] : ['subscriptions']),
  ];
  if (missing.length > 0) {
    lines.push('', `No ${missing.join(', ')} export was given: export ${missing.length === 1 ? 'it' : 'them'} from Kartra too, or ${missing.length === 1 ? 'that data stays' : 'those stay'} behind.`);
  }
  return lines.join('\n');
}

// --- What to rebuild as Twenty workflows

function rebuildAsWorkflows(mapping: MappingDocument, counts: TagListSequenceCounts): string {
  const tagField = fieldPath(mapping, 'tags') ?? '`person.kartraTags`';
  const listField = fieldPath(mapping, 'lists') ?? '`person.kartraLists`';
  const topTags = [...counts.tags.entries()].slice(0, 5).map(([name, n]) => `${markdownText(name)} (${fmt(n)})`);
  const lists = [...counts.lists.entries()].slice(0, 10).map(([name, n]) => `${markdownText(name)} (${fmt(n)})`);
  const field = (name: string): string | undefined => {
    const planned = mapping.customFields.find((f) => f.object === 'person' && f.name === name);
    return planned ? `\`person.${planned.name}\`` : undefined;
  };
  const items: string[] = [
    '**Turn workflows on after the import.** A workflow with the trigger *Record is Created* runs for every imported record, ' +
      'so build them now but activate them once the import is done.',
    `**Tag-triggered rules** ("tag added → send email, subscribe to sequence, notify someone"): a workflow on People with the ` +
      `trigger *Record is Updated* watching ${tagField} (or *Record is Created or Updated*, so people added by hand count too), ` +
      'a filter on the tag, then actions: *Send Email* through a connected mailbox, *Create Record* for a task, or an ' +
      'HTTP request to your email tool. The trigger fires on any change to the field, so record that a person was handled ' +
      '(another tag, or a field) and filter on it, or the workflow runs again.' +
      (topTags.length > 0 ? ` Start with the tags most people carry: ${topTags.join(', ')}.` : ''),
    `**Lists** become saved views of People filtered by ${listField} (one view per list)` +
      (lists.length > 0 ? `: ${lists.join(', ')}${counts.lists.size > lists.length ? `, and ${fmt(counts.lists.size - lists.length)} more` : ''}.` : '.') +
      ' A "subscribe to list" rule becomes a workflow that adds the list\'s choice to the field.',
    '**Sequences**: in your email tool. For a short one (a welcome email, a reminder), a Twenty workflow triggered on ' +
      'the tag or list can send the emails itself; for the timing and tracking of a real drip sequence, use a tool made for it.',
  ];
  const score = field('kartraScore');
  items.push(
    `**Scores**: ${score ? `the current score is in ${score}; ` : ''}Kartra's point rules are not exported. Rebuild the ` +
      'ones that matter as workflows that update the score when something you track in Twenty happens (an opportunity won, a form sent).',
  );
  const gdpr = field('gdprLeadStatus');
  items.push(
    `**GDPR**: ${gdpr ? `consent status is in ${gdpr} (its choices are Kartra's meanings of 0–5); ` : ''}a workflow on ` +
      'its change can create a task or stop outreach when consent is withdrawn. Rules Kartra applied on consent (for example ' +
      'not emailing leads without it) are yours to rebuild.',
  );
  const blacklisted = field('kartraBlacklisted');
  if (blacklisted) items.push(`**Blacklisted leads**: ${blacklisted} is migrated; build a view that leaves them out of every outreach.`);
  if (mapping.datasets.some((d) => d.kind === 'transactions' || d.kind === 'subscriptions')) {
    items.push(
      '**Payments**: Kartra\'s failed-payment and cancellation emails do not move. Rebuild them on Opportunities with ' +
        '*Record is Created* or *Record is Updated* (the transaction type or subscription status), or keep them in your payment processor.',
    );
  }
  return ['## What to rebuild as Twenty workflows', '', ...items.map((item, i) => `${i + 1}. ${item}`)].join('\n');
}

function fieldPath(mapping: MappingDocument, category: Category): string | undefined {
  const where = whereCategoryGoes(mapping, category);
  return where.migrated[0];
}
