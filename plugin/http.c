/* plugin/http: libmicrohttpd on a unix socket, in the poll loop. */

#include <config.h>

#include "plugin/http.h"

#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "dirs.h"
#include "fatal-signal.h"
#include "openvswitch/dynamic-string.h"
#include "openvswitch/list.h"
#include "openvswitch/poll-loop.h"
#include "openvswitch/vlog.h"
#include "util.h"

VLOG_DEFINE_THIS_MODULE(http);

static struct vlog_rate_limit rl = VLOG_RATE_LIMIT_INIT(5, 20);

struct http_server {
    struct MHD_Daemon *mhd;
    char *path;
    http_handler_func *handler;
    void *aux;
    size_t max_body;            /* Largest request body, in bytes. */
    struct ovs_list suspended;  /* Contains "struct http_request"s. */
};

struct http_request {
    struct ovs_list node;       /* In server->suspended, while suspended. */
    struct http_server *server;
    struct MHD_Connection *conn;
    char *path;
    struct ds body;
    size_t discarded;           /* Bytes of an oversized body dropped. */
    bool dispatched;            /* Handed to the handler. */
    bool suspended;
    unsigned int status;        /* Nonzero once replied. */
    char *reply;
};

static void
mhd_log(void *aux OVS_UNUSED, const char *format, va_list args)
{
    if (!VLOG_DROP_WARN(&rl)) {
        char *s = xvasprintf(format, args);
        size_t len = strlen(s);
        while (len && s[len - 1] == '\n') {
            s[--len] = '\0';
        }
        VLOG_WARN("libmicrohttpd: %s", s);
        free(s);
    }
}

static enum MHD_Result
queue(struct MHD_Connection *conn, unsigned int status, const char *body)
{
    char *text = xasprintf("%s\n", body);
    struct MHD_Response *resp;
    enum MHD_Result ret;

    resp = MHD_create_response_from_buffer(strlen(text), text,
                                           MHD_RESPMEM_MUST_FREE);
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            "application/vnd.docker.plugins.v1+json");
    ret = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result
queue_error(struct MHD_Connection *conn, unsigned int status,
            const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char *body = http_error_json(format, args);
    va_end(args);

    enum MHD_Result ret = queue(conn, status, body);
    free(body);
    return ret;
}

static enum MHD_Result
access_cb(void *cls, struct MHD_Connection *conn, const char *url,
          const char *method, const char *version OVS_UNUSED,
          const char *upload_data, size_t *upload_data_size, void **con_cls)
{
    struct http_server *server = cls;
    struct http_request *req = *con_cls;

    if (!req) {
        /* Headers are in.  Refuse what cannot be a plugin call now, while
         * MHD still lets us answer before the body. */
        if (strcmp(method, MHD_HTTP_METHOD_POST)) {
            VLOG_DBG_RL(&rl, "%s %s: refused (not POST)", method, url);
            return queue_error(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
                               "%s %s: plugin calls use POST", method, url);
        }

        /* A body over the limit is read and dropped, then refused: a
         * reply before the body would race with a client still sending it,
         * which would see a broken pipe instead of the error. */
        req = xzalloc(sizeof *req);
        req->server = server;
        req->conn = conn;
        req->path = xstrdup(url);
        ds_init(&req->body);
        *con_cls = req;
        return MHD_YES;
    }

    if (*upload_data_size) {
        size_t n = *upload_data_size;

        *upload_data_size = 0;
        if (req->discarded || req->body.length + n > server->max_body) {
            /* A chunked body that grew too large: drop it, and give up
             * on a client that keeps on sending. */
            ds_destroy(&req->body);
            ds_init(&req->body);
            req->discarded += n;
            return req->discarded > 16 * server->max_body ? MHD_NO : MHD_YES;
        }
        ds_put_buffer(&req->body, upload_data, n);
        return MHD_YES;
    }

    if (req->status) {
        /* Resumed with a reply. */
        return queue(conn, req->status, req->reply);
    }
    if (req->discarded) {
        return queue_error(conn, MHD_HTTP_CONTENT_TOO_LARGE,
                           "%s: request body is larger than the limit of "
                           "%"PRIuSIZE" bytes", req->path, server->max_body);
    }
    if (req->dispatched) {
        /* MHD called us again while the reply is pending. */
        return MHD_YES;
    }

    req->dispatched = true;
    server->handler(req, server->aux);
    if (req->status) {
        return queue(conn, req->status, req->reply);
    }

    req->suspended = true;
    ovs_list_push_back(&server->suspended, &req->node);
    MHD_suspend_connection(conn);
    return MHD_YES;
}

