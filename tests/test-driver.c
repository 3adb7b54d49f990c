/*
 * Unit tests of plugin/driver: Docker's NetworkDriver calls, through
 * driver_handle() and driver_run().
 *
 * Linked in as they are: plugin/driver.c, plugin/netopts.c, ovsdb/state.c
 * and ovsdb/names.c.  Replaced with -Wl,--wrap (see tests/unit.mk):
 *
 *   - plugin/http: a request is the test's own struct http_request (the real
 *     one is private to http.c), which records the reply it gets;
 *
 *   - ovsdb/db: the test says how far the desired state has been committed
 *     and whether the database is connected, and answers the lookups
 *     (bridges, ports, interfaces) from cmocka mock queues, which also check
 *     the names asked about;
 *
 *   - netns/link: which network devices exist, and whether the kernel can
 *     create VXLAN devices, are the test's to say;
 *
 *   - netns/route: the addresses of this host are the test's to say, and
 *     the routes to the other peers come from a mock queue;
 *
 *   - state_is_loaded(): loading the state needs a replica of the database,
 *     so whether it has been loaded is the test's to say.
 *
 * (tests/driver-wraps.h declares the replacements.)
 */
#include <config.h>

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "openvswitch/json.h"
#include "openvswitch/list.h"
#include "openvswitch/shash.h"
#include "openvswitch/vlog.h"
#include "ovsdb/db.h"
#include "ovsdb/names.h"
#include "ovsdb/state.h"
#include "packets.h"
#include "plugin/driver.h"
#include "plugin/http.h"
#include "plugin/netopts.h"
#include "sset.h"
#include "svec.h"
#include "tests/driver-wraps.h"
#include "util.h"

/* Timeout for the calls of every test but those about timeouts, which use
 * TINY_TIMEOUT_MS and then sleep SLEEP_MS. */
#define TEST_TIMEOUT_MS 60000
#define TINY_TIMEOUT_MS 1
#define SLEEP_MS 20

#define ACTIVATE        "/Plugin.Activate"
#define CAPABILITIES    "/NetworkDriver.GetCapabilities"
#define CREATE_NETWORK  "/NetworkDriver.CreateNetwork"
#define DELETE_NETWORK  "/NetworkDriver.DeleteNetwork"
#define CREATE_ENDPOINT "/NetworkDriver.CreateEndpoint"
#define DELETE_ENDPOINT "/NetworkDriver.DeleteEndpoint"
#define OPER_INFO       "/NetworkDriver.EndpointOperInfo"
#define JOIN            "/NetworkDriver.Join"
#define LEAVE           "/NetworkDriver.Leave"
#define PROGRAM         "/NetworkDriver.ProgramExternalConnectivity"
#define REVOKE          "/NetworkDriver.RevokeExternalConnectivity"
#define DISCOVER_NEW    "/NetworkDriver.DiscoverNew"
#define DISCOVER_DELETE "/NetworkDriver.DiscoverDelete"

/* Docker-style IDs: 64 hex digits. */
#define HEX64(X) X X X X X X X X
static const char net_a[] = HEX64("aaaaaaa1");
static const char net_b[] = HEX64("bbbbbbb2");
static const char net_c[] = HEX64("ccccccc3");
static const char net_d[] = HEX64("ddddddd4");
static const char net_e[] = HEX64("eeeeeee5");
static const char ep_1[] = HEX64("11111111");
static const char ep_2[] = HEX64("22222222");
static const char ep_3[] = HEX64("33333333");

/* The fake HTTP module. */

/* A request, in place of http.c's. */
struct http_request {
    struct ovs_list node;       /* In 'requests'. */
    char *path;
    char *body;                 /* 'body_len' bytes, then a NUL. */
    size_t body_len;
    int n_replies;              /* How many times it was answered. */
    unsigned int status;        /* The reply's, once there is one. */
    char *reply;                /* The reply's body, once there is one. */
};

/* Every request of the current test, freed by teardown(). */
static struct ovs_list requests = OVS_LIST_INITIALIZER(&requests);

/* Replaces http_request_path().  No mock queue: returns the path the test
 * gave the request. */
const char *
__wrap_http_request_path(const struct http_request *req)
{
    return req->path;
}

/* Replaces http_request_body().  No mock queue: returns the body the test
 * gave the request. */
const char *
__wrap_http_request_body(const struct http_request *req, size_t *len)
{
    *len = req->body_len;
    return req->body;
}

/* Replaces http_request_reply().  No mock queue: records the reply in
 * 'req', and fails the test if 'req' had already been answered. */
void
__wrap_http_request_reply(struct http_request *req, unsigned int status,
                          const char *body)
{
    if (req->n_replies++) {
        fail_msg("%s answered twice: %u %s, then %u %s", req->path,
                 req->status, req->reply, status, body);
    }
    req->status = status;
    req->reply = xstrdup(body);
}

/* Replaces http_request_reply_error().  No mock queue: records the body
 * http.c sends, {"Err": MESSAGE} from http_error_json(), as the reply to
 * 'req'. */
void
__wrap_http_request_reply_error(struct http_request *req,
                                unsigned int status,
                                const char *format, ...)
{
    va_list args;

    va_start(args, format);
    char *body = http_error_json(format, args);
    va_end(args);

    if (req->n_replies) {
        free(body);
        fail_msg("%s answered twice: %u %s, then %u (an error)", req->path,
                 req->status, req->reply, status);
    }
    __wrap_http_request_reply(req, status, body);
    free(body);
}

/* The fake database module. */

static uint64_t applied_seqno;  /* What db_applied_seqno() returns. */
static bool connected;          /* What db_is_connected() returns. */
static bool loaded;             /* What state_is_loaded() returns. */

/* Replaces db_applied_seqno().  No mock queue (the driver polls it as often
 * as it likes): returns 'applied_seqno'. */
uint64_t
__wrap_db_applied_seqno(void)
{
    return applied_seqno;
}

/* What db_last_txn() returns. */
static struct db_txn_result last_txn;

/* Replaces db_last_txn().  No mock queue: returns 'last_txn'. */
const struct db_txn_result *
__wrap_db_last_txn(void)
{
    return &last_txn;
}

/* Makes the fake database say that it refused the transaction that carried
 * the desired state from 'applied_seqno' to the current one, with
 * 'error'. */
static void
refuse_txn(const char *error)
{
    last_txn.serial++;
    last_txn.status = DB_TXN_ERROR;
    last_txn.base_seqno = applied_seqno;
    last_txn.seqno = state_seqno();
    free(last_txn.error);
    last_txn.error = xstrdup(error);
}

/* The fake NAT module: how far the rules of the desired state are in the
 * kernel, and the last rule set it refused. */
static uint64_t nat_applied;
static uint64_t nat_failed;
static const char *nat_error;

/* Replaces nat_applied_seqno().  No mock queue: returns 'nat_applied'. */
uint64_t
__wrap_nat_applied_seqno(void)
{
    return nat_applied;
}

/* Replaces nat_failed_seqno().  No mock queue: returns 'nat_failed' and
 * 'nat_error'. */
uint64_t
__wrap_nat_failed_seqno(const char **error)
{
    *error = nat_error;
    return nat_failed;
}

/* Replaces db_is_connected().  No mock queue: returns 'connected'. */
bool
__wrap_db_is_connected(void)
{
    return connected;
}

/* Replaces state_is_loaded().  No mock queue: returns 'loaded'. */
bool
__wrap_state_is_loaded(void)
{
    return loaded;
}

/* Replaces db_bridge_datapath().  Mock queue: per call, the bridge's
 * datapath type (a static string), or NULL if there is no such bridge; the
 * bridge's name is checked with expect_string(..., name, ...). */
const char *
__wrap_db_bridge_datapath(const char *name)
{
    check_expected(name);
    return mock_ptr_type(const char *);
}

/* Replaces db_default_datapath().  Mock queue: per call, the datapath type
 * to return (a static string). */
const char *
__wrap_db_default_datapath(void)
{
    return mock_ptr_type(const char *);
}

/* What db_ovn_bridge() returns: OVN's integration bridge, NULL for a host
 * that is not an OVN chassis.  Reset by setup(). */
static const char *ovn_bridge;

const char *
__wrap_db_ovn_bridge(void)
{
    return ovn_bridge;
}

/* The one network device that link_get_kind() reports, or NULL.  Reset by
 * setup(). */
static const char *existing_link;
static const char *existing_kind;  /* Its IFLA_INFO_KIND; NULL for "". */

/* Replaces link_get_kind().  No mock queue: only 'existing_link' exists,
 * of kind 'existing_kind'. */
int
__wrap_link_get_kind(const char *name, char **kind)
{
    if (!existing_link || strcmp(name, existing_link)) {
        *kind = NULL;
        return ENODEV;
    }
    *kind = xstrdup(existing_kind ? existing_kind : "");
    return 0;
}

/* Replaces link_vxlan_supported(), so that no test creates a device on the
 * host.  Mock queue: per call, whether the kernel can create VXLAN devices
 * (bool). */
bool
__wrap_link_vxlan_supported(const char *probe OVS_UNUSED)
{
    return mock_type(bool);
}

/* The fake route module. */

/* The addresses of this host, as route_local_addrs() reports them.
 * Emptied by teardown(). */
static struct sset local_addrs = SSET_INITIALIZER(&local_addrs);

/* Replaces route_local_addrs().  No mock queue: returns 'local_addrs'. */
const struct sset *
__wrap_route_local_addrs(void)
{
    return &local_addrs;
}

/* Replaces route_lookup().  Mock queue: per call, the error to return (int)
 * and, if that is 0, the route's MTU (int); 'ip' is checked with
 * expect_string(..., ip, ...).  The route has no source address and no
 * known device. */
int
__wrap_route_lookup(const char *ip, int *mtu, char **src, char **dev)
{
    check_expected(ip);

    int error = mock_type(int);
    *mtu = error ? 0 : mock_type(int);
    if (src) {
        *src = NULL;
    }
    if (dev) {
        *dev = NULL;
    }
    return error;
}

/* The endpoint port that db_foreign_port_exists() reports as someone
 * else's, or NULL. */
static const char *foreign_endpoint_port;

/* Replaces db_foreign_port_exists().  For gateway ports ("ovsgw-"), a mock
 * queue: per call, whether a port of that name that is not ovsnet's exists
 * (bool); the name is checked with expect_string(..., name, ...).  Endpoint
 * ports are asked about on every CreateEndpoint, so there is no queue for
 * them: only 'foreign_endpoint_port' exists. */
bool
__wrap_db_foreign_port_exists(const char *name)
{
    if (!strncmp(name, NAMES_PORT_PREFIX, strlen(NAMES_PORT_PREFIX))) {
        return foreign_endpoint_port
               && !strcmp(name, foreign_endpoint_port);
    }
    check_expected(name);
    return mock_type(bool);
}

/* What db_interface_state() says of every gateway port: CreateNetwork waits
 * for it.  Reset by setup(). */
/* netns/link-sync, for CreateNetwork: the networks (IDs) whose gateway
 * port got its addresses (see configure_gateways()), and the kernel's
 * refusals by network ID. */
static struct sset gateways_ready = SSET_INITIALIZER(&gateways_ready);
static struct shash gateway_errors = SHASH_INITIALIZER(&gateway_errors);

bool
__wrap_linksync_gateway_status(const struct state_network *net,
                               const char **error)
{
    *error = shash_find_data(&gateway_errors, net->id);
    return sset_contains(&gateways_ready, net->id);
}

/* netns/link-sync, for DeleteEndpoint: the links still to be deleted.
 * Reset by setup(). */
static struct sset doomed_links = SSET_INITIALIZER(&doomed_links);

bool
__wrap_linksync_link_doomed(const char *name)
{
    return sset_contains(&doomed_links, name);
}

/* netns/link-sync, for the swarm's nodes: the kernel VXLAN devices are not
 * this test's business. */
void
__wrap_linksync_vxlan_changed(const struct state_network *net OVS_UNUSED)
{
}

static int64_t gateway_ofport = 1;
static const char *gateway_error;

/* Provider networks' uplinks: interface 'uplink_name' exists, with
 * 'uplink_mtu' and, if nonnull, the host's address 'uplink_address' and
 * master 'uplink_master'; no other does (netns/uplink).  Its port has 'uplink_ofport' and
 * 'uplink_error' (db_interface_state()).  No port or interface of any name
 * is in OVSDB yet (tests/driver-wraps.c). */
static const char *uplink_name;
static int uplink_mtu;
static const char *uplink_address;
static const char *uplink_master;
static int64_t uplink_ofport;
static const char *uplink_error;

int
__wrap_uplink_probe(const char *name, struct uplink_facts *facts)
{
    memset(facts, 0, sizeof *facts);
    if (!uplink_name || strcmp(name, uplink_name)) {
        return ENODEV;
    }
    facts->mtu = uplink_mtu;
    facts->address = nullable_xstrdup(uplink_address);
    facts->master = nullable_xstrdup(uplink_master);
    return 0;
}

/* Replaces db_interface_state().  Gateway ports ("ovsgw-") have no queue:
 * they exist with 'gateway_ofport' and 'gateway_error'.  Otherwise a mock
 * queue: per call, three values: whether the interface exists (bool), its
 * ofport (int64_t), and its error (a static string, or NULL); the
 * interface's name is checked with expect_string(..., name, ...).  The
 * uplink ('uplink_name') has no queue either. */
bool
__wrap_db_interface_state(const char *name, int64_t *ofport,
                          const char **error)
{
    if (!strncmp(name, NAMES_GATEWAY_PREFIX, strlen(NAMES_GATEWAY_PREFIX))) {
        *ofport = gateway_ofport;
        *error = gateway_error;
        return true;
    }
    if (uplink_name && !strcmp(name, uplink_name)) {
        *ofport = uplink_ofport;
        *error = uplink_error;
        return true;
    }
    check_expected(name);

    bool exists = mock_type(bool);
    *ofport = mock_type(int64_t);
    *error = mock_ptr_type(const char *);
    return exists;
}

/* Replaces db_interface_mtu_requested(): the gateway ports' MTU is
 * requested as soon as they exist (the reconciler's business, not the
 * driver's). */
bool
__wrap_db_interface_mtu_requested(const char *name OVS_UNUSED,
                                  int64_t mtu OVS_UNUSED)
{
    return true;
}

/* Strings that must outlive a call, such as those expect_string() compares
 * against: freed by teardown(). */
static struct svec strings = SVEC_EMPTY_INITIALIZER;

/* Keeps 's' (which this takes) until the end of the test, and returns it. */
static const char *
keep(char *s)
{
    svec_add_nocopy(&strings, s);
    return s;
}

/* Returns a copy of 's' with every ' changed to ", so that tests can write
 * JSON in C strings legibly.  The copy is kept until the end of the test. */
