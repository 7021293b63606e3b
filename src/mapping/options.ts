/**
 * Select options planned from the values an export holds, under Twenty's rules (twenty-api.md §3 "Select options"):
 * values UPPER_SNAKE of at most 63 characters, labels of 1–63 characters without commas, no value twice. Spellings
 * that differ only in case, accents or punctuation ("VIP", "vip", "V.I.P.") are one option: the first spelling names
 * it, and every spelling is kept in `sources` so the import can turn each cell into its option value.
 */
import { MAX_IDENTIFIER_LENGTH, TAG_COLORS, UPPER_SNAKE_VALUE } from '../twenty-contract.js';

export type PlannedOption = {
  value: string;
  label: string;
  color: (typeof TAG_COLORS)[number];
  /** The export's spellings this option stands for (untrusted data). */
  sources: string[];
};

/** A label Twenty accepts: control characters and commas (refused in labels) become spaces; at most 63 characters. */
export function optionLabelOf(raw: string): string {
  const label = raw.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/\s*,\s*/g, ' ').replace(/\s+/g, ' ').trim();
  return cutTo(label, MAX_IDENTIFIER_LENGTH);
}

/** At most `max` UTF-16 units, cut between characters (never inside an emoji), with "…" when cut. */
function cutTo(text: string, max: number): string {
  if (text.length <= max) return text;
  const characters = Array.from(text);
  let cut = '';
  for (const c of characters) {
    if (cut.length + c.length + 1 > max) break;
    cut += c;
  }
  return `${cut.trimEnd()}…`;
}

/** "Coaching & Consulting" → "COACHING_CONSULTING"; "Café" → "CAFE"; "2024 launch" → "OPTION_2024_LAUNCH". */
export function optionValueOf(raw: string): string {
  const words = raw
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  let value = words === '' ? 'OPTION' : /^[A-Z]/.test(words) ? words : `OPTION_${words}`;
  if (value.length > MAX_IDENTIFIER_LENGTH) value = value.slice(0, MAX_IDENTIFIER_LENGTH).replace(/_+$/, '');
  return value;
}

/**
 * The key under which spellings count as one option: letters and digits only, in any script, case and accents
 * folded ("VIP" = "vip" = "V.I.P."; "Москва" stays apart from "Киев"), over the whole value, not the 63 characters
 * its option value keeps.
 */
const sameOptionKey = (raw: string): string =>
  raw
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '') || raw.trim();

/** A value not yet used: "GOLD", then "GOLD_2", "GOLD_3"... within 63 characters. */
function freeValue(base: string, used: Set<string>): string {
  if (!used.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `_${n}`;
    const candidate = `${base.slice(0, MAX_IDENTIFIER_LENGTH - suffix.length).replace(/_+$/, '')}${suffix}`;
    if (!used.has(candidate)) return candidate;
  }
}

/** A label not yet used (Twenty shows labels, so two options must not look alike). */
function freeLabel(base: string, used: Set<string>): string {
  if (!used.has(base.toLowerCase())) return base;
  for (let n = 2; ; n++) {
    const suffix = ` (${n})`;
    const candidate = `${base.slice(0, MAX_IDENTIFIER_LENGTH - suffix.length).trimEnd()}${suffix}`;
    if (!used.has(candidate.toLowerCase())) return candidate;
  }
}

export type ExistingOption = { value: string; label: string; color?: string };

/**
 * Options for the given values, in first-seen order. Existing options of a field that is already in Twenty are
 * reused when a value matches their value or label, so a re-run adds only what is new.
 */
export function planOptions(values: readonly string[], existing: readonly ExistingOption[] = []): PlannedOption[] {
  const byKey = new Map<string, PlannedOption>();
  const usedValues = new Set(existing.map((o) => o.value));
  const usedLabels = new Set(existing.map((o) => o.label.toLowerCase()));
  const planned: PlannedOption[] = [];
  for (const o of existing) {
    const option: PlannedOption = { value: o.value, label: o.label, color: colorOf(o.color, planned.length), sources: [] };
    planned.push(option);
    byKey.set(sameOptionKey(o.value), option);
    byKey.set(sameOptionKey(o.label), option);
  }
  for (const raw of values) {
    const trimmed = raw.trim();
    if (trimmed === '') continue;
    const key = sameOptionKey(trimmed);
    const known = byKey.get(key);
    if (known) {
      if (!known.sources.includes(trimmed)) known.sources.push(trimmed);
      continue;
    }
    const value = freeValue(optionValueOf(trimmed), usedValues);
    const label = freeLabel(optionLabelOf(trimmed) || value, usedLabels);
    usedValues.add(value);
    usedLabels.add(label.toLowerCase());
    const option: PlannedOption = { value, label, color: colorOf(undefined, planned.length), sources: [trimmed] };
    planned.push(option);
    byKey.set(key, option);
  }
  return planned;
}

function colorOf(color: string | undefined, index: number): PlannedOption['color'] {
  const known = TAG_COLORS.find((c) => c === color);
  return known ?? TAG_COLORS[index % TAG_COLORS.length]!;
}

/** Whether an option obeys Twenty's rules; the reason when it does not. */
export function optionProblem(option: { value: string; label: string }): string | null {
  if (!UPPER_SNAKE_VALUE.test(option.value) || option.value.length > MAX_IDENTIFIER_LENGTH) {
    return `option value "${option.value.slice(0, 80)}" must be UPPER_SNAKE_CASE and at most ${MAX_IDENTIFIER_LENGTH} characters`;
  }
  if (option.label.trim() === '' || option.label.length > MAX_IDENTIFIER_LENGTH || option.label.includes(',')) {
    return `option label "${option.label.slice(0, 80)}" must be 1 to ${MAX_IDENTIFIER_LENGTH} characters without a comma`;
  }
  return null;
}
