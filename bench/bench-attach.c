/*
 * bench-attach: how long it takes to attach a container to a network and
 * to detach it, through ovsnetd and through ovs-docker.
 *
 * "bench-attach ovsnet SOCKET" calls ovsnetd's plugin socket exactly as
 * Docker does (libcurl, POST, "Host: plugin.moby.localhost", the JSON body
 * followed by a newline, no Content-Type, keep-alive connections):
 *
 *   1. CreateNetwork (dual stack: 198.51.100.0/24 and 2001:db8:5::/64),
 *      then one attach and detach, timed apart: the first one also waits
 *      for ovs-vswitchd to make the bridge;
 *   2. a burst: N threads, each with its own connection, released at once,
 *      each CreateEndpoint + Join; the wall time until the last Join
 *      returns; then they are deleted, again all at once;
 *   3. for each population P (default 10 and 1000): endpoints are added
 *      until P are on the network (CreateEndpoint, several at once), then
 *      C cycles of CreateEndpoint + Join ("attach") and Leave +
 *      DeleteEndpoint ("detach"), each pair timed with CLOCK_MONOTONIC;
 *      in between, as Docker does, the Join's SrcName is moved into a
 *      container's network namespace as eth0 and back (not timed);
 *   4. with --publish=N: "docker run -P" on N of the endpoints
 *      (ProgramExternalConnectivity asking for any host port), one after
 *      the other, and before and after that, C cycles of the same call and
 *      RevokeExternalConnectivity on one more endpoint, each call timed:
 *      the time to choose a host port with none and with N published;
 *      then the N are revoked;
 *   5. the burst again with the largest population there;
 *   6. ovsnetd's VmRSS and VmHWM (from /proc/PID/status) along the way.
 *
 * CreateEndpoint returns only once ovs-vswitchd has given the port an
 * ofport, so "attach" is the time until the port is ready.  With --trace,
 * the wall clock times of each measured cycle's calls are written to a
 * file, to be matched with an OVSDB monitor's (see bench/run.sh).
 *
 * "bench-attach ovs-docker BRIDGE CONTAINER" times, the same way, "ovs-docker
 * add-port BRIDGE eth1 CONTAINER" and "ovs-docker del-port ..." in turn,
 * and N "ovs-docker add-port" one after the other (what a script can do
 * with it).  It runs ovs-docker from PATH with the environment it got.
 *
 * Results go to standard output as "KEY VALUE" lines (times in ms, memory
 * in kB) for bench/run.sh to tabulate; progress goes to standard error.
 * Nothing here passes or fails on time: a failed call is an error (exit
 * status 1), a slow one is a figure.
 */

#include <config.h>

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <curl/curl.h>

#include "tests/plugin-client.h"

#define ID_LEN 64

static const char *program_name = "bench-attach";

/* Options. */
static int n_cycles = 50;
static int n_burst = 50;
static int n_publish;                   /* --publish. */
static int fill_concurrency = 16;
static long call_timeout = 120;         /* Seconds, per call. */
static int budget_s;                    /* Per set of cycles; 0: none. */
static long daemon_pid;
static const char *container_netns;
static const char *datapath;            /* "-o ovs.datapath=", or NULL. */
static FILE *trace;                     /* --trace, or NULL. */
static int populations[8] = { 10, 1000 };
static int n_populations = 2;

static void usage(void) __attribute__((noreturn));

static void *
xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) {
        pc_fatal("out of memory");
    }
    return p;
}

static void *
xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) {
        pc_fatal("out of memory");
    }
    return p;
}

/* Returns CLOCK_MONOTONIC in ms. */
static double
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Stores the wall clock time in 'buf' as "HH:MM:SS.uuuuuu", UTC, the
 * format of "ovsdb-client --timestamp" (which has only milliseconds), to
 * compare with its output. */
static void
wall_clock(char buf[32])
{
    struct timespec ts;
    struct tm tm;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    snprintf(buf, 32, "%02d:%02d:%02d.%06d", tm.tm_hour, tm.tm_min,
             tm.tm_sec, (int) (ts.tv_nsec / 1000));
}

/* Returns true if a set of cycles that started at 'start' (ms) and has done
 * 'done' cycles should stop early: it has used its --budget and has done
 * enough cycles for a median. */
static bool
over_budget(double start, int done)
{
    if (budget_s && done >= 10 && now_ms() - start > budget_s * 1000.0) {
        pc_message("stopping after %d cycles: the --budget of %d s is "
                   "used", done, budget_s);
        return true;
    }
    return false;
}

/* Prints a result line. */
static void
result(const char *key, double value)
{
    printf("%s %.3f\n", key, value);
    fflush(stdout);
}

/* Samples and their percentiles. */

struct samples {
    double *v;
    size_t n, allocated;
};

static void
samples_add(struct samples *s, double v)
{
    if (s->n >= s->allocated) {
        s->allocated = s->allocated ? 2 * s->allocated : 64;
        s->v = realloc(s->v, s->allocated * sizeof *s->v);
        if (!s->v) {
            pc_fatal("out of memory");
        }
    }
    s->v[s->n++] = v;
}