static const char *
dq(const char *s)
{
    char *copy = xstrdup(s);

    for (char *p = copy; *p; p++) {
        if (*p == '\'') {
            *p = '"';
        }
    }
    return keep(copy);
}

/* Makes the fake database say that everything in the desired state so far
 * has been committed. */
static void
commit(void)
{
    applied_seqno = state_seqno();
}

/* Does what the reconcile pass would do for the link side: gives the
 * gateway ports that ovs-vswitchd added their addresses. */
static void
configure_gateways(void)
{
    struct state_network *net;

    HMAP_FOR_EACH (net, node, state_networks()) {
        if (gateway_ofport > 0) {
            sset_add(&gateways_ready, net->id);
        }
    }
}

/* Makes everything in the desired state so far have taken effect: committed
 * to the database, gateways configured, NAT rules in the kernel. */
static void
catch_up(void)
{
    commit();
    configure_gateways();
    nat_applied = state_seqno();
}

/* Requests. */

/* Creates a request for 'path' with the 'len' bytes of 'body'. */
static struct http_request *
request_create(const char *path, const char *body, size_t len)
{
    struct http_request *req = xzalloc(sizeof *req);

    req->path = xstrdup(path);
    req->body = xmemdup0(body, len);
    req->body_len = len;
    ovs_list_push_back(&requests, &req->node);
    return req;
}

/* Makes a call of 'path' with the 'len' bytes of 'body', and returns it. */
static struct http_request *
call_raw(const char *path, const char *body, size_t len)
{
    struct http_request *req = request_create(path, body, len);

    driver_handle(req, NULL);
    return req;
}

/* Makes a call of 'path' with body 'format' (JSON with ' for ",
 * printf-style) and returns it. */
static struct http_request *call(const char *path, const char *format, ...)
    OVS_PRINTF_FORMAT(2, 3);

static struct http_request *
call(const char *path, const char *format, ...)
{
    va_list args;

    va_start(args, format);
    char *text = xvasprintf(format, args);
    va_end(args);

    const char *body = dq(text);
    free(text);
    return call_raw(path, body, strlen(body));
}

/* Checking replies.  Each macro fails the test at the line that uses it. */

/* Parses the reply to 'req', which must be a JSON object.  The caller must
 * json_destroy() it. */
static struct json *
reply_parse_at(const char *file, int line, const struct http_request *req)
{
    if (req->n_replies != 1) {
        print_error("ERROR: %s has %d replies, expected 1\n", req->path,
                    req->n_replies);
        _fail(file, line);
    }

    struct json *json = json_from_string(req->reply);
    if (json->type != JSON_OBJECT) {
        print_error("ERROR: %s: the reply %s is not a JSON object\n",
                    req->path, req->reply);
        json_destroy(json);
        _fail(file, line);
    }
    return json;
}

static void
assert_pending_at(const char *file, int line, const struct http_request *req)
{
    if (req->n_replies) {
        print_error("ERROR: %s was answered %u %s, expected no answer yet\n",
                    req->path, req->status, req->reply);
        _fail(file, line);
    }
}
#define assert_pending(REQ) assert_pending_at(__FILE__, __LINE__, REQ)

static void
assert_status_at(const char *file, int line, const struct http_request *req,
                 unsigned int status)
{
    if (req->n_replies != 1 || req->status != status) {
        print_error("ERROR: %s: expected status %u, got %s%u %s\n",
                    req->path, status,
                    req->n_replies ? "" : "no reply ",
                    req->status, req->reply ? req->reply : "");
        _fail(file, line);
    }
}

/* Checks that 'req' was answered with 'status' and exactly the JSON
 * 'expected' (with ' for "). */
static void
assert_reply_at(const char *file, int line, const struct http_request *req,
                unsigned int status, const char *expected)
{
    assert_status_at(file, line, req, status);

    struct json *want = json_from_string(dq(expected));
    struct json *got = reply_parse_at(file, line, req);
    bool equal = json_equal(want, got);

    json_destroy(want);
    json_destroy(got);
    if (!equal) {
        print_error("ERROR: %s: reply %s, expected %s\n",
                    req->path, req->reply, dq(expected));
        _fail(file, line);
    }
}
#define assert_reply(REQ, STATUS, EXPECTED) \
    assert_reply_at(__FILE__, __LINE__, REQ, STATUS, EXPECTED)

/* Checks that 'req' was answered with 'status' and {"Err": MESSAGE}, where
 * MESSAGE contains each of the NULL-terminated strings that follow. */
static void
assert_error_at(const char *file, int line, const struct http_request *req,
                unsigned int status, ...)
{
    assert_status_at(file, line, req, status);

    struct json *reply = reply_parse_at(file, line, req);
    const struct json *err = shash_find_data(json_object(reply), "Err");
    if (!err || err->type != JSON_STRING
        || shash_count(json_object(reply)) != 1
        || !json_string(err)[0]) {
        json_destroy(reply);
        print_error("ERROR: %s: reply %s is not {\"Err\": MESSAGE}\n",
                    req->path, req->reply);
        _fail(file, line);
    }

    char *message = xstrdup(json_string(err));
    json_destroy(reply);

    va_list args;
    va_start(args, status);
    for (const char *s = va_arg(args, const char *); s;
         s = va_arg(args, const char *)) {
        if (!strstr(message, s)) {
            va_end(args);
            print_error("ERROR: %s: error \"%s\" does not mention \"%s\"\n",
                        req->path, message, s);
            free(message);
            _fail(file, line);
        }
    }
    va_end(args);
    free(message);
}
#define assert_error(REQ, ...) \
    assert_error_at(__FILE__, __LINE__, REQ, __VA_ARGS__, NULL)

/* Returns the string at 'key1'.'key2' of the reply to 'req' (kept until the
 * end of the test), or NULL if there is none. */
static const char *
reply_get_string(const struct http_request *req, const char *key1,
                 const char *key2)
{
    struct json *reply = reply_parse_at(__FILE__, __LINE__, req);
    const struct json *v = shash_find_data(json_object(reply), key1);
    const char *s = NULL;

    if (v && v->type == JSON_OBJECT) {
        v = shash_find_data(json_object(v), key2);
        if (v && v->type == JSON_STRING) {
            s = keep(xstrdup(json_string(v)));
        }
    }
    json_destroy(reply);
    return s;
}

/* Expectations of the lookups: the database, links and routes. */

/* Expects CreateNetwork to ask for bridge 'bridge' and learn that its
 * datapath type is 'datapath' (NULL: no such bridge). */
static void
expect_bridge(const char *bridge, const char *datapath)
{
    expect_string(__wrap_db_bridge_datapath, name, bridge);
    will_return(__wrap_db_bridge_datapath,
                cast_ptr_to_largest_integral_type(datapath));
}

/* Expects CreateNetwork to ask for the default datapath type: 'datapath'. */
static void
expect_default_datapath(const char *datapath)
{
    will_return(__wrap_db_default_datapath,
                cast_ptr_to_largest_integral_type(datapath));
}

/* Expects CreateNetwork to ask whether foreign port 'gw' exists. */
static void
expect_foreign_port(const char *gw, bool exists)
{
    expect_string(__wrap_db_foreign_port_exists, name, gw);
    will_return(__wrap_db_foreign_port_exists, exists);
}

/* Expects a CreateNetwork of network 'id' to look up its gateway port. */
static void
expect_gateway_port(const char *id)
{
    expect_foreign_port(keep(names_gateway(id)), false);
}

/* Expects what a CreateNetwork of network 'id' on a new bridge of its own
 * looks up, with 'datapath' as the default datapath. */
static void
expect_new_network_on(const char *id, const char *datapath)
{
    expect_bridge(keep(names_bridge(id)), NULL);
    expect_default_datapath(datapath);
    expect_gateway_port(id);
}

/* Expects what a CreateNetwork of network 'id' on a new bridge of its own
 * looks up, with "system" as the default datapath. */
static void
expect_new_network(const char *id)
{
    expect_new_network_on(id, "system");
}

/* Expects a vxlan CreateNetwork to ask whether the kernel can create VXLAN
 * devices, and learn 'supported'. */
static void
expect_vxlan_supported(bool supported)
{
    will_return(__wrap_link_vxlan_supported, supported);
}

/* Makes 'peer' an address of this host, so that a tunnel CreateNetwork
 * looks up no route to it. */
static void
expect_local_peer(const char *peer)
{
    sset_add(&local_addrs, peer);
}

/* Expects a tunnel CreateNetwork to look up the route to peer 'peer',
 * another host: 'error', or 0 and a route with 'mtu'. */
static void
expect_peer_route(const char *peer, int error, int mtu)
{
    expect_string(__wrap_route_lookup, ip, peer);
    will_return(__wrap_route_lookup, error);
    if (!error) {
        will_return(__wrap_route_lookup, mtu);
    }
}


/* Expects one db_interface_state() call for endpoint 'eid''s port. */
static void
expect_interface(const char *eid, bool exists, int64_t ofport,
                 const char *error)
{
    expect_string(__wrap_db_interface_state, name, keep(names_port(eid)));
    will_return(__wrap_db_interface_state, exists);
    will_return(__wrap_db_interface_state, ofport);
    will_return(__wrap_db_interface_state,
                cast_ptr_to_largest_integral_type(error));
}

/* Runs CreateNetwork for 'id' with 'more' (members after NetworkID, with '
 * for ") through to its reply, and checks that it is {}.  The caller must
 * have set up the lookups it expects. */
static void
create_network_more(const char *id, const char *more)
{
    struct http_request *req = call(CREATE_NETWORK, "{'NetworkID': '%s'%s}",
                                    id, more);
    assert_pending(req);
    catch_up();
    driver_run();
    assert_reply(req, 200, "{}");
}

/* Makes a CreateNetwork call of network 'id' with -o options 'generic'
 * (the members of com.docker.network.generic, with ' for "), and returns
 * it. */
static struct http_request *
call_create_network(const char *id, const char *generic)
{
    return call(CREATE_NETWORK, "{'NetworkID': '%s', 'Options': "
                "{'com.docker.network.generic': {%s}}}", id, generic);
}

/* Runs CreateNetwork for 'id' with -o options 'generic' (as for
 * call_create_network()) through to its reply, and checks that it is {}.
 * The caller must have set up the lookups it expects. */
static void
create_network_with(const char *id, const char *generic)
{
    create_network_more(id, keep(xasprintf(", 'Options': "
                                           "{'com.docker.network.generic': "
                                           "{%s}}", generic)));
}

/* Creates network 'id' on a bridge of its own, with IPv4 pool 10.0.N.0/24,
 * N from its first digit (0 for net_a, 1 for net_b...): two networks of a
 * host cannot have the same gateway. */
static void
create_network(const char *id)
{
    int n = (id[0] - 'a') & 0xff;

    expect_new_network(id);
    create_network_more(id, keep(xasprintf(
                            ", 'IPv4Data': [{'Pool': '10.0.%d.0/24', "
                            "'Gateway': '10.0.%d.1/24'}]", n, n)));
}

/* Runs CreateEndpoint 'eid' on network 'nid' with 'iface' as Interface (JSON
 * with ' for ") through to its reply, which is returned after checking its
 * status. */
static struct http_request *
create_endpoint(const char *nid, const char *eid, const char *iface)
{
    struct http_request *req = call(CREATE_ENDPOINT, "{'NetworkID': '%s', "
                                    "'EndpointID': '%s', 'Interface': %s}",
                                    nid, eid, iface);
    assert_pending(req);
    catch_up();
    expect_interface(eid, true, 1, NULL);
    driver_run();
    assert_status_at(__FILE__, __LINE__, req, 200);
    return req;
}

/* Sleeps long enough for calls made with TINY_TIMEOUT_MS to time out. */
static void
let_time_pass(void)
{
    xnanosleep(SLEEP_MS * 1000 * 1000);
}

/* Fixtures. */

static int
group_setup(void **state OVS_UNUSED)
{
    /* The driver's log messages are expected: keep them out of the
     * output. */
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);
    svec_init(&strings);
    return 0;
}

static int
group_teardown(void **state OVS_UNUSED)
{
    free(last_txn.error);
    state_destroy();
    svec_destroy(&strings);
    return 0;
}

static int
setup(void **state OVS_UNUSED)
{
    driver_init(TEST_TIMEOUT_MS, false);
    connected = true;
    loaded = true;
    gateway_ofport = 1;
    gateway_error = NULL;
    uplink_name = NULL;
    uplink_mtu = 1500;
    uplink_address = NULL;
    uplink_master = NULL;
    uplink_ofport = 1;
    uplink_error = NULL;
    existing_link = NULL;
    ovn_bridge = NULL;
    existing_kind = NULL;
    last_txn.status = DB_TXN_COMMITTED;
    nat_applied = nat_failed = 0;
    nat_error = NULL;
    catch_up();
    return 0;
}

static int
teardown(void **state OVS_UNUSED)
{
    struct http_request *req;

    driver_destroy();           /* Answers whatever is still pending. */
    state_clear();
    state_set_unavailable(NULL);
    LIST_FOR_EACH_POP (req, node, &requests) {
        free(req->path);
        free(req->body);
        free(req->reply);
        free(req);
    }
    svec_destroy(&strings);
    svec_init(&strings);
    sset_clear(&local_addrs);
    sset_clear(&gateways_ready);
    shash_clear(&gateway_errors);
    sset_clear(&doomed_links);
    return 0;
}

/* Handshake and calls that need no state. */

static void
test_activate(void **state OVS_UNUSED)
{
    struct http_request *req = call(ACTIVATE, "%s", "");

    assert_reply(req, 200, "{'Implements': ['NetworkDriver', "
                 "'IpamDriver']}");
    assert_string_equal(req->reply, "{\"Implements\":[\"NetworkDriver\","
                        "\"IpamDriver\"]}");
}

static void
test_ipam_without_ovn(void **state OVS_UNUSED)
{
    /* What Docker asks first is answered in any mode. */
    assert_reply(call("/IpamDriver.GetCapabilities", "%s", ""), 200,
                 "{'RequiresMACAddress': false, "
                 "'RequiresRequestReplay': false}");
    assert_reply(call("/IpamDriver.GetDefaultAddressSpaces", "%s", ""), 200,
                 "{'LocalDefaultAddressSpace': 'ovs', "
                 "'GlobalDefaultAddressSpace': 'ovs-global'}");

    /* The pools and addresses live in OVN: without --ovn-nb, refused,
     * saying so. */
    assert_error(call("/IpamDriver.RequestPool", "{'AddressSpace': 'ovs', "
                      "'Pool': '198.51.100.0/24'}"), 400, "OVN",
                 "--ovn-nb");
    assert_error(call("/IpamDriver.RequestAddress", "{'PoolID': "
                      "'198.51.100.0/24'}"), 400, "--ovn-nb");
    assert_error(call("/IpamDriver.ReleaseAddress", "{'PoolID': "
                      "'198.51.100.0/24', 'Address': '198.51.100.2'}"),
                 400, "--ovn-nb");
    assert_error(call("/IpamDriver.ReleasePool", "{'PoolID': "
                      "'198.51.100.0/24'}"), 400, "--ovn-nb");
}

