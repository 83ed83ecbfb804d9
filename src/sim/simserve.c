/* SPDX-License-Identifier: Apache-2.0 */
/* kwhsim serve: the reader on a pseudo-terminal (or the card behind vpcd, simvpcd.c),
 * and the control socket. */
#define _GNU_SOURCE /* ptsname_r */
#include "serve.h"
#include "kwhpos/frame.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

int64_t serve_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

#define now_us serve_now_us

static int64_t wire_us(const struct server *s, size_t bytes)
{
    return (int64_t)bytes * 10 * 1000000 / s->o->baud;
}

static speed_t baud_speed(int baud)
{
    switch (baud) {
    case 1200: return B1200;
    case 2400: return B2400;
    case 4800: return B4800;
    case 19200: return B19200;
    case 38400: return B38400;
    case 57600: return B57600;
    case 115200: return B115200;
    case 230400: return B230400;
    }
    return B9600;
}

static void port_close(struct server *s)
{
    if (s->master >= 0)
        close(s->master);
    if (s->slave >= 0)
        close(s->slave);
    s->master = s->slave = -1;
    unlink(s->link);
    s->pending_len = 0;
    frame_parser_init(&s->p);
}

/* A new pseudo-terminal linked at DIR/reader; we keep its slave open so the master
 * never sees a hang-up when a client closes. */
static int port_open(struct server *s, struct kwh_err *e)
{
    struct termios tio;
    int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);

    if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0 || ptsname_r(m, s->pts, sizeof s->pts) != 0) {
        int err = errno;
        if (m >= 0)
            close(m);
        return kwh_err_set(e, KWH_EIO, "cannot create a pseudo-terminal: %s", strerror(err));
    }
    s->master = m;
    s->slave = open(s->pts, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (s->slave < 0 || tcgetattr(s->slave, &tio) < 0) {
        int err = errno;
        port_close(s);
        return kwh_err_set(e, KWH_EIO, "cannot open %s: %s", s->pts, strerror(err));
    }
    cfmakeraw(&tio);
    cfsetispeed(&tio, baud_speed(s->o->baud));
    cfsetospeed(&tio, baud_speed(s->o->baud));
    tcsetattr(s->slave, TCSANOW, &tio);
    fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK);
    unlink(s->link);
    if (symlink(s->pts, s->link) < 0) {
        int err = errno;
        port_close(s);
        return kwh_err_set(e, KWH_EIO, "cannot create the link %s: %s", s->link, strerror(err));
    }
    return 0;
}

static int listen_open(struct server *s, struct kwh_err *e)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    int fd;

    if (strlen(s->sock) >= sizeof sa.sun_path)
        return kwh_err_set(e, KWH_EINVAL,
                           "the directory path is too long for a socket (%zu bytes, at most %zu): "
                           "use a shorter --dir",
                           strlen(s->sock), sizeof sa.sun_path - sizeof SIM_SOCKET - 1);
    memcpy(sa.sun_path, s->sock, strlen(s->sock) + 1);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
        close(fd);
        return kwh_err_set(e, KWH_ECONFLICT,
                           "a simulator is already running in %s: stop it first (kwhsim --dir %s "
                           "stop)",
                           s->o->dir, s->o->dir);
    }
    if (fd >= 0)
        close(fd);
    unlink(s->sock);
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 8) < 0) {
        int err = errno;
        if (fd >= 0)
            close(fd);
        return kwh_err_set(e, KWH_EIO, "cannot listen on %s: %s", s->sock, strerror(err));
    }
    s->listen_fd = fd;
    return 0;
}

/* Writes everything to the master, waiting at most a second. */
static void port_send(struct server *s, const uint8_t *buf, size_t n)
{
    int64_t deadline = now_us() + 1000000;
    size_t done = 0;

    while (done < n && s->master >= 0 && now_us() < deadline) {
        struct pollfd pfd = {.fd = s->master, .events = POLLOUT};
        ssize_t w;

        if (poll(&pfd, 1, 100) <= 0)
            continue;
        w = write(s->master, buf + done, n - done);
        if (w > 0)
            done += (size_t)w;
        else if (w < 0 && errno != EAGAIN && errno != EINTR)
            break;
    }
}

