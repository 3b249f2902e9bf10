/* scrape: a small HTTP/1.1 client for bench/run (keep-alive, like Prometheus).
 *
 *   scrape seq  PORT PATH N              N sequential scrapes on one connection
 *   scrape load PORT PATH CONC SECONDS   CONC threads scraping back to back
 *
 * Prints one latency in microseconds per line, then a summary line:
 *   # requests R errors E bytes B status S seconds T
 * (bytes: body size of the last response, chunked encoding decoded; no gzip asked).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static int port;
static const char *path;

typedef struct {
    int fd;
    char *buf;
    size_t cap, start, end;
} conn_t;

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int dial(conn_t *c) {
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (c->fd < 0) return -1;
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, (struct sockaddr *)&a, sizeof a) < 0) { close(c->fd); c->fd = -1; return -1; }
    c->start = c->end = 0;
    return 0;
}

/* Make at least n unread bytes available; 0 on success, -1 on EOF/error. */
static int fill(conn_t *c, size_t n) {
    while (c->end - c->start < n) {
        if (c->start > 0 && c->start == c->end) c->start = c->end = 0;
        if (c->cap - c->end < 65536) {
            if (c->start > 0) {
                memmove(c->buf, c->buf + c->start, c->end - c->start);
                c->end -= c->start; c->start = 0;
            }
            if (c->cap - c->end < 65536) { c->cap = c->cap * 2 + 65536; c->buf = realloc(c->buf, c->cap); }
        }
        ssize_t r = read(c->fd, c->buf + c->end, c->cap - c->end);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return -1;
        c->end += r;
    }
    return 0;
}

/* Index just past the next "\r\n" (searching from start), filling as needed; -1 on EOF. */
static long line_end(conn_t *c, const char *pat) {
    size_t pl = strlen(pat);
    size_t searched = 0;
    for (;;) {
        char *base = c->buf + c->start;
        size_t have = c->end - c->start;
        if (have >= pl) {
            void *p = memmem(base + (searched > pl ? searched - pl : 0), have - (searched > pl ? searched - pl : 0), pat, pl);
            if (p) return (char *)p - base + pl;
            searched = have;
        }
        if (fill(c, have + 1) < 0) return -1;
    }
}

/* One GET; returns body bytes, or -1. *status gets the HTTP status. */
static long request(conn_t *c, int *status) {
    char req[512];
    int n = snprintf(req, sizeof req, "GET %s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\nUser-Agent: lantern-bench\r\nAccept: text/plain\r\n\r\n", path, port);
    if (c->fd < 0 && dial(c) < 0) return -1;
    if (write(c->fd, req, n) != n) return -1;
    long h = line_end(c, "\r\n\r\n");
    if (h < 0) return -1;
    char *hdr = c->buf + c->start;
    *status = atoi(hdr + 9);
    long clen = -1; int chunked = 0, closing = 0;
    for (char *p = hdr; p < hdr + h; ) {
        char *e = memmem(p, hdr + h - p, "\r\n", 2);
        if (!e) break;
        if (!strncasecmp(p, "Content-Length:", 15)) clen = atol(p + 15);
        else if (!strncasecmp(p, "Transfer-Encoding:", 18) && memmem(p, e - p, "chunked", 7)) chunked = 1;
        else if (!strncasecmp(p, "Connection:", 11) && memmem(p, e - p, "close", 5)) closing = 1;
        p = e + 2;
    }
    c->start += h;
    long body = 0;
    if (chunked) {
        for (;;) {
            long l = line_end(c, "\r\n");
            if (l < 0) return -1;
            long size = strtol(c->buf + c->start, NULL, 16);
            c->start += l;
            if (fill(c, size + 2) < 0) return -1;
            c->start += size + 2;
            body += size;
            if (size == 0) break; /* no trailers expected */
        }
    } else if (clen >= 0) {
        if (fill(c, clen) < 0) return -1;
        c->start += clen;
        body = clen;
    } else {
        closing = 1;
        while (fill(c, c->end - c->start + 1) == 0) {}
        body = c->end - c->start;
        c->start = c->end;
    }
    if (closing) { close(c->fd); c->fd = -1; }
    return body;
}

typedef struct {
    double deadline;
    long count, errors, bytes, cap;
    int status;
    unsigned *lat;
} worker_t;

static void record(worker_t *w, double us) {
    if (w->count == w->cap) { w->cap = w->cap * 2 + 1024; w->lat = realloc(w->lat, w->cap * sizeof *w->lat); }
    w->lat[w->count++] = (unsigned)(us + 0.5);
}

static void *run_load(void *arg) {
    worker_t *w = arg;
    conn_t c = {.fd = -1};
    while (now() < w->deadline) {
        double t0 = now();
        long b = request(&c, &w->status);
        if (b < 0) { w->errors++; if (c.fd >= 0) close(c.fd); c.fd = -1; continue; }
        record(w, (now() - t0) * 1e6);
        w->bytes = b;
    }
    if (c.fd >= 0) close(c.fd);
    free(c.buf);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc < 5) { fprintf(stderr, "usage: scrape seq PORT PATH N | scrape load PORT PATH CONC SECONDS\n"); return 2; }
    port = atoi(argv[2]);
    path = argv[3];
    double t0 = now();
    worker_t total = {0};
    if (!strcmp(argv[1], "seq")) {
        long n = atol(argv[4]);
        conn_t c = {.fd = -1};
        for (long i = 0; i < n; i++) {
            double s = now();
            long b = request(&c, &total.status);
            if (b < 0) { total.errors++; if (c.fd >= 0) close(c.fd); c.fd = -1; continue; }
            record(&total, (now() - s) * 1e6);
            total.bytes = b;
        }
    } else if (!strcmp(argv[1], "load") && argc >= 6) {
        int conc = atoi(argv[4]);
        double secs = atof(argv[5]);
        worker_t *ws = calloc(conc, sizeof *ws);
        pthread_t *ts = calloc(conc, sizeof *ts);
        for (int i = 0; i < conc; i++) { ws[i].deadline = t0 + secs; pthread_create(&ts[i], NULL, run_load, &ws[i]); }
        for (int i = 0; i < conc; i++) {
            pthread_join(ts[i], NULL);
            for (long j = 0; j < ws[i].count; j++) record(&total, ws[i].lat[j]);
            total.errors += ws[i].errors;
            if (ws[i].bytes) total.bytes = ws[i].bytes;
            if (ws[i].status) total.status = ws[i].status;
        }
    } else { fprintf(stderr, "scrape: unknown mode %s\n", argv[1]); return 2; }
    double el = now() - t0;
    /* One buffered write: the output is read by bench/run. */
    for (long i = 0; i < total.count; i++) printf("%u\n", total.lat[i]);
    printf("# requests %ld errors %ld bytes %ld status %d seconds %.6f\n", total.count, total.errors, total.bytes, total.status, el);
    return 0;
}
