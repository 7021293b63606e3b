/**
 * The import: the exports' rows, through the confirmed mapping, written to Twenty in dependency order — companies,
 * people (oldest first, linked to their company), opportunities from transactions and from subscriptions (linked to
 * their point of contact and company). Each batch is journalled before it is sent (what was decided: create, or
 * update with the previous values) and after its answer (the ids, or why a record failed); a batch counts as done
 * only then. A run started again after any interruption reads the journal, re-sends the batches that have no answer
 * yet (a replay cannot duplicate: records are upserted on their unique key) and goes on with the rows not done.
 *
 * Stages: `dry-run` decides everything and writes nothing; `sample` writes the first people (default 100) with their
 * companies and opportunities; `full` writes the rest; `delta` is a full import of newer exports that leaves alone,
 * without a request, every row whose content is what an earlier migration (`since`) already wrote.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Inspection } from '../kartra/inspect.js';
import { UserError } from '../errors.js';
import { COMPANY_KEY, RECORD_KEYS } from '../mapping/kartra-decisions.js';
import type { MappingDocument } from '../mapping/document.js';
import type { TwentyClient } from '../twenty/client.js';
import { Journal, scanJournal, type JournalEntry } from './journal.js';
import { decide, ExistingIndex, findIn, matchExisting, pluralOf, type Decision, type Policy } from './matching.js';
import { prepareSources, type Phase, type PhaseSource } from './sources.js';
import type { Draft } from './transform.js';

export const STAGES = ['dry-run', 'sample', 'full', 'delta'] as const;
export type Stage = (typeof STAGES)[number];
export const DEFAULT_SAMPLE_SIZE = 100;
export const JOURNAL_FILE = 'journal.jsonl';
const SAMPLES_PER_PHASE = 3;
export type { Phase };

export type Outcome = 'created' | 'updated' | 'unchanged' | 'skipped' | 'failed';
export type Counts = Record<Outcome, number>;
export const zeroCounts = (): Counts => ({ created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 });

export const PHASE_OBJECT: Record<Phase, string> = {
  companies: 'company',
  people: 'person',
  transactions: 'opportunity',
  subscriptions: 'opportunity',
  notes: 'note',
  noteTargets: 'noteTarget',
};

export type Progress = { phase: Phase; stage: Stage; rows: number; counts: Counts };

export type ImportOptions = {
  /** The migration's folder (MIGRATION_HOME/<id>): the journal lives there. */
  dir: string;
  inspection: Inspection;
  mapping: MappingDocument;
  client: TwentyClient;
  policy: Policy;
  stage: Stage;
  sampleSize?: number;
  /** Delta: the folders of earlier migrations of the same account, whose written rows need no write when unchanged. */
  since?: string[];
  signal?: AbortSignal;
  onProgress?: (progress: Progress) => void;
};

/** A row's end: what happened to it. Skipped and failed rows carry their original values, for rejects.csv. */
export type RowOutcome = {
  phase: Phase;
  key: string;
  outcome: Outcome;
  id?: string;
  hash?: string;
  reason?: string;
  file?: string;
  line?: number;
  values?: Record<string, string>;
  /** Updates: the values the fields had before, for rollback. */
  previous?: Record<string, unknown>;
  /** Created and updated records: `updatedAt` as Twenty returned it, to tell later edits apart in a rollback. */
  updatedAt?: string;
  /** People: their email, so opportunities find their point of contact by it on a resumed run too. */
  email?: string;
};

export type ImportResult = {
  stage: Stage;
  /** What happened in this run, per phase (rows already done by an earlier run are not counted again). */
  counts: Record<Phase, Counts>;
  /** Dry-run: a few payloads as they would be sent. */
  samples: { phase: Phase; key: string; action: string; payload: Record<string, unknown> }[];
  /** Cells that could not be converted (their record was written without them). At most 1,000 are listed. */
  problems: { phase: Phase; key: string; column: string; problem: string }[];
  problemCount: number;
  /** The distinct companies the leads name: the companies phase's source rows. */
  companies?: number;
  cancelled: boolean;
  durationMs: number;
};

