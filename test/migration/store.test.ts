/**
 * The migration store: ids named by the exports, folders that cannot escape MIGRATION_HOME, mapping documents saved
 * atomically and loaded back, and a damaged file reported as something the user can fix.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { MAPPING_FORMAT, MAPPING_FORMAT_VERSION, mappingDocumentSchema, type MappingDocument } from '../../src/mapping/document.js';
import { MAPPING_FILE, MigrationStore, migrationIdFor, writeFileAtomic } from '../../src/migration/store.js';

let home: string;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'kartra-store-'));
});
afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

const HASH_A = 'a'.repeat(64);
const HASH_B = 'b'.repeat(64);
const HASH_C = 'c'.repeat(64);

/** A small but complete mapping document. */
function documentFor(migrationId: string): MappingDocument {
  const at = '2026-06-09T10:00:00.000Z';
  return {
    format: MAPPING_FORMAT,
    formatVersion: MAPPING_FORMAT_VERSION,
    migrationId,
    version: 1,
    createdAt: at,
    updatedAt: at,
    twenty: { mode: 'rehearsal', schemaHash: '0123456789abcdef', schemaReadAt: at },
    datasets: [{ kind: 'leads', object: 'person', files: [{ name: 'leads.csv', sha256: HASH_A, rows: 2 }] }],
    columns: [
      {
        id: 'leads:email',
        dataset: 'leads',
        header: 'email',
        object: 'person',
        destination: { kind: 'field', object: 'person', field: 'emails', subfield: 'primaryEmail' },
        tier: 'exact',
        score: 1,
        reason: 'Kartra API field `email`',
        alternatives: [],
        transforms: {},
        edited: false,
        profile: { valueType: 'email', fillRate: 1, distinct: 2, samples: ['a@b.co', 'Ünïcødé "quoted" <c@d.co>'] },
      },
      {
        id: 'leads:how_heard',
        dataset: 'leads',
        header: 'how_heard',
        object: 'person',
        destination: { kind: 'new-field', object: 'person', name: 'howHeard' },
        tier: 'suggested',
        score: 0.5,
        reason: 'custom field',
        alternatives: [{ destination: { kind: 'skip', reason: 'not imported' }, score: 0.1, reason: 'skip' }],
        transforms: {},
        edited: false,
        profile: { valueType: 'enumeration', fillRate: 0.5, distinct: 2, samples: ['Blog', 'Podcast'], values: ['Blog', 'Podcast'] },
      },
    ],
    customFields: [
      {
        object: 'person',
        name: 'howHeard',
        label: 'How heard',
        type: 'SELECT',
        description: 'From the Kartra leads export, column "how_heard"',
        isUnique: false,
        exists: false,
        options: [
          { value: 'BLOG', label: 'Blog', color: 'blue', sources: ['Blog'] },
          { value: 'PODCAST', label: 'Podcast', color: 'red', sources: ['Podcast'] },
        ],
      },
    ],
    llm: { outcome: 'ok', detail: '1 picks', model: 'claude-test' },
    history: [{ version: 1, at, change: 'proposed' }],
  };
}

