/*
 * ovsdb/nb-ipam: address pools and allocations of the IPAM driver (OVN
 * mode), shared by every host through OVN's Northbound database.
 *
 * A pool (a subnet, canonical) is the Address_Set "ovsnet_pool_<subnet>"
 * (e.g. ovsnet_pool_198.51.100.0_24, usable in OVN's ACLs): its
 * "addresses" are the addresses handed out; its external_ids record the
 * pool ("ovsnet-pool"), its gateway ("ovsnet-gateway"), which hosts use it
 * ("ovsnet-pool-host-SYSTEM_ID") and, for each address handed out, who holds
 * it ("ovsnet-addr-IP" = "SYSTEM_ID TOKEN").
 *
 * A request is written in the next transaction (nbipam_run()), which also
 * verifies the set's external_ids: of two hosts that take an address at
 * once, OVSDB refuses the second transaction (the set changed under it)
 * and that host picks again from the new contents.  A request is done once
 * the replica shows it done: no address is ever handed out twice.
 */
#ifndef OVSDB_NB_IPAM_H
#define OVSDB_NB_IPAM_H 1

#include <stdbool.h>
#include <stdint.h>

#include "ovsdb/nb.h"

struct ovsdb_idl;
struct ovsdb_idl_txn;
struct nbipam_req;

/* Requests.  'pool' is a canonical subnet ("198.51.100.0/24"). */
struct nbipam_req *nbipam_request_pool(const char *pool);
struct nbipam_req *nbipam_release_pool(const char *pool);
/* 'ip': the address wanted (bare), or NULL for any free one.  'gateway':
 * the pool's gateway, the same on every host (any: the pool's first
 * address). */
struct nbipam_req *nbipam_request_address(const char *pool, const char *ip,
                                          bool gateway);
struct nbipam_req *nbipam_release_address(const char *pool, const char *ip);

/* Where request 'r' stands.  NB_DONE: '*result' is the address (bare) of an
 * address request.  NB_FAILED: '*result' is why. */
enum nb_verdict nbipam_status(const struct nbipam_req *r,
                              const char **result);
/* Forgets 'r' (done, failed or given up).  An address request given up
 * before it was done lives on a while inside, to give back the address it
 * may have taken meanwhile. */
void nbipam_free(struct nbipam_req *r);

/* Moves when a request comes. */
uint64_t nbipam_seqno(void);

void nbipam_register(struct ovsdb_idl *);
void nbipam_run(struct ovsdb_idl *, struct ovsdb_idl_txn *,
                const char *system_id);
void nbipam_destroy(void);

/* The Address_Set name of 'pool' (caller frees). */
char *nbipam_set_name(const char *pool);

#endif /* ovsdb/nb-ipam.h */
