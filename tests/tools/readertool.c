/* SPDX-License-Identifier: Apache-2.0 */
/* readertool: drives a card reader through the kwhpos driver, for integration tests.
 *
 *   readertool [--port P] [--baud N] [--backend auto|lsp|termios] [--timeout MS]
 *              [--min-tries N] COMMAND [ARGS] [COMMAND [ARGS]]...
 *   readertool --pcsc NAME [--dialect D] [--min-tries N] COMMAND...   (a PC/SC reader whose
 *              name starts with NAME; "" = the first)
 *
 * Commands run in order in one session: ident, status, power-on, read ADDR LEN,
 * write ADDR HEX, tries, present HEX (after the error counter, as the card writer does),
 * change HEX, wait-file PATH, stats, backend, event MS, issue TYPE name=value..., decode (both
 * with --secret HEX --area NNNNNN), sale (a timed typical sale); and `ports` (no reader
 * needed). issue and sale write through the program's own card writer
 * (kwhpos/cardwrite.h). On the first error it prints "readertool: COMMAND: MESSAGE
 * [code=... detail=...]" and exits 1. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <dlfcn.h>
#include <sys/random.h>

#include "kwhpos/card.h"
#include "kwhpos/cardprofile.h"
#include "kwhpos/cardwrite.h"
#include "kwhpos/pcsc.h"
#include "kwhpos/reader.h"

static struct kwh_site_keys site;
static bool have_site;
static int min_tries = 2; /* --min-tries: the card writer's refusal threshold */

/* The program's card writer over dev, for this site. */
static void writer(struct kwh_card_dev *dev, struct cardwrite *w)
{
    cardwrite_init(w, dev, cardprofile_default(), site.psc);
    w->min_tries = min_tries;
}

static const char *detail_name(int d)
{
    static const char *names[] = {
        "none",         "no-reader", "timeout",     "no-card",  "removed",  "wrong-psc", "locked",
        "write-failed", "bad-frame", "unsupported", "protocol", "psc-risk", "wrong-card"};
    return d >= 0 && d < (int)(sizeof names / sizeof names[0]) ? names[d] : "?";
}

