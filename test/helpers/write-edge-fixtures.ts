/**
 * Writes the hand-made edge-case exports under fixtures/edge/. Run once with `npx tsx test/helpers/write-edge-fixtures.ts`
 * and commit both this script and its output: the tests read the committed files, never this script.
 *
 * Every file is small and named for the one thing it shows. Text is written byte for byte (line endings, BOMs and
 * encodings are part of what is tested), so each file is built here as a Buffer rather than typed into an editor.
 * Large or permission-dependent inputs (the 100 MB line, the > 64 KB encoding and NFC files, chmod 000) are made by
 * the tests in a temp dir instead.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import iconv from 'iconv-lite';
import { TRANSACTION_COLUMNS } from '../../src/kartra/columns.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'edge');

const LF = '\n';
const CRLF = '\r\n';

/** Lines joined by `eol`, with a final `eol`. */
function lines(rows: string[], eol = LF): string {
  return rows.map((r) => `${r}${eol}`).join('');
}

function write(path: string, content: string | Buffer): void {
  const full = join(ROOT, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, content);
}

function utf16be(text: string): Buffer {
  const le = Buffer.from(text, 'utf16le');
  for (let i = 0; i < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1]!, le[i]!];
  return le;
}

rmSync(ROOT, { recursive: true, force: true });

