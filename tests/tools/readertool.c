/* readertool: drives a card reader through the kwhpos driver, for integration tests.
 *
 *   readertool [--port P] [--baud N] [--backend auto|lsp|termios] [--timeout MS]
 *              [--min-tries N] COMMAND [ARGS] [COMMAND [ARGS]]...
 *
 * Commands run in order in one session: ident, status, power-on, read ADDR LEN,
 * write ADDR HEX, tries, present HEX, change HEX, update ADDR HEX [LAST],
 * wait-file PATH, stats, backend; and `ports` (no reader needed). On the first error it prints
 * "readertool: COMMAND: MESSAGE [code=... detail=...]" and exits 1. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <dlfcn.h>

#include "kwhpos/carddev.h"
#include "kwhpos/reader.h"

static const char *detail_name(int d)
{
    static const char *names[] = {"none",     "no-reader",    "timeout",   "no-card",
                                  "removed",  "wrong-psc",    "locked",    "write-failed",
                                  "bad-frame", "unsupported", "protocol",  "psc-risk"};
    return d >= 0 && d < (int)(sizeof names / sizeof names[0]) ? names[d] : "?";
}

static int die(const char *cmd, const struct kwh_err *e)
{
    fprintf(stderr, "readertool: %s: %s [code=%s detail=%s]\n", cmd, e->msg,
            kwh_err_name(e->code), detail_name(e->detail));
    return 1;
}

static int usage(const char *why)
{
    fprintf(stderr, "readertool: %s\n", why);
    return 2;
}

static long num(const char *s, long hi, bool *ok)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 0);
    if (errno || *end || v < 0 || v > hi)
        *ok = false;
    return v;
}

static size_t hex(const char *s, uint8_t *out, size_t cap, bool *ok)
{
    size_t n = strlen(s) / 2;

    if (strlen(s) % 2 || n == 0 || n > cap) {
        *ok = false;
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1)
            *ok = false;
        out[i] = (uint8_t)v;
    }
    return n;
}

static void print_hex(const char *label, const uint8_t *p, size_t n)
{
    printf("%s ", label);
    for (size_t i = 0; i < n; i++)
        printf("%02x", p[i]);
    printf("\n");
}

static int list_ports(void)
{
    struct serial_port_info *ports;
    struct kwh_err e;
    size_t n;

    if (serial_list_ports(&ports, &n, &e) < 0)
        return die("ports", &e);
    for (size_t i = 0; i < n; i++)
        printf("%s\t%s\t%s\n", ports[i].name, ports[i].transport, ports[i].label);
    printf("%zu ports\n", n);
    free(ports);
    return 0;
}

static int run(struct kwh_card_dev *dev, int argc, char **argv)
{
    struct kwh_err e;
    uint8_t buf[KWH_CARD_SIZE], img[KWH_CARD_SIZE];

    for (int i = 0; i < argc; i++) {
        const char *c = argv[i];
        bool ok = true;
        int rc = 0;

        kwh_err_clear(&e);
        if (strcmp(c, "ident") == 0) {
            char who[80];
            if ((rc = reader_ident(dev, who, sizeof who, &e)) == 0)
                printf("ident %s\n", who);
        } else if (strcmp(c, "status") == 0) {
            struct kwh_reader_status st;
            if ((rc = dev->ops->status(dev->ctx, &st, &e)) == 0)
                printf("status card=%s changed=%s\n", st.card_present ? "yes" : "no",
                       st.card_changed ? "yes" : "no");
        } else if (strcmp(c, "power-on") == 0) {
            if ((rc = dev->ops->power_on(dev->ctx, buf, &e)) == 0)
                print_hex("atr", buf, 4);
        } else if (strcmp(c, "read") == 0 && i + 2 < argc) {
            long a = num(argv[++i], 255, &ok), n = num(argv[++i], 256, &ok);
            if (!ok)
                return usage("read ADDR LEN: numbers out of range");
            if ((rc = dev->ops->read(dev->ctx, (unsigned)a, buf, (size_t)n, &e)) == 0)
                print_hex("data", buf, (size_t)n);
        } else if (strcmp(c, "write") == 0 && i + 2 < argc) {
            long a = num(argv[++i], 255, &ok);
            size_t n = hex(argv[++i], buf, sizeof buf, &ok);
            if (!ok)
                return usage("write ADDR HEX: bad address or hex");
            if ((rc = dev->ops->write(dev->ctx, (unsigned)a, buf, n, &e)) == 0)
                printf("wrote %zu\n", n);
        } else if (strcmp(c, "tries") == 0) {
            int t;
            if ((rc = dev->ops->psc_tries(dev->ctx, &t, &e)) == 0)
                printf("tries %d\n", t);
        } else if ((strcmp(c, "present") == 0 || strcmp(c, "change") == 0) && i + 1 < argc) {
            if (hex(argv[++i], buf, KWH_PSC_LEN, &ok) != KWH_PSC_LEN || !ok)
                return usage("present/change HEX: the PSC is 6 hex digits");
            rc = c[0] == 'p' ? dev->ops->psc_present(dev->ctx, buf, &e)
                             : dev->ops->psc_change(dev->ctx, buf, &e);
            if (rc == 0)
                printf("%s ok\n", c);
        } else if (strcmp(c, "update") == 0 && i + 2 < argc) {
            struct carddev_update_stats st;
            long a = num(argv[++i], 255, &ok), last = -1;
            size_t n = hex(argv[++i], buf, sizeof buf, &ok);
            if (i + 1 < argc && argv[i + 1][0] >= '0' && argv[i + 1][0] <= '9')
                last = num(argv[++i], 255, &ok);
            if (!ok || (size_t)a + n > KWH_CARD_SIZE)
                return usage("update ADDR HEX [LAST]: bad address or hex");
            if ((rc = carddev_read_all(dev, img, &e)) == 0) {
                uint8_t want[KWH_CARD_SIZE];
                memcpy(want, img, sizeof want);
                memcpy(want + a, buf, n);
                rc = carddev_update(dev, img, want, last < 0 ? 0 : (unsigned)last,
                                    last < 0 ? 0 : 1, &st, &e);
                if (rc == 0)
                    printf("updated runs=%u bytes=%u\n", st.runs, st.bytes);
            }
        } else if (strcmp(c, "stats") == 0) {
            const struct reader_stats *s = reader_stats(dev);
            printf("stats exchanges=%lu tx=%lu rx=%lu written=%lu repeats=%lu\n", s->exchanges,
                   s->tx_bytes, s->rx_bytes, s->written, s->repeats);
        } else if (strcmp(c, "wait-file") == 0 && i + 1 < argc) {
            const char *path = argv[++i];
            struct timespec ms = {0, 20000000};
            int k;
            for (k = 0; k < 500 && access(path, F_OK) != 0; k++)
                nanosleep(&ms, NULL);
            if (k == 500)
                return usage("wait-file: the file did not appear within 10 s");
        } else if (strcmp(c, "backend") == 0) {
            printf("backend %s\n", reader_backend(dev));
        } else {
            fprintf(stderr, "readertool: unknown command or missing arguments: %s\n", c);
            return 2;
        }
        if (rc < 0)
            return die(c, &e);
        fflush(stdout);
    }
    return 0;
}

int main(int argc, char **argv)
{
    struct reader_opts o;
    struct kwh_card_dev dev;
    struct kwh_err e;
    const char *port = NULL;
    int baud = 9600, backend = SERIAL_AUTO, i, rc;
    bool ok = true;

    reader_opts_default(&o);
    for (i = 1; i < argc && strncmp(argv[i], "--", 2) == 0; i += 2) {
        if (i + 1 >= argc)
            return usage("option without value");
        if (strcmp(argv[i], "--port") == 0)
            port = argv[i + 1];
        else if (strcmp(argv[i], "--baud") == 0)
            baud = (int)num(argv[i + 1], 1000000, &ok);
        else if (strcmp(argv[i], "--backend") == 0)
            backend = serial_backend_parse(argv[i + 1]);
        else if (strcmp(argv[i], "--timeout") == 0)
            o.timeout_ms = (int)num(argv[i + 1], 600000, &ok);
        else if (strcmp(argv[i], "--min-tries") == 0)
            o.psc_min_tries = (int)num(argv[i + 1], 3, &ok);
        else
            return usage("unknown option");
    }
    if (!ok || backend < 0)
        return usage("bad option value");
    if (i < argc && strcmp(argv[i], "ports") == 0)
        return list_ports();
    if (port == NULL || i >= argc)
        return usage("usage: readertool --port P [options] COMMAND...");
    /* with the pty shim of reader_lsp.sh, never reach the real port it stands for */
    if (getenv("KWH_SHIM_FROM") != NULL && dlsym(RTLD_DEFAULT, "kwh_pty_shim_active") == NULL)
        return usage("KWH_SHIM_FROM is set but the pty shim is not loaded: refusing to open "
                     "a real port");
    if (reader_open(port, baud, (enum serial_backend)backend, &o, &dev, &e) < 0)
        return die("open", &e);
    rc = run(&dev, argc - i, argv + i);
    dev.ops->close(dev.ctx);
    return rc;
}
