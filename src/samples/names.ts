/**
 * Name pools. Latin names carry their own spelling (accents included); names in other scripts carry the
 * romanised slug a person would use in an email address. `script` tells whether the name survives Windows-1252.
 */

export interface Name {
  text: string;
  slug: string;
}

export type Script = 'latin' | 'cyrillic' | 'cjk' | 'arabic' | 'emoji';

export interface NamePool {
  script: Script;
  first: readonly Name[];
  last: readonly Name[];
}

/** Lowercase ASCII for email addresses: "Jürgen" → "jurgen", "Weiß" → "weiss". */
export function slugify(text: string): string {
  return text
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z]/g, '');
}

const latin = (list: string): Name[] => list.split(',').map((text) => ({ text, slug: slugify(text) }));
const named = (pairs: readonly (readonly [string, string])[]): Name[] => pairs.map(([text, slug]) => ({ text, slug }));

export const ENGLISH: NamePool = {
  script: 'latin',
  first: latin(
    'James,Mary,Robert,Patricia,John,Jennifer,Michael,Linda,David,Elizabeth,William,Barbara,Richard,Susan,Joseph,Jessica,Thomas,Sarah,Christopher,Karen,Daniel,Lisa,Matthew,Nancy,Anthony,Sandra,Mark,Ashley,Steven,Emily,Andrew,Michelle,Joshua,Amanda,Kevin,Melissa,Brian,Stephanie,Ryan,Rebecca,Jacob,Laura,Nicholas,Hannah,Tyler,Olivia,Ethan,Chloe,Liam,Grace,Noah,Zoe,Owen,Megan,Aiden,Rachel,Caleb,Brooke,Dylan,Tara',
  ),
  last: latin(
    'Smith,Johnson,Williams,Brown,Jones,Miller,Davis,Wilson,Anderson,Taylor,Thomas,Moore,Martin,Jackson,Thompson,White,Harris,Clark,Lewis,Robinson,Walker,Young,Allen,King,Wright,Scott,Green,Baker,Adams,Nelson,Hill,Campbell,Mitchell,Roberts,Carter,Phillips,Evans,Turner,Parker,Collins,Edwards,Stewart,Morris,Murphy,Cook,Rogers,Morgan,Cooper,Peterson,Reed,Bailey,Kelly,Howard,Ward,Cox,Richardson,Wood,Watson,Brooks,Bennett',
  ),
};

export const SPANISH: NamePool = {
  script: 'latin',
  first: latin('José,María,Sofía,Andrés,Lucía,Martín,Valentina,Ramón,Inés,Diego,Camila,Alejandro,Ximena,Jesús,Mónica,Raúl,Verónica,Héctor,Lupita,Fernando'),
  last: latin('García,Martínez,Hernández,López,Pérez,Muñoz,Peña,Jiménez,Rodríguez,Núñez,Sánchez,Ramírez,Torres,Flores,Gómez,Díaz,Cruz,Ortiz,Morales,Reyes'),
};

export const GERMAN: NamePool = {
  script: 'latin',
  first: latin('Jürgen,Björn,Jörg,Lukas,Anna,Sophie,Günter,Käthe,Dagmar,Felix,Lena,Maximilian,Jonas,Mia,Leonie,Tobias,Hannah,Sebastian,Franziska,Uwe'),
  last: latin('Müller,Schröder,Schäfer,Weiß,Fischer,Becker,Wagner,Hoffmann,Köhler,Krüger,Schmidt,Schneider,Meyer,Zimmermann,Braun,Hartmann,Lange,Vogel,Wolf,Jäger'),
};

export const FRENCH: NamePool = {
  script: 'latin',
  first: latin('François,Zoë,Hélène,Léa,Chloé,Mathéo,Gaël,Noël,Anaïs,Renée,Amélie,Céline,Jérôme,Étienne,Benoît,Maëlle'),
  last: latin('Lefèvre,Dubois,Rousseau,Giraud,Moreau,Fontaine,Bérard,Lemaître,Girard,Leclerc,Chevalier,Mercier'),
};

export const CYRILLIC: NamePool = {
  script: 'cyrillic',
  first: named([['Алексей', 'aleksei'], ['Ольга', 'olga'], ['Дмитрий', 'dmitry'], ['Наталья', 'natalia'], ['Сергей', 'sergei'], ['Анна', 'anna'], ['Иван', 'ivan'], ['Мария', 'maria'], ['Екатерина', 'ekaterina'], ['Юрий', 'yuri']]),
  last: named([['Смирнов', 'smirnov'], ['Иванова', 'ivanova'], ['Петров', 'petrov'], ['Соколова', 'sokolova'], ['Кузнецов', 'kuznetsov'], ['Попова', 'popova'], ['Волков', 'volkov'], ['Лебедева', 'lebedeva']]),
};

export const CJK: NamePool = {
  script: 'cjk',
  first: named([['伟', 'wei'], ['娜', 'na'], ['秀英', 'xiuying'], ['健', 'ken'], ['花子', 'hanako'], ['翔太', 'shota'], ['민준', 'minjun'], ['서연', 'seoyeon'], ['静', 'jing'], ['美咲', 'misaki']]),
  last: named([['王', 'wang'], ['李', 'li'], ['张', 'zhang'], ['佐藤', 'sato'], ['鈴木', 'suzuki'], ['高橋', 'takahashi'], ['김', 'kim'], ['이', 'lee'], ['陈', 'chen'], ['박', 'park']]),
};

export const ARABIC: NamePool = {
  script: 'arabic',
  first: named([['محمد', 'mohammed'], ['فاطمة', 'fatima'], ['أحمد', 'ahmed'], ['ليلى', 'layla'], ['يوسف', 'youssef'], ['مريم', 'mariam'], ['عمر', 'omar'], ['نور', 'nour']]),
  last: named([['الأحمد', 'alahmad'], ['حداد', 'haddad'], ['خليل', 'khalil'], ['منصور', 'mansour'], ['سعيد', 'saeed'], ['النجار', 'alnajjar']]),
};

/** People put emoji in their own name fields; the slug is the plain part. */
export const EMOJI: NamePool = {
  script: 'emoji',
  first: named([['Sunny ☀️', 'sunny'], ['Maya 🌸', 'maya'], ['Leo 🦁', 'leo'], ['Kai 🌊', 'kai'], ['Jess ✨', 'jess'], ['Ava 💜', 'ava'], ['Max 🚀', 'max']]),
  last: ENGLISH.last,
};

/** First names whose UTF-8 bytes, read as Windows-1252, give the classic "Ã©" garbling. */
export const MOJIBAKE_READY: readonly Name[] = latin('José,María,Sofía,Andrés,Lucía,Ramón,Inés,Zoë,François,Hélène,Chloé,Amélie,Céline,Jérôme,Anaïs,Jürgen,Björn,Jörg,Mónica,Raúl');

export const MIDDLE_NAMES: readonly string[] = ['Lee', 'Marie', 'Ann', 'James', 'Lynn', 'Ray', 'Rose', 'Jean', 'Alexander', 'Grace'];
