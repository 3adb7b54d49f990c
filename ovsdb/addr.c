/* ovsdb/addr: IP addresses as text. */

#include <config.h>

#include "ovsdb/addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "util.h"

int
addr_parse(const char *cidr, struct addr *addr)
{
    char host[INET6_ADDRSTRLEN];
    const char *slash, *p;
    unsigned int plen, max_plen;

    memset(addr, 0, sizeof *addr);
    if (!cidr) {
        return EINVAL;
    }

    slash = strchr(cidr, '/');
    if (!slash || slash == cidr || slash - cidr >= sizeof host) {
        return EINVAL;
    }
    memcpy(host, cidr, slash - cidr);
    host[slash - cidr] = '\0';

    /* The prefix length: 1 to 3 decimal digits, nothing else. */
    plen = 0;
    for (p = slash + 1; *p; p++) {
        if (*p < '0' || *p > '9' || p - slash > 3) {
            return EINVAL;
        }
        plen = plen * 10 + (*p - '0');
    }
    if (p == slash + 1) {
        return EINVAL;
    }

    if (inet_pton(AF_INET, host, &addr->in4) == 1) {
        addr->family = AF_INET;
        max_plen = 32;
    } else if (inet_pton(AF_INET6, host, &addr->in6) == 1) {
        addr->family = AF_INET6;
        max_plen = 128;
    } else {
        goto error;
    }
    if (plen > max_plen) {
        goto error;
    }
    addr->plen = plen;
    return 0;

error:
    memset(addr, 0, sizeof *addr);
    return EINVAL;
}

bool
addr_ip_parse(const char *ip, struct addr *addr)
{
    memset(addr, 0, sizeof *addr);
    if (ip && inet_pton(AF_INET, ip, &addr->in4) == 1) {
        addr->family = AF_INET;
        addr->plen = 32;
    } else if (ip && inet_pton(AF_INET6, ip, &addr->in6) == 1) {
        addr->family = AF_INET6;
        addr->plen = 128;
    }
    return addr->family != 0;
}

size_t
addr_len(const struct addr *addr)
{
    return addr->family == AF_INET ? sizeof addr->in4 : sizeof addr->in6;
}

void
addr_format(const struct addr *addr, char *buf, size_t size)
{
    char host[INET6_ADDRSTRLEN];

    if (!size) {
        return;
    }
    /* The members of the union start at the same address. */
    if ((addr->family == AF_INET || addr->family == AF_INET6)
        && inet_ntop(addr->family, &addr->in6, host, sizeof host)) {
        snprintf(buf, size, "%s/%u", host, addr->plen);
    } else {
        snprintf(buf, size, "?");
    }
}

bool
addr_ip_valid(const char *ip, int *family)
{
    struct addr a;

    if (!addr_ip_parse(ip, &a)) {
        return false;
    }
    if (family) {
        *family = a.family;
    }
    return true;
}

char *
addr_ip_canonical(const char *ip)
{
    char buf[INET6_ADDRSTRLEN];
    struct addr a;

    if (!addr_ip_parse(ip, &a)
        || !inet_ntop(a.family, a.family == AF_INET ? (void *) &a.in4
                      : (void *) &a.in6, buf, sizeof buf)) {
        return NULL;
    }
    return xstrdup(buf);
}

bool
addr_in_prefix(const struct addr *addr, const struct addr *prefix)
{
    const uint8_t *x = (const uint8_t *) &addr->in6;
    const uint8_t *y = (const uint8_t *) &prefix->in6;
    unsigned int bits = MIN(prefix->plen, 8 * addr_len(prefix));

    if (addr->family != prefix->family) {
        return false;
    }
    for (size_t i = 0; bits; i++, bits -= MIN(bits, 8)) {
        uint8_t mask = bits >= 8 ? 0xff : 0xff << (8 - bits);
        if ((x[i] ^ y[i]) & mask) {
            return false;
        }
    }
    return true;
}

const char *
addr_subnet_edge(const struct addr *a)
{
    unsigned int n_bits = 8 * addr_len(a);
    const uint8_t *bytes = (const uint8_t *) &a->in6;
    bool zeros = true, ones = true;

    if (a->plen + 1 >= n_bits) {
        return NULL;
    }
    for (unsigned int bit = a->plen; bit < n_bits; bit++) {
        bool set = (bytes[bit / 8] >> (7 - bit % 8)) & 1;
        zeros &= !set;
        ones &= set;
    }
    return (zeros ? "the network address"
            : ones && a->family == AF_INET ? "the broadcast address"
            : NULL);
}

const char *
addr_proto_name(uint8_t proto)
{
    return (proto == IPPROTO_TCP ? "tcp"
            : proto == IPPROTO_UDP ? "udp"
            : proto == IPPROTO_SCTP ? "sctp"
            : NULL);
}

uint8_t
addr_proto_from_name(const char *name)
{
    return (!strcmp(name, "tcp") ? IPPROTO_TCP
            : !strcmp(name, "udp") ? IPPROTO_UDP
            : !strcmp(name, "sctp") ? IPPROTO_SCTP
            : 0);
}
