"""The client's address: one rule for everything that counts per client (the public pages' rate
limits, the login lockout through django-axes' AXES_CLIENT_IP_CALLABLE, the personal-data access
log).

The peer (REMOTE_ADDR) is the client, unless settings.TRUSTED_PROXIES names it: only then is
X-Forwarded-For believed, and only the part our own proxies wrote. Each proxy appends the address
it received the request from, so reading the header from the right and stepping over the trusted
proxies gives the first address no proxy of ours vouches for: the client. Whatever the client put
into the header itself lies further left and is never reached, so it cannot pick a fresh address
for every request. TRUSTED_PROXIES is empty by default: an application reached directly must not
believe a header anyone can write.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

UNKNOWN = "0.0.0.0"  # no usable REMOTE_ADDR (never trusted, so never followed)


def _address(text):
    """The address written in `text`, or None; IPv4-mapped IPv6 (::ffff:a.b.c.d) as IPv4."""
    try:
        address = ipaddress.ip_address(str(text).strip())
    except ValueError:
        return None
    if address.version == 6 and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


@lru_cache(maxsize=16)
def _networks(entries):
    networks = []
    for entry in entries:
        if not str(entry).strip():
            continue
        try:
            networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError as error:
            raise ImproperlyConfigured(
                f"TRUSTED_PROXIES: {entry!r} is neither an address nor a network (write 127.0.0.1 or 10.0.0.0/8)"
            ) from error
    return tuple(networks)


def trusted_proxies():
    """settings.TRUSTED_PROXIES as networks (an address is a /32 or /128)."""
    return _networks(tuple(settings.TRUSTED_PROXIES or ()))


def is_trusted_proxy(address, networks=None):
    networks = trusted_proxies() if networks is None else networks
    return any(address.version == network.version and address in network for network in networks)


def client_ip(request):
    """The client's address as text, e.g. "198.51.100.7"."""
    remote = _address(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return UNKNOWN
    networks = trusted_proxies()
    if not is_trusted_proxy(remote, networks):
        return str(remote)
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        address = _address(entry)
        if address is None:  # garbage, a port, an obfuscated name: skipped
            continue
        if not is_trusted_proxy(address, networks):
            return str(address)
    # every hop is one of our proxies: the request comes from the proxy itself
    return str(remote)
