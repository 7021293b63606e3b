/**
 * Curated header synonyms for the mapping proposer: English spellings of other CRMs' exports (HubSpot, Mailchimp,
 * ActiveCampaign, Salesforce), and French, German and Spanish headers. Keys are compared after `normalizeHeader`
 * (case, snake/camel/space, punctuation, accents folded), so "E-Mail-Adresse" is written `e_mail_adresse`.
 */
import type { Expected, TwentyObject } from './corpus.js';
import { normalizeHeader } from '../kartra/columns.js';

export type SynonymEntry = { destination: Expected; headers: readonly string[]; weak?: boolean };

const f = (object: TwentyObject, field: string, subfield?: string): Expected =>
  subfield === undefined ? { kind: 'field', object, field } : { kind: 'field', object, field, subfield };

const ADDRESS_CUSTOM: Expected = { kind: 'custom', type: 'ADDRESS', name: 'address' };

const STREET = ['address', 'street', 'street_address', 'address_1', 'address1', 'address_line_1', 'strasse', 'adresse', 'direccion', 'calle', 'rue'];
const CITY = ['city', 'town', 'stadt', 'ort', 'ville', 'ciudad', 'localidad'];
const STATE = ['state', 'state_region', 'province', 'state_province', 'bundesland', 'region_province', 'provincia', 'estado', 'departement'];
const POSTCODE = ['zip', 'zip_code', 'zipcode', 'postal_code', 'postcode', 'post_code', 'plz', 'postleitzahl', 'code_postal', 'codigo_postal', 'cp'];
const COUNTRY = ['country', 'country_region', 'land', 'pays', 'pais', 'nation'];
const CREATED = [
  'created', 'created_at', 'create_date', 'date_created', 'creation_date', 'created_date', 'created_on', 'date_added',
  'signup_date', 'sign_up_date', 'subscribed', 'subscription_date', 'date_joined', 'joined', 'confirm_time',
  'anmeldedatum', 'erstellt_am', 'erstellungsdatum', 'registrierungsdatum', 'fecha_de_registro', 'fecha_de_alta',
  'fecha_de_creacion', 'date_d_inscription', 'date_de_creation', 'date_inscription',
];

const PERSON: SynonymEntry[] = [
  { destination: f('person', 'name', 'firstName'), headers: ['first_name', 'first', 'firstname', 'given_name', 'forename', 'prenom', 'vorname', 'nombre', 'nombre_de_pila'] },
  { destination: f('person', 'name', 'firstName'), headers: ['name', 'full_name', 'contact_name'], weak: true },
  { destination: f('person', 'name', 'lastName'), headers: ['last_name', 'last', 'lastname', 'surname', 'family_name', 'nom', 'nom_de_famille', 'nachname', 'familienname', 'apellido', 'apellidos'] },
  { destination: f('person', 'emails', 'primaryEmail'), headers: ['email', 'e_mail', 'email_address', 'e_mail_address', 'mail', 'primary_email', 'adresse_e_mail', 'adresse_email', 'courriel', 'e_mail_adresse', 'email_adresse', 'correo_electronico', 'correo'] },
  { destination: f('person', 'emails', 'additionalEmails'), headers: ['secondary_email', 'other_email', 'additional_email', 'additional_emails', 'email_2', 'alternate_email'] },
  { destination: f('person', 'phones', 'primaryPhoneNumber'), headers: ['phone', 'phone_number', 'telephone', 'tel', 'mobile', 'mobile_phone', 'mobile_number', 'cell', 'cell_phone', 'telephone_number', 'telefon', 'telefonnummer', 'handy', 'handynummer', 'mobilnummer', 'telefono', 'movil', 'celular', 'numero_de_telefono', 'portable', 'numero_de_telephone'] },
  { destination: f('person', 'phones', 'primaryPhoneCallingCode'), headers: ['phone_country_code', 'country_code', 'calling_code', 'dial_code', 'dialing_code', 'phone_code', 'country_calling_code', 'indicatif', 'indicatif_telephonique', 'indicatif_pays', 'landervorwahl', 'vorwahl', 'codigo_de_pais', 'prefijo', 'prefijo_telefonico'] },
  { destination: f('person', 'jobTitle'), headers: ['job_title', 'title', 'position', 'role', 'job', 'job_position', 'occupation', 'poste', 'fonction', 'intitule_de_poste', 'berufsbezeichnung', 'position_titel', 'beruf', 'cargo', 'puesto', 'titulo'] },
  { destination: f('person', 'company'), headers: ['company', 'company_name', 'organization', 'organisation', 'organization_name', 'employer', 'societe', 'entreprise', 'firma', 'unternehmen', 'empresa', 'compania'] },
  { destination: f('person', 'linkedinLink', 'primaryLinkUrl'), headers: ['linkedin', 'linkedin_url', 'linkedin_profile', 'linkedin_profile_url', 'linked_in'] },
  { destination: f('person', 'createdAt'), headers: CREATED },
  { destination: ADDRESS_CUSTOM, headers: [...STREET, ...CITY, ...STATE, ...POSTCODE, ...COUNTRY] },
];