static int
compare_doubles(const void *a_, const void *b_)
{
    const double *a = a_, *b = b_;
    return *a < *b ? -1 : *a > *b;
}

/* Returns the 'q' quantile (0 < q <= 1) of 's', by the nearest-rank
 * method: the smallest sample such that at least q of all are <= it.  With
 * 50 samples, p99 is the largest. */
static double
samples_quantile(struct samples *s, double q)
{
    if (!s->n) {
        return 0;
    }
    qsort(s->v, s->n, sizeof *s->v, compare_doubles);

    size_t rank = (size_t) (q * s->n + 0.999999);
    rank = rank < 1 ? 1 : rank > s->n ? s->n : rank;
    return s->v[rank - 1];
}

/* Prints "PREFIX.p50", "PREFIX.p99", "PREFIX.max", "PREFIX.n" for 's', and
 * empties it. */
static void
samples_report(struct samples *s, const char *prefix)
{
    char key[128];

    snprintf(key, sizeof key, "%s.p50", prefix);
    result(key, samples_quantile(s, 0.50));
    snprintf(key, sizeof key, "%s.p99", prefix);
    result(key, samples_quantile(s, 0.99));
    snprintf(key, sizeof key, "%s.max", prefix);
    result(key, s->n ? s->v[s->n - 1] : 0);
    snprintf(key, sizeof key, "%s.n", prefix);
    result(key, s->n);
    s->n = 0;
}

/* A keep-alive connection to the plugin socket, as one of Docker's. */

static const char *socket_path;

/* Sets up 'c' to call 'socket_path' with POST.  Free with
 * pc_client_destroy(). */
static void
client_init(struct pc_client *c)
{
    pc_client_init(c, socket_path, call_timeout, true);
    curl_easy_setopt(c->curl, CURLOPT_POST, 1L);
}

/* Calls 'method' (e.g. "NetworkDriver.Join") with 'body' (NULL for an
 * empty body) and returns the reply body, which 'c' owns until the next
 * call.  Dies on anything but an HTTP 200 without an "Err". */
static const char *
call(struct pc_client *c, const char *method, const char *body)
{
    char *text;
    long code = 0;

    if (body) {
        /* Go's json.Encoder ends the value with a newline. */
        size_t len = strlen(body);
        text = xmalloc(len + 2);
        memcpy(text, body, len);
        memcpy(text + len, "\n", 2);
    } else {
        text = xcalloc(1, 1);
    }

    pc_buffer_clear(&c->reply);
    c->errbuf[0] = '\0';
    pc_client_set_path(c, method);
    curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, text);
    curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     (curl_off_t) strlen(text));
    CURLcode error = curl_easy_perform(c->curl);
    free(text);
    if (error != CURLE_OK) {
        pc_fatal("%s: %s: %s", socket_path, method,
                 c->errbuf[0] ? c->errbuf : curl_easy_strerror(error));
    }
    curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &code);

    const char *err = strstr(c->reply.data, "\"Err\"");
    if (code != 200 || (err && !strstr(err, "\"Err\":\"\"")
                        && !strstr(err, "\"Err\": \"\""))) {
        pc_fatal("%s: HTTP %ld: %s", method, code, c->reply.data);
    }
    return c->reply.data;
}

/* Stores in 'out' (at least 16 bytes) the string value of "key" in 'json'
 * (a flat search, enough for Docker's replies). */
static bool
find_string(const char *json, const char *key, char *out, size_t size)
{
    char pattern[64];
    snprintf(pattern, sizeof pattern, "\"%s\"", key);

    const char *p = strstr(json, pattern);
    if (!p) {
        return false;
    }
    p += strlen(pattern);
    p += strspn(p, " \t\n:");
    if (*p != '"') {
        return false;
    }
    p++;

    size_t len = strcspn(p, "\"");
    if (len >= size) {
        return false;
    }
    memcpy(out, p, len);
    out[len] = '\0';
    return true;
}

/* IDs and request bodies, as Docker 20.10-27 writes them. */

static char network_id[ID_LEN + 1];
static unsigned int id_base;

/* Makes a 64-hex-digit ID whose first 9 digits (those in ovsnet's link
 * names) are 'prefix' (2 digits) and 'n' (7 digits). */
static void
make_id(char id[ID_LEN + 1], const char *prefix, unsigned int n)
{
    int len = snprintf(id, ID_LEN + 1, "%.2s%07x", prefix, n & 0xfffffff);
    while (len < ID_LEN) {
        len += snprintf(id + len, ID_LEN + 1 - len, "%08x",
                        (unsigned int) random());
    }
    id[ID_LEN] = '\0';
}

/* An endpoint of this run. */
struct endpoint {
    char id[ID_LEN + 1];
    unsigned int n;             /* Serial number. */
    char src_name[32];          /* From the Join reply. */
};

static void
endpoint_init(struct endpoint *ep, unsigned int n)
{
    memset(ep, 0, sizeof *ep);
    ep->n = n;
    make_id(ep->id, "ce", id_base + n);
}

