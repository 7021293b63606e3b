/**
 * A child process for the kill test: appends numbered entries to a journal until it is killed, printing each number
 * only after its append resolved, so everything printed was acknowledged as durable.
 *
 * Usage: node --import tsx test/migration/journal-writer.ts <journal> <first number> <seed>
 * Prints "ready" once the journal is open. Entries: { t: 'row', n, len, p } where p is `len` copies of letter n mod 26
 * (a = 0), a few hundred kilobytes every fifth entry so a kill can land mid-write.
 */
import { Journal } from '../../src/migration/journal.js';
import { mulberry32 } from '../../src/seeded-random.js';

const [path, first, seed] = process.argv.slice(2);
if (!path || first === undefined || seed === undefined) {
  process.stderr.write('usage: journal-writer <journal> <first number> <seed>\n');
  process.exit(2);
}

/** Nobody should leave this running: the parent kills it long before. */
setTimeout(() => process.exit(3), 30_000).unref();

const random = mulberry32(Number(seed));
const letter = (n: number): string => String.fromCharCode(97 + (n % 26));
const row = (n: number) => {
  const len = n % 5 === 0 ? 50_000 + Math.floor(random() * 350_000) : Math.floor(random() * 200);
  return { t: 'row', n, len, p: letter(n).repeat(len) };
};
// Pipes to the parent are written synchronously on Linux: once this returns, the parent will see the number.
const acknowledge = (n: number): boolean => process.stdout.write(`${n}\n`);

const journal = await Journal.open(path);
process.stdout.write('ready\n');
let n = Number(first);
for (;;) {
  const pick = random();
  if (pick < 0.6) {
    await journal.append(row(n));
    acknowledge(n);
    n += 1;
  } else if (pick < 0.8) {
    // Several at once without waiting: the journal must still write them in call order.
    const numbers = [n, n + 1, n + 2];
    n += 3;
    await Promise.all(numbers.map((k) => journal.append(row(k)).then(() => acknowledge(k))));
  } else {
    const numbers = [n, n + 1, n + 2, n + 3];
    n += 4;
    await journal.appendMany(numbers.map(row));
    for (const k of numbers) acknowledge(k);
  }
}
