import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UserError } from '../errors.js';
import { PROFILES, standardModel, type ObjectMeta, type Profile, type ProfileName } from './schema.js';
import { keyOf, type UniqueGroup } from './unique.js';

/**
 * The sandbox's state: the data model (standard plus custom objects and fields) and every record, soft-deleted ones
 * included. With a data file it is loaded on start and written back after changes (debounced, always flushed on close)
 * by writing a temporary file and renaming it over the old one, so a crash never leaves half a file.
 */

export type StoredRecord = Record<string, unknown> & { id: string };

const FORMAT = 'kartra-twenty-sandbox';
const VERSION = 1;

interface FileContent {
  format: typeof FORMAT;
  version: number;
  profile: ProfileName;
  apiKey: string;
  positionSeq: number;
  objects: ObjectMeta[];
  records: Record<string, StoredRecord[]>;
}

export interface StoreOptions {
  profile?: ProfileName | undefined;
  apiKey?: string | undefined;
  dataFile?: string | undefined;
  /** Delay before a change is written (changes within it are written together). 0 writes after every change. */
  persistDelayMs?: number | undefined;
  now: () => number;
}

export function generateApiKey(): string {
  return `sandbox_${randomBytes(24).toString('base64url')}`;
}

export class Store {
  readonly profile: Profile;
  readonly apiKey: string;
  objects: ObjectMeta[];
  private readonly tables = new Map<string, Map<string, StoredRecord>>();
  /** Built unique indexes, kept up to date by putRow/deleteRow: object id → group signature → key → row id. */
  private readonly indexes = new Map<string, Map<string, { group: UniqueGroup; map: Map<string, string> }>>();
  /** Bumped on every change of an object's rows or of the model, so readers can cache sorted views. */
  private readonly versions = new Map<string, number>();
  private positionSeq: number;
  private readonly dataFile: string | undefined;
  private readonly persistDelayMs: number;
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;
  private writing: Promise<void> = Promise.resolve();
  private writeError: unknown;

  private constructor(content: FileContent, options: StoreOptions) {
    this.profile = PROFILES[content.profile];
    this.apiKey = content.apiKey;
    this.objects = content.objects;
    this.positionSeq = content.positionSeq;
    for (const object of this.objects) {
      this.tables.set(object.id, new Map((content.records[object.id] ?? []).map((r) => [r.id, r])));
    }
    this.dataFile = options.dataFile;
    this.persistDelayMs = options.persistDelayMs ?? 100;
  }

  static async open(options: StoreOptions): Promise<Store> {
    const loaded = options.dataFile ? await load(options.dataFile) : undefined;
    if (loaded && options.profile && loaded.profile !== options.profile) {
      throw new UserError(`${options.dataFile}: this sandbox data was created with profile ${loaded.profile}, not ${options.profile}. Use --profile ${loaded.profile} or another data file`);
    }
    const profileName = loaded?.profile ?? options.profile ?? 'v2';
    const content: FileContent = loaded ?? {
      format: FORMAT,
      version: VERSION,
      profile: profileName,
      apiKey: '',
      positionSeq: 0,
      objects: standardModel(PROFILES[profileName], new Date(options.now()).toISOString()),
      records: {},
    };
    content.apiKey = options.apiKey ?? (content.apiKey || generateApiKey());
    const store = new Store(content, options);
    if (!loaded && options.dataFile) {
      store.dirty = true;
      try {
        await store.flush();
      } catch (error) {
        throw new UserError(`${options.dataFile}: cannot write the sandbox data file (${(error as Error).message}). Check the folder exists and is writable`);
      }
    }
    return store;
  }

  objectByPlural(plural: string): ObjectMeta | undefined {
    return this.objects.find((o) => o.namePlural === plural);
  }

  objectBySingular(singular: string): ObjectMeta | undefined {
    return this.objects.find((o) => o.nameSingular === singular);
  }

  objectById(id: string): ObjectMeta | undefined {
    return this.objects.find((o) => o.id === id);
  }

  /** The records of an object by id, soft-deleted ones included. Write through putRow/deleteRow/editRows. */
  table(objectId: string): ReadonlyMap<string, StoredRecord> {
    return this.mutableTable(objectId);
  }

  private mutableTable(objectId: string): Map<string, StoredRecord> {
    let table = this.tables.get(objectId);
    if (!table) {
      table = new Map();
      this.tables.set(objectId, table);
    }
    return table;
  }

  version(objectId: string): number {
    return this.versions.get(objectId) ?? 0;
  }

  private bump(objectId: string): void {
    this.versions.set(objectId, this.version(objectId) + 1);
  }

