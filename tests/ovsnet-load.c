/*
 * ovsnet-load: a load test of a Docker network plugin socket.
 *
 * Usage: ovsnet-load [OPTIONS] SOCKET
 *
 * Creates a network and a few endpoints through the socket, then keeps
 * --clients connections busy (libcurl's multi interface, one thread, each
 * connection kept alive as Docker's client does) until --requests requests
 * have been sent and answered, no more and no fewer (the DeleteEndpoint of
 * each fresh endpoint included).  The requests are a mix of what Docker
 * sends and of what it never should:
 *
 *   GetCapabilities, EndpointOperInfo and Join of the endpoints, Leave and
 *   DeleteEndpoint of unknown endpoints, CreateEndpoint + DeleteEndpoint of
 *   fresh endpoints (ports really added to and removed from OVS), and
 *   malformed JSON, wrong JSON types, unknown networks, unknown paths,
 *   GET instead of POST, and bodies over the daemon's 1 MiB limit.
 *
 * Every answer is checked (status and JSON body: jansson); a wrong one is
 * printed and counted.  With --pid, the daemon's resident memory and open
 * file descriptors are printed ten times along the run.  With --hold=N,
 * N more connections are opened first and left idle, one of them with half
 * a request sent, for the whole run: they must not keep the mix from being
 * served, and the daemon must not close them (run it with an idle timeout
 * longer than the run); how many it closed is printed and counts as
 * failure.  At the end the network is deleted.
 *
 * With --idle-check=SECS, only holds the --hold connections (no network,
 * no load) and waits up to SECS seconds for the daemon to close all of
 * them, as its idle timeout must, but none sooner than --idle-min seconds
 * after the first was opened; exit status 0 if it did.
 *
 * Exit status: 0 if every answer was right (and no held connection was
 * closed), 1 otherwise, 2 on bad usage or if the set-up failed.  The last
 * line is "N requests, N wrong".
 */

#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>
#include <jansson.h>

#include "tests/plugin-client.h"

#define MAX_BODY (1024 * 1024)

static const char *program_name = "ovsnet-load";
static const char *socket_path;
static int n_clients = 64;
static long n_requests = 100000;
static int n_hold;
static int daemon_pid;
static int idle_check;
static int idle_min;

static char network_id[65];
#define N_ENDPOINTS 8
static char endpoint_ids[N_ENDPOINTS][65];

static long n_wrong;
static long n_done;
static long n_churn;

/* What a request must get back. */
enum expect {
    EXPECT_OK_EMPTY,            /* 200 {} */
    EXPECT_OK_CAPS,             /* 200 {"Scope": "local", ...} */
    EXPECT_OK_VALUE,            /* 200 {"Value": {...}} */
    EXPECT_OK_JOIN,             /* 200 {"InterfaceName": {"SrcName"...}} */
    EXPECT_OK_CREATED,          /* 200 {"Interface": {"MacAddress"...}} */
    EXPECT_ERR,                 /* non-200 {"Err": "..."} */
};

struct client {
    struct pc_client pc;        /* Its reply is capped at MAX_BODY. */
    char *body;                 /* What was sent. */
    const char *what;           /* Name of the kind of request. */
    enum expect expect;
    char churn_id[65];          /* A fresh endpoint to delete next. */
};

static char *
xasprintf_(const char *format, ...)
{
    va_list args;
    char *s;

    va_start(args, format);
    if (vasprintf(&s, format, args) < 0) {
        pc_fatal("out of memory");
    }
    va_end(args);
    return s;
}

static void
random_id(char id[65])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 64; i++) {
        id[i] = hex[random() & 15];
    }
    id[64] = '\0';
}

/* Sets up 'c''s easy handle for "METHOD /PATH" with 'body' (taken), as
 * Docker sends it: no Content-Type, the body followed by a newline. */
static void
client_prepare(struct client *c, const char *method, const char *path,
               char *body, const char *what, enum expect expect)
{
    CURL *curl = c->pc.curl;

    free(c->body);
    c->body = body;
    pc_buffer_clear(&c->pc.reply);
    c->what = what;
    c->expect = expect;

    pc_client_set_path(&c->pc, path);
    if (!strcmp(method, "POST")) {
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, NULL);
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, c->body);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t) strlen(c->body));
    } else {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    }
}

