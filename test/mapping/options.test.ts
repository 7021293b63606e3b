import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { optionLabelOf, optionProblem, optionValueOf, planOptions, type PlannedOption } from '../../src/mapping/options.js';
import { TAG_COLORS } from '../../src/twenty-contract.js';

/** Twenty's option rules (twenty-api.md §3 "Select options"). */
const UPPER_SNAKE = /^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/;

function expectTwentyRules(options: readonly PlannedOption[]): void {
  for (const o of options) {
    expect(o.value).toMatch(UPPER_SNAKE);
    expect(o.value.length).toBeLessThanOrEqual(63);
    expect(o.label.length).toBeGreaterThanOrEqual(1);
    expect(o.label.length).toBeLessThanOrEqual(63);
    expect(o.label.trim()).not.toBe('');
    expect(o.label).not.toContain(',');
    expect(TAG_COLORS).toContain(o.color);
    expect(optionProblem(o)).toBeNull();
  }
  const values = options.map((o) => o.value);
  expect(new Set(values).size).toBe(values.length);
  const labels = options.map((o) => o.label.toLowerCase());
  expect(new Set(labels).size).toBe(labels.length);
}

const byValue = (options: readonly PlannedOption[], value: string): PlannedOption | undefined => options.find((o) => o.value === value);

describe('optionValueOf', () => {
  it('turns words into UPPER_SNAKE, dropping accents and punctuation', () => {
    expect(optionValueOf('Coaching & Consulting')).toBe('COACHING_CONSULTING');
    expect(optionValueOf('Café')).toBe('CAFE');
    expect(optionValueOf('  e-commerce / retail  ')).toBe('E_COMMERCE_RETAIL');
    expect(optionValueOf('Q&A Attendee')).toBe('Q_A_ATTENDEE');
    expect(optionValueOf('straße')).toBe('STRASSE');
  });

  it('prefixes values that would start with a digit or an underscore with OPTION_', () => {
    expect(optionValueOf('2024 launch')).toBe('OPTION_2024_LAUNCH');
    expect(optionValueOf('0')).toBe('OPTION_0');
    expect(optionValueOf('5-day challenge')).toBe('OPTION_5_DAY_CHALLENGE');
    expect(optionValueOf('_private')).toBe('PRIVATE');
  });

  it('names a value with no letter or digit OPTION', () => {
    expect(optionValueOf('')).toBe('OPTION');
    expect(optionValueOf('!!!')).toBe('OPTION');
    expect(optionValueOf('😀')).toBe('OPTION');
  });

  it('truncates long values to 63 characters without a trailing underscore', () => {
    const long = optionValueOf(`${'word '.repeat(30)}end`);
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(UPPER_SNAKE);
    // 62 characters then a separator: the cut must not leave "..._" behind.
    const cutAtSeparator = optionValueOf(`${'A'.repeat(62)} tail`);
    expect(cutAtSeparator).toBe('A'.repeat(62));
    const digits = optionValueOf('9'.repeat(100));
    expect(digits.startsWith('OPTION_')).toBe(true);
    expect(digits.length).toBe(63);
  });
});

describe('optionLabelOf', () => {
  it('replaces commas and control characters and collapses spaces', () => {
    expect(optionLabelOf('Summit, VIP Pass')).toBe('Summit VIP Pass');
    expect(optionLabelOf('a ,b,  c')).toBe('a b c');
    expect(optionLabelOf('line\none\ttab\u0000')).toBe('line one tab');
    expect(optionLabelOf('  padded  ')).toBe('padded');
  });

  it('keeps labels of up to 63 characters and cuts longer ones with an ellipsis', () => {
    expect(optionLabelOf('x'.repeat(63))).toBe('x'.repeat(63));
    const cut = optionLabelOf('y'.repeat(64));
    expect(cut.length).toBe(63);
    expect(cut.endsWith('…')).toBe(true);
  });
});

