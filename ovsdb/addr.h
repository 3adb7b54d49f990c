/*
 * ovsdb/addr: IP addresses (and the transport protocols of published
 * ports) as text, parsed and formatted.
 *
 * Pure: no system state is read, nothing is allocated except the strings
 * that are returned.  Shared by the desired state (ovsdb/), the Docker
 * calls that check what they are given (plugin/) and the kernel side
 * (netns/), so that none of them has to include another's headers for it.
 */
#ifndef OVSDB_ADDR_H
#define OVSDB_ADDR_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

/* An address with its prefix length, IPv4 or IPv6 ('family' AF_INET or
 * AF_INET6). */
struct addr {
    int family;
    union {
        struct in_addr in4;
        struct in6_addr in6;
    };
    unsigned int plen;
};

/* Parses 'cidr', an IPv4 or IPv6 address followed by "/" and a prefix
 * length (e.g. "198.51.100.1/24", "2001:db8::1/64"), into '*addr'.  Host
 * bits may be set: this is an interface's address.  Returns 0, or EINVAL
 * (leaving '*addr' zeroed) if 'cidr' is not of that form, lacks the prefix
 * length or has one out of range for its family. */
int addr_parse(const char *cidr, struct addr *);

/* Formats 'addr' into 'buf' of 'size' bytes in the form addr_parse()
 * accepts ("198.51.100.1/24", "2001:db8::1/64"); INET6_ADDRSTRLEN + 4 bytes
 * are always enough.  An address of neither family comes out as "?".  The
 * output is truncated to fit and always null-terminated if 'size' > 0. */
void addr_format(const struct addr *, char *buf, size_t size);

/* Parses 'ip', a bare IPv4 or IPv6 address (no prefix length), into
 * '*addr', with a prefix length of 32 or 128.  Returns true if it is one
 * (else '*addr' is zeroed). */
bool addr_ip_parse(const char *ip, struct addr *);

/* Returns true if 'ip' is a valid bare IPv4 or IPv6 address; stores its
 * family (AF_INET or AF_INET6) in '*family' if that is nonnull. */
bool addr_ip_valid(const char *ip, int *family);

/* Returns 'ip' (a bare IPv4 or IPv6 address) in its canonical text form
 * (inet_ntop's: "2001:db8::1" for "2001:DB8:0::1"), which the caller frees,
 * or NULL if it is not an address. */
char *addr_ip_canonical(const char *ip);

/* The length of the address of 'addr': 4 or 16 bytes. */
size_t addr_len(const struct addr *);

/* Returns true if the address of 'addr' is in 'prefix' (its first
 * 'prefix->plen' bits are the same, in the same family). */
bool addr_in_prefix(const struct addr *addr, const struct addr *prefix);

/* Returns "the network address" if the bits of 'addr' past its prefix
 * length are all 0, "the broadcast address" if they are all 1 (IPv4), or
 * NULL: the addresses of a subnet that no host may have (none in a /31 or
 * /32, or an IPv6 /127 or /128). */
const char *addr_subnet_edge(const struct addr *);

/* Returns "tcp", "udp" or "sctp" for IP protocol 'proto', or NULL. */
const char *addr_proto_name(uint8_t proto);

/* The reverse: IPPROTO_TCP, IPPROTO_UDP or IPPROTO_SCTP for "tcp", "udp" or
 * "sctp", 0 for anything else. */
uint8_t addr_proto_from_name(const char *name);

#endif /* ovsdb/addr.h */
