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
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "tests/plugin-client.h"

#define EXIT_HTTP_ERROR 1
#define EXIT_TRANSPORT 2

static const char *program_name = "ovsnet-call";

static void usage(void) __attribute__((noreturn));

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

/* Appends everything 'stream' holds to 'b'. */
static void
buffer_read_stream(struct pc_buffer *b, FILE *stream, const char *name)
{
    for (;;) {
        size_t n;

        pc_buffer_reserve(b, 65536);
        n = fread(b->data + b->len, 1, b->size - b->len - 1, stream);
        b->len += n;
        b->data[b->len] = '\0';
        if (n == 0) {
            if (ferror(stream)) {
                pc_fatal("%s: read error: %s", name, strerror(errno));
            }
            break;
        }
    }
}

/* The body of the request, as the command line gives it. */
static void
read_body(struct pc_buffer *b, const char *arg)
{
    if (!strcmp(arg, "-")) {
        buffer_read_stream(b, stdin, "standard input");
    } else if (arg[0] == '@') {
        FILE *stream = fopen(arg + 1, "rb");

        if (!stream) {
            pc_fatal("%s: %s", arg + 1, strerror(errno));
        }
        buffer_read_stream(b, stream, arg + 1);
        fclose(stream);
    } else {
        pc_buffer_put(b, arg, strlen(arg));
    }
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
    struct pc_buffer body = { NULL, 0, 0, 0 };
    const char *socket_path, *path;
    struct pc_client client;
    CURLcode error;
    CURL *curl;

    pc_set_program(program_name, EXIT_TRANSPORT);
    for (;;) {
        int c = getopt_long(argc, argv, "", long_options, NULL);

        if (c == -1) {
            break;
        }
        switch (c) {
        case OPT_METHOD:
            method = optarg;
            if (!method[0] || strpbrk(method, " \t\r\n")) {
                pc_fatal("%s: invalid method", method);
            }
            break;

        case OPT_RAW:
            raw = true;
            break;

        case OPT_TIMEOUT:
            timeout = pc_parse_int(optarg, "--timeout", 0, LONG_MAX);
            break;

        case OPT_REPEAT:
            repeat = pc_parse_int(optarg, "--repeat", 1, LONG_MAX);
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
        pc_fatal("need SOCKET PATH [BODY] (use --help for help)");
    }
    socket_path = argv[optind];
    path = argv[optind + 1];
    if (argc - optind == 3) {
        read_body(&body, argv[optind + 2]);
    }

    /* Go's json.Encoder ends every value with a newline.  A call with no
     * argument has an empty body, without one. */
    if (!raw && body.len) {
        pc_buffer_put(&body, "\n", 1);
    }
    /* libcurl wants a pointer even for an empty body. */
    pc_buffer_put(&body, "", 0);

    if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
        pc_fatal("cannot initialize libcurl");
    }
    pc_client_init(&client, socket_path, timeout, true);
    pc_client_set_path(&client, path);
    curl = client.curl;
    curl_easy_setopt(curl, CURLOPT_VERBOSE, verbose ? 1L : 0L);

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
        struct pc_buffer *reply = &client.reply;
        long connects = 0;
        long code = 0;

        pc_buffer_clear(reply);
        error = curl_easy_perform(curl);
        if (error != CURLE_OK) {
            fprintf(stderr, "%s: %s: %s\n", program_name, socket_path,
                    client.errbuf[0] ? client.errbuf
                    : curl_easy_strerror(error));
            /* Whatever arrived before the failure may help a test's log. */
            if (reply->len) {
                fwrite(reply->data, 1, reply->len, stdout);
            }
            exit(EXIT_TRANSPORT);
        }
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
        if (curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &connects)
            == CURLE_OK) {
            n_connects += connects;
        }

        if (reply->len
            && fwrite(reply->data, 1, reply->len, stdout) != reply->len) {
            pc_fatal("write error: %s", strerror(errno));
        }
        if (repeat > 1
            && (!reply->len || reply->data[reply->len - 1] != '\n')) {
            putchar('\n');
        }
        if (fflush(stdout)) {
            pc_fatal("write error: %s", strerror(errno));
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

    pc_client_destroy(&client);
    curl_global_cleanup();
    pc_buffer_destroy(&body);

    return status;
}