describe('planOptions', () => {
  it('plans one option per distinct value, in first-seen order, under Twenty’s rules', () => {
    const options = planOptions(['Consultant', 'Course Creator', 'E-commerce', 'Local Business', 'Consultant']);
    expect(options.map((o) => [o.value, o.label, o.sources])).toEqual([
      ['CONSULTANT', 'Consultant', ['Consultant']],
      ['COURSE_CREATOR', 'Course Creator', ['Course Creator']],
      ['E_COMMERCE', 'E-commerce', ['E-commerce']],
      ['LOCAL_BUSINESS', 'Local Business', ['Local Business']],
    ]);
    expectTwentyRules(options);
    expect(options.map((o) => o.color)).toEqual(TAG_COLORS.slice(0, 4));
  });

  it('merges spellings that differ in case, accents or punctuation, keeping the first spelling and every source', () => {
    const options = planOptions(['VIP', 'vip', 'Vip!', ' VIP ', 'Café Crème', 'cafe creme', 'CAFE-CREME', 'Health & Wellness', 'health wellness']);
    expect(options).toHaveLength(3);
    expect(byValue(options, 'VIP')).toMatchObject({ label: 'VIP', sources: ['VIP', 'vip', 'Vip!'] });
    expect(byValue(options, 'CAFE_CREME')).toMatchObject({ label: 'Café Crème', sources: ['Café Crème', 'cafe creme', 'CAFE-CREME'] });
    expect(byValue(options, 'HEALTH_WELLNESS')).toMatchObject({ label: 'Health & Wellness', sources: ['Health & Wellness', 'health wellness'] });
    expectTwentyRules(options);
  });

  it('skips blank values and stores sources trimmed', () => {
    const options = planOptions(['', '   ', '\t', ' Gold ', 'Gold']);
    expect(options).toEqual([{ value: 'GOLD', label: 'Gold', color: TAG_COLORS[0], sources: ['Gold'] }]);
    expect(planOptions([])).toEqual([]);
  });

  it('prefixes values that start with a digit with OPTION_ and keeps the spelling as the label', () => {
    const options = planOptions(['2024 launch', '10k-50k', '0', '5']);
    expect(options.map((o) => [o.value, o.label])).toEqual([
      ['OPTION_2024_LAUNCH', '2024 launch'],
      ['OPTION_10K_50K', '10k-50k'],
      ['OPTION_0', '0'],
      ['OPTION_5', '5'],
    ]);
    expectTwentyRules(options);
  });

  it('takes commas out of labels but keeps the spelling with its comma as the source', () => {
    const options = planOptions(['Summit, VIP Pass', 'Coaching,Group']);
    expect(options.map((o) => [o.value, o.label, o.sources])).toEqual([
      ['SUMMIT_VIP_PASS', 'Summit VIP Pass', ['Summit, VIP Pass']],
      ['COACHING_GROUP', 'Coaching Group', ['Coaching,Group']],
    ]);
  });

  it('gives a value with nothing to spell a label of its own', () => {
    const [option] = planOptions(['\u0001\u0002']);
    expect(option).toMatchObject({ value: 'OPTION', label: 'OPTION', sources: ['\u0001\u0002'] });
  });

  it('truncates long values and labels to 63 characters and keeps them unique', () => {
    const head = 'x'.repeat(62);
    const long = [`${head}a and more`, `${head}b and more`, `${'word '.repeat(40)}`];
    const options = planOptions(long);
    expect(options).toHaveLength(3);
    expectTwentyRules(options);
    expect(options[0]!.value).toBe(`${'X'.repeat(62)}A`);
    expect(options[1]!.value).toBe(`${'X'.repeat(62)}B`);
    // Both labels are cut to the same 62 characters: the second is told apart by a counter.
    expect(options[0]!.label).toBe(`${head}…`);
    expect(options[1]!.label).toBe(`${'x'.repeat(59)} (2)`);
  });

  it('reuses existing options by value or label, keeping their colour, and adds only new ones', () => {
    const existing = [
      { value: 'GOLD', label: 'Gold', color: 'yellow' },
      { value: 'VIP_MEMBER', label: 'VIP' },
      { value: 'PLATINUM', label: 'Platinum', color: 'not-a-colour' },
    ];
    const options = planOptions(['gold', 'Vip', 'Silver', 'GOLD'], existing);
    expect(options.map((o) => [o.value, o.label, o.sources])).toEqual([
      ['GOLD', 'Gold', ['gold', 'GOLD']],
      ['VIP_MEMBER', 'VIP', ['Vip']],
      ['PLATINUM', 'Platinum', []],
      ['SILVER', 'Silver', ['Silver']],
    ]);
    expect(options[0]!.color).toBe('yellow');
    expect(TAG_COLORS).toContain(options[2]!.color);
    expectTwentyRules(options);
  });

  it('on a re-run keeps every option planned before and appends only what is new', () => {
    const first = planOptions(['Newsletter', 'Facebook Lead', 'VIP']);
    const again = planOptions(['vip', 'Newsletter', 'Webinar Attendee', 'Facebook lead', 'Black Friday 2024'], first);
    expect(again.slice(0, 3).map((o) => [o.value, o.label, o.color])).toEqual(first.map((o) => [o.value, o.label, o.color]));
    expect(again.slice(3).map((o) => o.value)).toEqual(['WEBINAR_ATTENDEE', 'BLACK_FRIDAY_2024']);
    expect(byValue(again, 'VIP')!.sources).toEqual(['vip']);
    expect(byValue(again, 'FACEBOOK_LEAD')!.sources).toEqual(['Facebook lead']);
    expectTwentyRules(again);
    // The same values a third time: nothing new.
    expect(planOptions(['Newsletter', 'VIP'], again).map((o) => o.value)).toEqual(again.map((o) => o.value));
  });

  it('reuses an existing option whose label, not value, spells the new value', () => {
    const options = planOptions(['gold'], [{ value: 'PREMIUM', label: 'GOLD' }]);
    expect(options).toHaveLength(1);
    expect(options[0]!.value).toBe('PREMIUM');
    expect(options[0]!.sources).toEqual(['gold']);
  });
});