  /** Stores a row (insert or replace), keeping the built unique indexes current. */
  putRow(objectId: string, row: StoredRecord): void {
    const table = this.mutableTable(objectId);
    const old = table.get(row.id);
    for (const { group, map } of this.indexes.get(objectId)?.values() ?? []) {
      const oldKey = old ? keyOf(old, group) : undefined;
      if (oldKey !== undefined && map.get(oldKey) === row.id) map.delete(oldKey);
      const key = keyOf(row, group);
      if (key !== undefined) map.set(key, row.id);
    }
    table.set(row.id, row);
    this.bump(objectId);
  }

  deleteRow(objectId: string, id: string): void {
    const table = this.mutableTable(objectId);
    const old = table.get(id);
    if (!old) return;
    for (const { group, map } of this.indexes.get(objectId)?.values() ?? []) {
      const key = keyOf(old, group);
      if (key !== undefined && map.get(key) === id) map.delete(key);
    }
    table.delete(id);
    this.bump(objectId);
  }

  /** Edits every row in place (schema changes: new columns, renamed or dropped ones); drops the derived indexes. */
  editRows(objectId: string, edit: (row: StoredRecord) => void): void {
    for (const row of this.mutableTable(objectId).values()) edit(row);
    this.schemaChanged(objectId);
  }

  /** The model changed (unique fields, relations, objects): derived indexes are rebuilt on next use. */
  schemaChanged(objectId?: string): void {
    if (objectId === undefined) {
      this.indexes.clear();
      for (const object of this.objects) this.bump(object.id);
    } else {
      this.indexes.delete(objectId);
      this.bump(objectId);
    }
  }

  /** Key → row id for one unique group over every row, soft-deleted ones included (built once, then maintained). */
  uniqueIndex(objectId: string, group: UniqueGroup): ReadonlyMap<string, string> {
    let byGroup = this.indexes.get(objectId);
    if (!byGroup) {
      byGroup = new Map();
      this.indexes.set(objectId, byGroup);
    }
    const signature = group.paths.join('|');
    let entry = byGroup.get(signature);
    if (!entry) {
      const map = new Map<string, string>();
      for (const row of this.mutableTable(objectId).values()) {
        const key = keyOf(row, group);
        if (key !== undefined) map.set(key, row.id);
      }
      entry = { group, map };
      byGroup.set(signature, entry);
    }
    return entry.map;
  }

  dropTable(objectId: string): void {
    this.tables.delete(objectId);
    this.indexes.delete(objectId);
    this.bump(objectId);
  }

  nextPosition(): number {
    this.positionSeq += 1;
    return this.positionSeq;
  }

  /** Call after every mutation: schedules a write of the data file. */
  changed(): void {
    if (!this.dataFile) return;
    this.dirty = true;
    if (this.persistDelayMs <= 0) {
      void this.flush().catch(() => undefined);
      return;
    }
    this.timer ??= setTimeout(() => {
      this.timer = undefined;
      void this.flush().catch(() => undefined);
    }, this.persistDelayMs);
  }

  /** Writes pending changes now; resolves when the file on disk holds them. */
  async flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.dirty && this.dataFile) {
      this.dirty = false;
      const file = this.dataFile;
      const text = JSON.stringify(this.snapshot());
      this.writing = this.writing.then(() => writeAtomically(file, text)).catch((error: unknown) => {
        this.writeError = error;
      });
    }
    await this.writing;
    if (this.writeError) {
      const error = this.writeError;
      this.writeError = undefined;
      throw error;
    }
  }

  private snapshot(): FileContent {
    const records: Record<string, StoredRecord[]> = {};
    for (const object of this.objects) records[object.id] = [...this.table(object.id).values()];
    return { format: FORMAT, version: VERSION, profile: this.profile.name, apiKey: this.apiKey, positionSeq: this.positionSeq, objects: this.objects, records };
  }
}

async function load(file: string): Promise<FileContent | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UserError(`${file}: cannot read the sandbox data file (${(error as Error).message})`);
  }
  let content: FileContent;
  try {
    content = JSON.parse(text) as FileContent;
  } catch {
    throw new UserError(`${file}: not a sandbox data file (invalid JSON). Move it away or use another --data file`);
  }
  if (content?.format !== FORMAT || content.version !== VERSION || !(content.profile in PROFILES)) {
    throw new UserError(`${file}: not a sandbox data file of this version. Move it away or use another --data file`);
  }
  return content;
}

let tmpCounter = 0;

/** Creates missing folders one level at a time (`mkdir -p` can spin forever under /proc on some Node versions). */
async function ensureDir(dir: string): Promise<void> {
  try {
    if ((await stat(dir)).isDirectory()) return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    const parent = dirname(dir);
    if (parent === dir) throw error;
    await ensureDir(parent);
    await mkdir(dir).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
    return;
  }
  throw new Error(`${dir} is not a folder`);
}

async function writeAtomically(file: string, text: string): Promise<void> {
  await ensureDir(dirname(file));
  const tmp = `${file}.${process.pid}.${++tmpCounter}.tmp`;
  try {
    await writeFile(tmp, text, { mode: 0o600 });
    await chmod(tmp, 0o600);
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}
