/*
 * plugin/portmap: the published ports of a ProgramExternalConnectivity
 * call, read and checked.
 *
 * Docker sends "docker run -p" and "-P" as Options["com.docker.network.
 * portmap"], an array of libnetwork's PortBinding:
 *
 *     {"Proto": 6, "IP": "", "Port": 80, "HostIP": "", "HostPort": 8080,
 *      "HostPortEnd": 8080}
 *
 * Proto is IPPROTO_TCP, IPPROTO_UDP or IPPROTO_SCTP; HostIP is "" for every
 * address of the host; HostPort 0 asks the driver to choose (-P, or -p with
 * no host port), and HostPort < HostPortEnd to choose within a range.
 */
#ifndef PLUGIN_PORTMAP_H
#define PLUGIN_PORTMAP_H 1

#include <stddef.h>
#include <stdint.h>

#include "ovsdb/state.h"

struct json;

#define PORTMAP_KEY "com.docker.network.portmap"

/* One binding as asked: 'port.host_port' is 0 if any will do. */
struct portmap_binding {
    struct state_port port;
    uint16_t host_port_end;     /* Last of the range, >= 'port.host_port'. */
};

/* Parses the bindings in 'options' (the call's Options, may be NULL) into a
 * new array '*bindings' of '*n' elements, which the caller frees.  Returns
 * NULL, or an error message (and no array) that the caller frees. */
char *portmap_parse(const struct json *options,
                    struct portmap_binding **bindings, size_t *n);

/* Chooses the host port of each of the 'n' 'bindings' for endpoint 'ep':
 * the one it asks for, the first free one of its range, or for one that
 * asks for any, the one 'ep' already has for it, else the first free one
 * from STATE_PORT_MIN to STATE_PORT_MAX.  A port is free if no other
 * endpoint and no other binding of the call publishes it.  Stores the
 * result in a new array '*ports' (freed by the caller).  Returns NULL, or an
 * error message (and no array) that the caller frees. */
char *portmap_allocate(const struct portmap_binding *bindings, size_t n,
                       const struct state_endpoint *ep,
                       struct state_port **ports);

#endif /* plugin/portmap.h */
