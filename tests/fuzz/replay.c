/*
 * Runs a fuzz target's LLVMFuzzerTestOneInput() over files, without
 * libFuzzer: how "make check" replays the seed corpus and every input that
 * once crashed a target, in every build.
 *
 * usage: replay-TARGET FILE|DIR...  (a directory: every file in it, in
 * alphabetical order)
 *
 * Prints "replay: FILE" on stderr before each input, so that the last such
 * line before a crash names the input that caused it.
 */
#include <config.h>

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "openvswitch/dynamic-string.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int n_inputs;

static void
replay_file(const char *name)
{
    fprintf(stderr, "replay: %s\n", name);
    fflush(stderr);

    FILE *f = fopen(name, "rb");
    if (!f) {
        ovs_fatal(errno, "%s: cannot open", name);
    }

    struct ds s = DS_EMPTY_INITIALIZER;
    int c;
    while ((c = getc(f)) != EOF) {
        ds_put_char(&s, c);
    }
    fclose(f);

    /* A copy of exactly the input's size, so that ASan sees overreads. */
    uint8_t *data = xmemdup(s.string ? s.string : "", s.length);
    ds_destroy(&s);
    LLVMFuzzerTestOneInput(data, s.length);
    free(data);
    n_inputs++;
}

static void
replay(const char *name)
{
    struct stat st;
    if (stat(name, &st)) {
        ovs_fatal(errno, "%s", name);
    }
    if (!S_ISDIR(st.st_mode)) {
        replay_file(name);
        return;
    }

    /* In the same order on every file system and every run. */
    struct dirent **des;
    int n = scandir(name, &des, NULL, alphasort);
    if (n < 0) {
        ovs_fatal(errno, "%s: cannot open", name);
    }
    for (int i = 0; i < n; i++) {
        if (des[i]->d_name[0] != '.') {
            char *file = xasprintf("%s/%s", name, des[i]->d_name);
            replay(file);
            free(file);
        }
        free(des[i]);
    }
    free(des);
}

int
main(int argc, char *argv[])
{
    set_program_name(argv[0]);
    if (argc < 2) {
        ovs_fatal(0, "usage: %s FILE|DIR...", argv[0]);
    }
    for (int i = 1; i < argc; i++) {
        replay(argv[i]);
    }
    printf("%s: %d inputs, no crash\n", program_name, n_inputs);
    return 0;
}