static void
test_capabilities(void **state OVS_UNUSED)
{
    struct http_request *req = call(CAPABILITIES, "%s", "");

    assert_reply(req, 200, "{'Scope': 'local', 'ConnectivityScope': "
                 "'local'}");
}

static void
test_no_state_needed(void **state OVS_UNUSED)
{
    /* Activation and discovery are answered at once, even before the state
     * has been loaded from OVSDB. */
    loaded = false;
    assert_reply(call(ACTIVATE, "%s", ""), 200,
                 "{'Implements': ['NetworkDriver', "
                 "'IpamDriver']}");
    assert_reply(call(CAPABILITIES, "%s", ""), 200,
                 "{'Scope': 'local', 'ConnectivityScope': 'local'}");
    assert_reply(call(DISCOVER_NEW, "{'DiscoveryType': 1, "
                      "'DiscoveryData': {'Address': '10.0.0.1'}}"),
                 200, "{}");
    assert_reply(call(DISCOVER_DELETE, "{'DiscoveryType': 1}"), 200, "{}");
}

/* plugin/swarm: a global-scope driver. */

static void
test_swarm_capabilities_and_allocate(void **state OVS_UNUSED)
{
    driver_destroy();
    driver_init(TEST_TIMEOUT_MS, true);

    assert_reply(call(CAPABILITIES, "%s", ""), 200,
                 "{'Scope': 'global', 'ConnectivityScope': 'global'}");

    /* A bad option is refused, naming it; nothing changes. */
    uint64_t seqno = state_seqno();
    assert_error(call("/NetworkDriver.AllocateNetwork",
                      "{'NetworkID': 'xfpz9op4haq7fempnc6d2435k', "
                      "'Options': {'ovs.tunnel': 'vxlan', 'ovs.vni': '1', "
                      "'ovs.mtu': '9'}, 'IPv4Data': [{'Pool': "
                      "'10.0.0.0/24', 'Gateway': '10.0.0.1/24'}]}"),
                 400, "ovs.mtu");
    assert_error(call("/NetworkDriver.AllocateNetwork",
                      "{'NetworkID': 'X', 'Options': {}}"),
                 400, "NetworkID");
    assert_error(call("/NetworkDriver.AllocateNetwork",
                      "{'NetworkID': 'abc', 'Options': 'x'}"),
                 400, "Options");

    /* Nodes known: handed out with a tunnel network's options, which all
     * come back. */
    struct http_request *req;
    req = call(DISCOVER_NEW, "{'DiscoveryType': 1, 'DiscoveryData': "
               "{'Address': '192.0.2.12', 'BindAddress': '', "
               "'Self': false}}");
    catch_up();
    driver_run();
    assert_reply(req, 200, "{}");
    req = call(DISCOVER_NEW, "{'DiscoveryType': 1, 'DiscoveryData': "
               "{'Address': '192.0.2.11', 'BindAddress': '192.0.2.11', "
               "'Self': true}}");
    catch_up();
    driver_run();
    assert_reply(req, 200, "{}");
    assert_true(state_seqno() > seqno);
    assert_reply(call("/NetworkDriver.AllocateNetwork",
                      "{'NetworkID': 'xfpz9op4haq7fempnc6d2435k', "
                      "'Options': {'ovs.tunnel': 'vxlan', 'ovs.vni': '1', "
                      "'foo': 'bar'}, 'IPv4Data': [{'AddressSpace': '', "
                      "'Pool': '10.0.0.0/24', 'Gateway': '10.0.0.1/24'}], "
                      "'IPv6Data': null}"),
                 200, "{'Options': {'ovs.tunnel': 'vxlan', 'ovs.vni': '1', "
                 "'foo': 'bar', "
                 "'ovs.swarm_nodes': '192.0.2.11,192.0.2.12'}}");
    /* Without a tunnel, no nodes. */
    assert_reply(call("/NetworkDriver.AllocateNetwork",
                      "{'NetworkID': 'abc', 'Options': null}"),
                 200, "{'Options': {}}");
    assert_reply(call("/NetworkDriver.FreeNetwork", "{'NetworkID': 'abc'}"),
                 200, "{}");
}

static void
test_swarm_discovery(void **state OVS_UNUSED)
{
    driver_destroy();
    driver_init(TEST_TIMEOUT_MS, true);

    struct http_request *req;
    req = call(DISCOVER_NEW, "{'DiscoveryType': 1, 'DiscoveryData': "
               "{'Address': '2001:DB8::0:1', 'Self': false}}");
    assert_pending(req);        /* Until it is in OVSDB. */
    catch_up();
    driver_run();
    assert_reply(req, 200, "{}");
    assert_string_equal(smap_get_def(state_nodes(), "2001:db8::1", ""),
                        "swarm");

    /* Bad data: refused, nothing changes. */
    uint64_t seqno = state_seqno();
    assert_error(call(DISCOVER_NEW, "{'DiscoveryType': 1, 'DiscoveryData': "
                      "{'Address': '192.0.2.300'}}"), 400, "Address");
    assert_error(call(DISCOVER_NEW, "{'DiscoveryType': 1, 'DiscoveryData': "
                      "{'Address': '192.0.2.3', 'Self': 'yes'}}"),
                 400, "Self");
    assert_error(call(DISCOVER_NEW, "{'DiscoveryType': '1'}"),
                 400, "DiscoveryType");
    assert_int_equal(state_seqno(), seqno);
    assert_int_equal(smap_count(state_nodes()), 1);

    /* Again: nothing to wait for. */
    assert_reply(call(DISCOVER_NEW, "{'DiscoveryType': 1, 'DiscoveryData': "
                      "{'Address': '2001:db8::1'}}"), 200, "{}");
    /* Other discovery types are not ovsnet's. */
    assert_reply(call(DISCOVER_NEW, "{'DiscoveryType': 2, 'DiscoveryData': "
                      "{}}"), 200, "{}");

    req = call(DISCOVER_DELETE, "{'DiscoveryType': 1, 'DiscoveryData': "
               "{'Address': '2001:db8::1', 'Self': false}}");
    catch_up();
    driver_run();
    assert_reply(req, 200, "{}");
    assert_int_equal(smap_count(state_nodes()), 0);

    /* Before the state is loaded, discovery waits for it. */
    loaded = false;
    req = call(DISCOVER_NEW, "{'DiscoveryType': 1, 'DiscoveryData': "
               "{'Address': '192.0.2.5'}}");
    assert_pending(req);
    loaded = true;
    driver_run();
    catch_up();
    driver_run();
    assert_reply(req, 200, "{}");
    assert_int_equal(smap_count(state_nodes()), 1);
}

static void
test_unknown_path(void **state OVS_UNUSED)
{
    static const char *const paths[] = {
        "/NetworkDriver.Allocate", "/IpamDriver.RequestPools",
        "/NetworkDriver.createnetwork", "/", "/Plugin.Activate/x",
    };

    for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
        struct http_request *req = call(paths[i], "{}");
        assert_error(req, 404, paths[i]);
    }
}

/* Malformed bodies. */

static void
test_malformed_json(void **state OVS_UNUSED)
{
    static const char *const bodies[] = {
        "{", "{'NetworkID': }", "{'NetworkID': 'aa',}", "{} x",
        "{'NetworkID': 'aa'}{}",
    };

    for (size_t i = 0; i < ARRAY_SIZE(bodies); i++) {
        struct http_request *req = call(CREATE_NETWORK, "%s", bodies[i]);
        assert_error(req, 400, CREATE_NETWORK);
    }
    assert_true(hmap_is_empty(state_networks()));
}

static void
test_not_an_object(void **state OVS_UNUSED)
{
    static const char *const bodies[] = {
        "", "  ", "[]", "'x'", "null", "1", "[{'NetworkID': 'aa'}]",
    };

    for (size_t i = 0; i < ARRAY_SIZE(bodies); i++) {
        struct http_request *req = call(CREATE_NETWORK, "%s", bodies[i]);
        assert_error(req, 400, CREATE_NETWORK, "object");
    }
    assert_error(call(JOIN, "[]"), 400, JOIN);
    assert_error(call(DELETE_NETWORK, "%s", ""), 400, DELETE_NETWORK);
}

static void
test_nul_byte(void **state OVS_UNUSED)
{
    static const char body[] = "{\"NetworkID\": \"aa\0bb\"}";
    struct http_request *req;

    req = call_raw(CREATE_NETWORK, body, sizeof body - 1);
    assert_error(req, 400, CREATE_NETWORK, "NUL");

    /* A NUL after a complete object, too. */
    static const char body2[] = "{\"NetworkID\": \"aa\"}\0";
    req = call_raw(CREATE_NETWORK, body2, sizeof body2);
    assert_error(req, 400, "NUL");
    assert_true(hmap_is_empty(state_networks()));
}

/* IDs. */

static void
test_bad_network_id(void **state OVS_UNUSED)
{
    static const char *const paths[] = {
        CREATE_NETWORK, DELETE_NETWORK, CREATE_ENDPOINT, DELETE_ENDPOINT,
        OPER_INFO, JOIN, LEAVE, PROGRAM, REVOKE,
    };

    for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
        const char *p = paths[i];

        assert_error(call(p, "{'EndpointID': '%s'}", ep_1),
                     400, p, "NetworkID");
        assert_error(call(p, "{'NetworkID': 5, 'EndpointID': '%s'}", ep_1),
                     400, p, "NetworkID", "5");
        assert_error(call(p, "{'NetworkID': null, 'EndpointID': '%s'}",
                          ep_1),
                     400, p, "NetworkID");
        assert_error(call(p, "{'NetworkID': ['%s'], 'EndpointID': '%s'}",
                          net_a, ep_1),
                     400, p, "NetworkID");
        assert_error(call(p, "{'NetworkID': 'XYZ', 'EndpointID': '%s'}",
                          ep_1),
                     400, p, "NetworkID", "XYZ");
        assert_error(call(p, "{'NetworkID': '', 'EndpointID': '%s'}", ep_1),
                     400, p, "NetworkID");
        assert_error(call(p, "{'NetworkID': '%s0', 'EndpointID': '%s'}",
                          HEX64("abcdef01abcdef01"), ep_1),
                     400, p, "NetworkID");
    }
    assert_true(hmap_is_empty(state_networks()));
}

static void
test_bad_endpoint_id(void **state OVS_UNUSED)
{
    static const char *const paths[] = {
        CREATE_ENDPOINT, DELETE_ENDPOINT, OPER_INFO, JOIN, LEAVE, PROGRAM,
        REVOKE,
    };

    create_network(net_a);
    for (size_t i = 0; i < ARRAY_SIZE(paths); i++) {
        const char *p = paths[i];

        assert_error(call(p, "{'NetworkID': '%s'}", net_a),
                     400, p, "EndpointID");
        assert_error(call(p, "{'NetworkID': '%s', 'EndpointID': 7}", net_a),
                     400, p, "EndpointID", "7");
        assert_error(call(p, "{'NetworkID': '%s', 'EndpointID': 'ep-1'}",
                          net_a),
                     400, p, "EndpointID", "ep-1");
        assert_error(call(p, "{'NetworkID': '%s', 'EndpointID': {}}", net_a),
                     400, p, "EndpointID");
    }
    assert_true(hmap_is_empty(state_endpoints()));
}

/* CreateNetwork. */

static void
test_create_network(void **state OVS_UNUSED)
{
    expect_new_network(net_a);
    struct http_request *req = call(CREATE_NETWORK, "{'NetworkID': '%s', "
                                    "'Options': {'com.docker.network."
                                    "generic': {'ovs.vlan': '10'}}, "
                                    "'IPv4Data': [{'Pool': '10.0.0.0/24', "
                                    "'Gateway': '10.0.0.1/24'}]}", net_a);

    /* Not answered until the change is in OVSDB. */
    assert_pending(req);
    driver_run();
    assert_pending(req);
    applied_seqno = state_seqno() - 1;
    driver_run();
    assert_pending(req);

    catch_up();
    driver_run();
    assert_reply(req, 200, "{}");

    /* In the desired state, with the default datapath the database gave. */
    const struct state_network *net = state_network_find(net_a);
    assert_non_null(net);
    assert_string_equal(net->cfg.bridge, "ovsbr-aaaaaaa1a");
    assert_string_equal(net->gw_port, "ovsgw-aaaaaaa1a");
    assert_string_equal(net->cfg.datapath, "system");
    assert_int_equal(net->cfg.vlan, 10);
    assert_int_equal(hmap_count(state_networks()), 1);

    /* Answered once only. */
    driver_run();
    assert_int_equal(req->n_replies, 1);
}

static void
test_create_network_again(void **state OVS_UNUSED)
{
    create_network(net_a);

    /* Docker may send it again (e.g. after a transport error): it succeeds
     * without another network and without looking anything up. */
    struct http_request *req = call(CREATE_NETWORK, "{'NetworkID': '%s', "
                                    "'IPv4Data': [{'Pool': '10.0.0.0/24'}]}",
                                    net_a);
    driver_run();
    assert_reply(req, 200, "{}");
    assert_int_equal(hmap_count(state_networks()), 1);
}

static void
test_create_network_again_while_pending(void **state OVS_UNUSED)
{
    expect_new_network(net_a);
    struct http_request *req1 = call(CREATE_NETWORK, "{'NetworkID': '%s'}",
                                     net_a);
    struct http_request *req2 = call(CREATE_NETWORK, "{'NetworkID': '%s'}",
                                     net_a);
    driver_run();
    assert_pending(req1);
    assert_pending(req2);

    catch_up();
    driver_run();
    assert_reply(req1, 200, "{}");
    assert_reply(req2, 200, "{}");
    assert_int_equal(hmap_count(state_networks()), 1);
}

static void
test_create_network_bad_options(void **state OVS_UNUSED)
{
    /* netopts refuses it before anything is looked up. */
    struct http_request *req = call(CREATE_NETWORK, "{'NetworkID': '%s', "
                                    "'Options': {'com.docker.network."
                                    "generic': {'ovs.vlan': '4095'}}}",
                                    net_a);
    assert_error(req, 400, "ovs.vlan", "4095");

    req = call(CREATE_NETWORK, "{'NetworkID': '%s', 'IPv4Data': "
               "[{'Pool': 'x'}]}", net_a);
    assert_error(req, 400, "IPv4Data[0].Pool");
    assert_null(state_network_find(net_a));
}