static void
client_init(struct client *c)
{
    memset(c, 0, sizeof *c);
    pc_client_init(&c->pc, socket_path, 120, false);
    c->pc.reply.max = MAX_BODY;
    curl_easy_setopt(c->pc.curl, CURLOPT_PRIVATE, c);
}

static void
client_destroy(struct client *c)
{
    pc_client_destroy(&c->pc);
    free(c->body);
}

/* Checks the answer 'c' got: HTTP 'status' and its body.  Returns NULL if
 * it is right, otherwise why not (a static string). */
static const char *
check_answer(const struct client *c, long status)
{
    json_error_t jerr;
    json_t *j = json_loads(c->pc.reply.data, 0, &jerr);
    const char *wrong = NULL;

    if (!j || !json_is_object(j)) {
        wrong = "the body is not a JSON object";
    } else if (c->expect == EXPECT_ERR) {
        if (status == 200) {
            wrong = "HTTP 200 where an error was due";
        } else if (!json_is_string(json_object_get(j, "Err"))
                   || !json_string_length(json_object_get(j, "Err"))) {
            wrong = "an error without an Err message";
        }
    } else if (status != 200) {
        wrong = "an error where HTTP 200 was due";
    } else if (json_is_string(json_object_get(j, "Err"))
               && json_string_length(json_object_get(j, "Err"))) {
        wrong = "HTTP 200 with an Err";
    } else {
        switch (c->expect) {
        case EXPECT_OK_EMPTY:
            if (json_object_size(j)) {
                wrong = "not {}";
            }
            break;
        case EXPECT_OK_CAPS: {
            const char *scope = json_string_value(json_object_get(j,
                                                                  "Scope"));
            if (!scope || strcmp(scope, "local")) {
                wrong = "no Scope \"local\"";
            }
            break;
        }
        case EXPECT_OK_VALUE:
            if (!json_is_object(json_object_get(j, "Value"))) {
                wrong = "no Value object";
            }
            break;
        case EXPECT_OK_JOIN: {
            json_t *ifn = json_object_get(j, "InterfaceName");
            if (!json_is_string(json_object_get(ifn, "SrcName"))) {
                wrong = "no InterfaceName.SrcName";
            }
            break;
        }
        case EXPECT_OK_CREATED: {
            json_t *ifc = json_object_get(j, "Interface");
            if (!json_is_string(json_object_get(ifc, "MacAddress"))) {
                wrong = "no Interface.MacAddress";
            }
            break;
        }
        case EXPECT_ERR:
            break;
        }
    }
    json_decref(j);
    return wrong;
}

static char *
ids_body(const char *nid, const char *eid)
{
    return xasprintf_("{\"NetworkID\":\"%s\",\"EndpointID\":\"%s\"}\n",
                      nid, eid);
}

static char *
create_endpoint_body(const char *eid, int n)
{
    return xasprintf_("{\"NetworkID\":\"%s\",\"EndpointID\":\"%s\","
                      "\"Interface\":{\"Address\":\"198.51.100.%d/24\","
                      "\"AddressIPv6\":\"\",\"MacAddress\":\"\"},"
                      "\"Options\":{}}\n", network_id, eid, n);
}

/* Gives 'c' its next request: the follow-up of a churn if one is due,
 * otherwise one drawn from the mix, a churn (CreateEndpoint, then
 * DeleteEndpoint as the client's next request) only if 'room', the number
 * of requests --requests has left, fits both.  Returns how many requests
 * that takes from 'room': 2 for a churn, 0 for its follow-up, 1 for the
 * rest. */
