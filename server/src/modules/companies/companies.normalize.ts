const scheme = /^[a-z][a-z0-9+.-]*:\/\//i;
const label = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * Reduces what people paste as a company's website to its bare host: lower-case, no scheme,
 * path, query, port, leading `www.` or trailing dot; international names become punycode (the
 * WHATWG URL parser does that). Undefined when the value is not a public-looking hostname with
 * a dot (IP addresses, single labels, credentials and malformed labels are refused).
 * @example normaliseDomain('https://www.Acme.com/path?x') // 'acme.com'
 */
export function normaliseDomain(raw: string): string | undefined {
  const text = raw.trim();
  if (text === '' || text.length > 2000) return undefined;
  let url: URL;
  try {
    url = new URL(`http://${text.replace(scheme, '').replace(/^\/\//, '')}`);
  } catch {
    return undefined;
  }
  // "someone@acme.com" is an email address, not a website; guessing would attach the wrong company.
  if (url.username || url.password) return undefined;
  let host = url.hostname.replace(/\.$/, '');
  if (host.startsWith('www.') && host.indexOf('.', 4) !== -1) host = host.slice(4);
  const labels = host.split('.');
  if (host.length > 253 || labels.length < 2 || !labels.every((l) => label.test(l))) return undefined;
  // A numeric last label means an IP address, which names a machine rather than a company.
  if (!/[a-z]/.test(labels.at(-1) ?? '')) return undefined;
  return host;
}

const currencies = new Set(Intl.supportedValuesOf('currency'));

/** Upper-cases an ISO 4217 currency code; undefined when it is not one. */
export function normaliseCurrency(raw: string): string | undefined {
  const code = raw.trim().toUpperCase();
  return currencies.has(code) ? code : undefined;
}
