/*
 * netns/monitor: link events from the kernel.
 *
 * One module-wide rtnetlink notifier (libopenvswitch's, on RTNLGRP_LINK)
 * whose callback, run from linkmon_run(), records link names by message
 * type until linkmon_take() hands them over.  Like the rest of the daemon's
 * main loop, this is meant for a single thread.
 *
 * The names are hints for the reconcile pass, which must look at the
 * kernel's current state for each: a name can be in both sets (a link that
 * came and went, or went and came back), a link that moved to another
 * namespace is "gone" from this one, and a port leaving a Linux bridge
 * produces an RTM_DELLINK (of family AF_BRIDGE) for a link that is still
 * there.
 */
#include <config.h>

#include "netns/monitor.h"

#include <linux/rtnetlink.h>

#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "rtnetlink.h"
#include "sset.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(linkmon);

/* While the notifier cannot be created, wake up this often (ms) and report
 * "anything may have changed", so that the caller still notices changes. */
#define LINKMON_FALLBACK_MSEC 5000

static bool linkmon_initialized;
static struct nln_notifier *linkmon_notifier;

/* What happened since the last linkmon_take(). */
static struct sset linkmon_gone = SSET_INITIALIZER(&linkmon_gone);
static struct sset linkmon_changed = SSET_INITIALIZER(&linkmon_changed);
static bool linkmon_overflow;

/* rtnetlink notifier callback: records 'change', or notes an overflow if it
 * is NULL (the kernel dropped messages, or one did not parse). */
static void
linkmon_change_cb(const struct rtnetlink_change *change,
                  void *aux OVS_UNUSED)
{
    if (!change) {
        linkmon_overflow = true;
    } else if (change->irrelevant || !change->ifname) {
        /* Wireless extension events; nothing of ours. */
    } else if (change->nlmsg_type == RTM_DELLINK) {
        sset_add(&linkmon_gone, change->ifname);
    } else if (change->nlmsg_type == RTM_NEWLINK) {
        sset_add(&linkmon_changed, change->ifname);
    }
}

/* Tries to create the notifier; on failure, what happened since is unknown,
 * so the next linkmon_take() reports an overflow. */
static void
linkmon_create_notifier(void)
{
    static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(1, 5);

    linkmon_notifier = rtnetlink_notifier_create(linkmon_change_cb, NULL);
    if (!linkmon_notifier) {
        VLOG_WARN_RL(&rl, "cannot monitor links (see earlier messages); "
                     "will look at all of them");
    }
}

/* Starts watching link events.  Calling it again before linkmon_destroy()
 * does nothing.  If the kernel's notifications cannot be had, every
 * linkmon_take() reports an overflow until they can. */
void
linkmon_init(void)
{
    if (!linkmon_initialized) {
        linkmon_initialized = true;
        linkmon_overflow = false;
        linkmon_create_notifier();
    }
}

/* Stops watching link events and forgets those not taken yet.  Does nothing
 * if linkmon_init() was not called. */
void
linkmon_destroy(void)
{
    if (linkmon_initialized) {
        rtnetlink_notifier_destroy(linkmon_notifier);
        linkmon_notifier = NULL;
        sset_destroy(&linkmon_gone);
        sset_init(&linkmon_gone);
        sset_destroy(&linkmon_changed);
        sset_init(&linkmon_changed);
        linkmon_overflow = false;
        linkmon_initialized = false;
    }
}

/* Records the link events that the kernel has sent since the last call
 * (without blocking).  Like the run functions of libopenvswitch (it is
 * rtnetlink_run()), it reads only once between calls to linkmon_wait(): call
 * them in turn, around poll_block(). */
void
linkmon_run(void)
{
    if (!linkmon_initialized) {
        return;
    }
    if (!linkmon_notifier) {
        linkmon_create_notifier();
        if (!linkmon_notifier) {
            return;
        }
        /* Whatever happened before now went unseen. */
        linkmon_overflow = true;
    }
    rtnetlink_run();
}

/* Makes the next poll_block() wake up when the kernel has link events for
 * linkmon_run(). */
void
linkmon_wait(void)
{
    if (!linkmon_initialized) {
        return;
    }
    if (linkmon_notifier) {
        rtnetlink_wait();
    } else {
        poll_timer_wait(LINKMON_FALLBACK_MSEC);
    }
}

/* Adds the names in 'from' to 'to' and empties 'from'. */
static void
linkmon_move(struct sset *from, struct sset *to)
{
    if (sset_is_empty(to)) {
        sset_swap(from, to);
    } else {
        const char *name;

        SSET_FOR_EACH (name, from) {
            sset_add(to, name);
        }
        sset_clear(from);
    }
}

/* Adds to 'gone' (which the caller owns and may hold names already) the
 * names of the links deleted since the last call, and to 'changed' those of
 * the links added or changed, and forgets them.  Returns true if events may
 * have been lost in between (the kernel's buffer overflowed, or there is no
 * notifier), in which case any link may have changed. */
bool
linkmon_take(struct sset *gone, struct sset *changed)
{
    bool lost = (linkmon_overflow
                 || (linkmon_initialized && !linkmon_notifier));

    linkmon_move(&linkmon_gone, gone);
    linkmon_move(&linkmon_changed, changed);
    linkmon_overflow = false;
    return lost;
}