static void
create_endpoint(struct pc_client *c, struct endpoint *ep, bool with_ipv4)
{
    char ipv4[32] = "";
    char body[512];

    /* 1,000 endpoints do not fit in a documentation /24: every endpoint
     * gets an IPv6 address of 2001:db8:5::/64, and only those that stand
     * for containers being started also get an IPv4 address (measured
     * endpoints are deleted again, so .2 to .254 are enough). */
    if (with_ipv4) {
        snprintf(ipv4, sizeof ipv4, "198.51.100.%u/24", 2 + ep->n % 253);
    }
    snprintf(body, sizeof body,
             "{\"NetworkID\":\"%s\",\"EndpointID\":\"%s\","
             "\"Interface\":{\"Address\":\"%s\","
             "\"AddressIPv6\":\"2001:db8:5::%x:%x/64\",\"MacAddress\":\"\"},"
             "\"Options\":{\"com.docker.network.endpoint.exposedports\":[],"
             "\"com.docker.network.portmap\":[]}}",
             network_id, ep->id, ipv4, (ep->n >> 16) + 1, ep->n & 0xffff);
    call(c, "NetworkDriver.CreateEndpoint", body);
}

static void
join(struct pc_client *c, struct endpoint *ep)
{
    char body[512];

    snprintf(body, sizeof body,
             "{\"NetworkID\":\"%s\",\"EndpointID\":\"%s\","
             "\"SandboxKey\":\"/var/run/docker/netns/%.12s\",\"Options\":{}}",
             network_id, ep->id, ep->id);
    const char *reply = call(c, "NetworkDriver.Join", body);
    if (!find_string(reply, "SrcName", ep->src_name, sizeof ep->src_name)) {
        pc_fatal("Join: no InterfaceName.SrcName in %s", reply);
    }
}

/* Leave, DeleteEndpoint and everything that takes only the IDs. */
static void
ids_call(struct pc_client *c, const char *method, const struct endpoint *ep)
{
    char body[256];

    snprintf(body, sizeof body,
             "{\"NetworkID\":\"%s\",\"EndpointID\":\"%s\"}",
             network_id, ep->id);
    call(c, method, body);
}

/* "docker run -P" for a container that exposes 80/tcp: asks for any host
 * port. */
static void
publish(struct pc_client *c, const struct endpoint *ep)
{
    char body[512];

    snprintf(body, sizeof body,
             "{\"NetworkID\":\"%s\",\"EndpointID\":\"%s\","
             "\"Options\":{\"com.docker.network.endpoint.exposedports\":"
             "[{\"Proto\":6,\"Port\":80}],"
             "\"com.docker.network.portmap\":[{\"Proto\":6,\"IP\":\"\","
             "\"Port\":80,\"HostIP\":\"\",\"HostPort\":0,"
             "\"HostPortEnd\":0}]}}", network_id, ep->id);
    call(c, "NetworkDriver.ProgramExternalConnectivity", body);
}

/* Runs 'argv' and waits for it; dies if it fails. */
static void
run(char *const argv[])
{
    pid_t pid = fork();
    int status;

    if (pid < 0) {
        pc_fatal("fork: %s", strerror(errno));
    }
    if (!pid) {
        execvp(argv[0], argv);
        fprintf(stderr, "%s: %s\n", argv[0], strerror(errno));
        _exit(127);
    }
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            pc_fatal("waitpid: %s", strerror(errno));
        }
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status)) {
        pc_fatal("\"%s %s %s...\" failed (status %d)", argv[0],
                 argv[1] ? argv[1] : "", argv[1] && argv[2] ? argv[2] : "",
                 status);
    }
}

/* What Docker does after Join: moves the link into the container's network
 * namespace as eth0 and brings it up; and before DeleteEndpoint: moves it
 * back under its own name. */
static void
move_into_container(const struct endpoint *ep)
{
    char *argv[] = { "ip", "link", "set", "dev", (char *) ep->src_name,
                     "netns", (char *) container_netns, "name", "eth0", "up",
                     NULL };
    run(argv);
}

static void
move_out_of_container(const struct endpoint *ep)
{
    char *down[] = { "ip", "-n", (char *) container_netns, "link", "set",
                     "dev", "eth0", "down", NULL };
    char *back[] = { "ip", "-n", (char *) container_netns, "link", "set",
                     "dev", "eth0", "name", (char *) ep->src_name,
                     "netns", "1", NULL };
    run(down);
    run(back);
}

/* Memory of the daemon. */