static void
test_create_network_ovn_refused(void **state OVS_UNUSED)
{
    /* Without --ovn-nb, ovs.ovn is refused before anything is looked
     * up, naming the option. */
    struct http_request *req = call(CREATE_NETWORK, "{'NetworkID': '%s', "
                                    "'Options': {'com.docker.network."
                                    "generic': {'ovs.ovn': 'blue'}}}",
                                    net_a);
    assert_error(req, 400, "ovs.ovn=blue", "--ovn-nb");

    /* OVN decides the bridge, VLAN and tunnel of its networks. */
    req = call(CREATE_NETWORK, "{'NetworkID': '%s', 'Options': {'com."
               "docker.network.generic': {'ovs.ovn': 'blue', 'ovs.vlan': "
               "'10'}}}", net_a);
    assert_error(req, 400, "ovs.vlan=10 cannot go with ovs.ovn");
    req = call(CREATE_NETWORK, "{'NetworkID': '%s', 'Options': {'com."
               "docker.network.generic': {'ovs.ovn': 'a b'}}}", net_a);
    assert_error(req, 400, "logical switch name");

    /* A network of ovsnet's own on OVN's integration bridge: refused. */
    ovn_bridge = "br-int";
    expect_bridge("br-int", "netdev");
    req = call(CREATE_NETWORK, "{'NetworkID': '%s', 'Options': {'com."
               "docker.network.generic': {'ovs.bridge': 'br-int'}}}", net_a);
    assert_error(req, 409, "br-int is OVN's integration bridge");
    assert_null(state_network_find(net_a));
}

static void
test_create_network_existing_bridge(void **state OVS_UNUSED)
{
    /* A bridge that exists takes its datapath type from OVSDB.  It is a
     * network device too, which is no reason to refuse it. */
    existing_link = "br0";
    expect_bridge("br0", "netdev");
    expect_gateway_port(net_a);
    create_network_more(net_a, ", 'Options': {'com.docker.network.generic': "
                        "{'ovs.bridge': 'br0'}}");
    assert_string_equal(state_network_find(net_a)->cfg.datapath, "netdev");

    /* Also when the user names the same one. */
    expect_bridge("br0", "netdev");
    expect_gateway_port(net_b);
    create_network_more(net_b, ", 'Options': {'com.docker.network.generic': "
                        "{'ovs.bridge': 'br0', 'ovs.vlan': '20', "
                        "'ovs.datapath': 'netdev'}}");
    assert_string_equal(state_network_find(net_b)->cfg.datapath, "netdev");
}

static void
test_create_network_bridge_is_a_device(void **state OVS_UNUSED)
{
    /* "eth1" is no OVS bridge, but a network device of the host: OVS would
     * make a bridge whose own port fails.  Refused, nothing changes. */
    existing_link = "eth1";
    expect_bridge("eth1", NULL);
    struct http_request *req = call(CREATE_NETWORK, "{'NetworkID': '%s', "
                                    "'Options': {'com.docker.network."
                                    "generic': {'ovs.bridge': 'eth1'}}}",
                                    net_a);
    assert_error(req, 409, "ovs.bridge=eth1", "not an Open vSwitch bridge");
    assert_null(state_network_find(net_a));

    /* A veth is no better. */
    existing_link = "br9";
    existing_kind = "veth";
    expect_bridge("br9", NULL);
    req = call(CREATE_NETWORK, "{'NetworkID': '%s', 'Options': "
               "{'com.docker.network.generic': {'ovs.bridge': 'br9'}}}",
               net_a);
    assert_error(req, 409, "ovs.bridge=br9", "not an Open vSwitch bridge");
    assert_null(state_network_find(net_a));
}

static void
test_create_network_bridge_device_lingers(void **state OVS_UNUSED)
{
    /* "docker network rm" then "create" with the same ovs.bridge: the
     * Bridge row is gone, but ovs-vswitchd has not yet removed the bridge's
     * own device (a tap on the userspace datapath, an "openvswitch" link on
     * the kernel's).  That name is free. */
    static const char *kinds[] = { "tun", "openvswitch" };
    const char *nets[] = { net_a, net_b };

    for (size_t i = 0; i < ARRAY_SIZE(kinds); i++) {
        existing_link = "br0";
        existing_kind = kinds[i];
        expect_bridge("br0", NULL);
        if (!i) {
            /* The second takes the first one's. */
            expect_default_datapath("netdev");
        }
        expect_gateway_port(nets[i]);
        char *more = xasprintf(", 'Options': {'com.docker.network."
                               "generic': {'ovs.bridge': 'br0', 'ovs.vlan': "
                               "'%d'}}", (int) i + 10);
        create_network_more(nets[i], more);
        free(more);
        assert_non_null(state_network_find(nets[i]));
    }
}

static void
test_create_network_vlan_conflict(void **state OVS_UNUSED)
{
    struct http_request *req;

    /* Untagged on br0. */
    expect_bridge("br0", "system");
    expect_gateway_port(net_a);
    create_network_more(net_a, ", 'Options': {'com.docker.network.generic': "
                        "{'ovs.bridge': 'br0'}}");

    /* Another untagged network on br0 would share its broadcast domain. */
    expect_bridge("br0", "system");
    req = call(CREATE_NETWORK, "{'NetworkID': '%s', 'Options': "
               "{'com.docker.network.generic': {'ovs.bridge': 'br0'}}}",
               net_b);
    assert_error(req, 409, "br0", net_a);
    assert_null(state_network_find(net_b));

    /* VLAN 10 on br0 is free... */
    expect_bridge("br0", "system");
    expect_gateway_port(net_c);
    create_network_more(net_c, ", 'Options': {'com.docker.network.generic': "
                        "{'ovs.bridge': 'br0', 'ovs.vlan': '10'}}");

    /* ...once. */
    expect_bridge("br0", "system");
    req = call(CREATE_NETWORK, "{'NetworkID': '%s', 'Options': "
               "{'com.docker.network.generic': {'ovs.bridge': 'br0', "
               "'ovs.vlan': '10'}}}", net_d);
    assert_error(req, 409, "br0", net_c, "10");
    assert_null(state_network_find(net_d));

    /* VLAN 10 on another bridge is fine. */
    expect_bridge("br1", NULL);
    expect_default_datapath("system");
    expect_gateway_port(net_e);
    create_network_more(net_e, ", 'Options': {'com.docker.network.generic': "
                        "{'ovs.bridge': 'br1', 'ovs.vlan': '10'}}");
    assert_int_equal(hmap_count(state_networks()), 3);
}

static void
test_create_network_datapath_conflict(void **state OVS_UNUSED)
{
    struct http_request *req;

    /* A bridge in OVSDB. */
    expect_bridge("br0", "system");
    req = call(CREATE_NETWORK, "{'NetworkID': '%s', 'Options': "
               "{'com.docker.network.generic': {'ovs.bridge': 'br0', "
               "'ovs.datapath': 'netdev'}}}", net_a);
    assert_error(req, 409, "ovs.datapath", "netdev", "br0", "system");
    assert_null(state_network_find(net_a));

    /* A bridge that a network is about to create. */
    expect_bridge("br1", NULL);
    expect_gateway_port(net_b);
    create_network_more(net_b, ", 'Options': {'com.docker.network.generic': "
                        "{'ovs.bridge': 'br1', 'ovs.datapath': 'netdev'}}");

    expect_bridge("br1", NULL);
    req = call(CREATE_NETWORK, "{'NetworkID': '%s', 'Options': "
               "{'com.docker.network.generic': {'ovs.bridge': 'br1', "
               "'ovs.vlan': '5', 'ovs.datapath': 'system'}}}", net_c);
    assert_error(req, 409, "system", "br1", "netdev");
    assert_null(state_network_find(net_c));

    /* Without ovs.datapath, the bridge's own is used. */
    expect_bridge("br1", NULL);
    expect_gateway_port(net_c);
    create_network_more(net_c, ", 'Options': {'com.docker.network.generic': "
                        "{'ovs.bridge': 'br1', 'ovs.vlan': '5'}}");
    assert_string_equal(state_network_find(net_c)->cfg.datapath, "netdev");
}

static void
test_create_network_gateway_collision(void **state OVS_UNUSED)
{
    /* Two IDs with the same first NAMES_ID_DIGITS digits would share a
     * gateway port. */
    char twin[65];

    create_network(net_a);
    memcpy(twin, net_a, NAMES_ID_DIGITS);
    memset(twin + NAMES_ID_DIGITS, 'f', 64 - NAMES_ID_DIGITS);
    twin[64] = '\0';

    /* Their default bridges collide too: the second network takes the
     * datapath of the first's bridge, and avoids it by its VLAN. */
    expect_bridge(keep(names_bridge(twin)), NULL);
    struct http_request *req = call(CREATE_NETWORK, "{'NetworkID': '%s', "
                                    "'Options': {'com.docker.network."
                                    "generic': {'ovs.vlan': '7'}}}", twin);
    assert_error(req, 409, twin, net_a);
    assert_null(state_network_find(twin));
}

static void
test_create_network_foreign_port(void **state OVS_UNUSED)
{
    /* Someone else's port already has the gateway port's name. */
    const char *gw = keep(names_gateway(net_a));

    expect_bridge(keep(names_bridge(net_a)), NULL);
    expect_default_datapath("system");
    expect_foreign_port(gw, true);
    struct http_request *req = call(CREATE_NETWORK, "{'NetworkID': '%s'}",
                                    net_a);
    assert_error(req, 409, gw);
    assert_null(state_network_find(net_a));
}

static void
test_create_network_timeout(void **state OVS_UNUSED)
{
    driver_init(TINY_TIMEOUT_MS, false);
    expect_new_network(net_a);
    struct http_request *req = call(CREATE_NETWORK, "{'NetworkID': '%s'}",
                                    net_a);
    let_time_pass();
    driver_run();
    assert_error(req, 503, "CreateNetwork", "committed");

    /* Rolled back, so that Docker may try again. */
    assert_null(state_network_find(net_a));
}

static void
test_create_network_timeout_disconnected(void **state OVS_UNUSED)
{
    driver_init(TINY_TIMEOUT_MS, false);
    connected = false;
    expect_new_network(net_a);
    struct http_request *req = call(CREATE_NETWORK, "{'NetworkID': '%s'}",
                                    net_a);
    let_time_pass();
    driver_run();
    assert_error(req, 503, "CreateNetwork", "not reachable");
    assert_null(state_network_find(net_a));
}

static void
test_create_network_after_timeout(void **state OVS_UNUSED)
{
    driver_init(TINY_TIMEOUT_MS, false);
    expect_new_network(net_a);
    struct http_request *req = call(CREATE_NETWORK, "{'NetworkID': '%s'}",
                                    net_a);
    let_time_pass();
    driver_run();
    assert_error(req, 503, "CreateNetwork");

    /* Docker may try again: it starts afresh. */
    driver_init(TEST_TIMEOUT_MS, false);
    expect_new_network(net_a);
    create_network_more(net_a, "");
    assert_non_null(state_network_find(net_a));
}

static void
test_create_network_retry_outlives_rollback(void **state OVS_UNUSED)
{
    /* The first call times out and rolls the network back while a retry of
     * it is still waiting: the retry must not then report success for a
     * network that no longer exists. */
    driver_init(TINY_TIMEOUT_MS, false);
    expect_new_network(net_a);
    struct http_request *req1 = call(CREATE_NETWORK, "{'NetworkID': '%s'}",
                                     net_a);
    driver_init(TEST_TIMEOUT_MS, false);
    struct http_request *req2 = call(CREATE_NETWORK, "{'NetworkID': '%s'}",
                                     net_a);
    let_time_pass();
    driver_run();
    assert_error(req1, 503, "CreateNetwork");
    assert_null(state_network_find(net_a));
    assert_pending(req2);

    catch_up();
    driver_run();
    if (req2->n_replies && req2->status == 200) {
        if (!state_network_find(net_a)) {
            fail_msg("CreateNetwork answered %s, but network %s is not in "
                     "the desired state", req2->reply, net_a);
        }
    }
}

/* Tunnel networks: their MTU, and what carries vxlan. */

static void
test_tunnel_mtu(void **state OVS_UNUSED)
{
    /* The smallest route MTU to a peer, less GRE over IPv4 (42 bytes). */
    expect_new_network(net_a);
    expect_peer_route("192.0.2.2", 0, 1500);
    expect_peer_route("2001:db8::3", 0, 9000);
    create_network_with(net_a, "'ovs.tunnel': 'gre', 'ovs.vni': '7', "
                        "'ovs.peers': '192.0.2.2,2001:db8::3'");
    assert_int_equal(state_network_find(net_a)->cfg.mtu, 1500 - 42);

    /* Geneve over IPv6 takes 20 bytes more than over IPv4 (50). */
    expect_new_network(net_b);
    expect_peer_route("192.0.2.2", 0, 1500);
    expect_peer_route("2001:db8::3", 0, 1500);
    create_network_with(net_b, "'ovs.tunnel': 'geneve', 'ovs.vni': '8', "
                        "'ovs.peers': '192.0.2.2,2001:db8::3'");
    assert_int_equal(state_network_find(net_b)->cfg.mtu, 1500 - 50 - 20);

    /* An MTU given that does not fit is refused, with the figures. */
    expect_new_network(net_c);
    expect_peer_route("192.0.2.2", 0, 1500);
    struct http_request *req;
    req = call_create_network(net_c, "'ovs.tunnel': 'gre', 'ovs.vni': '9', "
                              "'ovs.peers': '192.0.2.2', "
                              "'" NETOPTS_MTU "': '1459'");
    assert_error(req, 400, "1459", "1458", "192.0.2.2");
    assert_null(state_network_find(net_c));

    /* One that fits is kept. */
    expect_new_network(net_c);
    expect_peer_route("192.0.2.2", 0, 1500);
    create_network_with(net_c, "'ovs.tunnel': 'gre', 'ovs.vni': '9', "
                        "'ovs.peers': '192.0.2.2', "
                        "'" NETOPTS_MTU "': '1400'");
    assert_int_equal(state_network_find(net_c)->cfg.mtu, 1400);
}

static void
test_tunnel_local_peer(void **state OVS_UNUSED)
{
    /* This host is in the peer list of every host: its route is neither
     * looked up nor counted. */
    expect_new_network(net_a);
    expect_local_peer("192.0.2.1");
    expect_peer_route("192.0.2.2", 0, 1400);
    create_network_with(net_a, "'ovs.tunnel': 'gre', 'ovs.vni': '7', "
                        "'ovs.peers': '192.0.2.1,192.0.2.2'");
    assert_int_equal(state_network_find(net_a)->cfg.mtu, 1400 - 42);

    /* No other peer yet: an underlay of 1500 is assumed. */
    expect_new_network(net_b);
    expect_local_peer("192.0.2.1");
    create_network_with(net_b, "'ovs.tunnel': 'gre', 'ovs.vni': '8', "
                        "'ovs.peers': '192.0.2.1'");
    assert_int_equal(state_network_find(net_b)->cfg.mtu, 1500 - 42);
}