const COMPANY: SynonymEntry[] = [
  { destination: f('company', 'name'), headers: ['company_name', 'company', 'name', 'organization', 'organisation', 'account_name', 'nom_de_l_entreprise', 'firmenname', 'nombre_de_la_empresa'] },
  { destination: f('company', 'domainName', 'primaryLinkUrl'), headers: ['domain', 'domain_name', 'company_domain_name', 'website', 'website_url', 'url', 'site_web', 'webseite', 'sitio_web'] },
  { destination: f('company', 'address', 'addressStreet1'), headers: STREET },
  { destination: f('company', 'address', 'addressStreet2'), headers: ['address_2', 'address2', 'street_address_2', 'address_line_2'] },
  { destination: f('company', 'address', 'addressCity'), headers: CITY },
  { destination: f('company', 'address', 'addressState'), headers: STATE },
  { destination: f('company', 'address', 'addressPostcode'), headers: POSTCODE },
  { destination: f('company', 'address', 'addressCountry'), headers: COUNTRY },
  { destination: f('company', 'linkedinLink', 'primaryLinkUrl'), headers: ['linkedin', 'linkedin_company_page', 'linkedin_url', 'linkedin_page'] },
  { destination: f('company', 'annualRevenue', 'amountMicros'), headers: ['annual_revenue', 'revenue', 'chiffre_d_affaires', 'jahresumsatz', 'umsatz', 'ingresos_anuales'] },
  { destination: f('company', 'createdAt'), headers: CREATED },
];

const OPPORTUNITY: SynonymEntry[] = [
  { destination: f('opportunity', 'name'), headers: ['deal_name', 'opportunity_name', 'name', 'deal', 'opportunity', 'product'] },
  { destination: f('opportunity', 'amount', 'amountMicros'), headers: ['amount', 'deal_amount', 'value', 'deal_value', 'montant', 'betrag', 'importe'] },
  { destination: f('opportunity', 'amount', 'currencyCode'), headers: ['currency', 'currency_code', 'deal_currency', 'devise', 'wahrung', 'moneda'] },
  { destination: f('opportunity', 'closeDate'), headers: ['close_date', 'expected_close_date', 'closed_date', 'date_de_cloture', 'abschlussdatum', 'fecha_de_cierre'] },
  { destination: f('opportunity', 'stage'), headers: ['stage', 'deal_stage', 'opportunity_stage', 'etape', 'phase', 'etapa'] },
  { destination: f('opportunity', 'pointOfContact'), headers: ['associated_contact', 'contact', 'point_of_contact', 'contact_email', 'primary_contact'] },
  { destination: f('opportunity', 'company'), headers: ['associated_company', 'company', 'account', 'company_name', 'account_name'] },
  { destination: f('opportunity', 'createdAt'), headers: CREATED },
];

/** Custom fields every object may get, recognised by header. */
const CUSTOM: SynonymEntry[] = [
  { destination: { kind: 'custom', type: 'MULTI_SELECT', name: 'kartraTags' }, headers: ['tags', 'tag', 'labels', 'etiquettes', 'etiquetas', 'schlagworter', 'schlagwoerter', 'stichworter'] },
  { destination: { kind: 'custom', type: 'DATE' }, headers: ['birthday', 'birth_date', 'date_of_birth', 'dob', 'geburtstag', 'geburtsdatum', 'anniversaire', 'date_de_naissance', 'cumpleanos', 'fecha_de_nacimiento'] },
];

/**
 * Columns other CRMs write that Twenty has no place for and that carry nothing worth a custom field: record owners
 * (workspace members, not importable), computed activity dates, Mailchimp's geolocation and opt-in bookkeeping.
 */
export const SKIP_HEADERS: ReadonlyMap<string, string> = new Map([
  ...['owner', 'contact_owner', 'company_owner', 'deal_owner', 'record_owner', 'account_owner', 'hubspot_owner'].map(
    (h) => [h, 'the record owner is a workspace member, not importable data'] as const,
  ),
  ...['last_activity_date', 'last_contacted', 'last_modified_date', 'last_changed', 'last_engagement_date'].map(
    (h) => [h, 'a date the source CRM computes; Twenty keeps its own'] as const,
  ),
  ...['optin_time', 'optin_ip', 'confirm_ip', 'latitude', 'longitude', 'gmtoff', 'dstoff', 'cc', 'region', 'euid'].map(
    (h) => [h, 'Mailchimp bookkeeping (opt-in, geolocation or internal id)'] as const,
  ),
]);

export type SynonymHit = { destination: Expected; weak: boolean; synonym: string };

const BY_OBJECT: Record<TwentyObject, SynonymEntry[]> = { person: PERSON, company: COMPANY, opportunity: OPPORTUNITY };

export function synonymEntries(object: TwentyObject): SynonymEntry[] {
  return [...BY_OBJECT[object], ...CUSTOM];
}

/** Every synonym whose normalised spelling equals the header's. */
export function synonymHits(object: TwentyObject, header: string): SynonymHit[] {
  const key = norm(header);
  const hits: SynonymHit[] = [];
  for (const e of synonymEntries(object)) {
    for (const h of e.headers) if (norm(h) === key) hits.push({ destination: e.destination, weak: e.weak === true, synonym: h });
  }
  return hits;
}

/**
 * Synonyms the header ends with, as whole words ("mailing_city" ends with "city"), when the header has more words
 * than the synonym. Weak synonyms ("name") are left out: too many headers end with them.
 */
export function synonymSuffixHits(object: TwentyObject, header: string): SynonymHit[] {
  const key = norm(header);
  const hits: SynonymHit[] = [];
  for (const e of synonymEntries(object)) {
    if (e.weak) continue;
    const synonym = e.headers.map(norm).filter((h) => key.endsWith(`_${h}`)).sort((a, b) => b.length - a.length)[0];
    if (synonym !== undefined) hits.push({ destination: e.destination, weak: false, synonym });
  }
  return hits;
}

/** normalizeHeader, with ß folded to ss and a trailing currency suffix such as "(USD)" dropped. */
export function norm(header: string): string {
  return normalizeHeader(header.replace(/ß/g, 'ss').replace(/\(\s*[A-Z]{3}\s*\)\s*$/i, ''));
}