/** The journal read back: the latest outcome of every row per phase, and batches sent without a journalled answer. */
export type JournalState = { outcomes: Map<string, RowOutcome>; pending: JournalEntry[] };

export const stateKey = (phase: Phase, key: string): string => `${phase}|${key}`;

export async function readJournalState(dir: string): Promise<JournalState> {
  const outcomes = new Map<string, RowOutcome>();
  const intents = new Map<string, JournalEntry>();
  await scanJournal(join(dir, JOURNAL_FILE), (entry) => {
    if (entry.t === 'intent') intents.set(String(entry.batch), entry);
    if (entry.t === 'done') intents.delete(String(entry.batch));
    if (entry.t === 'done' || entry.t === 'rows') {
      for (const r of (entry.records as RowOutcome[] | undefined) ?? []) outcomes.set(stateKey(r.phase, r.key), r);
    }
    if (entry.t === 'reversed') for (const k of (entry.keys as string[] | undefined) ?? []) outcomes.delete(k);
  });
  return { outcomes, pending: [...intents.values()] };
}

/** Runs one stage of the import. Resumable: run it again after any interruption. */
export async function runImport(options: ImportOptions): Promise<ImportResult> {
  return new ImportRun(options).run();
}

type Intent = {
  phase: Phase;
  keyField: string;
  key: string;
  action: 'create' | 'update';
  hash: string;
  record: Record<string, unknown>;
  previous?: Record<string, unknown>;
  file: string;
  line: number;
  values: Record<string, string>;
  email?: string;
};

class ImportRun {
  private readonly result: ImportResult;
  private readonly dry: boolean;
  private journal: Journal | undefined;
  private state: JournalState = { outcomes: new Map(), pending: [] };
  /** Delta: what earlier migrations wrote, by phase and key. */
  private readonly earlier = new Map<string, RowOutcome>();
  /** Twenty ids of what is written, for the relations of later phases. */
  private readonly companyIds = new Map<string, string>();
  private readonly personIdsByLead = new Map<string, string>();
  private readonly personIdsByEmail = new Map<string, string>();
  /** What each object held in Twenty when its first phase began (read once per object; see ExistingIndex). */
  private readonly indexes = new Map<string, Promise<ExistingIndex>>();
  /** Notes of the people of this stage, written once the people are (the phase after the last one). */
  private readonly notes: { title: string; body: string; personKey: string }[] = [];
  private notesByTitle: Promise<Map<string, string>> | undefined;
  private batchSequence = 0;

  constructor(private readonly options: ImportOptions) {
    this.dry = options.stage === 'dry-run';
    this.result = {
      stage: options.stage,
      counts: { companies: zeroCounts(), people: zeroCounts(), transactions: zeroCounts(), subscriptions: zeroCounts(), notes: zeroCounts(), noteTargets: zeroCounts() },
      samples: [],
      problems: [],
      problemCount: 0,
      cancelled: false,
      durationMs: 0,
    };
  }