static void
test_tunnel_no_route(void **state OVS_UNUSED)
{
    expect_new_network(net_a);
    expect_peer_route("192.0.2.2", 0, 1500);
    expect_peer_route("192.0.2.3", ENETUNREACH, 0);
    struct http_request *req;
    req = call_create_network(net_a, "'ovs.tunnel': 'gre', 'ovs.vni': '7', "
                              "'ovs.peers': '192.0.2.2,192.0.2.3'");
    assert_error(req, 400, "ovs.peers", "no route", "192.0.2.3",
                 ovs_strerror(ENETUNREACH));
    assert_null(state_network_find(net_a));
}

static void
test_vxlan_device_auto(void **state OVS_UNUSED)
{
    static const struct {
        const char *datapath;   /* The default datapath. */
        bool kernel_vxlan;      /* Whether the kernel has VXLAN devices. */
        enum state_vxlan_device device;   /* What carries the tunnel. */
    } cases[] = {
        /* Userspace: a kernel device if there can be one. */
        { "netdev", true, STATE_VXLAN_KERNEL },
        { "netdev", false, STATE_VXLAN_OVS },
        /* Kernel datapath: OVS's port, which is the kernel's VXLAN. */
        { "system", true, STATE_VXLAN_OVS },
        { "system", false, STATE_VXLAN_OVS },
    };

    for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
        expect_new_network_on(net_a, cases[i].datapath);
        if (!strcmp(cases[i].datapath, "netdev")) {
            /* Only there does the answer matter. */
            expect_vxlan_supported(cases[i].kernel_vxlan);
        }
        expect_peer_route("192.0.2.2", 0, 1500);
        create_network_with(net_a, "'ovs.tunnel': 'vxlan', 'ovs.vni': '7', "
                            "'ovs.peers': '192.0.2.2'");

        const struct state_network *net = state_network_find(net_a);
        assert_string_equal(net->cfg.datapath, cases[i].datapath);
        assert_int_equal(net->cfg.vxlan_device, cases[i].device);
        assert_int_equal(net->cfg.mtu, 1500 - 50);

        struct http_request *req = call(DELETE_NETWORK,
                                        "{'NetworkID': '%s'}", net_a);
        catch_up();
        driver_run();
        assert_reply(req, 200, "{}");
    }
}

static void
test_vxlan_device_follows_other(void **state OVS_UNUSED)
{
    /* Open vSwitch's ports, chosen, on the userspace datapath (no need to
     * ask the kernel). */
    expect_new_network_on(net_a, "netdev");
    expect_peer_route("192.0.2.2", 0, 1500);
    create_network_with(net_a, "'ovs.tunnel': 'vxlan', 'ovs.vni': '7', "
                        "'ovs.peers': '192.0.2.2', "
                        "'ovs.vxlan_device': 'ovs'");
    assert_int_equal(state_network_find(net_a)->cfg.vxlan_device,
                     STATE_VXLAN_OVS);

    /* The next vxlan network would get a kernel device on its own, but
     * both kinds take UDP port 4789: it gets what the first has. */
    expect_new_network_on(net_b, "netdev");
    expect_peer_route("192.0.2.2", 0, 1500);
    create_network_with(net_b, "'ovs.tunnel': 'vxlan', 'ovs.vni': '8', "
                        "'ovs.peers': '192.0.2.2'");
    assert_int_equal(state_network_find(net_b)->cfg.vxlan_device,
                     STATE_VXLAN_OVS);

    /* Asking for the other kind is a conflict (with either network). */
    expect_new_network_on(net_c, "netdev");
    expect_vxlan_supported(true);
    struct http_request *req;
    req = call_create_network(net_c, "'ovs.tunnel': 'vxlan', 'ovs.vni': '9', "
                              "'ovs.peers': '192.0.2.2', "
                              "'ovs.vxlan_device': 'kernel'");
    assert_error(req, 409, "ovs.vxlan_device=kernel", "has ovs",
                 "ovs.vxlan_device=ovs");
    assert_null(state_network_find(net_c));
}

static void
test_vxlan_device_mixed_families(void **state OVS_UNUSED)
{
    static const char peers[] = "'ovs.tunnel': 'vxlan', 'ovs.vni': '7', "
                                "'ovs.peers': '192.0.2.2,2001:db8::2'";
    struct http_request *req;

    /* A kernel VXLAN device is IPv4 or IPv6: refused, asked for... */
    expect_new_network_on(net_a, "netdev");
    expect_vxlan_supported(true);
    req = call_create_network(net_a, keep(xasprintf(
                                  "%s, 'ovs.vxlan_device': 'kernel'", peers)));
    assert_error(req, 400, "ovs.peers", "ovs.vxlan_device=kernel",
                 "mix IPv4 and IPv6");
    assert_null(state_network_find(net_a));

    /* ...and not chosen: Open vSwitch's ports, one per peer, can. */
    expect_new_network_on(net_a, "netdev");
    expect_peer_route("192.0.2.2", 0, 1500);
    expect_peer_route("2001:db8::2", 0, 1500);
    create_network_with(net_a, peers);
    assert_int_equal(state_network_find(net_a)->cfg.vxlan_device,
                     STATE_VXLAN_OVS);
    assert_int_equal(state_network_find(net_a)->cfg.mtu, 1500 - 50 - 20);
}

static void
test_vxlan_device_kernel_unsupported(void **state OVS_UNUSED)
{
    static const char options[] = "'ovs.tunnel': 'vxlan', 'ovs.vni': '7', "
                                  "'ovs.peers': '192.0.2.2', "
                                  "'ovs.vxlan_device': 'kernel'";

    expect_new_network_on(net_a, "netdev");
    expect_vxlan_supported(false);
    assert_error(call_create_network(net_a, options), 400,
                 "ovs.vxlan_device=kernel", "cannot create VXLAN devices",
                 "ovs.vxlan_device=ovs");
    assert_null(state_network_find(net_a));

    /* With a kernel that has them, the same works. */
    expect_new_network_on(net_a, "netdev");
    expect_vxlan_supported(true);
    expect_peer_route("192.0.2.2", 0, 1500);
    create_network_with(net_a, options);
    assert_int_equal(state_network_find(net_a)->cfg.vxlan_device,
                     STATE_VXLAN_KERNEL);
}

/* CreateEndpoint. */

static void
test_create_endpoint_unknown_network(void **state OVS_UNUSED)
{
    struct http_request *req = call(CREATE_ENDPOINT, "{'NetworkID': '%s', "
                                    "'EndpointID': '%s', 'Interface': "
                                    "{'Address': '10.0.0.2/24'}}",
                                    net_a, ep_1);
    assert_error(req, 404, net_a);
    assert_true(hmap_is_empty(state_endpoints()));
}

/* Checks that 's' is a unicast, locally administered MAC address, and
 * returns it in 'mac'. */
static void
assert_local_mac(const char *s, struct eth_addr *mac)
{
    assert_non_null(s);
    assert_true(eth_addr_from_string(s, mac));
    assert_true(mac->ea[0] & 0x02);
    assert_false(eth_addr_is_multicast(*mac));
    assert_false(eth_addr_is_zero(*mac));
}

static void
test_create_endpoint_generated_mac(void **state OVS_UNUSED)
{
    struct http_request *req;
    struct eth_addr mac1, mac2, mac3;
    const char *s;

    create_network(net_a);

    /* Docker left MacAddress empty: the reply fills it in, and only it. */
    req = create_endpoint(net_a, ep_1, "{'Address': '10.0.0.2/24', "
                          "'AddressIPv6': '', 'MacAddress': ''}");
    s = reply_get_string(req, "Interface", "MacAddress");
    assert_local_mac(s, &mac1);
    assert_reply(req, 200, keep(xasprintf("{'Interface': "
                                          "{'MacAddress': '%s'}}", s)));

    /* It is the endpoint's MAC. */
    assert_true(eth_addr_equals(state_endpoint_find(ep_1)->mac, mac1));
    req = call(OPER_INFO, "{'NetworkID': '%s', 'EndpointID': '%s'}",
               net_a, ep_1);
    assert_string_equal(reply_get_string(
                            req, "Value",
                            "com.docker.network.endpoint.macaddress"), s);

    /* No MacAddress, or no Interface at all, is the same. */
    req = create_endpoint(net_a, ep_2, "{'Address': '10.0.0.3/24'}");
    assert_local_mac(reply_get_string(req, "Interface", "MacAddress"),
                     &mac2);
    req = create_endpoint(net_a, ep_3, "null");
    assert_local_mac(reply_get_string(req, "Interface", "MacAddress"),
                     &mac3);
    assert_false(eth_addr_equals(mac1, mac2));
    assert_false(eth_addr_equals(mac1, mac3));
    assert_false(eth_addr_equals(mac2, mac3));
}

static void
test_create_endpoint_given_mac(void **state OVS_UNUSED)
{
    create_network(net_a);

    struct http_request *req = create_endpoint(
        net_a, ep_1, "{'Address': '10.0.0.2/24', "
        "'MacAddress': '02:42:0a:00:00:02'}");
    assert_reply(req, 200, "{}");

    req = call(OPER_INFO, "{'NetworkID': '%s', 'EndpointID': '%s'}",
               net_a, ep_1);
    assert_reply(req, 200, "{'Value': {"
                 "'com.docker.network.endpoint.macaddress': "
                 "'02:42:0a:00:00:02', 'ovs.bridge': 'ovsbr-aaaaaaa1a', "
                 "'ovs.port': 'ovsep-111111111'}}");
}

static void
test_create_endpoint_waits_for_ofport(void **state OVS_UNUSED)
{
    create_network(net_a);

    struct http_request *req = call(CREATE_ENDPOINT, "{'NetworkID': '%s', "
                                    "'EndpointID': '%s', 'Interface': "
                                    "{'Address': '10.0.0.2/24'}}",
                                    net_a, ep_1);
    /* Not committed: the interface is not even looked at. */
    driver_run();
    assert_pending(req);

    catch_up();
    expect_interface(ep_1, false, 0, NULL);     /* No Interface row yet. */
    driver_run();
    assert_pending(req);

    expect_interface(ep_1, true, 0, NULL);      /* No ofport yet. */
    driver_run();
    assert_pending(req);

    expect_interface(ep_1, true, 7, NULL);
    driver_run();
    assert_status_at(__FILE__, __LINE__, req, 200);
    assert_non_null(reply_get_string(req, "Interface", "MacAddress"));
    assert_non_null(state_endpoint_find(ep_1));
}

static void
test_create_endpoint_ofport_error(void **state OVS_UNUSED)
{
    static const char error[] = "could not open network device "
                                "ovsep-111111111 (No such device)";

    create_network(net_a);
    struct http_request *req = call(CREATE_ENDPOINT, "{'NetworkID': '%s', "
                                    "'EndpointID': '%s', 'Interface': "
                                    "{'Address': '10.0.0.2/24'}}",
                                    net_a, ep_1);
    catch_up();
    expect_interface(ep_1, true, -1, error);
    driver_run();
    assert_error(req, 500, error, "ovsep-111111111");

    /* The endpoint is gone, its network is not. */
    assert_null(state_endpoint_find(ep_1));
    assert_error(call(OPER_INFO, "{'NetworkID': '%s', 'EndpointID': '%s'}",
                      net_a, ep_1), 404, ep_1);
    assert_non_null(state_network_find(net_a));

    /* Without an error text from ovs-vswitchd. */
    req = call(CREATE_ENDPOINT, "{'NetworkID': '%s', 'EndpointID': '%s'}",
               net_a, ep_2);
    catch_up();
    expect_interface(ep_2, true, -1, NULL);
    driver_run();
    assert_error(req, 500, "ovsep-222222222");
    assert_null(state_endpoint_find(ep_2));
}

static void
test_create_endpoint_timeout(void **state OVS_UNUSED)
{
    create_network(net_a);

    driver_init(TINY_TIMEOUT_MS, false);
    struct http_request *req = call(CREATE_ENDPOINT, "{'NetworkID': '%s', "
                                    "'EndpointID': '%s', 'Interface': "
                                    "{'Address': '10.0.0.2/24'}}",
                                    net_a, ep_1);
    catch_up();
    let_time_pass();
    expect_interface(ep_1, true, 0, NULL);
    driver_run();
    assert_error(req, 503, "CreateEndpoint", "ovs-vswitchd");
    assert_null(state_endpoint_find(ep_1));
    assert_non_null(state_network_find(net_a));

    /* Never committed, with the database gone. */
    connected = false;
    req = call(CREATE_ENDPOINT, "{'NetworkID': '%s', 'EndpointID': '%s'}",
               net_a, ep_2);
    let_time_pass();
    driver_run();
    assert_error(req, 503, "CreateEndpoint", "not reachable");
    assert_null(state_endpoint_find(ep_2));
}

static void
test_create_endpoint_reconcile_error(void **state OVS_UNUSED)
{
    create_network(net_a);
    struct http_request *req = call(CREATE_ENDPOINT, "{'NetworkID': '%s', "
                                    "'EndpointID': '%s'}", net_a, ep_1);

    /* What netns/link-sync does when it cannot make the veth pair. */
    state_endpoint_find(ep_1)->error
        = xstrdup("ovsep-111111111: File exists");
    driver_run();
    assert_error(req, 500, "ovsep-111111111: File exists");
    assert_null(state_endpoint_find(ep_1));
}

static void
test_create_endpoint_deleted_meanwhile(void **state OVS_UNUSED)
{
    create_network(net_a);

    struct http_request *create, *delete;
    create = call(CREATE_ENDPOINT, "{'NetworkID': '%s', 'EndpointID': '%s'}",
                  net_a, ep_1);
    delete = call(DELETE_ENDPOINT, "{'NetworkID': '%s', 'EndpointID': '%s'}",
                  net_a, ep_1);
    driver_run();
    assert_error(create, 409, "deleted");
    assert_pending(delete);
    catch_up();
    driver_run();
    assert_reply(delete, 200, "{}");

    /* Its network, likewise. */
    create = call(CREATE_ENDPOINT, "{'NetworkID': '%s', 'EndpointID': '%s'}",
                  net_a, ep_2);
    delete = call(DELETE_NETWORK, "{'NetworkID': '%s'}", net_a);
    catch_up();
    driver_run();
    assert_error(create, 409, "deleted");
    assert_reply(delete, 200, "{}");
    assert_true(hmap_is_empty(state_endpoints()));
}

