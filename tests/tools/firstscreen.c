/* SPDX-License-Identifier: Apache-2.0 */
/* firstscreen MARKER RUNS PROGRAM [ARGS...]: runs PROGRAM RUNS times on a fresh 80x24
 * pseudo-terminal (TERM as given) and prints, one line a run, the microseconds from
 * just before exec until MARKER appears in what the program wrote; then kills it. */
#include <errno.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
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

static long long one_run(const char *marker, char **argv)
{
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
        used += (size_t)n;
        buf[used] = '\0';
        if (strstr(buf, marker) != NULL) {
            t = now_us() - t0;
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
    return t;
}

int main(int argc, char **argv)
{
    int runs;

    if (argc < 4) {
        fprintf(stderr, "usage: firstscreen MARKER RUNS PROGRAM [ARGS...]\n");
        return 2;
    }
    runs = atoi(argv[2]);
    for (int i = 0; i < runs; i++) {
        long long us = one_run(argv[1], argv + 3);
        if (us < 0) {
            fprintf(stderr, "firstscreen: '%s' never appeared\n", argv[1]);
            return 1;
        }
        printf("%lld\n", us);
    }
    return 0;
}