static int die(const char *cmd, const struct kwh_err *e)
{
    fprintf(stderr, "readertool: %s: %s [code=%s detail=%s]\n", cmd, e->msg, kwh_err_name(e->code),
            detail_name(e->detail));
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

static int card_type_parse(const char *s)
{
    for (int t = KWH_CARD_USER; t <= KWH_CARD_TEST; t++)
        if (strcmp(s, model_card_type_name(t)) == 0)
            return t;
    return -1;
}

/* Fills c from "name=value" words at argv[*i + 1]...; false on a bad one. */
static bool card_fields(struct kwh_card *c, int argc, char **argv, int *i)
{
    while (*i + 1 < argc && strchr(argv[*i + 1], '=') != NULL) {
        char name[32];
        const char *v = strchr(argv[*i + 1], '=') + 1;
        bool ok = true;
        long x;

        snprintf(name, sizeof name, "%.*s", (int)(v - 1 - argv[*i + 1]), argv[*i + 1]);
        (*i)++;
        if (strcmp(name, "flags") == 0) {
            c->flags = 0;
            if (strstr(v, "keyx"))
                c->flags |= CARD_F_KEYX;
            if (strstr(v, "nopurchase"))
                c->flags |= CARD_F_NO_PURCHASE;
            continue;
        }
        x = num(v, 99999999, &ok);
        if (!ok)
            return false;
        if (strcmp(name, "meter") == 0)
            c->meter_no = (uint32_t)x;
        else if (strcmp(name, "customer") == 0)
            c->customer_no = (uint32_t)x;
        else if (strcmp(name, "count") == 0)
            c->purchase_count = (uint16_t)x;
        else if (strcmp(name, "ckwh") == 0)
            c->purchase_ckwh = (uint32_t)x;
        else if (strcmp(name, "gen") == 0)
            c->generation = (uint16_t)x;
        else if (strcmp(name, "mtype") == 0)
            c->params.meter_type = (uint8_t)x;
        else if (strcmp(name, "limit") == 0)
            c->params.current_limit_a = (uint16_t)x;
        else if (strcmp(name, "alarm") == 0)
            c->params.alarm_ckwh = (uint32_t)x;
        else if (strcmp(name, "overdraft") == 0)
            c->params.overdraft_ckwh = (uint32_t)x;
        else if (strcmp(name, "hoard") == 0)
            c->params.hoard_ckwh = (uint32_t)x;
        else if (strcmp(name, "ct") == 0)
            c->params.ct_ratio = (uint16_t)x;
        else
            return false;
    }
    return true;
}

/* Writes card content through the reader with the program's card writer: the PSC the
 * image's state calls for, the factory PSC changed to the site's, commit byte last. */
static int issue(struct kwh_card_dev *dev, int type, int argc, char **argv, int *i,
                 struct kwh_err *e)
{
    uint8_t img[KWH_CARD_SIZE], out[KWH_CARD_SIZE];
    struct kwh_card old, c;
    struct cardwrite w;
    enum cardwrite_outcome outcome;
    int rc;

    memset(&c, 0, sizeof c);
    c.type = (uint8_t)type;
    c.params.ct_ratio = 1;
    c.params.meter_type = type == KWH_CARD_USER || type == KWH_CARD_REFUND ? KWH_METER_SINGLE : 0;
    c.issued = 1700000000;
    if (!card_fields(&c, argc, argv, i))
        return kwh_err_set(e, KWH_EINVAL, "issue: bad field (name=value)");
    writer(dev, &w);
    if ((rc = cardwrite_read(&w, img, e)) < 0 ||
        (rc = card_decode(cardprofile_default(), img, &site, &old, e)) < 0)
        return rc;
    memcpy(c.serial, old.serial, sizeof c.serial);
    if (!card_serial_is_set(c.serial) && getrandom(c.serial, sizeof c.serial, 0) != sizeof c.serial)
        return kwh_err_set(e, KWH_EIO, "no randomness for the card serial");
    if ((rc = card_encode(cardprofile_default(), img, &c, &site, out, e)) < 0 ||
        (rc = cardwrite_write(&w, img, out, &outcome, e)) < 0)
        return rc;
    printf("issued %s runs=%u bytes=%u\n", model_card_type_name(type), w.stats.runs, w.stats.bytes);
    return 0;
}

static int decode(struct kwh_card_dev *dev, struct kwh_err *e)
{
    uint8_t img[KWH_CARD_SIZE];
    struct kwh_card c;
    struct cardwrite w;
    int rc;

    writer(dev, &w);
    if ((rc = cardwrite_read(&w, img, e)) < 0 ||
        (rc = card_decode(cardprofile_default(), img, &site, &c, e)) < 0)
        return rc;
    printf("card type=%s meter=%u count=%u ckwh=%u gen=%u flags=%u loaded=%s\n",
           model_card_type_name(c.type), c.meter_no, c.purchase_count, c.purchase_ckwh,
           c.generation, c.flags, card_purchase_loaded(&c) ? "yes" : "no");
    if (c.ret.valid)
        printf("return meter=%u count=%u status=0x%02x remaining=%d used=%u bought=%u "
               "display=%s gen=%u\n",
               c.ret.meter_no, c.ret.loaded_count, c.ret.status, c.ret.remaining_ckwh,
               c.ret.used_ckwh, c.ret.bought_ckwh, meter_code_name(c.ret.display),
               c.ret.generation);
    else
        printf("return none\n");
    return 0;
}

static int64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* A typical sale on an issued user card through the program's card writer, timed:
 * power-on, read the card, the next purchase written as changed bytes (commit byte
 * last), and those bytes read back. */
static int sale(struct kwh_card_dev *dev, struct kwh_err *e)
{
    uint8_t img[KWH_CARD_SIZE], out[KWH_CARD_SIZE];
    const struct reader_stats *s = reader_stats(dev);
    const struct pcsc_stats *ps = pcsc_stats(dev);
    struct reader_stats before = s ? *s : (struct reader_stats){0};
    struct pcsc_stats pbefore = ps ? *ps : (struct pcsc_stats){0};
    struct cardwrite w;
    enum cardwrite_outcome outcome;
    struct kwh_card c;
    int64_t t0 = now_us();
    int rc;

    writer(dev, &w);
    if ((rc = cardwrite_read(&w, img, e)) < 0 ||
        (rc = card_decode(cardprofile_default(), img, &site, &c, e)) < 0)
        return rc;
    if (c.type != KWH_CARD_USER)
        return kwh_err_set(e, KWH_ECARD, "sale: not a user card");
    c.purchase_count++;
    c.purchase_ckwh = 12345;
    c.flags &= (uint8_t)~CARD_F_KEYX; /* a purchase keeps the card's issue time */
    if ((rc = card_encode(cardprofile_default(), img, &c, &site, out, e)) < 0 ||
        (rc = cardwrite_write(&w, img, out, &outcome, e)) < 0)
        return rc;
    if (ps != NULL)
        printf("sale wall_us=%lld tx=%lu rx=%lu written=%lu exchanges=%lu runs=%u changed=%u "
               "readback=%u transmit_us=%lu\n",
               (long long)(now_us() - t0), ps->tx_bytes - pbefore.tx_bytes,
               ps->rx_bytes - pbefore.rx_bytes, ps->written - pbefore.written,
               ps->apdus - pbefore.apdus, w.stats.runs, w.stats.bytes, w.stats.reads,
               ps->transmit_us - pbefore.transmit_us);
    else
        printf("sale wall_us=%lld tx=%lu rx=%lu written=%lu exchanges=%lu runs=%u changed=%u "
               "readback=%u\n",
               (long long)(now_us() - t0), s->tx_bytes - before.tx_bytes,
               s->rx_bytes - before.rx_bytes, s->written - before.written,
               s->exchanges - before.exchanges, w.stats.runs, w.stats.bytes, w.stats.reads);
    return 0;
}

static int run(struct kwh_card_dev *dev, int argc, char **argv)
{
    struct kwh_err e;
    uint8_t buf[KWH_CARD_SIZE];

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
            struct cardwrite w;
            writer(dev, &w);
            rc = c[0] == 'p' ? cardwrite_present(&w, buf, &e)
                             : dev->ops->psc_change(dev->ctx, buf, &e);
            if (rc == 0)
                printf("%s ok\n", c);
        } else if (strcmp(c, "issue") == 0 && i + 1 < argc) {
            int type = card_type_parse(argv[++i]);
            if (type < 0 || !have_site)
                return usage("issue TYPE name=value...: needs --secret and --area, and a type "
                             "user|refund|management|clear|relay|test");
            rc = issue(dev, type, argc, argv, &i, &e);
        } else if (strcmp(c, "sale") == 0) {
            if (!have_site)
                return usage("sale needs --secret and --area");
            rc = sale(dev, &e);
        } else if (strcmp(c, "decode") == 0) {
            if (!have_site)
                return usage("decode needs --secret and --area");
            rc = decode(dev, &e);
        } else if (strcmp(c, "stats") == 0) {
            const struct reader_stats *s = reader_stats(dev);
            const struct pcsc_stats *ps = pcsc_stats(dev);
            if (ps != NULL)
                printf("stats exchanges=%lu tx=%lu rx=%lu written=%lu repeats=%lu\n", ps->apdus,
                       ps->tx_bytes, ps->rx_bytes, ps->written, ps->repeats);
            else
                printf("stats exchanges=%lu tx=%lu rx=%lu written=%lu repeats=%lu\n", s->exchanges,
                       s->tx_bytes, s->rx_bytes, s->written, s->repeats);
        } else if (strcmp(c, "event") == 0 && i + 1 < argc) {
            enum kwh_card_event ev;
            long ms = num(argv[++i], 60000, &ok);
            if (!ok)
                return usage("event MS: a time in milliseconds");
            if ((rc = dev->ops->event(dev->ctx, (int)ms, &ev, &e)) == 0)
                printf("event %s\n", ev == KWH_CARD_EV_INSERTED  ? "inserted"
                                     : ev == KWH_CARD_EV_REMOVED ? "removed"
                                                                 : "none");
        } else if (strcmp(c, "wait-file") == 0 && i + 1 < argc) {
            const char *path = argv[++i];
            struct timespec ms = {0, 20000000};
            int k;
            for (k = 0; k < 500 && access(path, F_OK) != 0; k++)
                nanosleep(&ms, NULL);
            if (k == 500)
                return usage("wait-file: the file did not appear within 10 s");
        } else if (strcmp(c, "backend") == 0) {
            printf("backend %s\n", pcsc_reader_name(dev) ? "pcsc" : reader_backend(dev));
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
    const char *port = NULL, *secret = NULL, *area = NULL, *pcsc = NULL, *dialect = NULL;
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
        else if (strcmp(argv[i], "--secret") == 0)
            secret = argv[i + 1];
        else if (strcmp(argv[i], "--area") == 0)
            area = argv[i + 1];
        else if (strcmp(argv[i], "--min-tries") == 0)
            min_tries = (int)num(argv[i + 1], 3, &ok);
        else if (strcmp(argv[i], "--pcsc") == 0)
            pcsc = argv[i + 1];
        else if (strcmp(argv[i], "--dialect") == 0)
            dialect = argv[i + 1];
        else
            return usage("unknown option");
    }
    if (!ok || backend < 0)
        return usage("bad option value");
    if (secret != NULL || area != NULL) {
        uint8_t sec[KWH_SECRET_LEN] = {0};
        if (secret == NULL || area == NULL || hex(secret, sec, sizeof sec, &ok) == 0 || !ok ||
            card_keys_derive(&site, sec, area, &e) < 0)
            return usage("--secret HEX (up to 32 bytes) and --area NNNNNN go together");
        have_site = true;
    }
    if (i < argc && strcmp(argv[i], "ports") == 0)
        return list_ports();
    if (pcsc != NULL && i < argc) {
        struct pcsc_opts po;
        pcsc_opts_default(&po);
        po.reader = pcsc;
        po.dialect = dialect;
        if (pcsc_open(&po, &dev, &e) < 0)
            return die("open", &e);
        rc = run(&dev, argc - i, argv + i);
        dev.ops->close(dev.ctx);
        return rc;
    }
    if (port == NULL || i >= argc)
        return usage("usage: readertool --port P | --pcsc NAME [options] COMMAND...");
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