  async run(): Promise<ImportResult> {
    const started = Date.now();
    const { client, stage } = this.options;
    this.state = await readJournalState(this.options.dir);
    for (const dir of this.options.since ?? []) {
      for (const [k, o] of (await readJournalState(dir)).outcomes) if (o.id && o.outcome !== 'failed' && o.outcome !== 'skipped') this.earlier.set(k, o);
    }
    if (stage === 'delta' && (this.options.since ?? []).length === 0) throw new UserError('A delta import needs the earlier migration it follows (since).');
    this.batchSequence = this.state.outcomes.size + this.state.pending.length + 1;
    for (const outcome of this.state.outcomes.values()) this.rememberIds(outcome);
    if (!this.dry) this.journal = await Journal.open(join(this.options.dir, JOURNAL_FILE));
    try {
      // Batches sent before an interruption whose answer never reached the journal: send them again, as decided.
      if (!this.dry) for (const intent of this.state.pending) await this.send(intent.records as Intent[], String(intent.batch));
      const schema = await client.schema({ refresh: true });
      const sources = await prepareSources({
        inspection: this.options.inspection,
        mapping: this.options.mapping,
        schema,
        sampleSize: stage === 'sample' ? (this.options.sampleSize ?? DEFAULT_SAMPLE_SIZE) : undefined,
      });
      const companySource = sources.find((s) => s.phase === 'companies');
      if (companySource?.size !== undefined) this.result.companies = companySource.size;
      for (const source of sources) {
        await this.runPhase(source);
        if (this.result.cancelled) break;
      }
      if (!this.result.cancelled && this.notes.length > 0) await this.writeNotes();
      this.result.durationMs = Date.now() - started;
      const { counts, problemCount, cancelled, durationMs, companies } = this.result;
      await this.journal?.append({ t: 'run', stage, durationMs, cancelled, problemCount, counts, ...(companies === undefined ? {} : { companies }) });
    } finally {
      await this.journal?.close();
    }
    return this.result;
  }

  private async runPhase(source: PhaseSource): Promise<void> {
    const { phase } = source;
    const counts = this.result.counts[phase];
    const batchMax = (await this.options.client.capabilities()).batchMax;
    const seen = new Set<string>();
    let batch: Draft[] = [];
    let rows = 0;
    // One batch is written while the next is read and transformed: the engine's own work then fills the gaps the
    // rate limit leaves between calls instead of adding to them.
    let inFlight: Promise<void> = Promise.resolve();
    const flush = async (): Promise<void> => {
      await inFlight;
      const full = batch;
      batch = [];
      inFlight = (full.length > 0 ? this.writeBatch(phase, full) : Promise.resolve()).then(() => {
        rows += full.length;
        this.options.onProgress?.({ phase, stage: this.options.stage, rows, counts });
      });
      // Its failure is thrown where it is awaited (the next flush, or the phase's end). Until then the loop reads rows,
      // and a rejection nobody awaits yet would end the process as an unhandled rejection.
      inFlight.catch(() => undefined);
    };
    try {
      for await (const item of source.rows) {
        if (this.options.signal?.aborted) {
          this.result.cancelled = true;
          break;
        }
        if ('skipped' in item) {
          if (this.options.stage === 'sample') continue; // a sample writes records; the rest is the full stage's
          await this.record([{ phase, key: `${item.file}:${item.line}`, outcome: 'skipped', reason: item.skipped, file: item.file, line: item.line, values: item.values }]);
          rows++;
          continue;
        }
        if (!source.inStage(item)) continue;
        this.result.problemCount += item.problems.length;
        for (const p of item.problems) if (this.result.problems.length < 1000) this.result.problems.push({ phase, key: item.key, ...p });
        if (seen.has(item.key)) {
          await this.record([{ phase, key: `${item.file}:${item.line}`, outcome: 'skipped', reason: `the same ${item.keyField} (${item.key}) as an earlier row: the first row wins`, file: item.file, line: item.line, values: item.values }]);
          continue;
        }
        seen.add(item.key);
        for (const n of item.notes) this.notes.push({ title: noteTitle(n.column, item.key), body: n.body, personKey: item.key });
        const previous = this.state.outcomes.get(stateKey(phase, item.key));
        if (previous && previous.outcome !== 'failed') continue; // written by an earlier run or stage of this migration
        const before = this.earlier.get(stateKey(phase, item.key));
        if (before && before.hash === item.hash) {
          // Delta: the same content an earlier migration wrote; the record stays as it is, without a request.
          await this.record([{ phase, key: item.key, outcome: 'unchanged', id: before.id!, hash: item.hash, file: item.file, line: item.line, reason: 'unchanged since the earlier import', ...(before.email ? { email: before.email } : {}) }]);
          continue;
        }
        batch.push(item);
        if (batch.length >= batchMax) await flush();
      }
      if (!this.result.cancelled) await flush();
    } catch (error) {
      // The batch on its way ends (its answer journalled, or its failure known) before the error goes up and the
      // journal is closed under it.
      await inFlight.catch(() => undefined);
      throw error;
    }
    await inFlight;
  }