static void send_pending(struct server *s)
{
    if (simreader_garble_next(&s->r) && s->pending_len > 4)
        s->pending[s->pending_len - 3] ^=
            0x5A; /* the CRC: the frame is corrupt, its header intact */
    port_send(s, s->pending, s->pending_len);
    s->pending_len = 0;
}

/* Handles every complete frame parsed so far, as long as no answer is pending. */
static void process(struct server *s)
{
    while (s->pending_len == 0) {
        struct frame req;
        long card_us = 0;
        enum frame_event ev = frame_parser_next(&s->p, &req);
        size_t in_len;

        if (ev == FRAME_EV_NONE)
            return;
        if (ev == FRAME_EV_CHECKSUM) {
            s->pending_len = simreader_bad_frame(&s->r, s->p.bad_seq, s->p.bad_cmd, s->pending);
            in_len = FRAME_OVERHEAD;
        } else if (s->r.f.stall && req.cmd == FRAME_CMD_WRITE) {
            /* the reader hangs as the write is sent: not a byte reaches the card */
            s->r.f.stall = false;
            s->r.f.mute = true;
            return;
        } else {
            s->pending_len = simreader_handle(&s->r, &req, s->pending, &card_us);
            in_len = FRAME_OVERHEAD + req.len;
        }
        if (s->r.f.quiet_now) { /* fault mute/vanish N: quiet mid-write, no answer */
            s->r.f.quiet_now = false;
            s->pending_len = 0;
            if (s->r.f.quiet_vanish) {
                s->r.f.vanish = true;
                port_close(s);
            } else {
                s->r.f.mute = true;
            }
            return;
        }
        if (s->o->card_timing)
            s->due_us =
                s->frame_start_us + wire_us(s, in_len) + card_us + wire_us(s, s->pending_len);
        else
            s->due_us = 0;
        s->frame_start_us = now_us();
        if (s->due_us <= now_us())
            send_pending(s);
    }
}

static void port_input(struct server *s)
{
    uint8_t buf[512];
    ssize_t n = read(s->master, buf, sizeof buf);
    size_t off = 0;

    if (n <= 0 || s->r.f.mute)
        return;
    while (off < (size_t)n) {
        if (s->p.have == 0)
            s->frame_start_us = now_us();
        off += frame_parser_push(&s->p, buf + off, (size_t)n - off);
        process(s);
        if (s->p.have == sizeof s->p.buf && s->pending_len > 0)
            break; /* a client flooding us while an answer is pending: drop the rest */
    }
}

static bool parse_count(const char *s, long *out)
{
    char *end;
    long v;

    if (s == NULL || *s < '0' || *s > '9')
        return false;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || *end != '\0' || v > 1000000)
        return false;
    *out = v;
    return true;
}

static void faults_text(const struct sim_faults *f, char *buf, size_t n)
{
    int w = snprintf(buf, n, "faults");
    if (f->pull_after >= 0)
        w += snprintf(buf + w, n - (size_t)w, " pull-after-%ld", f->pull_after);
    if (f->garble_at > 0)
        w += snprintf(buf + w, n - (size_t)w, " garble-%ld+%ld", f->garble_at, f->garble_count);
    if (f->stall)
        w += snprintf(buf + w, n - (size_t)w, " stall");
    if (f->mute)
        w += snprintf(buf + w, n - (size_t)w, " mute");
    if (f->vanish)
        w += snprintf(buf + w, n - (size_t)w, " vanish");
    if (f->quiet_after >= 0)
        w += snprintf(buf + w, n - (size_t)w, " %s-after-%ld", f->quiet_vanish ? "vanish" : "mute",
                      f->quiet_after);
    if (w == 6)
        snprintf(buf + w, n - (size_t)w, " none");
}

