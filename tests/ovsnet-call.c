/*
 * ovsnet-call: calls a Docker plugin socket exactly as Docker does.
 *
 * Docker's plugin client (moby pkg/plugins) sends every call as
 *
 *     POST /<Subsystem>.<Method> HTTP/1.1
 *     Host: plugin.moby.localhost
 *     Accept: application/vnd.docker.plugins.v1.2+json
 *
 * with no Content-Type, and a body that is the JSON encoding of the request
 * followed by a newline (Go's json.Encoder), or an empty body for the calls
 * that take no argument (Plugin.Activate, *.GetCapabilities).  This program
 * does the same over a unix socket with libcurl, so that the tests see what
 * the daemon does with real Docker traffic.
 *
 * Usage: ovsnet-call [OPTIONS] SOCKET PATH [BODY|@FILE|-]
 *
 * Prints the response body on stdout.  Exits 0 on HTTP 200, 1 on any other
 * status (after printing "HTTP <code>" on stderr), 2 on a transport error or
 * bad usage.  --repeat=N makes the same call N times over one keep-alive
 * connection, as Docker's client reuses its connections.
 */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#define EXIT_HTTP_ERROR 1
#define EXIT_TRANSPORT 2

/* A growable byte buffer. */
struct buffer {
    char *data;
    size_t len;
    size_t size;
};

static const char *program_name = "ovsnet-call";