static void
completed_cb(void *cls OVS_UNUSED, struct MHD_Connection *conn OVS_UNUSED,
             void **con_cls, enum MHD_RequestTerminationCode toe OVS_UNUSED)
{
    struct http_request *req = *con_cls;

    if (req) {
        if (req->suspended) {
            ovs_list_remove(&req->node);
        }
        ds_destroy(&req->body);
        free(req->path);
        free(req->reply);
        free(req);
        *con_cls = NULL;
    }
}

/* Returns 0 if nothing listens on 'path' (removing a stale socket there),
 * EADDRINUSE if something does. */
static int
check_stale_socket(const char *path)
{
    struct sockaddr_un sun;
    int fd, error = 0;

    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    ovs_strzcpy(sun.sun_path, path, sizeof sun.sun_path);

    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return errno;
    }
    if (!connect(fd, (struct sockaddr *) &sun, sizeof sun)) {
        error = EADDRINUSE;
    } else if (errno == ECONNREFUSED) {
        VLOG_INFO("%s: removing stale socket", path);
        unlink(path);
    }
    close(fd);
    return error;
}

static int
make_dirs(const char *path)
{
    char *dir = dir_name(path);
    int error = 0;

    for (char *p = dir + 1; ; p++) {
        if (*p == '/' || !*p) {
            char c = *p;
            *p = '\0';
            /* 0700, as dockerd makes /run/docker/plugins: the sockets in
             * it are for root (and --socket-group) alone. */
            if (mkdir(dir, 0700) && errno != EEXIST) {
                error = errno;
                break;
            }
            *p = c;
            if (!c) {
                break;
            }
        }
    }
    free(dir);
    return error;
}

/* Makes the listening socket at 'opts->path', with its mode, group and
 * backlog.  Returns 0 and the socket in '*fdp', or a positive errno (with
 * nothing left behind). */
static int
listen_unix(const struct http_server_options *opts, int *fdp)
{
    struct sockaddr_un sun;
    int fd, error;

    *fdp = -1;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) {
        return errno;
    }

    memset(&sun, 0, sizeof sun);
    sun.sun_family = AF_UNIX;
    ovs_strzcpy(sun.sun_path, opts->path, sizeof sun.sun_path);

    /* Create the socket with its final permissions, never wider. */
    mode_t old_umask = umask(0777 & ~opts->mode);
    int retval = bind(fd, (struct sockaddr *) &sun, sizeof sun);
    umask(old_umask);
    if (retval) {
        error = errno;
        goto error;
    }
    fatal_signal_add_file_to_unlink(opts->path);
    if (chmod(opts->path, opts->mode)
        || (opts->gid != (gid_t) -1 && chown(opts->path, -1, opts->gid))) {
        error = errno;
        goto error;
    }
    /* A backlog as large as the connection limit (the kernel caps it at
     * net.core.somaxconn): a burst of connections waits to be accepted
     * instead of being refused (EAGAIN on a unix socket). */
    if (listen(fd, opts->max_connections)) {
        error = errno;
        goto error;
    }
    *fdp = fd;
    return 0;

error:
    close(fd);
    unlink(opts->path);
    fatal_signal_remove_file_to_unlink(opts->path);
    return error;
}

int
http_server_create(const struct http_server_options *opts,
                   http_handler_func *handler, void *aux,
                   struct http_server **serverp)
{
    struct sockaddr_un sun;
    struct http_server *server = NULL;
    int fd = -1;
    int error;

    *serverp = NULL;
    if (strlen(opts->path) >= sizeof sun.sun_path) {
        VLOG_ERR("%s: socket path too long", opts->path);
        return ENAMETOOLONG;
    }