/* Makes a CreateEndpoint call of ep_1 on net_a with Interface 'iface' (with
 * ' for ") and checks that it fails with 400 and an error that mentions
 * 'what' and 'value'. */
static void
check_bad_interface(int line, const char *iface, const char *what,
                    const char *value)
{
    struct http_request *req = call(CREATE_ENDPOINT, "{'NetworkID': '%s', "
                                    "'EndpointID': '%s', 'Interface': %s}",
                                    net_a, ep_1, iface);
    assert_error_at(__FILE__, line, req, 400, what, value, NULL);
}
#define CHECK_BAD_INTERFACE(IFACE, WHAT, VALUE) \
    check_bad_interface(__LINE__, IFACE, WHAT, VALUE)

static void
test_create_endpoint_bad_interface(void **state OVS_UNUSED)
{
    create_network(net_a);

    CHECK_BAD_INTERFACE("'eth0'", "Interface", "");
    CHECK_BAD_INTERFACE("[]", "Interface", "");

    CHECK_BAD_INTERFACE("{'Address': '10.0.0.2'}",
                        "Interface.Address", "10.0.0.2");
    CHECK_BAD_INTERFACE("{'Address': '10.0.0.300/24'}",
                        "Interface.Address", "10.0.0.300/24");
    CHECK_BAD_INTERFACE("{'Address': 'fd00::2/64'}",
                        "Interface.Address", "fd00::2/64");
    CHECK_BAD_INTERFACE("{'Address': 'garbage'}",
                        "Interface.Address", "garbage");
    CHECK_BAD_INTERFACE("{'Address': 5}", "Address", "");
    CHECK_BAD_INTERFACE("{'AddressIPv6': '10.0.0.2/24'}",
                        "Interface.AddressIPv6", "10.0.0.2/24");
    CHECK_BAD_INTERFACE("{'AddressIPv6': 'fd00::2'}",
                        "Interface.AddressIPv6", "fd00::2");

    CHECK_BAD_INTERFACE("{'MacAddress': '01:00:5e:00:00:01'}",
                        "MacAddress", "01:00:5e:00:00:01");
    CHECK_BAD_INTERFACE("{'MacAddress': '33:33:00:00:00:01'}",
                        "MacAddress", "33:33:00:00:00:01");
    CHECK_BAD_INTERFACE("{'MacAddress': 'ff:ff:ff:ff:ff:ff'}",
                        "MacAddress", "ff:ff:ff:ff:ff:ff");
    CHECK_BAD_INTERFACE("{'MacAddress': '00:00:00:00:00:00'}",
                        "MacAddress", "00:00:00:00:00:00");
    CHECK_BAD_INTERFACE("{'MacAddress': 'garbage'}",
                        "MacAddress", "garbage");
    CHECK_BAD_INTERFACE("{'MacAddress': '02:42:0a:00:00'}",
                        "MacAddress", "02:42:0a:00:00");
    CHECK_BAD_INTERFACE("{'MacAddress': 2}", "MacAddress", "");

    assert_true(hmap_is_empty(state_endpoints()));
}

static void
test_create_endpoint_mac_trailing_garbage(void **state OVS_UNUSED)
{
    /* A MAC followed by anything else is not a MAC. */
    create_network(net_a);

    CHECK_BAD_INTERFACE("{'MacAddress': '02:42:0a:00:00:02:03'}",
                        "MacAddress", "02:42:0a:00:00:02:03");
    CHECK_BAD_INTERFACE("{'MacAddress': '02:42:0a:00:00:02 x'}",
                        "MacAddress", "02:42:0a:00:00:02 x");
    assert_true(hmap_is_empty(state_endpoints()));
}

static void
test_create_endpoint_again(void **state OVS_UNUSED)
{
    create_network(net_a);

    struct http_request *req = create_endpoint(net_a, ep_1, "{'Address': "
                                               "'10.0.0.2/24'}");
    const char *mac = reply_get_string(req, "Interface", "MacAddress");

    /* The same call again gets the same answer. */
    req = create_endpoint(net_a, ep_1, "{'Address': '10.0.0.2/24'}");
    assert_string_equal(reply_get_string(req, "Interface", "MacAddress"),
                        mac);
    assert_int_equal(hmap_count(state_endpoints()), 1);

    /* The same endpoint on another network is a conflict. */
    create_network(net_b);
    req = call(CREATE_ENDPOINT, "{'NetworkID': '%s', 'EndpointID': '%s'}",
               net_b, ep_1);
    assert_error(req, 409, ep_1, net_a);
    assert_string_equal(state_endpoint_find(ep_1)->network_id, net_a);
}

static void
test_create_endpoint_port_collision(void **state OVS_UNUSED)
{
    /* Two endpoint IDs with the same first NAMES_ID_DIGITS digits would
     * share a port and a veth pair: as with networks' gateway ports, the
     * second must be refused. */
    char twin[65];

    create_network(net_a);
    create_endpoint(net_a, ep_1, "{'Address': '10.0.0.2/24'}");

    memcpy(twin, ep_1, NAMES_ID_DIGITS);
    memset(twin + NAMES_ID_DIGITS, 'f', 64 - NAMES_ID_DIGITS);
    twin[64] = '\0';
    struct http_request *req = call(CREATE_ENDPOINT, "{'NetworkID': '%s', "
                                    "'EndpointID': '%s', 'Interface': "
                                    "{'Address': '10.0.0.3/24'}}",
                                    net_a, twin);
    assert_error(req, 409, twin, ep_1);
}

static void
test_create_network_waits_for_gateway(void **state OVS_UNUSED)
{
    /* The bridge and gateway port are committed, but ovs-vswitchd has not
     * added the port yet: no answer; then it has: {}. */
    expect_new_network(net_a);
    struct http_request *req = call(CREATE_NETWORK, "{'NetworkID': '%s'}",
                                    net_a);
    gateway_ofport = 0;
    catch_up();
    driver_run();
    assert_pending(req);

    /* Added, but without its addresses yet: no answer. */
    gateway_ofport = 1;
    driver_run();
    assert_pending(req);

    configure_gateways();
    driver_run();
    assert_reply(req, 200, "{}");
}

static void
test_create_network_gateway_error(void **state OVS_UNUSED)
{
    /* ovs-vswitchd could not add the gateway port (say, the bridge could not
     * be created): the call fails with OVS's words, the network is gone. */
    expect_new_network(net_a);
    struct http_request *req = call(CREATE_NETWORK, "{'NetworkID': '%s'}",
                                    net_a);
    gateway_ofport = -1;
    gateway_error = "could not open network device (No such device)";
    catch_up();
    driver_run();
    assert_error(req, 500, "No such device", "ovsgw-");
    assert_null(state_network_find(net_a));
}

static void
test_create_endpoint_foreign_port(void **state OVS_UNUSED)
{
    /* A port of that name that is not ovsnet's: refused, nothing added. */
    char *port = names_port(ep_1);

    create_network(net_a);
    foreign_endpoint_port = port;
    struct http_request *req = call(CREATE_ENDPOINT, "{'NetworkID': '%s', "
                                    "'EndpointID': '%s', 'Interface': "
                                    "{'Address': '10.0.0.3/24'}}",
                                    net_a, ep_1);
    foreign_endpoint_port = NULL;
    assert_error(req, 409, port, "not ovsnet's");
    assert_null(state_endpoint_find(ep_1));
    free(port);
}

/* Join. */

static void
test_join(void **state OVS_UNUSED)
{
    struct http_request *req;

    expect_new_network(net_a);
    create_network_more(
        net_a, ", 'Options': {'com.docker.network.enable_ipv6': true}, "
        "'IPv4Data': [{'Pool': '10.1.0.0/24', 'Gateway': '10.1.0.1/24'}, "
        "{'Pool': '10.2.0.0/16', 'Gateway': '10.2.0.1/16'}], "
        "'IPv6Data': [{'Pool': 'fd00:1::/64', 'Gateway': 'fd00:1::1/64'}, "
        "{'Pool': 'fd00:2::/64', 'Gateway': 'fd00:2::1/64'}]");
    create_endpoint(net_a, ep_1, "{'Address': '10.2.3.7/16', "
                    "'AddressIPv6': 'fd00:2::7/64'}");
    create_endpoint(net_a, ep_2, "{'Address': '10.1.0.8/24', "
                    "'AddressIPv6': 'fd00:1::8/64'}");

    /* The gateways of the pools the endpoint's addresses are in, without
     * their prefix lengths. */
    req = call(JOIN, "{'NetworkID': '%s', 'EndpointID': '%s', "
               "'SandboxKey': '/var/run/docker/netns/0123', "
               "'Options': {}}", net_a, ep_1);
    assert_reply(req, 200, "{'InterfaceName': {'SrcName': "
                 "'ovsct-111111111', 'DstPrefix': 'eth'}, "
                 "'Gateway': '10.2.0.1', 'GatewayIPv6': 'fd00:2::1'}");

    req = call(JOIN, "{'NetworkID': '%s', 'EndpointID': '%s'}",
               net_a, ep_2);
    assert_reply(req, 200, "{'InterfaceName': {'SrcName': "
                 "'ovsct-222222222', 'DstPrefix': 'eth'}, "
                 "'Gateway': '10.1.0.1', 'GatewayIPv6': 'fd00:1::1'}");

    /* Join changes nothing: it waits for nothing either. */
    assert_int_equal(hmap_count(state_endpoints()), 2);
}

static void
test_join_internal(void **state OVS_UNUSED)
{
    expect_new_network(net_a);
    create_network_more(
        net_a, ", 'Options': {'com.docker.network.internal': true}, "
        "'IPv4Data': [{'Pool': '10.1.0.0/24', 'Gateway': '10.1.0.1/24'}]");
    create_endpoint(net_a, ep_1, "{'Address': '10.1.0.7/24'}");

    struct http_request *req = call(JOIN, "{'NetworkID': '%s', "
                                    "'EndpointID': '%s'}", net_a, ep_1);
    assert_reply(req, 200, "{'InterfaceName': {'SrcName': "
                 "'ovsct-111111111', 'DstPrefix': 'eth'}}");
}

static void
test_join_no_gateway(void **state OVS_UNUSED)
{
    expect_new_network(net_a);
    create_network_more(net_a, ", 'IPv4Data': [{'Pool': '10.1.0.0/24'}]");
    create_endpoint(net_a, ep_1, "{'Address': '10.1.0.7/24'}");

    struct http_request *req = call(JOIN, "{'NetworkID': '%s', "
                                    "'EndpointID': '%s'}", net_a, ep_1);
    assert_reply(req, 200, "{'InterfaceName': {'SrcName': "
                 "'ovsct-111111111', 'DstPrefix': 'eth'}}");
}

static void
test_join_pool_without_gateway(void **state OVS_UNUSED)
{
    /* The endpoint's pool has no gateway: another pool's gateway is not
     * on its subnet, so Docker could not route through it. */
    expect_new_network(net_a);
    create_network_more(net_a, ", 'IPv4Data': [{'Pool': '10.1.0.0/24'}, "
                        "{'Pool': '10.2.0.0/24', 'Gateway': '10.2.0.1/24'}]");
    create_endpoint(net_a, ep_1, "{'Address': '10.1.0.7/24'}");

    struct http_request *req = call(JOIN, "{'NetworkID': '%s', "
                                    "'EndpointID': '%s'}", net_a, ep_1);
    assert_reply(req, 200, "{'InterfaceName': {'SrcName': "
                 "'ovsct-111111111', 'DstPrefix': 'eth'}}");
}

static void
test_join_unknown(void **state OVS_UNUSED)
{
    create_network(net_a);
    create_network(net_b);
    create_endpoint(net_a, ep_1, "{'Address': '10.0.0.2/24'}");

    assert_error(call(JOIN, "{'NetworkID': '%s', 'EndpointID': '%s'}",
                      net_a, ep_2), 404, ep_2);
    assert_error(call(JOIN, "{'NetworkID': '%s', 'EndpointID': '%s'}",
                      net_b, ep_1), 404, ep_1, net_b);
    assert_error(call(JOIN, "{'NetworkID': '%s', 'EndpointID': '%s'}",
                      net_c, ep_1), 404, ep_1);
}

/* Leave, external connectivity, EndpointOperInfo. */

static void
test_leave_and_external(void **state OVS_UNUSED)
{
    create_network(net_a);
    create_endpoint(net_a, ep_1, "{'Address': '10.0.0.2/24'}");

    /* Leave succeeds at once, known or not. */
    assert_reply(call(LEAVE, "{'NetworkID': '%s', 'EndpointID': '%s', "
                      "'Options': {}}", net_a, ep_1), 200, "{}");
    assert_reply(call(LEAVE, "{'NetworkID': '%s', 'EndpointID': '%s'}",
                      net_a, ep_2), 200, "{}");
    /* Leave does not remove the endpoint: DeleteEndpoint does. */
    assert_non_null(state_endpoint_find(ep_1));

    /* No ports to publish: nothing to commit. */
    struct http_request *req = call(PROGRAM, "{'NetworkID': '%s', "
                                    "'EndpointID': '%s', 'Options': {}}",
                                    net_a, ep_1);
    driver_run();
    assert_reply(req, 200, "{}");
    /* Revoke, known or not: success once committed. */
    req = call(REVOKE, "{'NetworkID': '%s', 'EndpointID': '%s'}",
               net_b, ep_3);
    driver_run();
    assert_reply(req, 200, "{}");

    /* Program of an endpoint ovsnet does not know. */
    assert_error(call(PROGRAM, "{'NetworkID': '%s', 'EndpointID': '%s'}",
                      net_a, ep_2), 404, ep_2);
}

/* Calls ProgramExternalConnectivity of 'ep' on 'net' with port map 'pm'
 * (JSON with '), and returns the call. */
static struct http_request *
program(const char *net, const char *ep, const char *pm)
{
    return call(PROGRAM, "{'NetworkID': '%s', 'EndpointID': '%s', "
                "'Options': {'com.docker.network.portmap': %s}}",
                net, ep, pm);
}

/* Provider networks (ovs.uplink). */

/* The body of a CreateNetwork of provider network 'id' on VLAN 'vlan' of
 * uplink eth2, bridge br-up, subnet 203.0.113.0/25 with the router
 * 203.0.113.1 as gateway, and the extra -o options 'more' (with '). */
static const char *
provider_body(const char *id, int vlan, const char *more)
{
    return keep(xasprintf("{'NetworkID': '%s', 'Options': "
                          "{'com.docker.network.generic': {'ovs.uplink': "
                          "'eth2', 'ovs.bridge': 'br-up', 'ovs.vlan': "
                          "'%d'%s}}, 'IPv4Data': [{'Pool': "
                          "'203.0.113.0/25', 'Gateway': '203.0.113.1/25'}]}",
                          id, vlan, more));
}

