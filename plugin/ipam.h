/*
 * plugin/ipam: Docker's IpamDriver calls (docker network create
 * --ipam-driver ovs), in OVN mode.
 *
 * Pools and addresses live in OVN's Northbound database (ovsdb/nb-ipam),
 * shared by every host: no two hosts ever hand out one address, and no
 * --ip-range per host is needed.  A pool needs --subnet.  Each call is
 * answered once the database shows its change (plugin/pending).  Without
 * OVN mode (ovsnetd --ovn-nb) every call is refused, saying so.
 */
#ifndef PLUGIN_IPAM_H
#define PLUGIN_IPAM_H 1

struct http_request;
struct json;

void ipam_handle_capabilities(struct http_request *, const struct json *);
void ipam_handle_address_spaces(struct http_request *, const struct json *);
void ipam_handle_request_pool(struct http_request *, const struct json *);
void ipam_handle_release_pool(struct http_request *, const struct json *);
void ipam_handle_request_address(struct http_request *, const struct json *);
void ipam_handle_release_address(struct http_request *, const struct json *);

#endif /* plugin/ipam.h */
