import ipaddr from 'ipaddr.js';

/**
 * Why an address may not be a webhook target, or undefined when it is an ordinary public unicast
 * address. Everything ipaddr.js does not class as `unicast` is refused: loopback, private,
 * link-local (169.254.169.254, the cloud metadata address), carrier-grade NAT (100.100.100.200),
 * unique-local (fd00:ec2::254), multicast, reserved, and IPv6 forms that embed an IPv4 address.
 */
export function refusedAddressReason(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  // process() unwraps ::ffff:10.0.0.1 to 10.0.0.1, so a mapped address is judged as IPv4.
  const ip = ipaddr.process(address);
  const range = ip.range();
  return range === 'unicast' ? undefined : `${ip.toString()} is a ${range} address`;
}