/* Runs one control command; the answer goes to out. */
static void command(struct server *s, char *line, FILE *out)
{
    char *save = NULL;
    char *verb = strtok_r(line, " ", &save);
    char *a1 = strtok_r(NULL, " ", &save);
    char *a2 = strtok_r(NULL, " ", &save);
    char *a3 = strtok_r(NULL, " ", &save);
    struct kwh_err e;
    long n, m;

    kwh_err_clear(&e);
    if (verb == NULL) {
        fprintf(out, "error: empty command\n");
    } else if (strcmp(verb, "insert") == 0 && a1 && !a2) {
        if (s->o->vpcd_port > 0)
            vpcd_insert(s, a1, out);
        else if (simreader_insert(&s->r, a1, &e) < 0)
            fprintf(out, "error: %s\n", e.msg);
        else
            fprintf(out, "card %s is in the reader\nok\n", a1);
    } else if (strcmp(verb, "eject") == 0 && !a1) {
        if (!s->r.has_card) {
            fprintf(out, "error: no card in the reader\n");
        } else {
            fprintf(out, "card %s taken out\nok\n", s->r.card_path);
            if (s->o->vpcd_port > 0)
                vpcd_eject(s);
            else
                simreader_eject(&s->r);
        }
    } else if (strcmp(verb, "holds") == 0 && a1 && !a2) {
        fprintf(out, s->r.has_card && strcmp(s->r.card_path, a1) == 0 ? "ok\n" : "error: no\n");
    } else if (strcmp(verb, "status") == 0 && !a1) {
        char ft[160];
        faults_text(&s->r.f, ft, sizeof ft);
        if (s->o->vpcd_port > 0)
            vpcd_status(s, out);
        else
            fprintf(out, "port %s\nlink %s\nbaud %d\n", s->master >= 0 ? s->pts : "closed", s->link,
                    s->o->baud);
        fprintf(out, "card-timing %s\ncard %s\npowered %s\n%s\nok\n",
                s->o->card_timing ? "on" : "off", s->r.has_card ? s->r.card_path : "none",
                s->r.powered ? "yes" : "no", ft);
    } else if (strcmp(verb, "fault") == 0 && a1) {
        if (strcmp(a1, "pull") == 0 && parse_count(a2, &n) && !a3) {
            s->r.f.pull_after = n;
            fprintf(out, "the card will be pulled after %ld more bytes written\nok\n", n);
        } else if (strcmp(a1, "garble") == 0 && parse_count(a2, &n) && n > 0 &&
                   (a3 == NULL || (parse_count(a3, &m) && m > 0))) {
            s->r.answers = 0;
            s->r.f.garble_at = n;
            s->r.f.garble_count = a3 ? m : 1;
            fprintf(out, "answer %ld (and %ld in all) will be garbled\nok\n", n,
                    s->r.f.garble_count);
        } else if (strcmp(a1, "mute") == 0 && !a2) {
            s->r.f.mute = true;
            fprintf(out, "the reader stops answering\nok\n");
        } else if (strcmp(a1, "stall") == 0 && !a2) {
            s->r.f.stall = true;
            fprintf(out, "the reader stops answering at the next write, writing nothing\nok\n");
        } else if ((strcmp(a1, "mute") == 0 || strcmp(a1, "vanish") == 0) && parse_count(a2, &n) &&
                   !a3) {
            s->r.f.quiet_after = n;
            s->r.f.quiet_vanish = a1[0] == 'v';
            fprintf(out,
                    "the reader will %s after %ld more bytes written, that write unanswered\nok\n",
                    s->r.f.quiet_vanish ? "go away" : "stop answering", n);
        } else if (strcmp(a1, "vanish") == 0 && !a2) {
            s->r.f.vanish = true;
            if (s->o->vpcd_port > 0) {
                vpcd_drop(s, true);
                fprintf(out, "the card's link to vpcd is cut\nok\n");
            } else {
                port_close(s);
                fprintf(out, "the reader's port is closed\nok\n");
            }
        } else if (strcmp(a1, "clear") == 0 && !a2) {
            s->r.f = (struct sim_faults){.pull_after = -1, .quiet_after = -1};
            if (s->o->vpcd_port > 0) {
                vpcd_clear(s);
                fprintf(out, "faults cleared; card behind vpcd on port %d\nok\n", s->o->vpcd_port);
            } else if (s->master < 0 && port_open(s, &e) < 0) {
                fprintf(out, "error: %s\n", e.msg);
            } else {
                fprintf(out, "faults cleared; reader on %s\nok\n", s->pts);
            }
        } else {
            fprintf(out, "error: usage: fault pull N | garble N [COUNT] | mute [N] | stall | "
                         "vanish [N] | clear\n");
        }
    } else if (strcmp(verb, "stop") == 0 && !a1) {
        s->stop = true;
        fprintf(out, "stopping\nok\n");
    } else {
        fprintf(out, "error: unknown command \"%s\": see kwhsim --help\n", verb);
    }
}