  /** Journals (unless dry) and counts outcomes decided without writing: skips, unchanged rows. */
  private async record(outcomes: RowOutcome[]): Promise<void> {
    const fresh = outcomes.filter((o) => !this.state.outcomes.has(stateKey(o.phase, o.key)));
    if (fresh.length === 0) return;
    for (const o of fresh) {
      this.result.counts[o.phase][o.outcome]++;
      this.state.outcomes.set(stateKey(o.phase, o.key), o);
      this.rememberIds(o);
    }
    if (!this.dry) await this.journal!.append({ t: 'rows', records: fresh });
  }

  private async writeBatch(phase: Phase, drafts: Draft[]): Promise<void> {
    const object = PHASE_OBJECT[phase];
    const { client } = this.options;
    for (const draft of drafts) this.resolveLinks(draft);
    const existing = await matchExisting(client, await this.indexOf(phase), drafts);
    const decisions = decide(drafts, existing, this.options.policy);
    const settled: RowOutcome[] = [];
    const intents: Intent[] = [];
    for (const d of decisions) {
      const email = phase === 'people' ? (d.draft.payload.emails as { primaryEmail?: string } | undefined)?.primaryEmail : undefined;
      const base = { phase, key: d.draft.key, hash: d.draft.hash, file: d.draft.file, line: d.draft.line, ...(email ? { email } : {}) };
      if (d.action === 'skipped') settled.push({ ...base, outcome: 'skipped', reason: d.reason, values: d.draft.values, ...(d.id ? { id: d.id } : {}) });
      else if (d.action === 'unchanged') settled.push({ ...base, outcome: 'unchanged', id: d.id });
      else intents.push({ ...base, keyField: d.draft.keyField, action: d.action, record: sendable(d), values: d.draft.values, ...(d.action === 'update' ? { previous: d.previous } : {}) });
    }
    if (this.dry) {
      for (const o of settled) this.result.counts[phase][o.outcome]++;
      for (const i of intents) {
        this.result.counts[phase][i.action === 'create' ? 'created' : 'updated']++;
        if (this.result.samples.filter((x) => x.phase === phase).length < SAMPLES_PER_PHASE) this.result.samples.push({ phase, key: i.key, action: i.action, payload: i.record });
      }
      return;
    }
    await this.record(settled);
    if (intents.length === 0) return;
    await ensureOptions(client, drafts, object);
    const batch = `${process.pid}-${Date.now()}-${this.batchSequence++}`;
    await this.journal!.append({ t: 'intent', batch, records: intents });
    await this.send(intents, batch);
  }

  /** Sends decided records and journals the answer. Safe to repeat: records are upserted on their unique key. */
  private async send(intents: Intent[], batch: string): Promise<void> {
    if (intents.length === 0) return;
    const phase = intents[0]!.phase;
    const object = PHASE_OBJECT[phase];
    if (phase === 'notes' || phase === 'noteTargets') {
      await this.sendNotes(intents, batch);
      return;
    }
    const answer = await this.options.client.upsertMany(pluralOf(object), intents.map((i) => i.record), { matchOn: intents[0]!.keyField, ...(this.options.signal ? { signal: this.options.signal } : {}) });
    const outcomes: RowOutcome[] = [];
    const byIndex = new Map(answer.written.map((w) => [w.index, w]));
    const rejected = new Map(answer.rejected.map((r) => [r.index, r]));
    const unsent = new Set(answer.unsent);
    intents.forEach((intent, index) => {
      if (unsent.has(index)) return; // cancelled before it was sent: a later run writes it
      const base = { phase: intent.phase, key: intent.key, hash: intent.hash, file: intent.file, line: intent.line, ...(intent.email ? { email: intent.email } : {}) };
      const written = byIndex.get(index);
      if (written) {
        const updatedAt = typeof written.record.updatedAt === 'string' ? written.record.updatedAt : undefined;
        outcomes.push({ ...base, outcome: intent.action === 'create' ? 'created' : 'updated', id: written.id, ...(intent.previous ? { previous: intent.previous } : {}), ...(updatedAt ? { updatedAt } : {}) });
      } else {
        outcomes.push({ ...base, outcome: 'failed', reason: rejected.get(index)?.message ?? 'no answer for this record', values: intent.values });
      }
    });
    for (const o of outcomes) {
      this.result.counts[o.phase][o.outcome]++;
      this.state.outcomes.set(stateKey(o.phase, o.key), o);
      this.rememberIds(o);
    }
    await this.journal!.append({ t: 'done', batch, records: outcomes });
    if (unsent.size > 0) this.result.cancelled = true;
  }