static void usage(void) __attribute__((noreturn));
static void fatal(const char *format, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

static void
usage(void)
{
    printf("%s: calls a Docker plugin socket as Docker does\n"
           "usage: %s [OPTIONS] SOCKET PATH [BODY|@FILE|-]\n"
           "\n"
           "Sends \"POST /PATH\" over the unix socket SOCKET with the\n"
           "headers Docker sends, and BODY (or the contents of FILE, or\n"
           "standard input for \"-\") followed by a newline as the body.\n"
           "Without BODY the body is empty, as for Plugin.Activate.\n"
           "\n"
           "Options:\n"
           "  --method=METHOD   use METHOD instead of POST\n"
           "  --raw             send the body exactly, without a newline\n"
           "  --timeout=SECS    give up after SECS seconds (default: never,\n"
           "                    as Docker); a timeout is a transport error\n"
           "  --repeat=N        make the call N times over one keep-alive\n"
           "                    connection, as Docker's client reuses them;\n"
           "                    prints every reply, one a line, and on\n"
           "                    stderr how many connections it took\n"
           "  --verbose         print the exchange on stderr\n"
           "  --help            print this message\n"
           "\n"
           "Prints the response body.  Exit status: 0 on HTTP 200, 1 on\n"
           "any other status (\"HTTP <code>\" on stderr), 2 on a\n"
           "transport error.\n",
           program_name, program_name);
    exit(EXIT_SUCCESS);
}

static void
fatal(const char *format, ...)
{
    va_list args;

    fprintf(stderr, "%s: ", program_name);
    va_start(args, format);
    vfprintf(stderr, format, args);
    va_end(args);
    fputc('\n', stderr);
    exit(EXIT_TRANSPORT);
}

static void
buffer_reserve(struct buffer *b, size_t n)
{
    if (b->size - b->len < n) {
        size_t size = b->size ? b->size : 4096;

        while (size - b->len < n) {
            if (size > SIZE_MAX / 2) {
                fatal("out of memory");
            }
            size *= 2;
        }
        b->data = realloc(b->data, size);
        if (!b->data) {
            fatal("out of memory");
        }
        b->size = size;
    }
}

static void
buffer_put(struct buffer *b, const void *data, size_t n)
{
    buffer_reserve(b, n);
    if (n) {
        memcpy(b->data + b->len, data, n);
        b->len += n;
    }
}

/* Appends everything 'stream' holds to 'b'. */
static void
buffer_read_stream(struct buffer *b, FILE *stream, const char *name)
{
    for (;;) {
        size_t n;

        buffer_reserve(b, 65536);
        n = fread(b->data + b->len, 1, b->size - b->len, stream);
        b->len += n;
        if (n == 0) {
            if (ferror(stream)) {
                fatal("%s: read error: %s", name, strerror(errno));
            }
            break;
        }
    }
}

/* The body of the request, as the command line gives it. */
static void
read_body(struct buffer *b, const char *arg)
{
    if (!strcmp(arg, "-")) {
        buffer_read_stream(b, stdin, "standard input");
    } else if (arg[0] == '@') {
        FILE *stream = fopen(arg + 1, "rb");

        if (!stream) {
            fatal("%s: %s", arg + 1, strerror(errno));
        }
        buffer_read_stream(b, stream, arg + 1);
        fclose(stream);
    } else {
        buffer_put(b, arg, strlen(arg));
    }
}

static size_t
write_cb(char *ptr, size_t size, size_t nmemb, void *b_)
{
    struct buffer *b = b_;

    buffer_put(b, ptr, size * nmemb);
    return size * nmemb;
}

/* Adds 'header' to 'list', dying if libcurl cannot. */
static struct curl_slist *
add_header(struct curl_slist *list, const char *header)
{
    struct curl_slist *new = curl_slist_append(list, header);

    if (!new) {
        fatal("out of memory");
    }
    return new;
}

int
main(int argc, char *argv[])
{
    enum {
        OPT_METHOD = 256,
        OPT_RAW,
        OPT_TIMEOUT,
        OPT_REPEAT,
        OPT_VERBOSE,
        OPT_HELP,
    };
    static const struct option long_options[] = {
        {"method", required_argument, NULL, OPT_METHOD},
        {"raw", no_argument, NULL, OPT_RAW},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"repeat", required_argument, NULL, OPT_REPEAT},
        {"verbose", no_argument, NULL, OPT_VERBOSE},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    const char *method = "POST";
    bool raw = false;
    bool verbose = false;
    long timeout = 0;
    long repeat = 1;
    long n_connects = 0;
    int status = EXIT_SUCCESS;
    struct buffer body = { NULL, 0, 0 };
    struct buffer reply = { NULL, 0, 0 };
    struct curl_slist *headers = NULL;
    const char *socket_path, *path;
    char errbuf[CURL_ERROR_SIZE];
    char *url;
    size_t url_len;
    CURLcode error;
    CURL *curl;

    for (;;) {
        int c = getopt_long(argc, argv, "", long_options, NULL);
        char *end;

        if (c == -1) {
            break;
        }
        switch (c) {
        case OPT_METHOD:
            method = optarg;
            if (!method[0] || strpbrk(method, " \t\r\n")) {
                fatal("%s: invalid method", method);
            }
            break;

        case OPT_RAW:
            raw = true;
            break;

        case OPT_TIMEOUT:
            errno = 0;
            timeout = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || timeout < 0) {
                fatal("%s: invalid timeout", optarg);
            }
            break;

        case OPT_REPEAT:
            errno = 0;
            repeat = strtol(optarg, &end, 10);
            if (errno || end == optarg || *end || repeat < 1) {
                fatal("%s: invalid repeat count", optarg);
            }
            break;

        case OPT_VERBOSE:
            verbose = true;
            break;

        case OPT_HELP:
            usage();

        default:
            exit(EXIT_TRANSPORT);
        }
    }
    if (argc - optind < 2 || argc - optind > 3) {
        fatal("need SOCKET PATH [BODY] (use --help for help)");
    }
    socket_path = argv[optind];
    path = argv[optind + 1];
    if (argc - optind == 3) {
        read_body(&body, argv[optind + 2]);
    }

    /* Go's json.Encoder ends every value with a newline.  A call with no
     * argument has an empty body, without one. */
    if (!raw && body.len) {
        buffer_put(&body, "\n", 1);
    }
    /* libcurl wants a pointer even for an empty body. */
    buffer_put(&body, "", 0);

    /* Docker's URL for a unix socket names the host "plugin.moby.localhost"
     * (the Host header) and the call as the path. */
    while (*path == '/') {
        path++;
    }
    url_len = strlen("http://plugin.moby.localhost/") + strlen(path) + 1;
    url = malloc(url_len);
    if (!url) {
        fatal("out of memory");
    }
    snprintf(url, url_len, "http://plugin.moby.localhost/%s", path);

    if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
        fatal("cannot initialize libcurl");
    }
    curl = curl_easy_init();
    if (!curl) {
        fatal("cannot initialize libcurl");
    }

    /* The headers of moby's pkg/plugins client: Accept, and none of
     * libcurl's own (Content-Type for a POST, Expect for a large body).
     * Go's transport adds User-Agent and Accept-Encoding. */
    headers = add_header(headers,
                         "Accept: application/vnd.docker.plugins.v1.2+json");
    headers = add_header(headers, "Content-Type:");
    headers = add_header(headers, "Expect:");
    headers = add_header(headers, "User-Agent: Go-http-client/1.1");

    errbuf[0] = '\0';
    curl_easy_setopt(curl, CURLOPT_UNIX_SOCKET_PATH, socket_path);
    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, (long) CURL_HTTP_VERSION_1_1);
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "gzip");
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_VERBOSE, verbose ? 1L : 0L);
    if (timeout) {
        curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout);
    }

    if ((!strcmp(method, "GET") || !strcmp(method, "HEAD")) && !body.len) {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
        if (!strcmp(method, "HEAD")) {
            curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
        }
    } else {
        curl_easy_setopt(curl, CURLOPT_POST, 1L);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data);
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                         (curl_off_t) body.len);
        if (strcmp(method, "POST")) {
            curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method);
        }
    }

    for (long i = 0; i < repeat; i++) {
        long connects = 0;
        long code = 0;

        reply.len = 0;
        error = curl_easy_perform(curl);
        if (error != CURLE_OK) {
            fprintf(stderr, "%s: %s: %s\n", program_name, socket_path,
                    errbuf[0] ? errbuf : curl_easy_strerror(error));
            /* Whatever arrived before the failure may help a test's log. */
            if (reply.len) {
                fwrite(reply.data, 1, reply.len, stdout);
            }
            exit(EXIT_TRANSPORT);
        }
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
        if (curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects)
            == CURLE_OK) {
            n_connects += connects;
        }

        if (reply.len
            && fwrite(reply.data, 1, reply.len, stdout) != reply.len) {
            fatal("write error: %s", strerror(errno));
        }
        if (repeat > 1 && (!reply.len || reply.data[reply.len - 1] != '\n')) {
            putchar('\n');
        }
        if (fflush(stdout)) {
            fatal("write error: %s", strerror(errno));
        }
        if (code != 200) {
            fprintf(stderr, "HTTP %ld\n", code);
            status = EXIT_HTTP_ERROR;
        }
    }

    if (repeat > 1) {
        fprintf(stderr, "%s: %ld calls over %ld connection(s)\n",
                program_name, repeat, n_connects);
    }

    curl_easy_cleanup(curl);
    curl_slist_free_all(headers);
    curl_global_cleanup();
    free(url);
    free(body.data);
    free(reply.data);

    return status;
}
