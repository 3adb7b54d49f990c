/*
 * tests/plugin-client: what the programs that call a plugin socket as
 * Docker does share (tests/ovsnet-call, tests/ovsnet-load,
 * bench/bench-attach): messages and dying with one, a growable buffer, a
 * libcurl handle with the headers of Docker's plugin client over a unix
 * socket, and strict parsing of integer options.
 *
 * libcurl and the C library only, not Open vSwitch's headers: the
 * benchmark builds without them.
 */
#ifndef TESTS_PLUGIN_CLIENT_H
#define TESTS_PLUGIN_CLIENT_H 1

#include <stdbool.h>
#include <stddef.h>

#include <curl/curl.h>

/* Names the program in pc_fatal()'s messages and sets the exit status
 * pc_fatal() exits with.  To be called first thing in main(). */
void pc_set_program(const char *name, int fatal_status);

/* Prints "PROGRAM: MESSAGE" on stderr; pc_fatal() then exits with the
 * status given to pc_set_program(). */
void pc_message(const char *format, ...)
    __attribute__((format(printf, 1, 2)));
void pc_fatal(const char *format, ...)
    __attribute__((noreturn, format(printf, 1, 2)));

/* A growable byte buffer, null-terminated once anything is in it (also
 * when that is 0 bytes).  All zeros is an empty buffer. */
struct pc_buffer {
    char *data;
    size_t len;                 /* Bytes in 'data', not counting the null. */
    size_t size;                /* Bytes allocated. */
    size_t max;                 /* pc_write_cb() refuses more; 0: no limit. */
};

void pc_buffer_reserve(struct pc_buffer *, size_t n);
void pc_buffer_put(struct pc_buffer *, const void *data, size_t n);
void pc_buffer_clear(struct pc_buffer *);
void pc_buffer_destroy(struct pc_buffer *);

/* libcurl's CURLOPT_WRITEFUNCTION for a struct pc_buffer given as
 * CURLOPT_WRITEDATA. */
size_t pc_write_cb(char *ptr, size_t size, size_t nmemb, void *buffer);

/* A libcurl easy handle that calls a plugin socket as Docker does, and
 * what it needs. */
struct pc_client {
    CURL *curl;
    struct curl_slist *headers;
    struct pc_buffer reply;     /* What the handle receives. */
    char errbuf[CURL_ERROR_SIZE];
};

void pc_client_init(struct pc_client *, const char *socket_path,
                    long timeout, bool go_transport);
void pc_client_set_path(struct pc_client *, const char *path);
void pc_client_destroy(struct pc_client *);

long pc_parse_int(const char *s, const char *what, long min, long max);

#endif /* tests/plugin-client.h */