/* Prints ovsnetd's VmRSS and VmHWM as "PREFIX.rss" and "PREFIX.hwm". */
static void
report_memory(const char *prefix)
{
    char path[64], line[256], key[128];
    FILE *f;

    if (!daemon_pid) {
        return;
    }
    snprintf(path, sizeof path, "/proc/%ld/status", daemon_pid);
    f = fopen(path, "r");
    if (!f) {
        pc_fatal("%s: %s (did ovsnetd die?)", path, strerror(errno));
    }
    while (fgets(line, sizeof line, f)) {
        long kb;
        if (sscanf(line, "VmRSS: %ld", &kb) == 1) {
            snprintf(key, sizeof key, "%s.rss_kb", prefix);
            result(key, kb);
        } else if (sscanf(line, "VmHWM: %ld", &kb) == 1) {
            snprintf(key, sizeof key, "%s.hwm_kb", prefix);
            result(key, kb);
        }
    }
    fclose(f);
}

/* Many endpoints at once. */

/* Work shared by the threads of a batch. */
struct batch {
    struct endpoint *eps;
    int n;
    int next;                   /* Next endpoint to take, under 'mutex'. */
    pthread_mutex_t mutex;
    pthread_barrier_t barrier;  /* Burst: all threads start together. */
    enum { BATCH_CREATE, BATCH_ATTACH, BATCH_DELETE } what;
    double *latency;            /* Per endpoint, ms. */
    double *done;               /* Per endpoint, ms since the start. */
    double start;
    bool use_barrier;
};

static void *
batch_thread(void *b_)
{
    struct batch *b = b_;
    struct pc_client c;

    client_init(&c);
    if (b->use_barrier) {
        pthread_barrier_wait(&b->barrier);
    }
    for (;;) {
        pthread_mutex_lock(&b->mutex);
        int i = b->next < b->n ? b->next++ : -1;
        pthread_mutex_unlock(&b->mutex);
        if (i < 0) {
            break;
        }

        struct endpoint *ep = &b->eps[i];
        double t0 = now_ms();
        switch (b->what) {
        case BATCH_CREATE:
            create_endpoint(&c, ep, false);
            break;
        case BATCH_ATTACH:
            create_endpoint(&c, ep, true);
            join(&c, ep);
            break;
        case BATCH_DELETE:
            ids_call(&c, "NetworkDriver.Leave", ep);
            ids_call(&c, "NetworkDriver.DeleteEndpoint", ep);
            break;
        }
        double t1 = now_ms();
        b->latency[i] = t1 - t0;
        b->done[i] = t1 - b->start;
    }
    pc_client_destroy(&c);
    return NULL;
}

/* Runs 'what' on the 'n' endpoints of 'eps' with 'threads' threads.  With
 * 'burst', the threads take one endpoint each and start together.  Returns
 * the wall time in ms; stores the calls' latencies in 'latencies' if it is
 * nonnull. */
static double
run_batch(struct endpoint *eps, int n, int what, int threads, bool burst,
          struct samples *latencies)
{
    struct batch b;
    pthread_t *tids;

    if (!n) {
        return 0;
    }
    memset(&b, 0, sizeof b);
    b.eps = eps;
    b.n = n;
    b.what = what;
    b.latency = xcalloc(n, sizeof *b.latency);
    b.done = xcalloc(n, sizeof *b.done);
    b.use_barrier = burst;
    if (burst) {
        threads = n;
    }
    threads = threads < 1 ? 1 : threads > n ? n : threads;
    pthread_mutex_init(&b.mutex, NULL);
    if (burst) {
        /* The threads and this one. */
        pthread_barrier_init(&b.barrier, NULL, threads + 1);
    }

    tids = xcalloc(threads, sizeof *tids);
    b.start = now_ms();
    for (int i = 0; i < threads; i++) {
        int error = pthread_create(&tids[i], NULL, batch_thread, &b);
        if (error) {
            pc_fatal("pthread_create: %s", strerror(error));
        }
    }
    if (burst) {
        /* The threads have their connections' handles ready: go. */
        b.start = now_ms();
        pthread_barrier_wait(&b.barrier);
    }
    for (int i = 0; i < threads; i++) {
        pthread_join(tids[i], NULL);
    }

    double wall = 0;
    for (int i = 0; i < n; i++) {
        wall = b.done[i] > wall ? b.done[i] : wall;
        if (latencies) {
            samples_add(latencies, b.latency[i]);
        }
    }
    if (burst) {
        pthread_barrier_destroy(&b.barrier);
    }
    pthread_mutex_destroy(&b.mutex);
    free(tids);
    free(b.latency);
    free(b.done);
    return wall;
}

/* Publishes and revokes a port of 'ep' --cycles times, timing each call,
 * with 'n_published' ports of other endpoints published. */
static void
publish_cycles(struct pc_client *c, const struct endpoint *ep,
               int n_published)
{
    struct samples pub = { NULL, 0, 0 }, revoke = { NULL, 0, 0 };
    char key[128];

    pc_message("%d publish/revoke cycles with %d ports published",
               n_cycles, n_published);
    for (int i = 0; i < n_cycles; i++) {
        double a = now_ms();
        publish(c, ep);
        double b = now_ms();
        ids_call(c, "NetworkDriver.RevokeExternalConnectivity", ep);
        samples_add(&pub, b - a);
        samples_add(&revoke, now_ms() - b);
    }
    snprintf(key, sizeof key, "ovsnet.publish.at.%d.call", n_published);
    samples_report(&pub, key);
    snprintf(key, sizeof key, "ovsnet.revoke.at.%d.call", n_published);
    samples_report(&revoke, key);
    free(pub.v);
    free(revoke.v);
}