static int
next_request(struct client *c, long room)
{
    char id[65];
    int r;

    if (c->churn_id[0]) {
        client_prepare(c, "POST", "/NetworkDriver.DeleteEndpoint",
                       ids_body(network_id, c->churn_id), "DeleteEndpoint",
                       EXPECT_OK_EMPTY);
        c->churn_id[0] = '\0';
        return 0;
    }

    do {
        r = random() % 1000;
    } while (room < 2 && r >= 720 && r < 730);
    const char *ep = endpoint_ids[random() % N_ENDPOINTS];
    if (r < 250) {
        client_prepare(c, "POST", "/NetworkDriver.GetCapabilities",
                       strdup(""), "GetCapabilities", EXPECT_OK_CAPS);
    } else if (r < 450) {
        client_prepare(c, "POST", "/NetworkDriver.EndpointOperInfo",
                       ids_body(network_id, ep), "EndpointOperInfo",
                       EXPECT_OK_VALUE);
    } else if (r < 600) {
        client_prepare(c, "POST", "/NetworkDriver.Join",
                       xasprintf_("{\"NetworkID\":\"%s\",\"EndpointID\":"
                                  "\"%s\",\"SandboxKey\":\"/var/run/docker/"
                                  "netns/0123456789ab\",\"Options\":{}}\n",
                                  network_id, ep), "Join", EXPECT_OK_JOIN);
    } else if (r < 680) {
        random_id(id);
        client_prepare(c, "POST", "/NetworkDriver.Leave",
                       ids_body(network_id, id), "Leave (unknown)",
                       EXPECT_OK_EMPTY);
    } else if (r < 720) {
        random_id(id);
        client_prepare(c, "POST", "/NetworkDriver.DeleteEndpoint",
                       ids_body(network_id, id), "DeleteEndpoint (unknown)",
                       EXPECT_OK_EMPTY);
    } else if (r < 730) {
        /* A fresh endpoint, deleted by the client's next request. */
        random_id(c->churn_id);
        client_prepare(c, "POST", "/NetworkDriver.CreateEndpoint",
                       create_endpoint_body(c->churn_id,
                                            100 + (int) (n_churn++ % 100)),
                       "CreateEndpoint", EXPECT_OK_CREATED);
        return 2;
    } else if (r < 810) {
        /* Malformed: a valid body cut short. */
        char *body = ids_body(network_id, ep);
        body[random() % (strlen(body) - 2) + 1] = '\0';
        client_prepare(c, "POST", "/NetworkDriver.Join", body,
                       "Join (malformed JSON)", EXPECT_ERR);
    } else if (r < 860) {
        client_prepare(c, "POST", "/NetworkDriver.EndpointOperInfo",
                       xasprintf_("{\"NetworkID\":%ld,\"EndpointID\":[]}\n",
                                  random()),
                       "EndpointOperInfo (wrong types)", EXPECT_ERR);
    } else if (r < 900) {
        random_id(id);
        client_prepare(c, "POST", "/NetworkDriver.CreateEndpoint",
                       xasprintf_("{\"NetworkID\":\"%s\",\"EndpointID\":"
                                  "\"%s\",\"Interface\":{}}\n", id, id),
                       "CreateEndpoint (unknown network)", EXPECT_ERR);
    } else if (r < 950) {
        client_prepare(c, "POST", "/NetworkDriver.NoSuchCall", strdup("{}"),
                       "unknown path", EXPECT_ERR);
    } else if (r < 998) {
        client_prepare(c, "GET", "/NetworkDriver.GetCapabilities",
                       strdup(""), "GET", EXPECT_ERR);
    } else {
        size_t n = MAX_BODY + 1024;
        char *body = malloc(n + 1);
        if (!body) {
            pc_fatal("out of memory");
        }
        memset(body, ' ', n);
        body[0] = '{';
        body[n - 1] = '}';
        body[n] = '\0';
        client_prepare(c, "POST", "/NetworkDriver.Join", body,
                       "oversized body", EXPECT_ERR);
    }
    return 1;
}

/* Makes one call and waits for it, for the set-up; dies unless it gets
 * what 'expect' says. */
static void
call_once(const char *path, char *body, enum expect expect)
{
    struct client c;
    long status = 0;

    client_init(&c);
    client_prepare(&c, "POST", path, body, path, expect);
    CURLcode rc = curl_easy_perform(c.pc.curl);
    if (rc != CURLE_OK) {
        pc_fatal("%s: %s", path, curl_easy_strerror(rc));
    }
    curl_easy_getinfo(c.pc.curl, CURLINFO_RESPONSE_CODE, &status);
    const char *wrong = check_answer(&c, status);
    if (wrong) {
        pc_fatal("%s: %s (HTTP %ld: %s)", path, wrong, status,
                 c.pc.reply.data);
    }
    client_destroy(&c);
}

