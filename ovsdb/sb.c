/* ovsdb/sb: OVN's chassis, from the Southbound database. */

#include <config.h>

#include "ovsdb/sb.h"

#include <string.h>

#include "openvswitch/poll-loop.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovsdb-idl.h"
#include "ovsdb/ovn-sb-idl.h"
#include "timeval.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(sb);

static struct ovsdb_idl *idl;
static char *remotes;

/* Chassis name -> when it was first seen missing (long long int *). */
static struct shash missing = SHASH_INITIALIZER(&missing);
static long long int wake_at = LLONG_MAX;
static unsigned int seqno;
static unsigned int last_idl_seqno;
static size_t n_expired;            /* Entries of 'missing' past the grace. */

static void
sb_forget_missing(void)
{
    struct shash_node *node;
    SHASH_FOR_EACH_SAFE (node, &missing) {
        free(node->data);
        shash_delete(&missing, node);
    }
    n_expired = 0;
}

void
sb_run(const char *remotes_)
{
    if (!nullable_string_is_equal(remotes, remotes_)) {
        free(remotes);
        remotes = nullable_xstrdup(remotes_);
        sb_forget_missing();
        if (idl && remotes) {
            ovsdb_idl_set_remote(idl, remotes, true);
        } else if (idl) {
            ovsdb_idl_destroy(idl);
            idl = NULL;
        } else if (remotes) {
            idl = ovsdb_idl_create(remotes, &sbrec_idl_class, false, true);
            ovsdb_idl_set_leader_only(idl, false);
            ovsdb_idl_add_table(idl, &sbrec_table_chassis);
            ovsdb_idl_add_column(idl, &sbrec_chassis_col_name);
        }
        if (remotes) {
            VLOG_INFO("following OVN's chassis in the Southbound database "
                      "at %s", remotes);
        }
    }
    if (idl) {
        ovsdb_idl_run(idl);
        if (ovsdb_idl_get_seqno(idl) != last_idl_seqno) {
            last_idl_seqno = ovsdb_idl_get_seqno(idl);
            seqno++;
        }
    }

    long long int now = time_msec();
    size_t n = 0;
    struct shash_node *node;
    SHASH_FOR_EACH (node, &missing) {
        const long long int *since = node->data;
        n += now - *since >= SB_GONE_MSEC;
    }
    if (n != n_expired) {
        n_expired = n;
        seqno++;
    }
}

unsigned int
sb_seqno(void)
{
    return seqno;
}

void
sb_wait(void)
{
    if (idl) {
        ovsdb_idl_wait(idl);
    }
    if (wake_at != LLONG_MAX) {
        poll_timer_wait_until(wake_at);
        wake_at = LLONG_MAX;
    }
}

void
sb_destroy(void)
{
    if (idl) {
        ovsdb_idl_destroy(idl);
        idl = NULL;
    }
    free(remotes);
    remotes = NULL;
    sb_forget_missing();
    shash_destroy(&missing);
}

static bool
sb_chassis_exists(const char *name)
{
    const struct sbrec_chassis *ch;

    SBREC_CHASSIS_FOR_EACH (ch, idl) {
        if (!strcmp(ch->name, name)) {
            return true;
        }
    }
    return false;
}

bool
sb_chassis_gone(const char *name)
{
    if (!idl || !ovsdb_idl_is_connected(idl)
        || !ovsdb_idl_has_ever_connected(idl)) {
        return false;
    }
    if (sb_chassis_exists(name)) {
        free(shash_find_and_delete(&missing, name));
        return false;
    }

    long long int now = time_msec();
    long long int *since = shash_find_data(&missing, name);
    if (!since) {
        since = xmalloc(sizeof *since);
        *since = now;
        shash_add(&missing, name, since);
        VLOG_INFO("chassis %s is not in OVN's Southbound database: its "
                  "ports and addresses go if it is still missing in %d s",
                  name, SB_GONE_MSEC / 1000);
    }
    if (now - *since >= SB_GONE_MSEC) {
        return true;
    }
    wake_at = MIN(wake_at, *since + SB_GONE_MSEC);
    return false;
}