describe('optionProblem', () => {
  it('accepts options that obey the rules', () => {
    expect(optionProblem({ value: 'GOLD', label: 'Gold' })).toBeNull();
    expect(optionProblem({ value: 'OPTION_2024_LAUNCH', label: '2024 launch' })).toBeNull();
    expect(optionProblem({ value: 'A'.repeat(63), label: 'b'.repeat(63) })).toBeNull();
  });

  it.each([
    ['gold', 'lowercase'],
    ['Gold', 'mixed case'],
    ['2024_LAUNCH', 'a digit first'],
    ['_GOLD', 'an underscore first'],
    ['GOLD_', 'a trailing underscore'],
    ['GOLD__BAR', 'a double underscore'],
    ['GOLD-BAR', 'a hyphen'],
    ['GOLD BAR', 'a space'],
    ['', 'empty'],
    ['A'.repeat(64), '64 characters'],
  ])('names the bad value %j (%s)', (value) => {
    const problem = optionProblem({ value, label: 'Fine' });
    expect(problem).toMatch(/option value/);
    expect(problem).toMatch(/UPPER_SNAKE_CASE/);
    expect(problem).toContain(`"${value.slice(0, 80)}"`);
  });

  it.each([
    ['', 'empty'],
    ['   ', 'blank'],
    ['Gold, Silver', 'a comma'],
    ['x'.repeat(64), '64 characters'],
  ])('names the bad label %j (%s)', (label) => {
    const problem = optionProblem({ value: 'GOLD', label });
    expect(problem).toMatch(/option label/);
    expect(problem).toMatch(/without a comma/);
    expect(problem).toContain(`"${label.slice(0, 80)}"`);
  });

  it('cuts a very long bad value in its message', () => {
    const problem = optionProblem({ value: 'a'.repeat(500), label: 'x' })!;
    expect(problem).toContain(`"${'a'.repeat(80)}"`);
    expect(problem).not.toContain('a'.repeat(81));
  });
});

