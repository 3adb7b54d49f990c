/*
 * Fuzz target: plugin/http, the raw bytes a client sends on the plugin
 * socket, through libmicrohttpd and http.c's own handling (methods, body
 * collection and its size limit, replies).
 *
 * One server on a unix socket in a temporary directory serves every input.
 * An input is written whole on a new connection, whose sending side is then
 * shut; the server runs until it closes the connection or has answered
 * what it can, the reply bytes being read meanwhile.  Bodies are limited to
 * FUZZ_MAX_BODY bytes, so that inputs within libFuzzer's -max_len (8192
 * bytes in tests/fuzz/run.sh) reach the limit too.  The handler answers
 * every complete request at once with {} (plugin/driver, behind it, has a
 * target of its own: fuzz-driver), every second one after suspending it,
 * as the driver does when a call waits for OVSDB.
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

static struct http_server *server;
static char *socket_path;
static struct http_request *held;     /* Suspended, answered next round. */
static unsigned int n_calls;

static void
handler(struct http_request *req, void *aux OVS_UNUSED)
{
    if (n_calls++ % 2 && !held) {
        held = req;             /* Answered later, as a suspended call. */
    } else {
        http_request_reply(req, 200, "{}");
    }
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
        if (held) {
            struct http_request *req = held;
            held = NULL;
            http_request_reply(req, 200, "{}");
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

    /* Let the server see the close and free the connection. */
    for (int i = 0; i < 3; i++) {
        http_server_run(server);
    }
    if (held) {
        http_request_reply(held, 200, "{}");
        held = NULL;
        http_server_run(server);
    }
    return 0;
}