  /**
   * Read once per object, with every key the migration uses on it (transactions and subscriptions both write
   * opportunities): reading it again for the second phase would read back the first phase's own records.
   */
  private indexOf(phase: Phase): Promise<ExistingIndex> {
    const object = PHASE_OBJECT[phase];
    let index = this.indexes.get(object);
    if (!index) {
      index = this.options.client.schema().then((schema) => {
        const keys = RECORD_KEY_FIELDS.filter((k) => k.object === object && schema.field(object, k.field) !== undefined).map((k) => k.field);
        return ExistingIndex.read(this.options.client, object, keys);
      });
      this.indexes.set(object, index);
    }
    return index;
  }

  /** Relations become ids: a person's company, an opportunity's point of contact and company. */
  private resolveLinks(draft: Draft): void {
    const { company, pointOfContact } = draft.links;
    if (company) {
      const id = this.companyIds.get(company.key);
      if (id) draft.payload.companyId = id;
      else draft.problems.push({ column: 'company', problem: `its company (${company.key}) was not imported, so the record is written without it` });
    }
    if (pointOfContact) {
      const id = (pointOfContact.leadId && this.personIdsByLead.get(pointOfContact.leadId)) || (pointOfContact.email && this.personIdsByEmail.get(pointOfContact.email));
      if (id) draft.payload.pointOfContactId = id;
      else draft.problems.push({ column: 'point of contact', problem: `no person with lead id ${pointOfContact.leadId ?? '-'} or email ${pointOfContact.email ?? '-'} was imported` });
    }
  }

  /**
   * Notes and their links to people. Twenty has no unique field on notes, so a replay could create a note twice: each
   * note is looked up by its title (which names its lead and column) before it is created, and each link by its note.
   */
  private async writeNotes(): Promise<void> {
    const { client } = this.options;
    const links = (await client.capabilities()).noteTargets;
    const batchMax = (await client.capabilities()).batchMax;
    const pending = this.notes.filter((n) => this.state.outcomes.get(stateKey('noteTargets', n.title))?.outcome !== 'created');
    for (let i = 0; i < pending.length; i += batchMax) {
      if (this.options.signal?.aborted) {
        this.result.cancelled = true;
        return;
      }
      const intents: Intent[] = [];
      const skipped: RowOutcome[] = [];
      for (const note of pending.slice(i, i + batchMax)) {
        // A dry run wrote no people: a note counts as it would be, on the person the run would write.
        const personId = this.personIdsByLead.get(note.personKey) ?? (this.dry ? 'dry-run' : undefined);
        if (!personId || !links) {
          skipped.push({ phase: 'notes', key: note.title, outcome: 'skipped', reason: !links ? 'this Twenty has no note links (noteTargets)' : `its person (lead ${note.personKey}) was not imported` });
          continue;
        }
        const base = { keyField: 'title', key: note.title, hash: '', file: '', line: 0, values: { notes: note.body.slice(0, 500) } };
        // Notes and links have no unique field to upsert on: each gets its id now (journalled with the intent), so
        // the client's retry of a batch whose answer was lost updates the records it made instead of making more.
        intents.push({ ...base, phase: 'notes', action: 'create', record: { id: randomUUID(), title: note.title, bodyV2: { markdown: note.body } } });
        const column = links.columns.person;
        if (column) intents.push({ ...base, phase: 'noteTargets', action: 'create', record: { id: randomUUID(), [column]: personId } });
      }
      // Notes (and links) already in Twenty before this batch — a delta's unchanged people, or a run before this one —
      // are left alone and counted unchanged; the intent holds only what this run creates.
      const existing = await this.existingNotes(intents);
      const fresh = intents.filter((i) => !existing.has(stateKey(i.phase, i.key)));
      const unchanged: RowOutcome[] = [...existing].map(([k, id]) => ({ phase: k.slice(0, k.indexOf('|')) as Phase, key: k.slice(k.indexOf('|') + 1), outcome: 'unchanged', id }));
      if (this.dry) {
        this.result.counts.notes.skipped += skipped.length;
        for (const o of unchanged) this.result.counts[o.phase].unchanged++;
        for (const intent of fresh) this.result.counts[intent.phase].created++;
        continue;
      }
      await this.record([...skipped, ...unchanged]);
      if (fresh.length === 0) continue;
      const batch = `${process.pid}-${Date.now()}-${this.batchSequence++}`;
      await this.journal!.append({ t: 'intent', batch, records: fresh });
      await this.sendNotes(fresh, batch, existing);
    }
  }

