/**
 * Keeps the API key out of every string this client produces. Servers and proxies sometimes echo request headers
 * into error bodies; everything read from a response passes through a redactor before it reaches an error, an
 * event or a result.
 */

export const REDACTED = '[redacted]';

/** Replaces the secret, and the forms it takes once URL- or JSON-encoded, with "[redacted]". */
export type Redactor = (text: string) => string;

export function createRedactor(secret: string): Redactor {
  if (secret.length === 0) return (text) => text;
  const forms = [...new Set([secret, encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])]
    // longest first, so a form that contains another is replaced whole
    .sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    for (const form of forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
    return out;
  };
}