/* Prints the daemon's resident memory and open file descriptors. */
static void
print_usage_of_daemon(const char *when)
{
    if (!daemon_pid) {
        return;
    }

    char *name = xasprintf_("/proc/%d/status", daemon_pid);
    FILE *f = fopen(name, "r");
    long rss_kb = -1, hwm_kb = -1;
    char line[256];
    while (f && fgets(line, sizeof line, f)) {
        sscanf(line, "VmRSS: %ld", &rss_kb);
        sscanf(line, "VmHWM: %ld", &hwm_kb);
    }
    if (f) {
        fclose(f);
    }
    free(name);

    name = xasprintf_("/proc/%d/fd", daemon_pid);
    int fds = -1;
    DIR *dir = opendir(name);
    if (dir) {
        struct dirent *de;
        fds = 0;
        while ((de = readdir(dir)) != NULL) {
            fds += de->d_name[0] != '.';
        }
        closedir(dir);
    }
    free(name);
    printf("%-14s rss %6.1f MB  peak %6.1f MB  fds %d\n", when,
           rss_kb / 1024.0, hwm_kb / 1024.0, fds);
    fflush(stdout);
}

/* Opens 'n' connections and leaves them idle, the first with half a
 * request; returns their fds, which stay open until the program exits. */
static int *
hold_connections(int n)
{
    int *fds = calloc(n, sizeof *fds);
    struct sockaddr_un sun;

    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    snprintf(sun.sun_path, sizeof sun.sun_path, "%s", socket_path);
    for (int i = 0; i < n; i++) {
        fds[i] = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fds[i] < 0
            || connect(fds[i], (struct sockaddr *) &sun, sizeof sun)) {
            pc_fatal("%s: connect: %s", socket_path, strerror(errno));
        }
    }
    static const char half[] = "POST /NetworkDriver.Join HTTP/1.1\r\n"
                               "Host: plugin.moby.localhost\r\n"
                               "Content-Length: 100\r\n\r\n{\"Netw";
    if (n && write(fds[0], half, strlen(half)) != (ssize_t) strlen(half)) {
        pc_fatal("write: %s", strerror(errno));
    }
    return fds;
}

static double now_s(void);

/* Returns true if the daemon closed 'fd' (end of file, or an error such as
 * a reset), false if it is still open.  Reads and drops what the daemon
 * sent meanwhile; does not wait. */
static bool
connection_closed(int fd)
{
    for (;;) {
        char buf[4096];
        ssize_t n = recv(fd, buf, sizeof buf, MSG_DONTWAIT);

        if (n == 0) {
            return true;
        } else if (n < 0 && errno != EINTR) {
            return errno != EAGAIN && errno != EWOULDBLOCK;
        }
    }
}

/* Returns how many of the 'n' connections in 'fds' the daemon closed. */
static int
count_closed(const int *fds, int n)
{
    int closed = 0;

    for (int i = 0; i < n; i++) {
        closed += connection_closed(fds[i]);
    }
    return closed;
}

/* Waits until 'deadline' (now_s()) for the daemon to close each of the
 * 'n' connections in 'fds'.  Returns how many it closed; stores in
 * '*first' and '*last' when it saw the first and the last close
 * (now_s()), if it closed any. */
static int
wait_for_close(int *fds, int n, double deadline, double *first,
               double *last)
{
    struct pollfd *pfds = calloc(n, sizeof *pfds);
    int closed = 0;

    for (int i = 0; i < n; i++) {
        pfds[i].fd = fds[i];
        pfds[i].events = POLLIN;
    }
    while (closed < n && now_s() < deadline) {
        if (poll(pfds, n, 100) < 0 && errno != EINTR) {
            pc_fatal("poll: %s", strerror(errno));
        }
        for (int i = 0; i < n; i++) {
            if (pfds[i].fd >= 0 && pfds[i].revents
                && connection_closed(pfds[i].fd)) {
                pfds[i].fd = -1;
                *last = now_s();
                if (!closed++) {
                    *first = *last;
                }
            }
        }
    }
    free(pfds);
    return closed;
}

static double
now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(void) __attribute__((noreturn));