/* Step 4 of the top comment: "docker run -P" on the first 'n' of 'eps'. */
static void
bench_publish(struct pc_client *c, struct endpoint *eps, int n,
              unsigned int *serial)
{
    struct endpoint probe;
    char key[128];

    endpoint_init(&probe, (*serial)++);
    create_endpoint(c, &probe, true);
    publish_cycles(c, &probe, 0);

    pc_message("publishing a port of %d endpoints, one after the other", n);
    double t0 = now_ms();
    for (int i = 0; i < n; i++) {
        publish(c, &eps[i]);
    }
    snprintf(key, sizeof key, "ovsnet.publish.fill.%d.wall_ms", n);
    result(key, now_ms() - t0);

    publish_cycles(c, &probe, n);

    t0 = now_ms();
    for (int i = 0; i < n; i++) {
        ids_call(c, "NetworkDriver.RevokeExternalConnectivity", &eps[i]);
    }
    snprintf(key, sizeof key, "ovsnet.revoke.drain.%d.wall_ms", n);
    result(key, now_ms() - t0);
    ids_call(c, "NetworkDriver.DeleteEndpoint", &probe);
}

/* The ovsnet benchmark. */

static int
bench_ovsnet(const char *path)
{
    struct pc_client c;
    char key[128];
    unsigned int serial = 0;

    socket_path = path;
    client_init(&c);
    id_base = (unsigned int) random() & 0xfff000;

    call(&c, "Plugin.Activate", NULL);
    call(&c, "NetworkDriver.GetCapabilities", NULL);
    report_memory("ovsnet.mem.start");

    make_id(network_id, "be", (unsigned int) random());
    char generic[128] = "";
    if (datapath) {
        snprintf(generic, sizeof generic, "\"ovs.datapath\":\"%s\"",
                 datapath);
    }
    char body[1024];
    snprintf(body, sizeof body,
             "{\"NetworkID\":\"%s\","
             "\"Options\":{\"com.docker.network.enable_ipv6\":true,"
             "\"com.docker.network.generic\":{%s}},"
             "\"IPv4Data\":[{\"AddressSpace\":\"LocalDefault\","
             "\"Pool\":\"198.51.100.0/24\",\"Gateway\":\"198.51.100.1/24\"}],"
             "\"IPv6Data\":[{\"AddressSpace\":\"LocalDefault\","
             "\"Pool\":\"2001:db8:5::/64\",\"Gateway\":\"2001:db8:5::1/64\"}]"
             "}", network_id, generic);
    double t0 = now_ms();
    call(&c, "NetworkDriver.CreateNetwork", body);
    result("ovsnet.create_network_ms", now_ms() - t0);
    pc_message("network %.12s created", network_id);
    report_memory("ovsnet.mem.0");

    /* A first container on the new network, which also waits for
     * ovs-vswitchd to have made the bridge (CreateNetwork does not). */
    struct endpoint first;
    endpoint_init(&first, serial++);
    t0 = now_ms();
    create_endpoint(&c, &first, true);
    join(&c, &first);
    result("ovsnet.first_attach_ms", now_ms() - t0);
    ids_call(&c, "NetworkDriver.Leave", &first);
    ids_call(&c, "NetworkDriver.DeleteEndpoint", &first);

    /* The burst, on the empty network. */
    struct samples lat = { NULL, 0, 0 };
    struct endpoint *burst = xcalloc(n_burst, sizeof *burst);
    for (int i = 0; i < n_burst; i++) {
        endpoint_init(&burst[i], serial++);
    }
    pc_message("burst: %d CreateEndpoint+Join at once", n_burst);
    snprintf(key, sizeof key, "ovsnet.burst.%d", n_burst);
    double wall = run_batch(burst, n_burst, BATCH_ATTACH, n_burst, true,
                            &lat);
    char k2[160];
    snprintf(k2, sizeof k2, "%s.wall_ms", key);
    result(k2, wall);
    snprintf(k2, sizeof k2, "%s.call", key);
    samples_report(&lat, k2);
    wall = run_batch(burst, n_burst, BATCH_DELETE, n_burst, true, NULL);
    snprintf(k2, sizeof k2, "%s.delete_wall_ms", key);
    result(k2, wall);
    free(burst);

    /* The populations. */
    int max_pop = 0;
    for (int p = 0; p < n_populations; p++) {
        max_pop = populations[p] > max_pop ? populations[p] : max_pop;
    }
    struct endpoint *fill = xcalloc(max_pop, sizeof *fill);
    int n_fill = 0;
    struct samples attach = { NULL, 0, 0 }, detach = { NULL, 0, 0 };
    struct samples create = { NULL, 0, 0 }, joins = { NULL, 0, 0 };
    struct samples leave = { NULL, 0, 0 }, delete = { NULL, 0, 0 };

    for (int p = 0; p < n_populations; p++) {
        int pop = populations[p];

        if (pop > n_fill) {
            for (int i = n_fill; i < pop; i++) {
                endpoint_init(&fill[i], serial++);
            }
            pc_message("adding %d endpoints (%d at a time)", pop - n_fill,
                       fill_concurrency);
            wall = run_batch(&fill[n_fill], pop - n_fill, BATCH_CREATE,
                             fill_concurrency, false, NULL);
            snprintf(key, sizeof key, "ovsnet.fill.%d.wall_ms", pop);
            result(key, wall);
            snprintf(key, sizeof key, "ovsnet.fill.%d.per_endpoint_ms", pop);
            result(key, wall / (pop - n_fill));
            n_fill = pop;
        }
        snprintf(key, sizeof key, "ovsnet.mem.%d", pop);
        report_memory(key);

        pc_message("%d attach/detach cycles with %d endpoints on the "
                   "network", n_cycles, pop);
        double cycles_start = now_ms();
        for (int i = 0; i < n_cycles && !over_budget(cycles_start, i); i++) {
            struct endpoint ep;

            endpoint_init(&ep, serial++);
            char w0[32], w1[32], w2[32], w3[32];
            wall_clock(w0);
            double a = now_ms();
            create_endpoint(&c, &ep, true);
            double b = now_ms();
            wall_clock(w1);
            join(&c, &ep);
            double d = now_ms();
            samples_add(&create, b - a);
            samples_add(&joins, d - b);
            samples_add(&attach, d - a);

            if (container_netns) {
                move_into_container(&ep);
                move_out_of_container(&ep);
            }

            a = now_ms();
            ids_call(&c, "NetworkDriver.Leave", &ep);
            b = now_ms();
            wall_clock(w2);
            ids_call(&c, "NetworkDriver.DeleteEndpoint", &ep);
            d = now_ms();
            wall_clock(w3);
            if (trace) {
                fprintf(trace, "%d %.9s %s %s %s %s\n", pop, ep.id,
                        w0, w1, w2, w3);
            }
            samples_add(&leave, b - a);
            samples_add(&delete, d - b);
            samples_add(&detach, d - a);
        }
        const struct {
            const char *name;
            struct samples *s;
        } reports[] = {
            { "attach", &attach }, { "detach", &detach },
            { "create_endpoint", &create }, { "join", &joins },
            { "leave", &leave }, { "delete_endpoint", &delete },
        };
        for (size_t r = 0; r < sizeof reports / sizeof reports[0]; r++) {
            snprintf(key, sizeof key, "ovsnet.%s.%d", reports[r].name, pop);
            samples_report(reports[r].s, key);
        }
        snprintf(key, sizeof key, "ovsnet.mem.%d.after_cycles", pop);
        report_memory(key);
    }

    if (n_publish) {
        if (n_publish > n_fill) {
            pc_fatal("--publish=%d: only %d endpoints (--populations)",
                     n_publish, n_fill);
        }
        bench_publish(&c, fill, n_publish, &serial);
    }

    /* The same burst again, on the full network. */
    if (n_fill) {
        burst = xcalloc(n_burst, sizeof *burst);
        for (int i = 0; i < n_burst; i++) {
            endpoint_init(&burst[i], serial++);
        }
        pc_message("burst: %d CreateEndpoint+Join at once, %d endpoints "
                   "already there", n_burst, n_fill);
        wall = run_batch(burst, n_burst, BATCH_ATTACH, n_burst, true, &lat);
        snprintf(key, sizeof key, "ovsnet.burst.%d.at.%d.wall_ms", n_burst,
                 n_fill);
        result(key, wall);
        snprintf(key, sizeof key, "ovsnet.burst.%d.at.%d.call", n_burst,
                 n_fill);
        samples_report(&lat, key);
        run_batch(burst, n_burst, BATCH_DELETE, n_burst, true, NULL);
        free(burst);
    }

    pc_message("deleting the %d endpoints", n_fill);
    wall = run_batch(fill, n_fill, BATCH_DELETE, fill_concurrency, false,
                     NULL);
    snprintf(key, sizeof key, "ovsnet.drain.%d.wall_ms", n_fill);
    result(key, wall);
    free(fill);

    snprintf(body, sizeof body, "{\"NetworkID\":\"%s\"}", network_id);
    t0 = now_ms();
    call(&c, "NetworkDriver.DeleteNetwork", body);
    result("ovsnet.delete_network_ms", now_ms() - t0);
    report_memory("ovsnet.mem.end");

    free(attach.v);
    free(detach.v);
    free(create.v);
    free(joins.v);
    free(leave.v);
    free(delete.v);
    free(lat.v);
    pc_client_destroy(&c);
    return 0;
}

