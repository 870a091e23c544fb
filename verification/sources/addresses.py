"""Which IP addresses the desk never contacts: internal ranges, and cloud metadata always.

The address guard's rules, apart from the fetcher that applies them to every resolved address
(see fetching.py): source fetches and webhook deliveries both answer to them.
"""

import ipaddress

# Addresses that hand out cloud credentials. They are refused even when private addresses are
# allowed: no test or local demo needs them, and a demo running on a cloud VM must not leak keys.
METADATA_ADDRESSES = frozenset(
    ipaddress.ip_address(a)
    for a in (
        "169.254.169.254",  # AWS, GCP, Azure, OpenStack, DigitalOcean, Oracle
        "169.254.170.2",  # AWS ECS task credentials
        "169.254.169.123",  # AWS time sync
        "169.254.169.253",  # AWS VPC DNS
        "100.100.100.200",  # Alibaba Cloud
        "168.63.129.16",  # Azure WireServer: a public-looking address that is internal on Azure
        "192.0.0.192",  # Oracle Cloud (classic)
        "fd00:ec2::254",  # AWS IMDS over IPv6
        "fd00:ec2::23",  # AWS time sync over IPv6
    )
)

# Python's is_global misses these: they are reserved or only meaningful inside a network.
_EXTRA_INTERNAL_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "64:ff9b:1::/48",  # local-use NAT64 (RFC 8215)
        "fec0::/10",  # deprecated site-local
    )
)
_NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")
_IPV4_TRANSLATED = ipaddress.ip_network("::ffff:0:0:0/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")

def address_refusal(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, *, allow_private: bool = False
) -> str | None:
    """Return why ``address`` must not be contacted, or None if it may be."""
    embedded = _embedded_ipv4(address)
    for candidate in (address, *embedded):
        if candidate in METADATA_ADDRESSES:
            return f"refused: address {address} is a cloud metadata address"
    if allow_private:
        return None
    for candidate in (address, *embedded):
        if _is_internal(candidate):
            return f"refused: address {address} is internal"
    return None


def _is_internal(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    # is_global alone lets through global multicast (224.0.1.0/24, ff0e::/16) and some reserved
    # ranges, so each property is checked on its own.
    return (
        not address.is_global
        or address.is_multicast
        or address.is_reserved
        or address.is_loopback
        or address.is_link_local
        or address.is_unspecified
        or address.is_private
        or any(address in network for network in _EXTRA_INTERNAL_NETWORKS)
    )


def _embedded_ipv4(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> list:
    """Return IPv4 addresses an IPv6 address carries, which a router may end up contacting."""
    if address.version == 4:
        return []
    found = []
    if address.ipv4_mapped is not None:
        found.append(address.ipv4_mapped)
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)
    for network in (_NAT64_WELL_KNOWN, _IPV4_TRANSLATED, _IPV4_COMPATIBLE):
        if address in network:
            found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found