  /** Notes found by title and their links found by note, as `phase|key` → id. */
  /**
   * The notes in the workspace when the notes phase began, by title: read once (a page of 200 per call) rather than
   * looked up per batch, so an import spends its calls on writes. Notes this run creates are in its journal.
   */
  private noteTitles(): Promise<Map<string, string>> {
    this.notesByTitle ??= (async () => {
      const byTitle = new Map<string, string>();
      for await (const page of this.options.client.find('notes', { fields: ['id', 'title'] })) {
        for (const record of page.records) if (typeof record.title === 'string' && !byTitle.has(record.title)) byTitle.set(record.title, String(record.id));
      }
      return byTitle;
    })();
    return this.notesByTitle;
  }

  private async existingNotes(intents: readonly Intent[]): Promise<Map<string, string>> {
    const { client } = this.options;
    const links = (await client.capabilities()).noteTargets;
    const found = new Map<string, string>();
    const titles = intents.filter((i) => i.phase === 'notes').map((i) => i.key);
    if (titles.length === 0) return found;
    const known = await this.noteTitles();
    const noteIds = new Map(titles.flatMap((title) => (known.has(title) ? [[title, known.get(title)!] as const] : [])));
    for (const [title, id] of noteIds) found.set(stateKey('notes', title), id);
    if (links && noteIds.size > 0) {
      const titleOf = new Map([...noteIds].map(([title, id]) => [id, title]));
      for (const record of await findIn(client, links.namePlural, links.parentColumn, [...noteIds.values()])) {
        const title = titleOf.get(String(record[links.parentColumn]));
        if (title) found.set(stateKey('noteTargets', title), String(record.id));
      }
    }
    return found;
  }

