import dns from 'node:dns';
import net, { type LookupFunction } from 'node:net';

/**
 * IPv4 ranges that are not globally reachable (IANA special-purpose registry, RFC 6890 and later):
 * a proxied request must never reach this machine, the operator's network or the cloud metadata
 * service (169.254.169.254) unless the catalog entry is the local sandbox.
 */
const blockedV4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, cloud metadata
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // TEST-NET-1
  ['192.88.99.0', 24], // 6to4 relay anycast (deprecated)
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // TEST-NET-2
  ['203.0.113.0', 24], // TEST-NET-3
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, incl. 255.255.255.255 broadcast
];

/**
 * IPv6 ranges that are not globally reachable. The three prefixes that embed an IPv4 address
 * (::ffff:0:0/96 mapped, 64:ff9b::/96 NAT64, 2002::/16 6to4) are not here: the embedded IPv4
 * address is judged instead, since that is where the packets end up.
 */
const blockedV6: ReadonlyArray<readonly [string, number]> = [
  // Unspecified (::), loopback (::1) and the deprecated IPv4-compatible ::a.b.c.d (RFC 4291 §2.5.5.1).
  ['::', 96],
  ['64:ff9b:1::', 48], // local-use NAT64
  ['100::', 64], // discard-only
  ['2001::', 23], // IETF protocol assignments, incl. Teredo 2001::/32
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation (RFC 9637)
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

function blockListOf(ranges: ReadonlyArray<readonly [string, number]>, type: 'ipv4' | 'ipv6'): net.BlockList {
  const list = new net.BlockList();
  for (const [network, prefix] of ranges) list.addSubnet(network, prefix, type);
  return list;
}
const v4BlockList = blockListOf(blockedV4, 'ipv4');
const v6BlockList = blockListOf(blockedV6, 'ipv6');

/** The eight 16-bit groups of an address that `net.isIPv6` accepted (no zone). */
function ipv6Groups(ip: string): number[] {
  let text = ip;
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const parse = (part: string) =>
    part === '' ? [] : part.split(':').map((group) => Number.parseInt(group, 16));
  const front = parse(head);
  if (tail === undefined) return front;
  const back = parse(tail);
  return [...front, ...new Array<number>(8 - front.length - back.length).fill(0), ...back];
}

const ipv4Of = (high: number, low: number): string => `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;

/** The IPv4 address packets to this IPv6 address are delivered to, for the prefixes that embed one. */
function embeddedIpv4(groups: number[]): string | undefined {
  const [g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0] = groups;
  if (g0 === 0 && g1 === 0 && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0xffff) return ipv4Of(g6, g7);
  if (g0 === 0x64 && g1 === 0xff9b && g2 === 0 && g3 === 0 && g4 === 0 && g5 === 0) return ipv4Of(g6, g7);
  if (g0 === 0x2002) return ipv4Of(g1, g2);
  return undefined;
}

/**
 * Whether `ip` is a globally reachable unicast address the proxy may connect to. Anything that is not
 * an IP address, and any IPv6 address with a zone (`fe80::1%eth0`: only meaningful on a local link),
 * is not.
 */
export function isPublicAddress(ip: string): boolean {
  const version = net.isIP(ip);
  if (version === 4) return !v4BlockList.check(ip, 'ipv4');
  if (version !== 6 || ip.includes('%')) return false;
  const groups = ipv6Groups(ip);
  const v4 = embeddedIpv4(groups);
  if (v4 !== undefined) return isPublicAddress(v4);
  return !v6BlockList.check(groups.map((group) => group.toString(16)).join(':'), 'ipv6');
}

/**
 * A refusal to connect to a loopback, private or reserved address. Its message names the host and the
 * address only (never a URL, which could carry a query-string secret) and is meant for the caller.
 */
export class PrivateAddressError extends Error {
  readonly code = 'ESWITCHBOARD_PRIVATE_ADDRESS';
  readonly host: string;
  readonly address: string | undefined;

  constructor(host: string, address?: string) {
    super(
      address === undefined || address === host
        ? `Refused to connect to ${host}: it is a loopback, private or reserved address, which only the local sandbox integration may reach.`
        : `Refused to connect to ${host}: it resolves to ${address}, a loopback, private or reserved address, which only the local sandbox integration may reach.`,
    );
    this.name = 'PrivateAddressError';
    this.host = host;
    this.address = address;
  }
}

/** `net.connect` passes results on in the shape it asked for; a resolver may answer either shape. */
function asAddressList(
  result: string | dns.LookupAddress[],
  family: number | undefined,
): dns.LookupAddress[] {
  if (Array.isArray(result)) return result;
  return result === '' ? [] : [{ address: result, family: family ?? net.isIP(result) }];
}

/**
 * A `lookup` for `net.connect`/`tls.connect` that refuses a host when ANY of its addresses is not
 * public. Because the socket connects only to the addresses returned here, a DNS answer cannot change
 * between the check and the connection (DNS rebinding). It always resolves with `all: true` and answers
 * in the shape asked for: Node 20's net asks for `all: true` when autoSelectFamily (the default) is on,
 * and for one address otherwise. `net.connect` does not call lookup for IP literals: see assertPublicHost.
 */
export function createGuardedLookup(resolve: LookupFunction = dns.lookup): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (error, result, family) => {
      if (error) return callback(error, '');
      const addresses = asAddressList(result, family);
      const first = addresses[0];
      if (first === undefined) {
        const notFound: NodeJS.ErrnoException = new Error(`getaddrinfo ENOTFOUND ${hostname}`);
        notFound.code = 'ENOTFOUND';
        return callback(notFound, '');
      }
      const refused = addresses.find(({ address }) => !isPublicAddress(address));
      if (refused) return callback(new PrivateAddressError(hostname, refused.address), '');
      if (options.all) return callback(null, addresses);
      callback(null, first.address, first.family);
    });
  };
}

/**
 * Refuses, before any connection, a URL whose host is an IP literal that is not public (the WHATWG URL
 * parser has already turned `2130706433` and `0x7f.1` into `127.0.0.1`) or a `localhost` name
 * (RFC 6761 §6.3: always loopback, whatever DNS says).
 */
export function assertPublicHost(url: URL): void {
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) throw new PrivateAddressError(url.hostname);
  if (net.isIP(host) !== 0 && !isPublicAddress(host)) throw new PrivateAddressError(url.hostname);
}
