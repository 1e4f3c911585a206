import ipaddr from 'ipaddr.js';
import { isIP } from 'node:net';

/**
 * Which addresses a webhook may reach (SSRF). Deny by default: only globally routable unicast
 * addresses pass; loopback, private (10/8, 172.16/12, 192.168/16, fc00::/7), link-local
 * (169.254/16 with the cloud metadata service, fe80::/10), CGNAT (100.64/10), unspecified
 * (0.0.0.0, ::), multicast, broadcast, reserved and the IPv6 forms that embed an IPv4 address
 * (::ffff:127.0.0.1, NAT64, 6to4, Teredo) are refused. Range names are ipaddr.js's, a
 * well-kept library (it also backs Express's proxy-addr), so the tables are not ours to keep.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  }
  return parsed.range() === 'unicast';
}

/** The URL's host as an IP address when it is a literal ("[::1]" -> "::1"), else undefined. */
export function literalAddress(hostname: string): string | undefined {
  const bare =
    hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) ? bare : undefined;
}

/** Names that mean this machine whatever DNS says (RFC 6761). */
export function isLocalName(hostname: string): boolean {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return name === 'localhost' || name.endsWith('.localhost');
}
