/*
 * plugin/http: the plugin's HTTP server on a unix socket.
 *
 * libmicrohttpd in external-select mode (epoll), driven from the daemon's
 * poll loop: http_server_wait() registers the epoll fd and MHD's timeout,
 * http_server_run() lets MHD do what is ready.  Every request body is
 * collected (up to HTTP_MAX_BODY bytes, or the server's max_body) and
 * handed whole to the handler,
 * which replies at once or later (the connection is suspended meanwhile).
 * Requests that are not POST, or whose body is too large, are answered here
 * with Docker's error shape {"Err": "..."} and never reach the handler.
 */
#ifndef PLUGIN_HTTP_H
#define PLUGIN_HTTP_H 1

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

#define HTTP_MAX_BODY (1024 * 1024)

struct http_server;
struct http_request;
struct json;

/* Called once per complete request.  Must eventually call
 * http_request_reply() exactly once, during the call or later. */
typedef void http_handler_func(struct http_request *, void *aux);

struct http_server_options {
    const char *path;           /* Socket to create. */
    mode_t mode;                /* Its permissions, e.g. 0660. */
    gid_t gid;                  /* Its group, or (gid_t) -1 to leave it. */
    unsigned int max_connections;
    unsigned int idle_timeout;  /* Seconds. */
    size_t max_body;            /* Largest request body (bytes), larger
                                 * ones being refused; 0: HTTP_MAX_BODY. */
};

int http_server_create(const struct http_server_options *,
                       http_handler_func *, void *aux,
                       struct http_server **);
void http_server_destroy(struct http_server *);
void http_server_run(struct http_server *);
void http_server_wait(struct http_server *);

const char *http_request_path(const struct http_request *);
const char *http_request_body(const struct http_request *, size_t *len);

/* Sends the reply to 'req': 'status' and 'body' (copied; JSON text, to
 * which a newline is appended).  'req' must not be used afterwards. */
void http_request_reply(struct http_request *req, unsigned int status,
                        const char *body);

/* Sends 'body' (which this takes) as the reply to 'req', with 'status'.
 * (In plugin/http-error.c.) */
void http_request_reply_json(struct http_request *req, unsigned int status,
                             struct json *body);

/* Replies {"Err": MESSAGE} with 'status'. */
void http_request_reply_error(struct http_request *req, unsigned int status,
                              const char *format, ...)
    __attribute__((format(printf, 3, 4)));

/* Returns member 'key' of the request body 'obj' if it is a string, "" if
 * it is absent or null.  Otherwise replies 400 to 'req', naming the call
 * and the member, and returns NULL.  (In plugin/http-error.c.) */
const char *http_request_json_string(struct http_request *req,
                                     const struct json *obj,
                                     const char *key);

/* Returns {"Err": MESSAGE} as JSON text (which the caller must free), the
 * body of the error replies above, with MESSAGE made from 'format' and
 * 'args'.  (In plugin/http-error.c, which does not need libmicrohttpd.) */
char *http_error_json(const char *format, va_list args)
    __attribute__((format(printf, 1, 0)));

#endif /* plugin/http.h */
