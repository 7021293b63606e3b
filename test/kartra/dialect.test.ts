import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { detectDialect, widthWithoutTrailingEmpties } from '../../src/kartra/dialect.js';
import { edge, readExport, tempDir, writeTemp } from '../helpers/edge.js';

const tmp = tempDir();
afterAll(tmp.cleanup);
const text = (fixture: string): string => readFileSync(edge(fixture), 'utf8');

describe('detectDialect: delimiter', () => {
  it.each([
    ['dialect/semicolon.csv', ';'],
    ['dialect/semicolon-company-commas.csv', ';'],
    ['dialect/tab-delimited.tsv', '\t'],
    ['dialect/acme-inc-quoted-comma.csv', ','],
    ['dialect/email-tags-semicolon-items.csv', ','],
    ['tags/tags-semicolon.csv', ','],
    ['tags/tags-comma.csv', ','],
    ['kinds/kartra-import-no-header.txt', ','],
    ['kinds/report_all_transactions_09-06-2026_6a2803f8850a1.csv', ','],
  ] as const)('%s is delimited by %j', (fixture, delimiter) => {
    expect(detectDialect(text(fixture)).delimiter).toBe(delimiter);
  });

  it('"Acme, Inc." in a semicolon file does not make comma win, even when every row has one', async () => {
    // The header "email;company" has no comma: read with "," it would be one column, the rows two.
    const { head, rows } = await readExport(edge('dialect/semicolon-company-commas.csv'));
    expect(head.dialect.delimiter).toBe(';');
    expect(head.header).toEqual(['email', 'company']);
    expect(rows.map((r) => r.cells[1])).toEqual(['Acme, Inc.', 'Widgets, Ltd.', 'Foo Bar, LLC', 'Baz, Inc.', 'Qux, GmbH']);
    expect(rows.some((r) => r.ragged)).toBe(false);
  });

  it('Kartra-style ";" tag lists in a two-column comma file do not make ";" win', async () => {
    const { head, rows } = await readExport(edge('dialect/email-tags-semicolon-items.csv'));
    expect(head.dialect.delimiter).toBe(',');
    expect(head.header).toEqual(['email', 'tags']);
    expect(rows[0]!.cells).toEqual(['ann@example.com', 'VIP;Gold;Newsletter']);
    expect(rows.some((r) => r.ragged)).toBe(false);
  });

  it('a semicolon file with quoted "; " in a cell and unquoted commas reads every row whole', async () => {
    const { rows } = await readExport(edge('dialect/semicolon.csv'));
    expect(rows.map((r) => r.cells)).toEqual([
      ['Ann', 'Lee', 'ann@example.com', 'Acme, Inc.', 'Lyon'],
      ['Bob', 'Ray', 'bob@example.com', 'Widgets, Ltd.', 'Paris'],
      ['Cleo', 'Ng', 'cleo@example.com', 'Quoted; Co', 'Nice'],
    ]);
  });

  it('a tab file keeps commas and semicolons inside cells, and a quoted tab', async () => {
    const { head, rows } = await readExport(edge('dialect/tab-delimited.tsv'));
    expect(head.header).toEqual(['first_name', 'last_name', 'email', 'company']);
    expect(rows.map((r) => r.cells[3])).toEqual(['Acme, Inc.', 'Beta; Gamma', 'Tab\there']);
  });

  it.each([
    ['semicolon', 'email;name;phone\na@b.co;;\nc@d.co;Cid;\ne@f.co;;\n', ';'],
    ['tab', 'email\tname\tphone\na@b.co\t\t\nc@d.co\tCid\t\ne@f.co\t\t\n', '\t'],
  ] as const)('a %s file whose rows mostly fill only their first column is still read with its delimiter', (_what, sample, delimiter) => {
    // Only emails filled: each row ends in empty cells. The header still shows three columns.
    expect(detectDialect(sample).delimiter).toBe(delimiter);
  });

  it.each([
    ['semicolon', 'email;note\ra@b.co;"two\nlines"\rc@d.co;x\r', ';'],
    ['tab', 'email\tnote\ra@b.co\t"two\nlines"\rc@d.co\tx\r', '\t'],
  ] as const)('a %s file with CR line endings (Excel "CSV (Macintosh)") and a line break inside a quoted cell', (_what, sample, delimiter) => {
    expect(detectDialect(sample).delimiter).toBe(delimiter);
  });

  it('CR line endings with a quoted line break: the rows read whole', async () => {
    const { head, rows } = await readExport(writeTemp(tmp.dir, 'mac.csv', 'email;note\ra@b.co;"two\nlines"\rc@d.co;x\r'));
    expect(head.header).toEqual(['email', 'note']);
    expect(rows.map((r) => [r.line, r.cells])).toEqual([
      [2, ['a@b.co', 'two\nlines']],
      [4, ['c@d.co', 'x']],
    ]);
  });

  it('a single-column file falls back to comma', () => {
    expect(detectDialect('email\na@b.co\nc@d.co\n').delimiter).toBe(',');
  });
});