/* Creates provider network 'id' on VLAN 'vlan' (as provider_body()), the
 * first on br-up if 'first'. */
static void
create_provider(const char *id, int vlan, bool first)
{
    expect_bridge("br-up", first ? NULL : "system");
    if (first) {
        expect_default_datapath("system");
    }
    expect_gateway_port(id);
    struct http_request *req = call(CREATE_NETWORK, "%s",
                                    provider_body(id, vlan, ""));
    assert_pending(req);
    catch_up();
    driver_run();
    assert_reply(req, 200, "{}");
}

static void
test_provider_network(void **state OVS_UNUSED)
{
    uplink_name = "eth2";
    uplink_mtu = 1450;
    create_provider(net_a, 100, true);

    /* The uplink's MTU; no NAT; the host is not the gateway. */
    const struct state_network *net = state_network_find(net_a);
    assert_string_equal(net->cfg.uplink, "eth2");
    assert_int_equal(net->cfg.mtu, 1450);
    assert_false(net->cfg.nat);
    assert_false(state_netcfg_host_is_gateway(&net->cfg));

    /* The containers' gateway is the router. */
    create_endpoint(net_a, ep_1, "{'Address': '203.0.113.20/25'}");
    struct http_request *req = call(JOIN, "{'NetworkID': '%s', "
                                    "'EndpointID': '%s'}", net_a, ep_1);
    assert_reply(req, 200, "{'InterfaceName': {'SrcName': "
                 "'ovsct-111111111', 'DstPrefix': 'eth'}, "
                 "'Gateway': '203.0.113.1'}");

    /* Nothing to publish through: -p is refused, no -p is fine. */
    assert_error(program(net_a, ep_1, "[{'Proto': 6, 'Port': 80, "
                         "'HostPort': 8080}]"),
                 400, "provider network", "eth2",
                 "reachable at their own addresses");
    assert_int_equal(state_endpoint_find(ep_1)->n_ports, 0);
    req = program(net_a, ep_1, "[]");
    catch_up();
    driver_run();
    assert_reply(req, 200, "{}");

    /* Another VLAN of the same uplink. */
    create_provider(net_b, 200, false);
    assert_int_equal(hmap_count(state_networks()), 2);
}

static void
test_provider_network_waits_for_uplink(void **state OVS_UNUSED)
{
    uplink_name = "eth2";
    uplink_ofport = 0;          /* ovs-vswitchd has not added it yet. */
    expect_bridge("br-up", NULL);
    expect_default_datapath("system");
    expect_gateway_port(net_a);
    struct http_request *req = call(CREATE_NETWORK, "%s",
                                    provider_body(net_a, 100, ""));
    catch_up();
    driver_run();
    assert_pending(req);
    uplink_ofport = 1;
    driver_run();
    assert_reply(req, 200, "{}");

    /* ovs-vswitchd could not add it: OVS's reason, and no network. */
    uplink_ofport = -1;
    uplink_error = "could not open network device eth2 (No such device)";
    expect_bridge("br-up", "system");
    expect_gateway_port(net_b);
    req = call(CREATE_NETWORK, "%s", provider_body(net_b, 200, ""));
    catch_up();
    driver_run();
    assert_error(req, 500, "could not add uplink eth2",
                 "could not open network device eth2");
    assert_null(state_network_find(net_b));
}

static void
test_provider_network_refused(void **state OVS_UNUSED)
{
    /* No such interface. */
    assert_error(call(CREATE_NETWORK, "%s", provider_body(net_a, 100, "")),
                 400, "ovs.uplink=eth2", "no such interface");

    /* A port of a Linux bridge or bond. */
    uplink_name = "eth2";
    uplink_master = "bond0";
    assert_error(call(CREATE_NETWORK, "%s", provider_body(net_a, 100, "")),
                 409, "ovs.uplink=eth2", "a port of bond0");
    uplink_master = NULL;

    /* The host's address on it, unless the operator says so. */
    uplink_address = "192.0.2.5/24";
    assert_error(call(CREATE_NETWORK, "%s", provider_body(net_a, 100, "")),
                 409, "ovs.uplink=eth2", "192.0.2.5/24",
                 "ovs.uplink_force=true");
    assert_true(hmap_is_empty(state_networks()));
    expect_bridge("br-up", NULL);
    expect_default_datapath("system");
    expect_gateway_port(net_a);
    struct http_request *req = call(CREATE_NETWORK, "%s",
                                    provider_body(net_a, 100, ", "
                                                  "'ovs.uplink_force': "
                                                  "'true'"));
    catch_up();
    driver_run();
    assert_reply(req, 200, "{}");

    /* A VLAN already on the uplink; the uplink on another bridge. */
    uplink_address = NULL;
    assert_error(call(CREATE_NETWORK, "%s", provider_body(net_b, 100, "")),
                 409, "ovs.uplink=eth2", net_a, "VLAN 100");
    assert_error(call(CREATE_NETWORK, "%s",
                      provider_body(net_b, 200, ", 'ovs.bridge': 'br-x'")),
                 409, "ovs.uplink=eth2", net_a, "bridge br-up");
    assert_null(state_network_find(net_b));

    /* A larger MTU than the uplink's. */
    uplink_mtu = 1400;
    assert_error(call(CREATE_NETWORK, "%s",
                      provider_body(net_b, 200, ", 'com.docker.network."
                                    "driver.mtu': '1500'")),
                 400, "1500", "uplink eth2 has MTU 1400");
    assert_null(state_network_find(net_b));
}

static void
test_program_ports(void **state OVS_UNUSED)
{
    create_network(net_a);
    create_endpoint(net_a, ep_1, "{'Address': '10.0.0.2/24'}");
    create_endpoint(net_a, ep_2, "{'Address': '10.0.0.3/24'}");

    /* Published once committed. */
    struct http_request *req = program(
        net_a, ep_1, "[{'Proto': 6, 'IP': '', 'Port': 80, 'HostIP': '', "
        "'HostPort': 8080, 'HostPortEnd': 8080}, {'Proto': 17, 'Port': 53, "
        "'HostPort': 0, 'HostPortEnd': 0}]");
    const struct state_endpoint *ep = state_endpoint_find(ep_1);
    assert_int_equal(ep->n_ports, 2);
    assert_int_equal(ep->ports[0].host_port, 8080);
    assert_int_equal(ep->ports[1].host_port, STATE_PORT_MIN);
    driver_run();
    assert_pending(req);
    catch_up();
    driver_run();
    assert_reply(req, 200, "{}");

    /* Another endpoint: a port taken is refused and changes nothing; one
     * chosen by ovsnet is the next free one. */
    uint64_t seqno = state_seqno();
    assert_error(program(net_a, ep_2, "[{'Proto': 6, 'Port': 80, "
                         "'HostPort': 8080}]"), 409, "tcp/8080", ep_1);
    assert_int_equal(state_seqno(), seqno);
    assert_int_equal(state_endpoint_find(ep_2)->n_ports, 0);
    req = program(net_a, ep_2, "[{'Proto': 17, 'Port': 53, 'HostPort': 0}, "
                  "{'Proto': 6, 'Port': 80, 'HostPort': 8081, "
                  "'HostIP': '10.1.1.1'}]");
    catch_up();
    driver_run();
    assert_reply(req, 200, "{}");
    ep = state_endpoint_find(ep_2);
    assert_int_equal(ep->ports[0].host_port, STATE_PORT_MIN + 1);

    /* Bad maps. */
    assert_error(program(net_a, ep_2, "'80'"), 400, "portmap");
    assert_error(program(net_a, ep_2, "[{'Proto': 1, 'Port': 80}]"), 400,
                 "Proto=1");
    assert_error(program(net_a, ep_2, "[{'Proto': 6, 'Port': 80, "
                         "'HostIP': '2001:db8::1'}]"), 400, "IPv6");
    assert_int_equal(state_endpoint_find(ep_2)->n_ports, 2);

    /* Revoke drops them. */
    req = call(REVOKE, "{'NetworkID': '%s', 'EndpointID': '%s'}", net_a,
               ep_1);
    assert_int_equal(state_endpoint_find(ep_1)->n_ports, 0);
    catch_up();
    driver_run();
    assert_reply(req, 200, "{}");

    /* EndpointOperInfo shows them as Docker's PortBinding. */
    req = call(OPER_INFO, "{'NetworkID': '%s', 'EndpointID': '%s'}", net_a,
               ep_2);
    assert_int_equal(req->n_replies, 1);
    assert_non_null(strstr(req->reply, "\"com.docker.network.portmap\":[{"));
    assert_non_null(strstr(req->reply, "\"HostIP\":\"10.1.1.1\""));
}

/* Docker 29 sends RevokeExternalConnectivity only when an endpoint stops
 * being the gateway: Leave drops the published ports itself. */
static void
test_leave_removes_ports(void **state OVS_UNUSED)
{
    create_network(net_a);
    create_endpoint(net_a, ep_1, "{'Address': '10.0.0.2/24'}");

    /* Docker 28's extra key is accepted beside the port map. */
    struct http_request *req = call(
        PROGRAM, "{'NetworkID': '%s', 'EndpointID': '%s', 'Options': {"
        "'com.docker.network.driver.private.no_proxy_6to4': true, "
        "'com.docker.network.portmap': [{'Proto': 6, 'Port': 80, "
        "'HostPort': 8080}]}}", net_a, ep_1);
    catch_up();
    driver_run();
    assert_reply(req, 200, "{}");
    assert_int_equal(state_endpoint_find(ep_1)->n_ports, 1);

    /* Leave of another network's endpoint changes nothing. */
    uint64_t seqno = state_seqno();
    assert_reply(call(LEAVE, "{'NetworkID': '%s', 'EndpointID': '%s'}",
                      net_b, ep_1), 200, "{}");
    assert_int_equal(state_seqno(), seqno);
    assert_int_equal(state_endpoint_find(ep_1)->n_ports, 1);

    /* Leave without Revoke: the ports go, answered once committed. */
    req = call(LEAVE, "{'NetworkID': '%s', 'EndpointID': '%s'}", net_a,
               ep_1);
    assert_int_equal(state_endpoint_find(ep_1)->n_ports, 0);
    driver_run();
    assert_pending(req);
    catch_up();
    driver_run();
    assert_reply(req, 200, "{}");
    assert_non_null(state_endpoint_find(ep_1));

    /* A second Leave has nothing to remove: answered at once. */
    assert_reply(call(LEAVE, "{'NetworkID': '%s', 'EndpointID': '%s'}",
                      net_a, ep_1), 200, "{}");
}

static void
test_oper_info(void **state OVS_UNUSED)
{
    expect_bridge("br0", "system");
    expect_gateway_port(net_a);
    create_network_more(net_a, ", 'Options': {'com.docker.network.generic': "
                        "{'ovs.bridge': 'br0', 'ovs.vlan': '10'}}");
    create_endpoint(net_a, ep_1, "{'Address': '10.0.0.2/24', "
                    "'MacAddress': '02:42:0a:00:00:02'}");

    struct http_request *req = call(OPER_INFO, "{'NetworkID': '%s', "
                                    "'EndpointID': '%s'}", net_a, ep_1);
    assert_reply(req, 200, "{'Value': {"
                 "'com.docker.network.endpoint.macaddress': "
                 "'02:42:0a:00:00:02', 'ovs.bridge': 'br0', "
                 "'ovs.port': 'ovsep-111111111', 'ovs.vlan': '10'}}");

    assert_error(call(OPER_INFO, "{'NetworkID': '%s', 'EndpointID': '%s'}",
                      net_a, ep_2), 404, ep_2);
}

/* DeleteEndpoint and DeleteNetwork. */

static void
test_delete_endpoint(void **state OVS_UNUSED)
{
    create_network(net_a);
    create_endpoint(net_a, ep_1, "{'Address': '10.0.0.2/24'}");

    struct http_request *req = call(DELETE_ENDPOINT, "{'NetworkID': '%s', "
                                    "'EndpointID': '%s'}", net_a, ep_1);
    assert_null(state_endpoint_find(ep_1));
    driver_run();
    assert_pending(req);
    catch_up();
    driver_run();
    assert_reply(req, 200, "{}");
    assert_error(call(OPER_INFO, "{'NetworkID': '%s', 'EndpointID': '%s'}",
                      net_a, ep_1), 404, ep_1);
    assert_non_null(state_network_find(net_a));

    /* Again, and of IDs never seen: success. */
    req = call(DELETE_ENDPOINT, "{'NetworkID': '%s', 'EndpointID': '%s'}",
               net_a, ep_1);
    driver_run();
    assert_reply(req, 200, "{}");
    req = call(DELETE_ENDPOINT, "{'NetworkID': '%s', 'EndpointID': '%s'}",
               net_b, ep_2);
    driver_run();
    assert_reply(req, 200, "{}");
}

/* DeleteEndpoint answers once the endpoint's veth pair is deleted (by
 * link-sync, once the port's removal is committed): deleting a link takes
 * the kernel tens of ms, which would otherwise delay the next call. */
static void
test_delete_endpoint_waits_for_link(void **state OVS_UNUSED)
{
    create_network(net_a);
    create_endpoint(net_a, ep_1, "{'Address': '10.0.0.2/24'}");

    struct http_request *req = call(DELETE_ENDPOINT, "{'NetworkID': '%s', "
                                    "'EndpointID': '%s'}", net_a, ep_1);
    const char *port = keep(names_port(ep_1));
    sset_add(&doomed_links, port);     /* As link-sync's removal hook does. */
    catch_up();
    driver_run();
    assert_pending(req);

    /* What link-sync's pass does once the removal is committed. */
    sset_find_and_delete(&doomed_links, port);
    driver_run();
    assert_reply(req, 200, "{}");
}

static void
test_delete_network(void **state OVS_UNUSED)
{
    create_network(net_a);
    create_network(net_b);
    create_endpoint(net_a, ep_1, "{'Address': '10.0.0.2/24'}");
    create_endpoint(net_b, ep_2, "{'Address': '10.0.0.2/24'}");

    struct http_request *req = call(DELETE_NETWORK, "{'NetworkID': '%s'}",
                                    net_a);
    driver_run();
    assert_pending(req);
    catch_up();
    driver_run();
    assert_reply(req, 200, "{}");

    /* Its endpoints went with it; the other network's did not. */
    assert_null(state_network_find(net_a));
    assert_null(state_endpoint_find(ep_1));
    assert_non_null(state_network_find(net_b));
    assert_non_null(state_endpoint_find(ep_2));

    /* Again, and of an ID never seen: success. */
    req = call(DELETE_NETWORK, "{'NetworkID': '%s'}", net_a);
    driver_run();
    assert_reply(req, 200, "{}");
    req = call(DELETE_NETWORK, "{'NetworkID': '%s'}", net_c);
    driver_run();
    assert_reply(req, 200, "{}");
}

