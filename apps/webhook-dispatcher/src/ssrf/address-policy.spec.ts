import { refusedAddressReason } from './address-policy.js';

describe('refusedAddressReason', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.16.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'linkLocal'],
    ['100.100.100.200', 'carrierGradeNat'],
    ['fd00:ec2::254', 'uniqueLocal'],
    ['fe80::1', 'linkLocal'],
    ['::ffff:10.0.0.1', 'private'],
    ['0.0.0.0', 'unspecified'],
  ])('refuses %s (%s)', (address, range) => {
    expect(refusedAddressReason(address)).toBe(`${address.replace('::ffff:', '')} is a ${range} address`);
  });

  it('accepts public addresses', () => {
    expect(refusedAddressReason('93.184.216.34')).toBeUndefined();
    expect(refusedAddressReason('2606:2800:220:1:248:1893:25c8:1946')).toBeUndefined();
  });
});