describe('planOptions property', () => {
  const cell = fc.oneof(
    fc.string(),
    fc.string({ unit: 'grapheme', maxLength: 40 }),
    fc.string({ unit: 'grapheme-ascii', minLength: 50, maxLength: 120 }),
    fc.string({ unit: fc.constantFrom('a', 'B', 'é', 'É', ',', ' ', '.', '-', '_', '&', '1', '😀', '\u0301', '\n', '\t', 'ß', 'Ж') }),
    fc.constantFrom('', ' ', ',', ',,', 'a,b', '😀', '🎉🎉', 'VIP', 'vip', 'V.I.P.', '0', '2024', 'Café', 'CAFE', '\u0000', '…'),
  );

  it('always obeys Twenty’s rules and puts every non-blank value in exactly one option', () => {
    fc.assert(
      fc.property(fc.array(cell, { maxLength: 40 }), (values) => {
        const options = planOptions(values);
        expectTwentyRules(options);
        for (const o of options) expect(o.sources.length).toBeGreaterThan(0);
        for (const raw of values) {
          const trimmed = raw.trim();
          const holders = options.filter((o) => o.sources.includes(trimmed));
          expect(holders).toHaveLength(trimmed === '' ? 0 : 1);
        }
        // Nothing else is a source.
        const sources = options.flatMap((o) => o.sources);
        expect(new Set(sources).size).toBe(sources.length);
        for (const s of sources) expect(values.map((v) => v.trim())).toContain(s);
      }),
      { numRuns: 300 },
    );
  });

  it('on a re-run with the previous options keeps them all and still obeys the rules', () => {
    fc.assert(
      fc.property(fc.array(cell, { maxLength: 20 }), fc.array(cell, { maxLength: 20 }), (before, after) => {
        const first = planOptions(before);
        const again = planOptions(after, first);
        expect(again.slice(0, first.length).map((o) => [o.value, o.label, o.color])).toEqual(first.map((o) => [o.value, o.label, o.color]));
        expectTwentyRules(again);
        for (const raw of after) {
          const trimmed = raw.trim();
          expect(again.filter((o) => o.sources.includes(trimmed))).toHaveLength(trimmed === '' ? 0 : 1);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('planOptions: spellings, long values and other scripts', () => {
  it('merges "V.I.P." with "VIP" (punctuation only)', () => {
    const options = planOptions(['VIP', 'vip', 'V.I.P.']);
    expect(options).toHaveLength(1);
    expect(options[0]).toMatchObject({ value: 'VIP', label: 'VIP', sources: ['VIP', 'vip', 'V.I.P.'] });
  });

  it('keeps two long values that differ after 63 characters apart, the second with a _2 suffix', () => {
    const week = 'Receive updates about our upcoming coaching programs every single week';
    const month = 'Receive updates about our upcoming coaching programs every single month';
    const options = planOptions([week, month]);
    expect(options).toHaveLength(2);
    expect(options[0]!.value).toBe('RECEIVE_UPDATES_ABOUT_OUR_UPCOMING_COACHING_PROGRAMS_EVERY_SING');
    expect(options[1]!.value).toMatch(/^RECEIVE_UPDATES_ABOUT_.*_2$/);
    expect(options.map((o) => o.sources)).toEqual([[week], [month]]);
    expectTwentyRules(options);
  });

  it('keeps values written without Latin letters apart (Cyrillic, CJK, emoji), labelled as written', () => {
    const options = planOptions(['Москва', 'Киев', '北京', '上海', '😀', '🎉']);
    expect(options).toHaveLength(6);
    expect(options.map((o) => o.label)).toEqual(['Москва', 'Киев', '北京', '上海', '😀', '🎉']);
    expectTwentyRules(options);
  });

  it('cuts a long label of emoji without splitting a surrogate pair', () => {
    const label = optionLabelOf('😀'.repeat(40));
    expect(label.length).toBeLessThanOrEqual(63);
    expect(label).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(label.endsWith('…')).toBe(true);
  });
});
