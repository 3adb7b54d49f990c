/*
 * Fuzz target: plugin/http, the raw bytes a client sends on the plugin
 * socket, through libmicrohttpd and http.c's own handling (methods, body
 * collection and its size limit, replies).
 *
 * One server on a unix socket in a temporary directory serves every input.
 * An input is one byte that tells the handler what to do (FUZZ_*, below;
 * the seeds make it '@' plus those bits), then the bytes that are written
 * whole on a new connection, whose sending side is then shut; the server
 * runs until it closes the connection or has answered what it can, the
 * reply bytes being read meanwhile.  Bodies are limited to FUZZ_MAX_BODY
 * bytes, so that inputs within libFuzzer's -max_len (8192 bytes in
 * tests/fuzz/run.sh) reach the limit too.
 *
 * The handler answers complete requests with {} (plugin/driver, behind it,
 * has a target of its own: fuzz-driver), or with an error; at once, or
 * after suspending them, as the driver does when a call waits for OVSDB:
 * then in the next round, or only once the client has closed the
 * connection and the server has run.
 */
#include <config.h>

#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "openvswitch/vlog.h"
#include "plugin/http.h"
#include "util.h"

#define FUZZ_MAX_BODY 512

/* Bits of an input's first byte. */
#define FUZZ_HOLD 0x0f          /* Bit N % 4: suspend the Nth request
                                 * (from 0) of the connection. */
#define FUZZ_HOLD_LATE 0x10     /* Answer a suspended request only after
                                 * the client has gone. */
#define FUZZ_ERROR 0x20         /* Answer with errors, not {}. */

static struct http_server *server;
static char *socket_path;

/* The current input's. */
static uint8_t flags;                 /* Its first byte. */
static unsigned int n_calls;          /* Requests the handler got. */
static struct http_request *held;     /* Suspended, answered later (always
                                       * by the end of the input). */

static void
reply(struct http_request *req)
{
    if (flags & FUZZ_ERROR) {
        http_request_reply_error(req, 500, "call %u failed", n_calls);
    } else {
        http_request_reply(req, 200, "{}");
    }
}

static void
handler(struct http_request *req, void *aux OVS_UNUSED)
{
    if (flags & (1u << (n_calls++ % 4)) && !held) {
        held = req;             /* Answered later, as a suspended call. */
    } else {
        reply(req);
    }
}

/* Answers the request that is held, if any. */
static bool
release(void)
{
    struct http_request *req = held;
    if (!req) {
        return false;
    }
    held = NULL;
    reply(req);
    return true;
}

static char *socket_dir;

static void
cleanup(void)
{
    http_server_destroy(server);
    rmdir(socket_dir);
}

static void
init(void)
{
    vlog_set_levels(NULL, VLF_ANY_DESTINATION, VLL_OFF);

    char dir[] = "/tmp/ovsnet-fuzz-http.XXXXXX";
    if (!mkdtemp(dir)) {
        ovs_fatal(errno, "mkdtemp");
    }
    socket_dir = xstrdup(dir);
    socket_path = xasprintf("%s/ovs.sock", dir);

    struct http_server_options opts = {
        .path = socket_path,
        .mode = 0600,
        .gid = (gid_t) -1,
        .max_connections = 64,
        .idle_timeout = 5,
        .max_body = FUZZ_MAX_BODY,
    };
    if (http_server_create(&opts, handler, NULL, &server)) {
        ovs_fatal(0, "%s: cannot serve", socket_path);
    }
    atexit(cleanup);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!server) {
        init();
    }
    if (!size) {
        return 0;
    }
    flags = data[0];
    n_calls = 0;
    data++;
    size--;

    struct sockaddr_un sun;
    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    ovs_strzcpy(sun.sun_path, socket_path, sizeof sun.sun_path);

    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *) &sun, sizeof sun)) {
        ovs_fatal(errno, "%s: connect", socket_path);
    }

    /* Feed the input and run the server until it closes the connection,
     * or nothing moves for a while (a request it waits to see the end
     * of: it then gets closed with the client). */
    size_t sent = 0;
    bool shut = false;
    int idle = 0;
    while (idle < 8) {
        bool moved = false;

        if (sent < size) {
            ssize_t n = write(fd, data + sent, size - sent);
            if (n > 0) {
                sent += n;
                moved = true;
            }
        } else if (!shut) {
            shutdown(fd, SHUT_WR);
            shut = true;
        }

        http_server_run(server);
        if (!(flags & FUZZ_HOLD_LATE) && release()) {
            moved = true;
        }

        char buf[4096];
        ssize_t n = read(fd, buf, sizeof buf);
        if (n == 0) {
            break;              /* The server closed the connection. */
        } else if (n > 0) {
            moved = true;
        } else if (errno != EAGAIN && errno != EWOULDBLOCK) {
            break;              /* Reset by the server. */
        }

        if (!moved) {
            struct pollfd pfd = { .fd = fd, .events = POLLIN };
            poll(&pfd, 1, 1);
            idle++;
        } else {
            idle = 0;
        }
    }
    close(fd);

    /* Let the server see the close and free the connection; a request
     * still held is answered to a client that has gone. */
    for (int i = 0; i < 3; i++) {
        http_server_run(server);
    }
    if (release()) {
        for (int i = 0; i < 3; i++) {
            http_server_run(server);
        }
    }
    return 0;
}