async function errorOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('migrationIdFor', () => {
  it('is m- and 12 hex digits, the same for the same files in any order', () => {
    const id = migrationIdFor([HASH_A, HASH_B, HASH_C]);
    expect(id).toMatch(/^m-[0-9a-f]{12}$/);
    expect(migrationIdFor([HASH_C, HASH_A, HASH_B])).toBe(id);
    expect(migrationIdFor([HASH_B, HASH_C, HASH_A])).toBe(id);
  });

  it('differs for different files, a file more or less', () => {
    const ids = [migrationIdFor([HASH_A]), migrationIdFor([HASH_B]), migrationIdFor([HASH_A, HASH_B]), migrationIdFor([HASH_A, HASH_B, HASH_C]), migrationIdFor([])];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('does not change the array it is given', () => {
    const hashes = [HASH_C, HASH_A];
    migrationIdFor(hashes);
    expect(hashes).toEqual([HASH_C, HASH_A]);
  });
});

describe('MigrationStore.dir', () => {
  const store = new MigrationStore('/srv/migrations');

  it('is the id under home', () => {
    expect(store.dir('m-0123456789ab')).toBe(join('/srv/migrations', 'm-0123456789ab'));
  });

  it.each([
    ['a parent path', '../x'],
    ['dots after the prefix', 'm-..'],
    ['a path through the prefix', 'm-0123456789ab/../../etc'],
    ['an absolute path', '/etc/passwd'],
    ['an absolute path that looks like an id', '/m-0123456789ab'],
    ['upper-case hex', 'm-0123456789AB'],
    ['too short', 'm-0123'],
    ['too long', 'm-0123456789abc'],
    ['a trailing newline', 'm-0123456789ab\n'],
    ['empty', ''],
  ])('refuses %s with a UserError', (_what, id) => {
    let error: unknown;
    try {
      store.dir(id);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/is not a migration id \(they look like m-/);
  });

  it('quotes at most 40 characters of a refused id', () => {
    const long = `../${'x'.repeat(500)}`;
    expect(() => store.dir(long)).toThrow(UserError);
    try {
      store.dir(long);
    } catch (e) {
      expect((e as Error).message.length).toBeLessThan(120);
    }
  });

  it('saveMapping and loadMapping refuse a bad id too, and write nothing', async () => {
    const local = new MigrationStore(join(home, 'refuse'));
    await expect(local.saveMapping(documentFor('../escape'))).rejects.toBeInstanceOf(UserError);
    await expect(local.loadMapping('../escape')).rejects.toBeInstanceOf(UserError);
    await expect(readdir(home)).resolves.not.toContain('escape');
    await expect(stat(join(home, 'refuse'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('MigrationStore: save and load', () => {
  it('save then load roundtrips the document, in <home>/<id>/mapping.json', async () => {
    const store = new MigrationStore(join(home, 'roundtrip'));
    const id = migrationIdFor([HASH_A]);
    const doc = documentFor(id);
    const path = await store.saveMapping(doc);
    expect(path).toBe(join(home, 'roundtrip', id, MAPPING_FILE));
    const text = await readFile(path, 'utf8');
    expect(text.endsWith('\n')).toBe(true);
    expect(mappingDocumentSchema.parse(JSON.parse(text))).toEqual(doc);
    await expect(store.loadMapping(id)).resolves.toEqual(doc);
    expect((await readdir(join(home, 'roundtrip', id))).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a second save replaces the first', async () => {
    const store = new MigrationStore(join(home, 'replace'));
    const id = migrationIdFor([HASH_B]);
    await store.saveMapping(documentFor(id));
    const edited = { ...documentFor(id), version: 2, history: [...documentFor(id).history, { version: 2, at: '2026-06-10T00:00:00.000Z', change: 'skip leads:how_heard' }] };
    await store.saveMapping(edited);
    await expect(store.loadMapping(id)).resolves.toEqual(edited);
  });

  it('refuses to save something that is not a mapping document, leaving the saved one', async () => {
    const store = new MigrationStore(join(home, 'invalid-save'));
    const id = migrationIdFor([HASH_C]);
    await store.saveMapping(documentFor(id));
    await expect(store.saveMapping({ ...documentFor(id), version: 0 })).rejects.toThrow();
    await expect(store.loadMapping(id)).resolves.toEqual(documentFor(id));
  });

  it('load of a migration without a mapping (or without a folder, or a home) is undefined', async () => {
    const store = new MigrationStore(join(home, 'missing'));
    await expect(store.loadMapping('m-0123456789ab')).resolves.toBeUndefined();
    await mkdir(store.dir('m-0123456789ab'), { recursive: true });
    await expect(store.loadMapping('m-0123456789ab')).resolves.toBeUndefined();
    await expect(new MigrationStore(join(home, 'no', 'such', 'home')).loadMapping('m-0123456789ab')).resolves.toBeUndefined();
  });

  describe('a damaged file: a UserError naming the path and saying to delete it', () => {
    it.each([
      ['invalid JSON', '{"format": "kartra-twenty-mapping", '],
      ['an empty file', ''],
      ['JSON that is not a mapping', '{"hello": "world"}'],
      ['an array', '[]'],
      ['a mapping of another format version', JSON.stringify({ ...documentFor('m-000000000000'), formatVersion: 99 })],
      ['a mapping with an unknown property', JSON.stringify({ ...documentFor('m-000000000000'), extra: true })],
    ])('%s', async (what, content) => {
      const store = new MigrationStore(join(home, 'damaged'));
      const id = migrationIdFor([what]);
      await mkdir(store.dir(id), { recursive: true });
      const path = join(store.dir(id), MAPPING_FILE);
      await writeFile(path, content);
      const error = await errorOf(store.loadMapping(id));
      expect(error).toBeInstanceOf(UserError);
      expect(error.message).toContain(path);
      expect(error.message).toMatch(/Delete it to propose the mapping again/);
      expect(error.message).not.toContain('\n');
      expect(error.message.length).toBeLessThan(path.length + 300);
    });

    it('says which part is wrong when the JSON is not a mapping', async () => {
      const store = new MigrationStore(join(home, 'damaged-detail'));
      const id = migrationIdFor([HASH_A, 'detail']);
      await store.saveMapping(documentFor(id));
      const path = join(store.dir(id), MAPPING_FILE);
      const saved = JSON.parse(await readFile(path, 'utf8')) as MappingDocument;
      await writeFile(path, JSON.stringify({ ...saved, version: 'two' }));
      const error = await errorOf(store.loadMapping(id));
      expect(error.message).toMatch(/not a mapping document \(version: /);
      await writeFile(path, '{ nope');
      expect((await errorOf(store.loadMapping(id))).message).toMatch(/not valid JSON/);
    });
  });
});

describe('writeFileAtomic', () => {
  it('two saves of one file at once leave one of them whole, never a mix, and no temp file', async () => {
    const dir = await mkdtemp(join(home, 'concurrent-'));
    const path = join(dir, MAPPING_FILE);
    const a = 'a'.repeat(2_000_000);
    const b = 'b'.repeat(1_000);
    const results = await Promise.allSettled([writeFileAtomic(path, a), writeFileAtomic(path, b)]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
    expect([a, b]).toContain(await readFile(path, 'utf8'));
    expect((await readdir(dir)).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('leaves no *.tmp behind and replaces the content whole (a shorter text leaves no tail)', async () => {
    const dir = await mkdtemp(join(home, 'atomic-'));
    const path = join(dir, 'file.json');
    const long = `${'x'.repeat(100_000)}\n`;
    await writeFileAtomic(path, long);
    expect(await readFile(path, 'utf8')).toBe(long);
    await writeFileAtomic(path, 'short\n');
    expect(await readFile(path, 'utf8')).toBe('short\n');
    await writeFileAtomic(path, '');
    expect(await readFile(path, 'utf8')).toBe('');
    expect(await readdir(dir)).toEqual(['file.json']);
  });

  it('writes the file readable by its owner only', async () => {
    const dir = await mkdtemp(join(home, 'mode-'));
    const path = join(dir, 'file.json');
    await writeFileAtomic(path, 'secret-ish\n');
    expect((await stat(path)).mode & 0o777).toBe(0o600);
  });

  it('a reader during rewrites sees the old content or the new, never a mix', async () => {
    const dir = await mkdtemp(join(home, 'readers-'));
    const path = join(dir, 'file.json');
    const a = `${'a'.repeat(200_000)}\n`;
    const b = `${'b'.repeat(50_000)}\n`;
    await writeFileAtomic(path, a);
    let writing = true;
    const seen = new Set<string>();
    const reader = (async () => {
      while (writing) {
        const text = await readFile(path, 'utf8');
        seen.add(text === a ? 'a' : text === b ? 'b' : `mixed:${text.length}`);
      }
    })();
    for (let i = 0; i < 20; i++) await writeFileAtomic(path, i % 2 === 0 ? b : a);
    writing = false;
    await reader;
    expect([...seen].filter((s) => s.startsWith('mixed'))).toEqual([]);
    expect(await readFile(path, 'utf8')).toBe(a);
    expect(await readdir(dir)).toEqual(['file.json']);
  });

  it('a failed rename removes the temporary file', async () => {
    const dir = await mkdtemp(join(home, 'fail-'));
    const target = join(dir, 'is-a-folder');
    await mkdir(join(target, 'child'), { recursive: true }); // renaming a file over a non-empty folder fails
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow();
    expect((await readdir(dir)).sort()).toEqual(['is-a-folder']);
  });
});