/* Writes an answer to a control client (with a time limit) and closes it. */
static void answer_client(int fd, const char *ans, size_t len)
{
    for (size_t done = 0; done < len;) {
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};
        ssize_t w;
        if (poll(&pfd, 1, 1000) <= 0)
            break;
        w = write(fd, ans + done, len - done);
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    close(fd);
}

/* One control connection: a line in, the answer out, each with a time limit; an answer
 * that waits for pcscd is held (serve_defer) and sent by the loop. */
static void client(struct server *s)
{
    char line[PATH_MAX + 64];
    char *ans = NULL;
    size_t ans_len = 0, have = 0;
    int64_t deadline = now_us() + 2000000;
    int fd = accept4(s->listen_fd, NULL, NULL, SOCK_CLOEXEC);
    FILE *out;

    if (fd < 0)
        return;
    while (have < sizeof line - 1 && memchr(line, '\n', have) == NULL) {
        struct pollfd pfd = {.fd = fd, .events = POLLIN};
        int64_t left = (deadline - now_us()) / 1000;
        ssize_t n;

        if (left <= 0 || poll(&pfd, 1, (int)left) <= 0)
            break;
        n = read(fd, line + have, sizeof line - 1 - have);
        if (n <= 0)
            break;
        have += (size_t)n;
    }
    line[have] = '\0';
    line[strcspn(line, "\r\n")] = '\0';
    out = open_memstream(&ans, &ans_len);
    if (out == NULL) {
        close(fd);
        return;
    }
    s->ctl = CTL_NONE;
    command(s, line, out);
    fclose(out);
    if (s->ctl != CTL_NONE) {
        s->ctl_fd = fd;
        s->ctl_ans = ans;
        s->ctl_len = ans_len;
        return;
    }
    answer_client(fd, ans, ans_len);
    free(ans);
}

void serve_defer(struct server *s, enum ctl_wait wait, int64_t deadline_us, const char *late)
{
    s->ctl = wait;
    s->ctl_deadline = deadline_us;
    snprintf(s->ctl_late, sizeof s->ctl_late, "%s", late);
}

void serve_release(struct server *s, enum ctl_wait wait, int64_t delay_us)
{
    if (s->ctl != wait || s->ctl_fd < 0)
        return;
    s->ctl = CTL_SETTLE;
    s->ctl_at = now_us() + delay_us;
}