    error = check_stale_socket(opts->path);
    if (error == EADDRINUSE) {
        VLOG_ERR("%s: another process is already listening on this "
                 "socket (is ovsnetd already running?)", opts->path);
        return error;
    }
    error = make_dirs(opts->path);
    if (error) {
        VLOG_ERR("%s: could not create its directory (%s)", opts->path,
                 ovs_strerror(error));
        return error;
    }
    error = listen_unix(opts, &fd);
    if (error) {
        goto error;
    }

    server = xzalloc(sizeof *server);
    server->path = xstrdup(opts->path);
    server->handler = handler;
    server->aux = aux;
    server->max_body = opts->max_body ? opts->max_body : HTTP_MAX_BODY;
    ovs_list_init(&server->suspended);

    server->mhd = MHD_start_daemon(
        MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG,
        0, NULL, NULL, access_cb, server,
        MHD_OPTION_EXTERNAL_LOGGER, mhd_log, server,
        MHD_OPTION_LISTEN_SOCKET, (MHD_socket) fd,
        MHD_OPTION_CONNECTION_LIMIT, opts->max_connections,
        MHD_OPTION_CONNECTION_TIMEOUT, opts->idle_timeout,
        MHD_OPTION_NOTIFY_COMPLETED, completed_cb, server,
        MHD_OPTION_END);
    if (!server->mhd) {
        VLOG_ERR("%s: libmicrohttpd could not start", opts->path);
        error = EPROTO;
        goto error;
    }

    VLOG_INFO("listening on %s", opts->path);
    *serverp = server;
    return 0;

error:
    if (error != EPROTO) {
        VLOG_ERR("%s: %s", opts->path, ovs_strerror(error));
    }
    if (server) {
        free(server->path);
        free(server);
    }
    if (fd >= 0) {
        close(fd);
        unlink(opts->path);
        fatal_signal_remove_file_to_unlink(opts->path);
    }
    return error;
}

void
http_server_destroy(struct http_server *server)
{
    if (!server) {
        return;
    }

    /* MHD refuses to stop with suspended connections: answer them. */
    struct http_request *req;
    LIST_FOR_EACH_SAFE (req, node, &server->suspended) {
        http_request_reply_error(req, MHD_HTTP_SERVICE_UNAVAILABLE,
                                 "ovsnetd is shutting down");
    }
    MHD_run(server->mhd);
    /* Closes the listening socket too: it was MHD's since it started. */
    MHD_stop_daemon(server->mhd);
    fatal_signal_unlink_file_now(server->path);
    free(server->path);
    free(server);
}

void
http_server_run(struct http_server *server)
{
    MHD_run(server->mhd);
}

void
http_server_wait(struct http_server *server)
{
    const union MHD_DaemonInfo *info;
    MHD_UNSIGNED_LONG_LONG timeout;

    info = MHD_get_daemon_info(server->mhd, MHD_DAEMON_INFO_EPOLL_FD);
    poll_fd_wait(info->epoll_fd, POLLIN);
    if (MHD_get_timeout(server->mhd, &timeout) == MHD_YES) {
        poll_timer_wait(timeout > INT_MAX ? INT_MAX : timeout);
    }
}

const char *
http_request_path(const struct http_request *req)
{
    return req->path;
}

const char *
http_request_body(const struct http_request *req, size_t *len)
{
    *len = req->body.length;
    return ds_cstr_ro(&req->body);
}

void
http_request_reply(struct http_request *req, unsigned int status,
                   const char *body)
{
    ovs_assert(!req->status);
    req->status = status;
    req->reply = xstrdup(body);
    if (req->suspended) {
        req->suspended = false;
        ovs_list_remove(&req->node);
        MHD_resume_connection(req->conn);
        poll_immediate_wake();
    }
}

void
http_request_reply_error(struct http_request *req, unsigned int status,
                         const char *format, ...)
{
    va_list args;
    va_start(args, format);
    char *body = http_error_json(format, args);
    va_end(args);

    http_request_reply(req, status, body);
    free(body);
}
