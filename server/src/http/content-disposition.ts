/**
 * The Content-Disposition of a download: an ASCII fallback for old clients and the exact name in
 * UTF-8 (RFC 6266, RFC 8187), so a file named after a contact or workspace keeps its accents.
 * @example attachment('Zoë.vcf') // attachment; filename="Zo_.vcf"; filename*=UTF-8''Zo%C3%AB.vcf
 */
export function attachment(fileName: string): string {
  const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}