/* The ovs-docker baseline. */

/* Runs "ovs-docker ARGS..." and returns how long it took, in ms. */
static double
ovs_docker(const char *cmd, const char *bridge, const char *iface,
           const char *container)
{
    char *argv[] = { "ovs-docker", (char *) cmd, (char *) bridge,
                     (char *) iface, (char *) container, NULL };
    if (!iface) {
        argv[3] = (char *) container;
        argv[4] = NULL;
    }
    double t0 = now_ms();
    run(argv);
    return now_ms() - t0;
}

static int
bench_ovs_docker(const char *bridge, const char *container,
                 const char *label)
{
    struct samples add = { NULL, 0, 0 }, del = { NULL, 0, 0 };
    char key[128];

    if (n_cycles) {
        pc_message("%d ovs-docker add-port/del-port cycles (%s)",
                   n_cycles, label);
        double start = now_ms();
        for (int i = 0; i < n_cycles && !over_budget(start, i); i++) {
            samples_add(&add, ovs_docker("add-port", bridge, "eth1",
                                         container));
            samples_add(&del, ovs_docker("del-port", bridge, "eth1",
                                         container));
        }
        snprintf(key, sizeof key, "ovs-docker.attach.%s", label);
        samples_report(&add, key);
        snprintf(key, sizeof key, "ovs-docker.detach.%s", label);
        samples_report(&del, key);
    }

    if (n_burst) {
        pc_message("%d ovs-docker add-port one after the other (%s)",
                   n_burst, label);
        double t0 = now_ms();
        for (int i = 0; i < n_burst; i++) {
            char iface[16];
            snprintf(iface, sizeof iface, "eth%d", 10 + i);
            samples_add(&add, ovs_docker("add-port", bridge, iface,
                                         container));
        }
        snprintf(key, sizeof key, "ovs-docker.burst.%d.%s.wall_ms", n_burst,
                 label);
        result(key, now_ms() - t0);
        snprintf(key, sizeof key, "ovs-docker.burst.%d.%s.call", n_burst,
                 label);
        samples_report(&add, key);
        snprintf(key, sizeof key, "ovs-docker.burst.%d.%s.del_ports_ms",
                 n_burst, label);
        result(key, ovs_docker("del-ports", bridge, NULL, container));
    }
    free(add.v);
    free(del.v);
    return 0;
}