describe('detectDialect: line endings', () => {
  it.each([
    ['email,name\na@b.co,A\n', 'LF'],
    ['email,name\r\na@b.co,A\r\n', 'CRLF'],
    ['email,name\ra@b.co,A\r', 'CR'],
    ['email,name\r\na@b.co,A\n', 'mixed'],
    ['email,name', 'none'],
  ] as const)('%j → %s', (sample, lineEnding) => {
    expect(detectDialect(sample).lineEnding).toBe(lineEnding);
  });

  it('the CRLF fixture is CRLF', () => {
    expect(detectDialect(text('dialect/crlf-line-endings.csv')).lineEnding).toBe('CRLF');
  });
});

describe('detectDialect: header', () => {
  it.each([
    ['first_name,last_name,email\nAnn,Lee,ann@example.com\n', true],
    ['ID,First Name,Email,Phone Country Code,Date Joined\n1,Ann,a@b.co,+1,2024-01-01\n', true],
    ['Transaction_Type,Amount (USD),Date\nSale,49.00,2024-01-01\n', true],
    ['Ann,Lee,ann@example.com\nBob,Ray,bob@example.com\n', false], // an email in the first row
    ['Ann,Lee,,Austin,73301,TX\n', false], // a number in the first row
    ['Ann,Lee,,Austin,,TX,+1 (512) 555-0147\n', false], // a phone in the first row
    ['2024-01-05,Sale,49.00\n', false], // a date
    ['Ann,Lee,$49.00\n', false], // an amount
  ] as const)('%j has a header: %s', (sample, hasHeader) => {
    expect(detectDialect(sample).hasHeader).toBe(hasHeader);
  });

  it('Kartra\'s header-less TXT import format has no header', () => {
    expect(detectDialect(text('kinds/kartra-import-no-header.txt')).hasHeader).toBe(false);
  });

  it.each([
    'kinds/leads-label-header.csv',
    'kinds/contacts_kartra_09-06-2026_6a2803f884d5c.csv',
    'kinds/report_all_transactions_09-06-2026_6a2803f8850a1.csv',
    'kinds/subscriptions_09-06-2026_6a2803f8851b2.csv',
  ])('%s has a header', (fixture) => {
    expect(detectDialect(text(fixture)).hasHeader).toBe(true);
  });
});

describe('widthWithoutTrailingEmpties', () => {
  it.each([
    [['a', 'b', '', ''], 2],
    [['a', '', 'c'], 3],
    [['a', ' ', '\t'], 1],
    [['', ''], 1],
    [['a'], 1],
  ])('%j → %i', (record, width) => {
    expect(widthWithoutTrailingEmpties(record)).toBe(width);
  });
});

describe('line endings are counted between records only', () => {
  it('a CRLF file whose quoted notes hold bare LF line breaks is CRLF, not mixed', () => {
    const sample = 'email,bio\r\na@b.co,"line one\nline two"\r\nc@d.co,"x\ny\nz"\r\ne@f.co,plain\r\n';
    expect(detectDialect(sample).lineEnding).toBe('CRLF');
  });
});
