/* tests/plugin-client: calling a plugin socket as Docker does. */

#include <config.h>

#include "tests/plugin-client.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *program_name = "plugin-client";
static int fatal_status = EXIT_FAILURE;

void
pc_set_program(const char *name, int status)
{
    program_name = name;
    fatal_status = status;
}

static void
vmessage(const char *format, va_list args)
{
    fprintf(stderr, "%s: ", program_name);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
}

void
pc_message(const char *format, ...)
{
    va_list args;

    va_start(args, format);
    vmessage(format, args);
    va_end(args);
}

void
pc_fatal(const char *format, ...)
{
    va_list args;

    va_start(args, format);
    vmessage(format, args);
    va_end(args);
    exit(fatal_status);
}

/* Makes room in 'b' for 'n' more bytes and a null terminator.  Dies if
 * memory runs out. */
void
pc_buffer_reserve(struct pc_buffer *b, size_t n)
{
    if (n >= SIZE_MAX - b->len) {
        pc_fatal("out of memory");
    }
    if (b->size - b->len <= n) {
        size_t size = b->size ? b->size : 1024;

        while (size - b->len <= n) {
            if (size > SIZE_MAX / 2) {
                pc_fatal("out of memory");
            }
            size *= 2;
        }
        char *data = realloc(b->data, size);
        if (!data) {
            pc_fatal("out of memory");
        }
        b->data = data;
        b->size = size;
    }
}

/* Appends the 'n' bytes at 'data' to 'b', and a null terminator. */
void
pc_buffer_put(struct pc_buffer *b, const void *data, size_t n)
{
    pc_buffer_reserve(b, n);
    if (n) {
        memcpy(b->data + b->len, data, n);
        b->len += n;
    }
    b->data[b->len] = '\0';
}

/* Empties 'b', leaving it "" (allocated). */
void
pc_buffer_clear(struct pc_buffer *b)
{
    b->len = 0;
    pc_buffer_put(b, "", 0);
}

/* Frees what 'b' holds and empties it.  'b' may be NULL. */
void
pc_buffer_destroy(struct pc_buffer *b)
{
    if (b) {
        free(b->data);
        b->data = NULL;
        b->len = b->size = 0;
    }
}

/* Appends what libcurl received to the struct pc_buffer 'b_'.  Returns
 * the number of bytes taken: all of them, or 0 (the transfer fails) if
 * they would take the buffer over its 'max'. */
size_t
pc_write_cb(char *ptr, size_t size, size_t nmemb, void *b_)
{
    struct pc_buffer *b = b_;
    size_t n = size * nmemb;

    if (b->max && (b->len > b->max || n > b->max - b->len)) {
        return 0;
    }
    pc_buffer_put(b, ptr, n);
    return n;
}

/* Adds 'header' to 'list', dying if libcurl cannot. */
static struct curl_slist *
add_header(struct curl_slist *list, const char *header)
{
    struct curl_slist *new = curl_slist_append(list, header);

    if (!new) {
        pc_fatal("out of memory");
    }
    return new;
}

/* Initializes 'c' for calls to the plugin socket 'socket_path', HTTP/1.1
 * with the headers of moby's pkg/plugins client: Accept, and none of
 * libcurl's own (Content-Type for a POST, Expect for a large body).  With
 * 'go_transport', also what Go's HTTP transport adds: User-Agent and
 * Accept-Encoding.  The reply goes to 'c->reply', error messages to
 * 'c->errbuf'; a call gives up after 'timeout' seconds (0: never).  The
 * caller sets the path (pc_client_set_path()), the method and the body.
 * Dies if libcurl cannot be set up.  Free with pc_client_destroy(). */
void
pc_client_init(struct pc_client *c, const char *socket_path, long timeout,
               bool go_transport)
{
    memset(c, 0, sizeof *c);
    c->curl = curl_easy_init();
    if (!c->curl) {
        pc_fatal("cannot initialize libcurl");
    }

    c->headers = add_header(c->headers, "Accept: application/"
                            "vnd.docker.plugins.v1.2+json");
    c->headers = add_header(c->headers, "Content-Type:");
    c->headers = add_header(c->headers, "Expect:");
    if (go_transport) {
        c->headers = add_header(c->headers,
                                "User-Agent: Go-http-client/1.1");
        curl_easy_setopt(c->curl, CURLOPT_ACCEPT_ENCODING, "gzip");
    }

    curl_easy_setopt(c->curl, CURLOPT_UNIX_SOCKET_PATH, socket_path);
    curl_easy_setopt(c->curl, CURLOPT_HTTP_VERSION,
                     (long) CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, c->headers);
    curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, pc_write_cb);
    curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, &c->reply);
    curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, c->errbuf);
    curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c->curl, CURLOPT_TIMEOUT, timeout);
}

/* Makes 'c''s next call one to 'path' ("NetworkDriver.Join", with or
 * without a leading "/"): Docker's URL for a unix socket names the host
 * "plugin.moby.localhost" (the Host header) and the call as the path. */
void
pc_client_set_path(struct pc_client *c, const char *path)
{
    static const char prefix[] = "http://plugin.moby.localhost/";

    while (*path == '/') {
        path++;
    }

    size_t len = strlen(prefix) + strlen(path) + 1;
    char *url = malloc(len);
    if (!url) {
        pc_fatal("out of memory");
    }
    snprintf(url, len, "%s%s", prefix, path);
    curl_easy_setopt(c->curl, CURLOPT_URL, url);
    free(url);
}

/* Frees what 'c' holds.  'c' may be NULL. */
void
pc_client_destroy(struct pc_client *c)
{
    if (c) {
        curl_easy_cleanup(c->curl);
        curl_slist_free_all(c->headers);
        pc_buffer_destroy(&c->reply);
    }
}

/* Returns 's' as a decimal integer from 'min' to 'max'; dies with a
 * message that names 'what' (e.g. "--clients") if it is anything else:
 * empty, with other characters (" 1", "+1", "10x", "1e5") or out of
 * range. */
long
pc_parse_int(const char *s, const char *what, long min, long max)
{
    char *end;
    long v;

    /* strtol() would also take leading white space and a "+". */
    bool digits = isdigit((unsigned char) s[0])
                  || (s[0] == '-' && isdigit((unsigned char) s[1]));
    errno = 0;
    v = strtol(s, &end, 10);
    if (!digits || errno || *end || v < min || v > max) {
        if (max == LONG_MAX) {
            pc_fatal("%s: %s must be an integer of at least %ld", s, what,
                     min);
        }
        pc_fatal("%s: %s must be an integer from %ld to %ld", s, what, min,
                 max);
    }
    return v;
}
