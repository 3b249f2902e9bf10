/* floor: the least work one scrape could do. Opens and reads once each file (and
 * lists each directory) that lantern-exporter opened during one scrape, as recorded
 * by strace in bench/run. No parsing, no formatting, no HTTP.
 *
 *   floor LISTFILE     LISTFILE lines: "F /proc/stat" (read to EOF) or "D /sys/..." (readdir)
 *
 * Reads commands on stdin so bench/run can sample /proc/PID/stat around each batch,
 * exactly as it does for the exporters:
 *   "N"  -> run N iterations; print each iteration's latency in microseconds, then "# done"
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: floor LISTFILE\n"); return 2; }
    FILE *lf = fopen(argv[1], "r");
    if (!lf) { perror(argv[1]); return 1; }
    char **paths = NULL; char *kinds = NULL; size_t n = 0, cap = 0;
    char line[4096];
    while (fgets(line, sizeof line, lf)) {
        size_t l = strlen(line);
        while (l && (line[l - 1] == '\n' || line[l - 1] == '\r')) line[--l] = 0;
        if (l < 3 || (line[0] != 'F' && line[0] != 'D')) continue;
        if (n == cap) { cap = cap * 2 + 64; paths = realloc(paths, cap * sizeof *paths); kinds = realloc(kinds, cap); }
        kinds[n] = line[0];
        paths[n++] = strdup(line + 2);
    }
    fclose(lf);
    static char buf[65536];
    long sink = 0;
    setvbuf(stdout, NULL, _IOFBF, 1 << 16);
    while (fgets(line, sizeof line, stdin)) {
        long iters = atol(line);
        for (long it = 0; it < iters; it++) {
            double t0 = now();
            for (size_t i = 0; i < n; i++) {
                if (kinds[i] == 'D') {
                    DIR *d = opendir(paths[i]);
                    if (!d) continue;
                    struct dirent *e;
                    while ((e = readdir(d))) sink += e->d_name[0];
                    closedir(d);
                } else {
                    int fd = open(paths[i], O_RDONLY | O_CLOEXEC);
                    if (fd < 0) continue;
                    ssize_t r;
                    while ((r = read(fd, buf, sizeof buf)) > 0) sink += r;
                    close(fd);
                }
            }
            printf("%.0f\n", (now() - t0) * 1e6);
        }
        printf("# done %ld\n", sink & 1);
        fflush(stdout);
    }
    return 0;
}