/* Failures that surface at once, and what is rolled back. */

static const char constraint[] = "constraint violation: Transaction causes "
    "multiple rows in \"Interface\" table to have identical values";

static void
test_create_network_same_gateway(void **state OVS_UNUSED)
{
    /* Docker never gives two networks the same gateway; a client that
     * does would have the address on two gateway ports of the host. */
    create_network(net_a);
    expect_bridge(keep(names_bridge(net_b)), NULL);
    expect_default_datapath("system");
    expect_gateway_port(net_b);
    struct http_request *req = call(CREATE_NETWORK, "{'NetworkID': '%s', "
                                    "'IPv4Data': [{'Pool': '10.0.0.0/24', "
                                    "'Gateway': '10.0.0.1/24'}]}", net_b);
    assert_error(req, 409, "IPv4Data", "10.0.0.1", net_a);
    assert_null(state_network_find(net_b));

    /* An internal network puts no address on the host. */
    expect_new_network(net_b);
    create_network_more(net_b, ", 'Options': {'com.docker.network.internal':"
                        " true}, 'IPv4Data': [{'Pool': '10.0.0.0/24', "
                        "'Gateway': '10.0.0.1/24'}]");
}

static void
test_create_network_gateway_addresses_fail(void **state OVS_UNUSED)
{
    /* What reconcile does when the kernel refuses the gateway's addresses:
     * the call fails with the kernel's words, the network is gone. */
    expect_new_network(net_a);
    struct http_request *req = call(CREATE_NETWORK, "{'NetworkID': '%s'}",
                                    net_a);
    commit();
    driver_run();
    assert_pending(req);
    shash_replace(&gateway_errors, net_a,
                  "ovsgw-aaaaaaa1a: cannot add address 2001:db8::1/64 "
                  "(Permission denied)");
    driver_run();
    assert_error(req, 500, "2001:db8::1/64", "Permission denied");
    assert_null(state_network_find(net_a));
}

static void
test_txn_error_one_call(void **state OVS_UNUSED)
{
    /* OVSDB refuses the transaction of one CreateNetwork: it fails at once
     * with OVSDB's words and is rolled back; a DeleteEndpoint in the same
     * transaction, which changed nothing of its own to undo, waits for the
     * next one. */
    expect_new_network(net_a);
    struct http_request *create = call(CREATE_NETWORK, "{'NetworkID': '%s'}",
                                       net_a);
    struct http_request *delete = call(DELETE_ENDPOINT, "{'NetworkID': '%s', "
                                       "'EndpointID': '%s'}", net_b, ep_1);
    refuse_txn(constraint);
    driver_run();
    assert_error(create, 409, "database", constraint);
    assert_null(state_network_find(net_a));
    assert_pending(delete);

    catch_up();
    driver_run();
    assert_reply(delete, 200, "{}");
}

static void
test_txn_error_nothing_to_blame(void **state OVS_UNUSED)
{
    /* No call in the refused transaction changed anything it could undo:
     * the desired state cannot be committed as it is, and the calls that
     * wait for it fail at once rather than at their timeout. */
    create_network(net_a);
    struct http_request *req = call(DELETE_NETWORK, "{'NetworkID': '%s'}",
                                    net_a);
    assert_pending(req);
    refuse_txn("referential integrity violation: ...");
    driver_run();
    assert_error(req, 503, "referential integrity violation");
}

static void
test_txn_error_one_at_a_time(void **state OVS_UNUSED)
{
    /* A bad CreateNetwork and a good CreateEndpoint share a transaction
     * that OVSDB refuses: both are rolled back and run again one at a time;
     * the bad one fails alone, the good one succeeds.  A call that comes
     * meanwhile waits for its turn. */
    create_network(net_b);
    expect_new_network(net_a);
    struct http_request *bad = call(CREATE_NETWORK, "{'NetworkID': '%s'}",
                                    net_a);
    struct http_request *good = call(CREATE_ENDPOINT, "{'NetworkID': '%s', "
                                     "'EndpointID': '%s'}", net_b, ep_1);
    refuse_txn(constraint);
    expect_new_network(net_a);  /* Run again, alone. */
    driver_run();
    assert_pending(bad);
    assert_pending(good);
    assert_non_null(state_network_find(net_a));
    assert_null(state_endpoint_find(ep_1));

    struct http_request *later = call(CREATE_ENDPOINT, "{'NetworkID': '%s', "
                                      "'EndpointID': '%s'}", net_b, ep_2);
    assert_null(state_endpoint_find(ep_2));

    refuse_txn(constraint);
    driver_run();
    assert_error(bad, 409, constraint);
    assert_null(state_network_find(net_a));
    assert_non_null(state_endpoint_find(ep_1));
    assert_null(state_endpoint_find(ep_2));
    assert_pending(good);

    commit();
    expect_interface(ep_1, true, 1, NULL);
    driver_run();
    assert_status_at(__FILE__, __LINE__, good, 200);
    assert_non_null(state_endpoint_find(ep_2));

    commit();
    expect_interface(ep_2, true, 2, NULL);
    driver_run();
    assert_status_at(__FILE__, __LINE__, later, 200);
}

static void
test_program_ports_nat_refused(void **state OVS_UNUSED)
{
    create_network(net_a);
    create_endpoint(net_a, ep_1, "{'Address': '10.0.0.2/24'}");
    struct http_request *req = program(net_a, ep_1, "[{'Proto': 6, "
                                       "'Port': 80, 'HostPort': 8080}]");
    catch_up();
    driver_run();
    assert_reply(req, 200, "{}");

    /* Committed to OVSDB, but not in the kernel yet: no answer. */
    req = program(net_a, ep_1, "[{'Proto': 6, 'Port': 80, "
                  "'HostPort': 9090}]");
    commit();
    driver_run();
    assert_pending(req);

    /* nf_tables refuses it: the call fails with the kernel's words, and
     * the endpoint's ports are those it had. */
    nat_failed = state_seqno();
    nat_error = "the kernel refused message 1 of 9 of the transaction for "
                "table inet ovsnet (Operation not permitted)";
    driver_run();
    assert_error(req, 500, "Operation not permitted");
    const struct state_endpoint *ep = state_endpoint_find(ep_1);
    assert_int_equal(ep->n_ports, 1);
    assert_int_equal(ep->ports[0].host_port, 8080);

    /* The same ports again, while the kernel still refuses: nothing to
     * roll back, but no success either. */
    req = program(net_a, ep_1, "[{'Proto': 6, 'Port': 80, "
                  "'HostPort': 8080}]");
    commit();
    nat_failed = state_seqno();
    driver_run();
    assert_error(req, 500, "Operation not permitted");
    assert_int_equal(state_endpoint_find(ep_1)->ports[0].host_port, 8080);

    /* Without published ports before or after, NAT is not waited for. */
    create_endpoint(net_a, ep_2, "{'Address': '10.0.0.3/24'}");
    req = program(net_a, ep_2, "[]");
    nat_failed = state_seqno();
    driver_run();
    assert_reply(req, 200, "{}");
}

static void
test_program_ports_rollback_order(void **state OVS_UNUSED)
{
    /* Two calls change one endpoint's ports, A to B, then B to C, and
     * both fail: the endpoint has A again, whatever order they fail in. */
    create_network(net_a);
    create_endpoint(net_a, ep_1, "{'Address': '10.0.0.2/24'}");
    struct http_request *req = program(net_a, ep_1, "[{'Proto': 6, "
                                       "'Port': 80, 'HostPort': 8001}]");
    catch_up();
    driver_run();
    assert_reply(req, 200, "{}");

    struct http_request *b = program(net_a, ep_1, "[{'Proto': 6, "
                                     "'Port': 80, 'HostPort': 8002}]");
    nat_failed = state_seqno();
    nat_error = "refused";
    struct http_request *c = program(net_a, ep_1, "[{'Proto': 6, "
                                     "'Port': 80, 'HostPort': 8003}]");
    driver_run();
    assert_error(b, 500, "refused");
    assert_pending(c);
    assert_int_equal(state_endpoint_find(ep_1)->ports[0].host_port, 8003);

    nat_failed = state_seqno();
    driver_run();
    assert_error(c, 500, "refused");
    assert_int_equal(state_endpoint_find(ep_1)->ports[0].host_port, 8001);
}

/* Before the state is loaded, and at exit. */

static void
test_state_not_loaded(void **state OVS_UNUSED)
{
    loaded = false;
    struct http_request *req = call(CREATE_NETWORK, "{'NetworkID': '%s'}",
                                    net_a);
    assert_pending(req);
    driver_run();
    assert_pending(req);
    assert_null(state_network_find(net_a));

    /* Once loaded, the call runs as if it had just come in. */
    loaded = true;
    expect_new_network(net_a);
    driver_run();
    assert_non_null(state_network_find(net_a));
    assert_pending(req);
    catch_up();
    driver_run();
    assert_reply(req, 200, "{}");
}

static void
test_state_not_loaded_timeout(void **state OVS_UNUSED)
{
    loaded = false;
    connected = false;
    driver_init(TINY_TIMEOUT_MS, false);

    struct http_request *req = call(JOIN, "{'NetworkID': '%s', "
                                    "'EndpointID': '%s'}", net_a, ep_1);
    let_time_pass();
    driver_run();
    assert_error(req, 503, "Join", "not reachable");
}

/* Another ovsnetd of the driver holds the database lock: a call that needs
 * the state fails at once, saying why, and so does one already waiting. */
static void
test_state_unavailable(void **state OVS_UNUSED)
{
    loaded = false;
    struct http_request *req1 = call(CREATE_NETWORK, "{'NetworkID': '%s'}",
                                     net_a);
    assert_pending(req1);

    state_set_unavailable("another ovsnetd of driver ovs holds OVSDB lock "
                          "ovsnet_ovs");
    struct http_request *req2 = call(JOIN, "{'NetworkID': '%s', "
                                     "'EndpointID': '%s'}", net_a, ep_1);
    assert_error(req2, 503, "Join", "holds OVSDB lock ovsnet_ovs");
    driver_run();
    assert_error(req1, 503, "CreateNetwork", "holds OVSDB lock ovsnet_ovs");
    assert_null(state_network_find(net_a));

    /* Calls that need no state are answered as ever. */
    struct http_request *req3 = call(CAPABILITIES, "%s", "");
    assert_reply(req3, 200, "{'Scope': 'local', 'ConnectivityScope': "
                 "'local'}");
}

static void
test_destroy_answers_pending(void **state OVS_UNUSED)
{
    expect_new_network(net_a);
    struct http_request *req1 = call(CREATE_NETWORK, "{'NetworkID': '%s'}",
                                     net_a);
    loaded = false;
    struct http_request *req2 = call(DELETE_NETWORK, "{'NetworkID': '%s'}",
                                     net_a);
    driver_destroy();
    assert_error(req1, 503, "shutting down");
    assert_error(req2, 503, "shutting down");
}

int
main(void)
{
#define TEST(NAME) cmocka_unit_test_setup_teardown(NAME, setup, teardown)
    const struct CMUnitTest tests[] = {
        TEST(test_activate),
        TEST(test_ipam_without_ovn),
        TEST(test_capabilities),
        TEST(test_no_state_needed),
        TEST(test_swarm_capabilities_and_allocate),
        TEST(test_swarm_discovery),
        TEST(test_unknown_path),
        TEST(test_malformed_json),
        TEST(test_not_an_object),
        TEST(test_nul_byte),
        TEST(test_bad_network_id),
        TEST(test_bad_endpoint_id),
        TEST(test_create_network),
        TEST(test_create_network_again),
        TEST(test_create_network_again_while_pending),
        TEST(test_create_network_bad_options),
        TEST(test_create_network_ovn_refused),
        TEST(test_create_network_existing_bridge),
        TEST(test_create_network_bridge_is_a_device),
        TEST(test_create_network_bridge_device_lingers),
        TEST(test_create_network_vlan_conflict),
        TEST(test_create_network_datapath_conflict),
        TEST(test_create_network_gateway_collision),
        TEST(test_create_network_foreign_port),
        TEST(test_create_network_timeout),
        TEST(test_create_network_timeout_disconnected),
        TEST(test_create_network_after_timeout),
        TEST(test_create_network_retry_outlives_rollback),
        TEST(test_tunnel_mtu),
        TEST(test_tunnel_local_peer),
        TEST(test_tunnel_no_route),
        TEST(test_vxlan_device_auto),
        TEST(test_vxlan_device_follows_other),
        TEST(test_vxlan_device_mixed_families),
        TEST(test_vxlan_device_kernel_unsupported),
        TEST(test_create_endpoint_unknown_network),
        TEST(test_create_endpoint_generated_mac),
        TEST(test_create_endpoint_given_mac),
        TEST(test_create_endpoint_waits_for_ofport),
        TEST(test_create_endpoint_ofport_error),
        TEST(test_create_endpoint_timeout),
        TEST(test_create_endpoint_reconcile_error),
        TEST(test_create_endpoint_deleted_meanwhile),
        TEST(test_create_endpoint_bad_interface),
        TEST(test_create_endpoint_mac_trailing_garbage),
        TEST(test_create_endpoint_again),
        TEST(test_create_endpoint_port_collision),
        TEST(test_create_endpoint_foreign_port),
        TEST(test_create_network_waits_for_gateway),
        TEST(test_create_network_gateway_error),
        TEST(test_join),
        TEST(test_join_internal),
        TEST(test_provider_network),
        TEST(test_provider_network_waits_for_uplink),
        TEST(test_provider_network_refused),
        TEST(test_join_no_gateway),
        TEST(test_join_pool_without_gateway),
        TEST(test_join_unknown),
        TEST(test_leave_and_external),
        TEST(test_leave_removes_ports),
        TEST(test_program_ports),
        TEST(test_oper_info),
        TEST(test_delete_endpoint),
        TEST(test_delete_endpoint_waits_for_link),
        TEST(test_delete_network),
        TEST(test_create_network_same_gateway),
        TEST(test_create_network_gateway_addresses_fail),
        TEST(test_txn_error_one_call),
        TEST(test_txn_error_nothing_to_blame),
        TEST(test_txn_error_one_at_a_time),
        TEST(test_program_ports_nat_refused),
        TEST(test_program_ports_rollback_order),
        TEST(test_state_not_loaded),
        TEST(test_state_not_loaded_timeout),
        TEST(test_state_unavailable),
        TEST(test_destroy_answers_pending),
    };
#undef TEST

    return cmocka_run_group_tests_name("driver", tests, group_setup,
                                       group_teardown);
}