/* Command line. */

static void
usage(void)
{
    printf("%s: attach and detach latency of ovsnetd and of ovs-docker\n"
           "usage: %s ovsnet [OPTIONS] SOCKET\n"
           "       %s ovs-docker [OPTIONS] BRIDGE CONTAINER\n"
           "       %s activate SOCKET\n"
           "       %s call SOCKET METHOD [BODY]\n"
           "\n"
           "Options:\n"
           "  --cycles=N         attach/detach cycles per population "
           "(default 50)\n"
           "  --budget=SECS      stop a set of cycles early once it has "
           "taken SECS\n"
           "                     (after at least 10 cycles; the results "
           "say how many)\n"
           "  --burst=N          endpoints in a burst (default 50; 0: "
           "none)\n"
           "  --populations=P,.. ovsnet: endpoints on the network while "
           "cycling\n"
           "                     (default 10,1000)\n"
           "  --publish=N        ovsnet: then publish a port of N of them "
           "(\"-P\"), and\n"
           "                     time publishing with 0 and N published "
           "(default 0)\n"
           "  --fill-concurrency=N  ovsnet: calls at once while adding "
           "them (default 16)\n"
           "  --container=NETNS  ovsnet: move each measured link into the "
           "named\n"
           "                     network namespace and back, as Docker "
           "does\n"
           "  --datapath=TYPE    ovsnet: create the network with "
           "-o ovs.datapath=TYPE\n"
           "                     (system or netdev; default: ovsnetd "
           "chooses)\n"
           "  --pid=PID          ovsnet: ovsnetd's pid, to report its "
           "memory\n"
           "  --label=LABEL      ovs-docker: label of the results "
           "(default 0)\n"
           "  --timeout=SECS     ovsnet: give up on a call after SECS "
           "(default 120)\n"
           "  --trace=FILE       ovsnet: for each measured cycle, write "
           "\"POPULATION\n"
           "                     ID9 T0 T1 T2 T3\": the first 9 digits of "
           "the endpoint\n"
           "                     ID and the UTC times (HH:MM:SS.uuuuuu) "
           "when\n"
           "                     CreateEndpoint was sent and answered, and "
           "when\n"
           "                     DeleteEndpoint was sent and answered\n"
           "\n"
           "\"activate\" calls Plugin.Activate once, for scripts that "
           "wait for the\n"
           "daemon; it exits 0 if the call succeeded.  \"call\" makes one "
           "call (e.g.\n"
           "NetworkDriver.CreateNetwork with a JSON BODY) and prints the "
           "reply; it\n"
           "fails on an HTTP error or an \"Err\".\n"
           "Results: \"KEY VALUE\" lines on standard output (ms, kB).\n",
           program_name, program_name, program_name, program_name,
           program_name);
    exit(EXIT_SUCCESS);
}

