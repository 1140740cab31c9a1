//! Client address ranges (`192.0.2.0/24`, `2001:db8::/32`, or one address) for API keys that may be
//! used from listed places only.

use std::net::IpAddr;

use super::InvalidValue;

/// A network: an address with the number of leading bits that must match.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddressRange {
    network: IpAddr,
    prefix: u8,
}

impl AddressRange {
    /// Parses `address` or `address/prefix`; host bits beyond the prefix must be zero, so that a
    /// typo such as `192.0.2.7/24` is caught rather than widened silently.
    pub fn parse(text: &str) -> Result<AddressRange, InvalidValue> {
        let invalid = || InvalidValue::new("allowed_addresses", format!("{text:?} is not an address or network"));
        let (address, prefix) = match text.trim().split_once('/') {
            Some((address, prefix)) => (address, Some(prefix.parse::<u8>().map_err(|_| invalid())?)),
            None => (text.trim(), None),
        };
        let network = address.parse::<IpAddr>().map_err(|_| invalid())?.to_canonical();
        let bits = if network.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(bits);
        if prefix > bits {
            return Err(invalid());
        }
        let range = AddressRange { network, prefix };
        if range.masked(network) != bits_of(network) {
            return Err(InvalidValue::new("allowed_addresses", format!("{text:?} has host bits set")));
        }
        Ok(range)
    }

    /// Whether `address` lies in the range (IPv4-mapped IPv6 addresses count as IPv4).
    pub fn contains(&self, address: IpAddr) -> bool {
        let address = address.to_canonical();
        address.is_ipv4() == self.network.is_ipv4() && self.masked(address) == bits_of(self.network)
    }

    fn masked(&self, address: IpAddr) -> u128 {
        let bits: u32 = if address.is_ipv4() { 32 } else { 128 };
        let host_bits = bits - u32::from(self.prefix);
        let mask = if host_bits >= 128 { 0 } else { u128::MAX << host_bits };
        bits_of(address) & mask
    }
}

fn bits_of(address: IpAddr) -> u128 {
    match address {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

/// `network/prefix`, as stored and shown.
impl std::fmt::Display for AddressRange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.network, self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("valid")
    }

    #[test]
    fn ranges_contain_their_addresses_only() {
        let net = AddressRange::parse("192.0.2.0/24").expect("valid");
        assert!(net.contains(ip("192.0.2.200")) && !net.contains(ip("192.0.3.1")));
        assert!(net.contains(ip("::ffff:192.0.2.9")), "IPv4-mapped");
        assert!(!net.contains(ip("2001:db8::1")));
        let one = AddressRange::parse("198.51.100.7").expect("valid");
        assert_eq!(one.to_string(), "198.51.100.7/32");
        assert!(one.contains(ip("198.51.100.7")) && !one.contains(ip("198.51.100.8")));
        let v6 = AddressRange::parse("2001:db8::/32").expect("valid");
        assert!(v6.contains(ip("2001:db8:1::5")) && !v6.contains(ip("2001:db9::1")));
        assert!(AddressRange::parse("0.0.0.0/0").expect("valid").contains(ip("203.0.113.1")));
    }

    #[test]
    fn bad_ranges_are_refused() {
        for bad in ["192.0.2.7/24", "192.0.2.0/33", "example.org", "10.0.0.0/x", "", "2001:db8::1/200"] {
            assert!(AddressRange::parse(bad).is_err(), "{bad}");
        }
    }
}