static void
usage(void)
{
    printf("%s: load test of a Docker network plugin socket\n"
           "usage: %s [OPTIONS] SOCKET\n"
           "\n"
           "  --clients=N    connections kept busy at once, 1 to 4096\n"
           "                 (default 64)\n"
           "  --requests=N   requests in all, 1 to 1000000000 (default\n"
           "                 100000)\n"
           "  --hold=N       idle connections held open meanwhile, one with\n"
           "                 half a request, 0 to 65536 (default 0); the\n"
           "                 daemon must not close any\n"
           "  --pid=PID      the daemon, to print its memory and fds\n"
           "  --idle-check=SECS  only hold the --hold connections, and\n"
           "                 wait up to SECS s (1 to 86400) for the daemon\n"
           "                 to close them\n"
           "  --idle-min=SECS  with --idle-check: fail if the daemon closes\n"
           "                 any sooner than SECS s (default 0)\n"
           "  --seed=N       seed of the mix (default: the time)\n",
           program_name, program_name);
    exit(0);
}

static void
parse_options(int argc, char *argv[])
{
    static const struct option options[] = {
        {"clients", required_argument, NULL, 'c'},
        {"requests", required_argument, NULL, 'n'},
        {"hold", required_argument, NULL, 'H'},
        {"pid", required_argument, NULL, 'p'},
        {"idle-check", required_argument, NULL, 'i'},
        {"idle-min", required_argument, NULL, 'm'},
        {"seed", required_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    unsigned int seed = time(NULL);

    for (;;) {
        int c = getopt_long(argc, argv, "", options, NULL);
        if (c == -1) {
            break;
        }
        switch (c) {
        case 'c':
            n_clients = pc_parse_int(optarg, "--clients", 1, 4096);
            break;
        case 'n':
            n_requests = pc_parse_int(optarg, "--requests", 1, 1000000000);
            break;
        case 'H':
            n_hold = pc_parse_int(optarg, "--hold", 0, 65536);
            break;
        case 'p':
            daemon_pid = pc_parse_int(optarg, "--pid", 1, INT_MAX);
            break;
        case 'i':
            idle_check = pc_parse_int(optarg, "--idle-check", 1, 86400);
            break;
        case 'm':
            idle_min = pc_parse_int(optarg, "--idle-min", 0, 86400);
            break;
        case 's':
            seed = pc_parse_int(optarg, "--seed", 0,
                                UINT_MAX < LONG_MAX ? UINT_MAX : LONG_MAX);
            break;
        case 'h':
            usage();
        default:
            exit(2);
        }
    }
    if (optind != argc - 1) {
        pc_fatal("usage: %s [OPTIONS] SOCKET (--help for help)", program_name);
    }
    if (idle_check && !n_hold) {
        pc_fatal("--idle-check needs connections to watch: give --hold=N");
    }
    if (idle_min && !idle_check) {
        pc_fatal("--idle-min goes with --idle-check");
    }
    if (idle_min > idle_check) {
        pc_fatal("--idle-min=%d is longer than --idle-check=%d", idle_min,
                 idle_check);
    }
    socket_path = argv[optind];
    srandom(seed);
    printf("seed %u\n", seed);
}

int
main(int argc, char *argv[])
{
    pc_set_program(program_name, 2);
    parse_options(argc, argv);

    if (idle_check) {
        /* The daemon's timer for a connection starts once it accepts it,
         * no sooner than this. */
        double start = now_s();
        int *held = hold_connections(n_hold);
        double first, last;
        int closed = wait_for_close(held, n_hold, start + idle_check,
                                    &first, &last);
        bool early = closed && first - start < idle_min;

        if (closed) {
            printf("%d of %d idle connections closed by the daemon, after "
                   "%.1f s to %.1f s\n", closed, n_hold, first - start,
                   last - start);
        } else {
            printf("0 of %d idle connections closed by the daemon in %d s\n",
                   n_hold, idle_check);
        }
        if (early) {
            printf("closed sooner than --idle-min=%d s\n", idle_min);
        }
        for (int i = 0; i < n_hold; i++) {
            close(held[i]);
        }
        free(held);
        return closed == n_hold && !early ? 0 : 1;
    }

    curl_global_init(CURL_GLOBAL_DEFAULT);

    /* The network and its endpoints. */
    random_id(network_id);
    call_once("/NetworkDriver.CreateNetwork",
              xasprintf_("{\"NetworkID\":\"%s\",\"Options\":{"
                         "\"com.docker.network.generic\":{}},"
                         "\"IPv4Data\":[{\"AddressSpace\":\"LocalDefault\","
                         "\"Pool\":\"198.51.100.0/24\",\"Gateway\":"
                         "\"198.51.100.1/24\"}],\"IPv6Data\":[]}\n",
                         network_id), EXPECT_OK_EMPTY);
    for (int i = 0; i < N_ENDPOINTS; i++) {
        random_id(endpoint_ids[i]);
        call_once("/NetworkDriver.CreateEndpoint",
                  create_endpoint_body(endpoint_ids[i], 2 + i),
                  EXPECT_OK_CREATED);
    }

    int *held = hold_connections(n_hold);
    if (n_hold) {
        printf("holding %d idle connections\n", n_hold);
    }
    print_usage_of_daemon("start");

    CURLM *multi = curl_multi_init();
    curl_multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long) n_clients);
    struct client *clients = calloc(n_clients, sizeof *clients);
    /* Requests started, and follow-ups of churns due. */
    long n_booked = 0;
    for (int i = 0; i < n_clients && n_booked < n_requests; i++) {
        client_init(&clients[i]);
        n_booked += next_request(&clients[i], n_requests - n_booked);
        curl_multi_add_handle(multi, clients[i].pc.curl);
    }

    double start = now_s();
    long next_report = n_requests / 10;
    int running;
    /* Until every request booked is answered: none is left in flight,
     * unchecked, nor any endpoint of a churn undeleted. */
    while (n_done < n_booked) {
        curl_multi_perform(multi, &running);

        CURLMsg *msg;
        int left;
        while ((msg = curl_multi_info_read(multi, &left))) {
            if (msg->msg != CURLMSG_DONE) {
                continue;
            }
            struct client *c;
            long status = 0;
            curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &c);
            curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE,
                              &status);
            const char *wrong = NULL;
            if (msg->data.result != CURLE_OK) {
                wrong = curl_easy_strerror(msg->data.result);
            } else {
                wrong = check_answer(c, status);
            }
            if (wrong) {
                if (n_wrong++ < 10) {
                    printf("wrong answer to %s: %s (HTTP %ld: %.200s)\n",
                           c->what, wrong, status, c->pc.reply.data);
                }
                /* A churn whose creation failed has nothing to delete:
                 * another request takes the follow-up's place. */
                if (c->churn_id[0]) {
                    c->churn_id[0] = '\0';
                    n_booked--;
                }
            }
            n_done++;
            if (n_done >= next_report && next_report) {
                char when[32];
                snprintf(when, sizeof when, "%ld%%",
                         n_done * 100 / n_requests);
                print_usage_of_daemon(when);
                next_report += n_requests / 10;
            }

            curl_multi_remove_handle(multi, c->pc.curl);
            if (n_booked < n_requests || c->churn_id[0]) {
                n_booked += next_request(c, n_requests - n_booked);
                curl_multi_add_handle(multi, c->pc.curl);
            }
        }
        if (n_done < n_booked) {
            curl_multi_poll(multi, NULL, 0, 1000, NULL);
        }
    }
    double elapsed = now_s() - start;
    int n_held_closed = count_closed(held, n_hold);

    for (int i = 0; i < n_clients; i++) {
        if (clients[i].pc.curl) {
            curl_multi_remove_handle(multi, clients[i].pc.curl);
            client_destroy(&clients[i]);
        }
    }
    free(clients);
    curl_multi_cleanup(multi);

    for (int i = 0; i < N_ENDPOINTS; i++) {
        call_once("/NetworkDriver.DeleteEndpoint",
                  ids_body(network_id, endpoint_ids[i]), EXPECT_OK_EMPTY);
    }
    call_once("/NetworkDriver.DeleteNetwork",
              xasprintf_("{\"NetworkID\":\"%s\"}\n", network_id),
              EXPECT_OK_EMPTY);
    for (int i = 0; i < n_hold; i++) {
        close(held[i]);
    }
    free(held);
    curl_global_cleanup();

    printf("%ld requests from %d clients in %.1f s (%.0f/s), %ld endpoints "
           "created and deleted\n", n_done, n_clients, elapsed,
           n_done / elapsed, n_churn);
    if (n_hold) {
        printf("%d of %d held connections closed by the daemon during the "
               "load\n", n_held_closed, n_hold);
    }
    printf("%ld requests, %ld wrong\n", n_done, n_wrong);
    return n_wrong || n_held_closed ? 1 : 0;
}