int
main(int argc, char *argv[])
{
    enum {
        OPT_CYCLES = 256,
        OPT_BURST,
        OPT_POPULATIONS,
        OPT_FILL,
        OPT_CONTAINER,
        OPT_DATAPATH,
        OPT_PID,
        OPT_LABEL,
        OPT_TIMEOUT,
        OPT_TRACE,
        OPT_BUDGET,
        OPT_PUBLISH,
        OPT_HELP,
    };
    static const struct option long_options[] = {
        {"cycles", required_argument, NULL, OPT_CYCLES},
        {"burst", required_argument, NULL, OPT_BURST},
        {"populations", required_argument, NULL, OPT_POPULATIONS},
        {"fill-concurrency", required_argument, NULL, OPT_FILL},
        {"container", required_argument, NULL, OPT_CONTAINER},
        {"datapath", required_argument, NULL, OPT_DATAPATH},
        {"pid", required_argument, NULL, OPT_PID},
        {"label", required_argument, NULL, OPT_LABEL},
        {"timeout", required_argument, NULL, OPT_TIMEOUT},
        {"trace", required_argument, NULL, OPT_TRACE},
        {"budget", required_argument, NULL, OPT_BUDGET},
        {"publish", required_argument, NULL, OPT_PUBLISH},
        {"help", no_argument, NULL, OPT_HELP},
        {NULL, 0, NULL, 0},
    };
    const char *label = "0";

    pc_set_program(program_name, EXIT_FAILURE);
    for (;;) {
        int c = getopt_long(argc, argv, "", long_options, NULL);
        if (c == -1) {
            break;
        }
        switch (c) {
        case OPT_CYCLES:
            n_cycles = pc_parse_int(optarg, "--cycles", 0, 100000);
            break;
        case OPT_BURST:
            n_burst = pc_parse_int(optarg, "--burst", 0, 1000);
            break;
        case OPT_POPULATIONS: {
            char *copy = strdup(optarg), *save = NULL;
            n_populations = 0;
            for (char *t = strtok_r(copy, ",", &save); t;
                 t = strtok_r(NULL, ",", &save)) {
                if (n_populations >= 8) {
                    pc_fatal("--populations: at most 8");
                }
                int pop = pc_parse_int(t, "a population", 0, 100000);
                if (n_populations && pop < populations[n_populations - 1]) {
                    pc_fatal("--populations: give them in increasing order");
                }
                populations[n_populations++] = pop;
            }
            free(copy);
            break;
        }
        case OPT_FILL:
            fill_concurrency = pc_parse_int(optarg, "--fill-concurrency",
                                            1, 256);
            break;
        case OPT_CONTAINER:
            container_netns = optarg;
            break;
        case OPT_DATAPATH:
            if (strcmp(optarg, "system") && strcmp(optarg, "netdev")) {
                pc_fatal("--datapath=%s: give system or netdev", optarg);
            }
            datapath = optarg;
            break;
        case OPT_PID:
            daemon_pid = pc_parse_int(optarg, "--pid", 1, INT32_MAX);
            break;
        case OPT_LABEL:
            label = optarg;
            break;
        case OPT_TIMEOUT:
            call_timeout = pc_parse_int(optarg, "--timeout", 1, 3600);
            break;
        case OPT_BUDGET:
            budget_s = pc_parse_int(optarg, "--budget", 0, 86400);
            break;
        case OPT_PUBLISH:
            n_publish = pc_parse_int(optarg, "--publish", 0, 16383);
            break;
        case OPT_TRACE:
            trace = fopen(optarg, "w");
            if (!trace) {
                pc_fatal("%s: %s", optarg, strerror(errno));
            }
            setvbuf(trace, NULL, _IOLBF, 0);
            break;
        case OPT_HELP:
            usage();
        default:
            exit(EXIT_FAILURE);
        }
    }

    argc -= optind;
    argv += optind;
    if (argc < 1) {
        pc_fatal("need a mode: ovsnet, ovs-docker, activate or call "
                 "(--help for help)");
    }
    srandom((unsigned int) (now_ms() * 1000) ^ (unsigned int) getpid());
    if (curl_global_init(CURL_GLOBAL_DEFAULT)) {
        pc_fatal("cannot initialize libcurl");
    }

    int status;
    if (!strcmp(argv[0], "ovsnet") && argc == 2) {
        status = bench_ovsnet(argv[1]);
    } else if (!strcmp(argv[0], "ovs-docker") && argc == 3) {
        status = bench_ovs_docker(argv[1], argv[2], label);
    } else if (!strcmp(argv[0], "activate") && argc == 2) {
        struct pc_client c;

        socket_path = argv[1];
        call_timeout = 5;
        client_init(&c);
        call(&c, "Plugin.Activate", NULL);
        pc_client_destroy(&c);
        status = 0;
    } else if (!strcmp(argv[0], "call") && (argc == 3 || argc == 4)) {
        struct pc_client c;

        socket_path = argv[1];
        client_init(&c);
        printf("%s\n", call(&c, argv[2], argc == 4 ? argv[3] : NULL));
        pc_client_destroy(&c);
        status = 0;
    } else {
        pc_fatal("bad arguments (--help for help)");
    }
    curl_global_cleanup();
    return status;
}
