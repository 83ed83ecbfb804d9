/* SPDX-License-Identifier: Apache-2.0 */
/* The control client: one line to the running `kwhsim serve`, its answer back. */
#include "sim.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define CTL_TIMEOUT_MS 5000

static int ctl_connect(const char *dir, char *why, size_t n)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd, w = snprintf(sa.sun_path, sizeof sa.sun_path, "%s/%s", dir, SIM_SOCKET);

    if (w < 0 || (size_t)w >= sizeof sa.sun_path) {
        snprintf(why, n, "the directory path is too long for a socket: use a shorter --dir");
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
        snprintf(why, n,
                 "no simulator is running in %s (%s): start one with `kwhsim serve --dir %s`", dir,
                 strerror(errno), dir);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* Sends line and reads the whole answer into a heap string (caller frees). */
static int ctl_exchange(const char *dir, const char *line, char **answer, char *why, size_t n)
{
    char buf[1024];
    char *ans = NULL;
    size_t len = 0;
    int fd = ctl_connect(dir, why, n);

    *answer = NULL;
    if (fd < 0)
        return -1;
    if (write(fd, line, strlen(line)) < 0 || write(fd, "\n", 1) < 0) {
        snprintf(why, n, "cannot talk to the simulator in %s: %s", dir, strerror(errno));
        close(fd);
        return -1;
    }
    for (;;) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        ssize_t r;
        char *nb;

        if (poll(&pfd, 1, CTL_TIMEOUT_MS) <= 0) {
            snprintf(why, n, "the simulator in %s does not answer: restart it", dir);
            free(ans);
            close(fd);
            return -1;
        }
        r = read(fd, buf, sizeof buf);
        if (r <= 0)
            break;
        nb = realloc(ans, len + (size_t)r + 1);
        if (nb == NULL)
            break;
        ans = nb;
        memcpy(ans + len, buf, (size_t)r);
        len += (size_t)r;
        ans[len] = '\0';
    }
    close(fd);
    if (ans == NULL) {
        snprintf(why, n, "the simulator in %s closed the connection without an answer", dir);
        return -1;
    }
    *answer = ans;
    return 0;
}

int simctl_request(const char *dir, const char *line, FILE *out, FILE *err)
{
    char why[PATH_MAX + 200];
    char *ans, *p, *nl;
    int rc = 1;

    if (ctl_exchange(dir, line, &ans, why, sizeof why) < 0) {
        fprintf(err, "kwhsim: %s\n", why);
        return 2;
    }
    for (p = ans; *p != '\0';) {
        nl = strchr(p, '\n');
        int l = (int)(nl ? (size_t)(nl - p) : strlen(p));

        if (l == 2 && strncmp(p, "ok", 2) == 0) {
            rc = 0;
            break;
        }
        if (strncmp(p, "error: ", 7) == 0) {
            fprintf(err, "kwhsim: %.*s\n", l - 7, p + 7);
            break;
        }
        fprintf(out, "%.*s\n", l, p);
        p += l + (nl ? 1 : 0);
    }
    free(ans);
    return rc;
}

bool simctl_card_in_reader(const char *dir, const char *path)
{
    char why[PATH_MAX + 200], line[PATH_MAX + 16];
    char *ans;
    bool held;

    snprintf(line, sizeof line, "holds %s", path);
    if (ctl_exchange(dir, line, &ans, why, sizeof why) < 0)
        return false;
    held = strncmp(ans, "ok", 2) == 0;
    free(ans);
    return held;
}
