import { type LookupAddress, lookup } from 'node:dns';
import { BlockList, isIP } from 'node:net';

/** Address ranges a webhook may not reach unless the workspace allows private targets. */
const privateRanges = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const)
  privateRanges.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  privateRanges.addSubnet(net, prefix, 'ipv6');

/**
 * Whether an IP address is loopback, private, link-local, shared, multicast or unspecified.
 * IPv4 addresses written as IPv6 (`::ffff:127.0.0.1`) are judged as the IPv4 address they are.
 * @example isPrivateAddress('10.1.2.3') // true
 */
export function isPrivateAddress(address: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return isPrivateAddress(mapped[1] as string);
  const family = isIP(address);
  if (family === 4) return privateRanges.check(address, 'ipv4');
  if (family === 6) return privateRanges.check(address, 'ipv6');
  return true;
}

/** Thrown when a target resolves to an address the workspace does not allow. */
export class PrivateTargetError extends Error {
  constructor(
    readonly host: string,
    readonly address: string,
  ) {
    super(
      `Refused to deliver to ${host} (${address}): a private or loopback address. ` +
        'An admin can allow private targets in the webhook settings.',
    );
    this.name = 'PrivateTargetError';
  }
}

/** The host of a URL as DNS and IP checks want it (IPv6 without brackets). */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}

/** The private address `host` is or resolves to, if any (a name that does not resolve has none). */
export async function privateAddressOf(host: string): Promise<string | null> {
  if (isIP(host)) return isPrivateAddress(host) ? host : null;
  const addresses = await new Promise<LookupAddress[]>((resolve) => lookup(host, { all: true }, (err, found) => resolve(err ? [] : found)));
  return addresses.find((a) => isPrivateAddress(a.address))?.address ?? null;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for node:http that refuses private addresses at connect time, so a name that
 * resolved to a public address when checked cannot be re-pointed at an internal one before the
 * request goes out (DNS rebinding).
 */
export function guardedLookup(allowPrivate: boolean) {
  return (hostname: string, options: { all?: boolean; family?: number }, callback: LookupCallback) => {
    lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, []);
      const refused = addresses.find((a) => isPrivateAddress(a.address));
      if (refused && !allowPrivate) return callback(new PrivateTargetError(hostname, refused.address), []);
      if (options.all) return callback(null, addresses);
      const first = addresses[0] as LookupAddress;
      callback(null, first.address, first.family);
    });
  };
}