  /**
   * Creates an intent's notes not in Twenty yet (found by title), then the links not made yet (found by note). An
   * intent holds only notes absent before it was journalled, so one found here was created by its first sending.
   */
  /**
   * `known`: what was found just before the intent was journalled (nothing of it is in the intent); a replay of an
   * intent after an interruption passes none and looks everything up again.
   */
  private async sendNotes(intents: Intent[], batch: string, known?: Map<string, string>): Promise<void> {
    const { client } = this.options;
    const links = (await client.capabilities()).noteTargets;
    const notes = intents.filter((i) => i.phase === 'notes');
    const outcomes: RowOutcome[] = [];
    const noteIds = new Map<string, string>();
    if (known) {
      for (const [k, id] of known) if (k.startsWith('notes|')) noteIds.set(k.slice('notes|'.length), id);
    } else {
      // Every key of the intent: a link may be all that is left to make for a note that exists.
      for (const record of await findIn(client, 'notes', 'title', [...new Set(intents.map((i) => i.key))])) noteIds.set(String(record.title), String(record.id));
    }
    const missing = notes.filter((n) => !noteIds.has(n.key));
    if (missing.length > 0) {
      const answer = await client.upsertMany('notes', missing.map((n) => n.record));
      for (const w of answer.written) noteIds.set(missing[w.index]!.key, w.id);
      for (const r of answer.rejected) outcomes.push({ phase: 'notes', key: missing[r.index]!.key, outcome: 'failed', reason: r.message, values: missing[r.index]!.values });
    }
    for (const n of notes) {
      const id = noteIds.get(n.key);
      if (id) outcomes.push({ phase: 'notes', key: n.key, outcome: 'created', id });
    }
    if (links) {
      const targets = intents.filter((i) => i.phase === 'noteTargets' && noteIds.has(i.key));
      const linked = new Set<string>();
      const ids = targets.map((t) => noteIds.get(t.key)!);
      for (const record of known ? [] : await findIn(client, links.namePlural, links.parentColumn, ids)) {
        linked.add(String(record[links.parentColumn]));
        const key = targets.find((t) => noteIds.get(t.key) === String(record[links.parentColumn]))?.key;
        if (key) outcomes.push({ phase: 'noteTargets', key, outcome: 'created', id: String(record.id) });
      }
      const toLink = targets.filter((t) => !linked.has(noteIds.get(t.key)!));
      if (toLink.length > 0) {
        const answer = await client.upsertMany(links.namePlural, toLink.map((t) => ({ ...t.record, [links.parentColumn]: noteIds.get(t.key)! })));
        for (const w of answer.written) outcomes.push({ phase: 'noteTargets', key: toLink[w.index]!.key, outcome: 'created', id: w.id });
        for (const r of answer.rejected) outcomes.push({ phase: 'noteTargets', key: toLink[r.index]!.key, outcome: 'failed', reason: r.message });
      }
    }
    for (const o of outcomes) {
      this.result.counts[o.phase][o.outcome]++;
      this.state.outcomes.set(stateKey(o.phase, o.key), o);
    }
    await this.journal!.append({ t: 'done', batch, records: outcomes });
  }

  private rememberIds(o: RowOutcome): void {
    if (!o.id) return;
    if (o.phase === 'companies') this.companyIds.set(o.key, o.id);
    if (o.phase === 'people') {
      this.personIdsByLead.set(o.key, o.id);
      if (o.email) this.personIdsByEmail.set(o.email, o.id);
    }
  }
}

/** Every field a migration finds its records by, per object. */
const RECORD_KEY_FIELDS = [...Object.values(RECORD_KEYS), { object: 'company', field: COMPANY_KEY }];

/** A note's title names its column and lead: how it is found again (Twenty has no unique field on notes). */
export const noteTitle = (column: string, leadKey: string): string => `${column.slice(0, 60)} from Kartra (lead ${leadKey})`;

/** The record as sent: a create's whole payload, or an update's changed fields with the record's id and key. */
function sendable(d: Extract<Decision, { action: 'create' | 'update' }>): Record<string, unknown> {
  if (d.action === 'create') return d.payload;
  return { id: d.id, ...d.payload, [d.draft.keyField]: d.draft.key };
}

/** Options a batch's cells need that its fields lack (a tag first seen past the profile's list), added first. */
async function ensureOptions(client: TwentyClient, drafts: readonly Draft[], object: string): Promise<void> {
  const needed = new Map<string, Map<string, string>>();
  for (const draft of drafts) {
    for (const [field, options] of draft.missingOptions) {
      const into = needed.get(field) ?? new Map<string, string>();
      for (const [value, label] of options) into.set(value, label);
      needed.set(field, into);
    }
  }
  for (const [field, options] of needed) {
    await client.addSelectOptions(object, field, [...options].map(([value, label]) => ({ value, label: label.replace(/,/g, ' ').slice(0, 63) || value })));
  }
}