/* Sends a held answer when its moment came (or the late error when the wait failed). */
static int64_t ctl_tick(struct server *s)
{
    int64_t now = now_us();

    if (s->ctl_fd < 0)
        return 1000000;
    if (s->ctl == CTL_SETTLE && now < s->ctl_at)
        return s->ctl_at - now;
    if (s->ctl != CTL_SETTLE && now < s->ctl_deadline)
        return s->ctl_deadline - now < 1000000 ? s->ctl_deadline - now : 1000000;
    if (s->ctl == CTL_SETTLE)
        answer_client(s->ctl_fd, s->ctl_ans, s->ctl_len);
    else
        answer_client(s->ctl_fd, s->ctl_late, strlen(s->ctl_late));
    free(s->ctl_ans);
    s->ctl_ans = NULL;
    s->ctl_fd = -1;
    s->ctl = CTL_NONE;
    return 1000000;
}

int simserve_run(const struct sim_serve_opts *o)
{
    struct server s = {.o = o, .master = -1, .slave = -1, .listen_fd = -1, .ctl_fd = -1};
    struct sigaction sa = {.sa_handler = on_signal};
    struct kwh_err e;
    struct stat st;

    if (stat(o->dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        fprintf(stderr, "kwhsim: %s is not a directory: create it first (mkdir -p %s)\n", o->dir,
                o->dir);
        return 1;
    }
    snprintf(s.link, sizeof s.link, "%s/%s", o->dir, SIM_LINK);
    snprintf(s.sock, sizeof s.sock, "%s/%s", o->dir, SIM_SOCKET);
    simreader_init(&s.r);
    frame_parser_init(&s.p);
    vpcd_init(&s);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    if (listen_open(&s, &e) < 0 || (o->vpcd_port == 0 && port_open(&s, &e) < 0)) {
        fprintf(stderr, "kwhsim: %s\n", e.msg);
        if (e.code != KWH_ECONFLICT && s.listen_fd >= 0) {
            close(s.listen_fd);
            unlink(s.sock);
        }
        return 1;
    }
    if (o->vpcd_port > 0)
        fprintf(stderr,
                "kwhsim: the card behind vpcd on 127.0.0.1:%d, card timing %s; control %s\n",
                o->vpcd_port, o->card_timing ? "on" : "off", s.sock);
    else
        fprintf(stderr, "kwhsim: reader on %s (%s) at %d baud, card timing %s; control %s\n",
                s.link, s.pts, o->baud, o->card_timing ? "on" : "off", s.sock);
    while (!stop_flag && !s.stop) {
        /* vpcd first: it may release a held control answer */
        int64_t vleft = vpcd_tick(&s), left = ctl_tick(&s);
        struct pollfd pfd[3] = {{.fd = s.ctl_fd < 0 ? s.listen_fd : -1, .events = POLLIN},
                                {.fd = s.master, .events = POLLIN},
                                {.fd = vpcd_poll_fd(&s), .events = POLLIN}};
        struct timespec ts;

        if (vleft < left)
            left = vleft;

        if (s.pending_len > 0) {
            left = s.due_us - now_us();
            if (left <= 0) {
                send_pending(&s);
                process(&s);
                continue;
            }
            if (left > 1000000)
                left = 1000000;
            pfd[1].fd = -1; /* half duplex: the next request waits for this answer */
        }
        ts.tv_sec = left / 1000000;
        ts.tv_nsec = (left % 1000000) * 1000;
        if (ppoll(pfd, 3, &ts, NULL) <= 0)
            continue;
        if (pfd[0].revents & POLLIN)
            client(&s);
        if (s.master >= 0 && (pfd[1].revents & POLLIN))
            port_input(&s);
        if (pfd[2].fd >= 0 && (pfd[2].revents & (POLLIN | POLLHUP | POLLERR)))
            vpcd_input(&s);
    }
    if (s.ctl_fd >= 0)
        answer_client(s.ctl_fd, s.ctl_late, strlen(s.ctl_late));
    free(s.ctl_ans);
    vpcd_close(&s);
    port_close(&s);
    close(s.listen_fd);
    unlink(s.sock);
    fprintf(stderr, "kwhsim: stopped\n");
    return 0;
}