// ---------------------------------------------------------------------------------------------------------------
// Encodings: one table, written five ways. Every non-ASCII character in it exists in Windows-1252 (é ü ñ ã ë É € ’).
const ENCODING_TABLE = lines([
  'first_name,last_name,email,city,note',
  'Renée,Müller,renee@example.com,Zürich,€49 paid',
  'José,Núñez,jose@example.com,São Paulo,',
  'Zoë,O’Brien,zoe@example.com,Saint-Étienne,it’s fine',
]);
write('encoding/utf8-no-bom.csv', Buffer.from(ENCODING_TABLE, 'utf8'));
write('encoding/utf8-bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(ENCODING_TABLE, 'utf8')]));
write('encoding/utf16le-bom.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(ENCODING_TABLE, 'utf16le')]));
write('encoding/utf16be-bom.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(ENCODING_TABLE)]));
// é = E9, ü = FC, € = 80, ’ = 92: not valid UTF-8, as Excel on Windows writes "CSV (Comma delimited)".
write('encoding/windows-1252.csv', iconv.encode(ENCODING_TABLE, 'windows-1252'));
// UTF-8 text that was already garbled once (UTF-8 read as cp1252, saved as UTF-8): "José" became "JosÃ©".
write(
  'encoding/mojibake-jose.csv',
  lines(['first_name,last_name,email', 'JosÃ©,GarcÃ­a,jose@example.com', 'Ann,Lee,ann@example.com', 'Zoe,Oâ€™Brien,zoe@example.com']),
);

// ---------------------------------------------------------------------------------------------------------------
// Dialects.
write(
  'dialect/semicolon.csv',
  lines([
    'first_name;last_name;email;company;city',
    'Ann;Lee;ann@example.com;Acme, Inc.;Lyon',
    'Bob;Ray;bob@example.com;Widgets, Ltd.;Paris',
    'Cleo;Ng;cleo@example.com;"Quoted; Co";Nice',
  ]),
);
// A European-Excel company list: every company name holds one comma. The header has no comma at all.
write(
  'dialect/semicolon-company-commas.csv',
  lines([
    'email;company',
    'ann@example.com;Acme, Inc.',
    'bob@example.com;Widgets, Ltd.',
    'cleo@example.com;Foo Bar, LLC',
    'dan@example.com;Baz, Inc.',
    'eve@example.com;Qux, GmbH',
  ]),
);
write(
  'dialect/tab-delimited.tsv',
  lines([
    'first_name\tlast_name\temail\tcompany',
    'Ann\tLee\tann@example.com\tAcme, Inc.',
    'Bob\tRay\tbob@example.com\tBeta; Gamma',
    'Cleo\tNg\tcleo@example.com\t"Tab\there"',
  ]),
);
// Kartra's own tag separator inside a comma file, more items per cell than the file has columns.
write(
  'dialect/email-tags-semicolon-items.csv',
  lines([
    'email,tags',
    'ann@example.com,VIP;Gold;Newsletter',
    'bob@example.com,Gold;Webinar;Buyer',
    'cleo@example.com,Newsletter;Buyer;VIP',
    'dan@example.com,VIP;Webinar;Gold',
    'eve@example.com,Buyer;Gold;Newsletter',
  ]),
);
// Physical lines:       1                  2-3                          4-6                  7
write(
  'dialect/quoted-newlines-lf.csv',
  lines(['id,email,bio', '1,ann@example.com,"Line one\nLine two"', '2,bob@example.com,"A\n\nB"', '3,cleo@example.com,plain']),
);
// CRLF file with CRLF (and one bare LF) inside quotes and blank lines before a record.
// Physical lines: 1 header, 2-3 record, 4-5 blank, 6-8 record, 9-10 record, 11 record.
write(
  'dialect/quoted-newlines-crlf.csv',
  lines(
    [
      'id,email,bio',
      '1,ann@example.com,"one\r\ntwo"',
      '',
      '',
      '2,bob@example.com,"x\r\ny\r\nz"',
      '3,cleo@example.com,"mixed\nLF"',
      '4,dan@example.com,end',
    ],
    CRLF,
  ),
);
write(
  'dialect/doubled-quotes.csv',
  lines(['email,nickname,note', 'ann@example.com,"Ann ""The Boss"" Lee","She said ""hi"""', 'bob@example.com,"""Bobby""",""""']),
);
write(
  'dialect/acme-inc-quoted-comma.csv',
  lines(['email,company,city', 'ann@example.com,"Acme, Inc.",Austin', 'bob@example.com,"Widgets, Ltd.",Boston']),
);
write('dialect/crlf-line-endings.csv', lines(['email,first_name', 'ann@example.com,Ann', 'bob@example.com,Bob'], CRLF));
// Lines: 1 header, 2 Ann, 3-4 blank, 5 Bob, 6 Cleo, then two blank lines at the end.
write(
  'dialect/blank-lines-middle-and-end.csv',
  lines(['email,first_name', 'ann@example.com,Ann', '', '', 'bob@example.com,Bob', 'cleo@example.com,Cleo', '', '']),
);
write(
  'dialect/trailing-empty-columns.csv',
  lines(['email,first_name,,', 'ann@example.com,Ann,,', 'bob@example.com,Bob,,', 'cleo@example.com,Cleo, ,']),
);
write(
  'dialect/ragged-too-many-cells.csv',
  lines([
    'email,first_name,last_name',
    'ann@example.com,Ann,Lee',
    'bob@example.com,Bob,Ray,extra,more',
    'cleo@example.com,Cleo,Ng,,',
    'dan@example.com,Dan,Wu',
  ]),
);
write(
  'dialect/ragged-too-few-cells.csv',
  lines(['email,first_name,last_name', 'ann@example.com,Ann,Lee', 'bob@example.com,Bob', 'cleo@example.com', 'dan@example.com,Dan,Wu']),
);

// ---------------------------------------------------------------------------------------------------------------
// Kinds.
write(
  'kinds/kartra-import-no-header.txt',
  lines([
    'John,Smith,john.smith@example.com,Austin,73301,TX,5125550147',
    'Maria,Garcia,maria.garcia@example.com,Miami,33101,FL,3055550123',
    'Wei,Chen,wei.chen@example.com,Seattle,98101,WA,2065550188',
  ]),
);
write(
  'kinds/leads-label-header.csv',
  lines([
    'ID,First Name,Last Name,Email,Phone Country Code,Phone,Date Joined,Country,Tags',
    '501,Ann,Lee,ann@example.com,+1,2125550147,2021-03-01 10:00:00,United States,VIP;Gold',
    '502,Bob,Ray,bob@example.com,+44,7911123456,2022-04-02 11:30:00,United Kingdom,Gold',
    '503,Cleo,Ng,cleo@example.com,+61,412345678,2023-05-03 12:45:00,Australia,',
  ]),
);
const API_HEADER = [
  'id', 'first_name', 'middle_name', 'last_name', 'last_name2', 'email', 'phone_country_code', 'phone', 'company',
  'address', 'city', 'zip', 'state', 'country', 'date_joined', 'website', 'ip', 'ip_country', 'facebook', 'twitter',
  'linkedin', 'sales_tax_id', 'lead_picture', 'source', 'source_id', 'score', 'referring_id', 'blacklisted', 'notes',
  'lead_preferred_time_zone', 'lead_deleted', 'gdpr_lead_status', 'gdpr_lead_status_date', 'gdpr_lead_status_ip',
  'gdpr_lead_communications', 'tags', 'lists', 'business_type', 'interests', 'bio',
];
write(
  'kinds/contacts_kartra_09-06-2026_6a2803f884d5c.csv',
  lines([
    API_HEADER.join(','),
    '1001,Ann,,Lee,,ann@example.com,+1,2125550147,"Acme, Inc.",1 Main St,New York,10001,NY,United States,2019-04-01 09:15:00,https://acme.example,203.0.113.5,United States,,,,,,single-optin,12,40,,0,,America/New_York,0,2,09 Mar 2024 14:05:00,203.0.113.5,0,VIP;Gold,Newsletter,Agency,Yoga;Running,"Loves yoga.\nRuns marathons."',
    '1002,Bob,J,Ray,,bob@example.com,+44,7911123456,,,London,SW1A 1AA,,United Kingdom,2020-07-15 18:30:00,,198.51.100.7,United Kingdom,,,,,,checkout,3,0,,0,,Europe/London,0,1,10 Mar 2024 10:00:00,198.51.100.7,1,Gold,Buyers,Coach,Running,',
    '1003,Cleo,,Ng,,cleo@example.com,+61,412345678,,,Sydney,2000,NSW,Australia,2021-11-30 07:00:00,,192.0.2.9,Australia,,,,,,import,0,5,,1,,Australia/Sydney,0,4,11 Mar 2024 08:30:00,192.0.2.9,0,,,Other,,',
  ]),
);
const transactionRow = (cells: Record<string, string>): string =>
  TRANSACTION_COLUMNS.map((c) => {
    const v = cells[c] ?? '';
    return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  }).join(',');
write(
  'kinds/report_all_transactions_09-06-2026_6a2803f8850a1.csv',
  lines([
    TRANSACTION_COLUMNS.join(','),
    transactionRow({ ID: '90001', Transaction_Type: 'Sale', Date: '2024-03-01 10:00:00', Product: 'Coaching', Price_point: '1', Quantity: '1', Buyer_Name: 'Ann Lee', Buyer_Email: 'ann@example.com', Buyer_Country: 'United States', 'Amount (USD)': '97.00', 'Revenue (USD)': '97.00', 'Your_Net_Profit (USD)': '97.00', Processor: 'Stripe', subscription_id: '7001', lead_id: '1001', Trial: 'No', Automatic_Cancellation: 'No', Subscription_payment_number: '1', Rebill_reattempt: '0' }),
    transactionRow({ ID: '90002', Transaction_Type: 'Rebill', Date: '2024-04-01 10:00:00', Product: 'Coaching', Price_point: '1', Quantity: '1', Buyer_Name: 'Ann Lee', Buyer_Email: 'ann@example.com', Buyer_Country: 'United States', 'Amount (USD)': '97.00', 'Revenue (USD)': '97.00', 'Your_Net_Profit (USD)': '97.00', Processor: 'Stripe', subscription_id: '7001', lead_id: '1001', Trial: 'No', Automatic_Cancellation: 'No', Subscription_payment_number: '2', Rebill_reattempt: '0' }),
    transactionRow({ ID: '90003', Transaction_Type: 'Sale', Date: '2024-04-02 11:00:00', Product: 'Ebook', Price_point: '2', Quantity: '1', Buyer_Name: 'Bob Ray', Buyer_Email: 'bob@example.com', Buyer_Country: 'United Kingdom', 'Amount (USD)': '27.00', 'Revenue (USD)': '27.00', 'Your_Net_Profit (USD)': '27.00', Processor: 'PayPal', subscription_id: 'N/A', lead_id: '1002', Trial: 'No', Automatic_Cancellation: 'No', Subscription_payment_number: '1', Rebill_reattempt: '0' }),
    transactionRow({ ID: '90004', Transaction_Type: 'Refund', Date: '2024-04-05 09:00:00', Product: 'Ebook', Price_point: '2', Quantity: '1', Buyer_Name: 'Bob Ray', Buyer_Email: 'bob@example.com', Buyer_Country: 'United Kingdom', 'Amount (USD)': '-27.00', 'Revenue (USD)': '-27.00', 'Your_Net_Profit (USD)': '-27.00', Processor: 'PayPal', subscription_id: 'N/A', lead_id: '1002', Trial: 'No', Automatic_Cancellation: 'No', Subscription_payment_number: '1', Rebill_reattempt: '0' }),
  ]),
);
write(
  'kinds/subscriptions_09-06-2026_6a2803f8851b2.csv',
  lines([
    'Subscription ID,Lead ID,Buyer Name,Buyer Email,Product,Price point,Status,Recurrence_Term,Start date,Next payment date,Next payment amount,Payments made,Payments left,Processor',
    '7001,1001,Ann Lee,ann@example.com,Coaching,1,Active,Monthly,01 Mar 2024,01 Jul 2024,97.00,4,0,Stripe',
    '7002,1002,Bob Ray,bob@example.com,Coaching,1,Pending Cancellation,Monthly,15 Jan 2024,15 Jul 2024,97.00,6,0,PayPal',
    '7003,1003,Cleo Ng,cleo@example.com,Mastermind,3,Cancelled,Yearly,01 Feb 2023,,,1,0,Stripe',
  ]),
);
write('kinds/contact-list-email-name.csv', lines(['Email,Name', 'ann@example.com,Ann Lee', 'bob@example.com,Bob Ray', 'cleo@example.com,Cleo Ng']));
write('kinds/products-unknown.csv', lines(['Product,Price', 'Coaching,97', 'Ebook,27']));

// ---------------------------------------------------------------------------------------------------------------
// Tags: Kartra's ";" and the "," some exports use.
write(
  'tags/tags-semicolon.csv',
  lines([
    'email,first_name,tags',
    'ann@example.com,Ann,VIP;vip; Gold ',
    'bob@example.com,Bob,Gold;Newsletter',
    'cleo@example.com,Cleo,Newsletter',
    'dan@example.com,Dan,',
  ]),
);
write(
  'tags/tags-comma.csv',
  lines([
    'email,first_name,tags',
    'ann@example.com,Ann,"VIP,vip, Gold "',
    'bob@example.com,Bob,"Gold, Newsletter"',
    'cleo@example.com,Cleo,Newsletter',
    'dan@example.com,Dan,',
  ]),
);

// ---------------------------------------------------------------------------------------------------------------
// A leads export split in two chunks. Duplicates across them by id and by case-only-different email; the older
// date_joined wins wherever it sits (chunk b's 102 and cleo@ are older than chunk a's).
const CHUNK_HEADER = 'id,first_name,email,phone_country_code,phone,date_joined';
write(
  'leads-two-chunks/contacts_kartra_08-06-2026_6a2803f884d5a.csv',
  lines([
    CHUNK_HEADER,
    '101,Ann,ann@example.com,+1,2125550147,2021-03-01 10:00:00',
    '102,Bob,bob@example.com,+1,2125550148,2024-05-01 09:00:00',
    '103,Cleo,Cleo@Example.com,+1,2125550149,2023-01-01 00:00:00',
    '104,Dan,dan@example.com,+1,2125550150,2020-06-01 00:00:00',
  ]),
);
write(
  'leads-two-chunks/contacts_kartra_08-06-2026_6a2803f884d5b.csv',
  lines([
    CHUNK_HEADER,
    '102,Robert,robert@example.com,+1,2125550151,2019-07-01 00:00:00',
    '205,Cleo,cleo@example.com,+1,2125550152,2020-02-02 00:00:00',
    '206,Dan,DAN@EXAMPLE.COM,+1,2125550153,2022-02-02 00:00:00',
    '207,Eve,eve@example.com,+1,2125550154,2022-03-03 00:00:00',
  ]),
);

// ---------------------------------------------------------------------------------------------------------------
// Slashed dates: a day above 12 in first place proves day-first, in second place month-first, neither proves nothing.
write(
  'dates/dates-day-first.csv',
  lines([
    'email,birthday,signed_up',
    'ann@example.com,25/12/1990,25/12/2024 14:05',
    'bob@example.com,03/04/1985,03/04/2024 09:30',
    'cleo@example.com,01/02/1979,01/02/2023 18:00',
  ]),
);
write(
  'dates/dates-month-first.csv',
  lines([
    'email,birthday,signed_up',
    'ann@example.com,12/25/1990,12/25/2024 14:05',
    'bob@example.com,03/04/1985,03/04/2024 09:30',
    'cleo@example.com,01/02/1979,01/02/2023 18:00',
  ]),
);
write(
  'dates/dates-ambiguous.csv',
  lines([
    'email,birthday,signed_up',
    'ann@example.com,03/04/1990,03/04/2024 14:05',
    'bob@example.com,01/02/1985,01/02/2024 09:30',
    'cleo@example.com,05/06/1979,05/06/2023 18:00',
  ]),
);

// ---------------------------------------------------------------------------------------------------------------
// One leads export that triggers every finding code once or twice, at known lines (see findings.test.ts).
const X300 = 'x'.repeat(300);
write(
  'findings/leads-every-finding.csv',
  lines([
    'id,first_name,last_name,email,phone_country_code,phone,zip,country,date_joined,blacklisted,notes', // 1
    '1,Ann,Lee,ann@example.com,+1,2125550147,10001,United States,2021-01-05 10:00:00,0,', // 2 clean
    '2,Bob,Ray,,+1,2125550148,10001,United States,2021-01-06 10:00:00,0,', // 3 missing_email (empty)
    '3,Cleo,Ng,N/A,+1,2125550149,10001,United States,2021-01-07 10:00:00,0,', // 4 missing_email + placeholder
    '4,Dan,Wu,dan@,+1,2125550150,10001,United States,2021-01-08 10:00:00,0,', // 5 invalid_email
    '5,Eve,Ode,EVE@example.com,+1,2125550151,10001,United States,2022-01-01 10:00:00,0,', // 6 duplicate_email (newer)
    '6,Eva,Ode,eve@example.com,+1,2125550152,10001,United States,2020-01-01 10:00:00,0,', // 7 the older eve wins
    '1,Annie,Lee,annie@example.com,+1,2125550153,10001,United States,2023-01-01 10:00:00,0,', // 8 duplicate_id
    '8,Finn,Hart,finn@example.com,+1,12,10001,United States,2021-01-09 10:00:00,0,', // 9 unparseable_phone
    '9,Gus,Bell,gus@example.com,+1,5.55123E+09,10001,United States,2021-01-10 10:00:00,0,', // 10 excel_scientific + phone
    '10,Hal,Ives,hal@example.com,+1,2125550154,2134,United States,2021-01-11 10:00:00,0,', // 11 zip_lost_zero
    '11,Ida,Jay,ida@example.com,+1,2125550155,N/A,United States,2021-01-12 10:00:00,0,', // 12 placeholder (zip)
    '12,Jon,Kim,jon@example.com,+1,2125550156,10001,United States,0000-00-00 00:00:00,0,', // 13 zero_date
    '13,Kai,Lum,kai@example.com,+1,2125550157,10001,United States,someday,0,', // 14 unparseable_date
    '14,"=HYPERLINK(""http://x.example"")",Moe,lou@example.com,+1,2125550158,10001,United States,2021-01-13 10:00:00,0,', // 15 formula_like
    '15,Max,Nye,max@example.com,+1,2125550159,10001,United States,2021-01-14 10:00:00,1,', // 16 blacklisted
    '16,Ned,Orr,ned@kartra.com,+1,2125550160,10001,United States,2021-01-15 10:00:00,0,', // 17 test_mode_email
    `17,Oli,Pau,oli@example.com,+1,2125550161,10001,United States,2021-01-16 10:00:00,0,${X300}`, // 18 over_255
    '18,JosÃ©,Qi,jose@example.com,+1,2125550162,10001,United States,2021-01-17 10:00:00,0,', // 19 mojibake
    '19,Pat,Roe,pat@example.com,+1,2125550163,10001,United States,2021-01-18 10:00:00,0,,surplus', // 20 ragged_row
    '20,Caf\uFFFD,Sol,sol@example.com,+1,2125550164,10001,United States,2021-01-19 10:00:00,0,', // 21 invalid_utf8 (what the decoder leaves of a bad byte)
  ]),
);

// ---------------------------------------------------------------------------------------------------------------
// One column per profile type (see profile.test.ts). 6 data rows.
write(
  'profile/column-types.csv',
  lines([
    'email,phone,signup_date,last_login,visits,price,Amount (USD),active,newsletter,website,country,plan,interests,bio,nickname,partial,fax',
    'ann@example.com,(212) 555-0147,2024-01-05,2024-01-05 10:00:00,3,"$1,234.00",49.00,0,Yes,https://ann.example.com,United States,Gold,Yoga;Running,"Ann has been a customer since 2019.\nShe runs.",Annie,a,',
    'bob@example.com,(212) 555-0148,2024-02-06,2024-02-06 11:00:00,12,$49.00,97.00,1,No,https://bob.example.com/about,Germany,Silver,Yoga,"Bob likes long walks on the beach and writes very long notes about it, every week.",Bobby,,',
    'cleo@example.com,212-555-0149,2024-03-07,2024-03-07 12:00:00,0,$0.00,-49.00,1,Yes,http://cleo.example.org,France,Gold,Running;Cycling,Short bio.,Cle,b,',
    'dan@example.com,+1 212 555 0150,2024-04-08,2024-04-08 13:00:00,7,$97.00,1997.00,0,No,www.dan.example.net,United States,Gold,Yoga;Cycling,"Dan, the man.\nTwo lines.",Danny,,',
    'eve@example.com,212.555.0151,2024-05-09,2024-05-09 14:00:00,150,"$1,997.00",0.00,1,Yes,https://eve.example.com,Canada,Silver,Cycling,Eve.,Evie,c,',
    'fay@example.com,(646) 555-0152,2024-06-10,2024-06-10 15:00:00,42,$12.50,12.50,1,No,https://fay.example.com,Japan,Gold,Running;Yoga,Fay.,Fifi,,',
  ]),
);

// ---------------------------------------------------------------------------------------------------------------
// Bad inputs.
write('bad/empty.csv', Buffer.alloc(0));
write('bad/header-only.csv', lines(['id,first_name,email,phone_country_code,date_joined']));
// The first 24 bytes of a real PNG: signature, then the IHDR chunk (whose length field holds NUL bytes).
write(
  'bad/png-renamed.csv',
  Buffer.from([
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4, 0x89,
  ]),
);
// A zip local file header (what an .xlsx starts with), then the name of its first entry.
write(
  'bad/xlsx-renamed.csv',
  Buffer.concat([
    Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00]),
    Buffer.alloc(12),
    Buffer.from([0x13, 0x00, 0x00, 0x00]),
    Buffer.from('[Content_Types].xml', 'latin1'),
  ]),
);
// Line 3 opens a quote that is never closed.
write(
  'bad/unterminated-quote.csv',
  lines(['email,first_name,notes', 'ann@example.com,Ann,fine', 'bob@example.com,Bob,"this note never ends', 'cleo@example.com,Cleo,fine']),
);
write('bad/duplicate-header.csv', lines(['email,first_name,Email', 'ann@example.com,Ann,ann@example.com']));
// A folder with files, none of them an export (.csv .tsv .txt).
write('bad/no-exports/README.md', lines(['# Exports go here']));
write('bad/no-exports/leads.json', lines(['{"leads": []}']));

process.stdout.write(`Wrote edge fixtures to ${ROOT}\n`);
