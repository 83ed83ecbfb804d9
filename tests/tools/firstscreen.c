/* SPDX-License-Identifier: Apache-2.0 */
/* firstscreen [--detail] MARKER RUNS PROGRAM [ARGS...]: runs PROGRAM RUNS times on a
 * fresh 80x24 pseudo-terminal (TERM as given) and prints, one line a run, the
 * microseconds from just before exec until MARKER appears in what the program wrote;
 * then kills it. --detail: three figures a line, the microseconds until the program's
 * first write, until MARKER, and its peak resident memory then (VmHWM, KB). */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000 + t.tv_nsec / 1000;
}

struct run {
    long long first_us, marker_us, hwm_kb;
};

/* The peak resident memory of pid so far, in KB (0 when unknown). */
static long long peak_kb(pid_t pid)
{
    char path[64], line[256];
    long long kb = 0;
    FILE *f;
    snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
    if ((f = fopen(path, "r")) == NULL)
        return 0;
    while (fgets(line, sizeof line, f) != NULL)
        if (sscanf(line, "VmHWM: %lld", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

static struct run one_run(const char *marker, char **argv)
{
    struct run r = {-1, -1, 0};
    struct winsize ws = {.ws_row = 24, .ws_col = 80};
    static char buf[1 << 16];
    size_t used = 0;
    long long t0, t = -1;
    int fd;
    pid_t pid;

    t0 = now_us();
    pid = forkpty(&fd, NULL, NULL, &ws);
    if (pid < 0) {
        perror("forkpty");
        exit(2);
    }
    if (pid == 0) {
        execvp(argv[0], argv);
        _exit(127);
    }
    while (now_us() - t0 < 10000000) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        ssize_t n;
        if (poll(&p, 1, 100) <= 0)
            continue;
        n = read(fd, buf + used, sizeof buf - 1 - used);
        if (n <= 0)
            break;
        if (r.first_us < 0)
            r.first_us = now_us() - t0;
        used += (size_t)n;
        buf[used] = '\0';
        if (strstr(buf, marker) != NULL) {
            t = now_us() - t0;
            r.hwm_kb = peak_kb(pid);
            break;
        }
        if (used > sizeof buf / 2) { /* keep the tail: the marker may straddle */
            memmove(buf, buf + used - 256, 256);
            used = 256;
        }
    }
    kill(pid, SIGKILL);
    waitpid(pid, NULL, 0);
    close(fd);
    r.marker_us = t;
    return r;
}

int main(int argc, char **argv)
{
    int runs;
    bool detail = argc > 1 && strcmp(argv[1], "--detail") == 0;

    argv += detail;
    argc -= detail;
    if (argc < 4) {
        fprintf(stderr, "usage: firstscreen [--detail] MARKER RUNS PROGRAM [ARGS...]\n");
        return 2;
    }
    runs = atoi(argv[2]);
    for (int i = 0; i < runs; i++) {
        struct run r = one_run(argv[1], argv + 3);
        if (r.marker_us < 0) {
            fprintf(stderr, "firstscreen: '%s' never appeared\n", argv[1]);
            return 1;
        }
        if (detail)
            printf("%lld %lld %lld\n", r.first_us, r.marker_us, r.hwm_kb);
        else
            printf("%lld\n", r.marker_us);
    }
    return 0;
}
