/* SPDX-License-Identifier: Apache-2.0 */
/* A page as printer bytes: GB18030 or UTF-8 text with optional ESC/POS commands. */
#include "kwhpos/print.h"

#include <errno.h>
#include <iconv.h>
#include <stdlib.h>
#include <string.h>

#define ESC "\x1b"
#define FS "\x1c"
#define GS "\x1d"

struct bytes {
    char *p;
    size_t len, cap;
};

static int grow(struct bytes *b, size_t more)
{
    if (b->len + more <= b->cap)
        return 0;
    size_t ncap = b->cap ? b->cap : 4096;
    while (b->len + more > ncap)
        ncap *= 2;
    char *np = realloc(b->p, ncap);
    if (np == NULL)
        return KWH_ENOMEM;
    b->p = np;
    b->cap = ncap;
    return 0;
}

static int put(struct bytes *b, const char *s, size_t n)
{
    if (grow(b, n) < 0)
        return KWH_ENOMEM;
    memcpy(b->p + b->len, s, n);
    b->len += n;
    return 0;
}

/* Converts one UTF-8 line; a character the target cannot take becomes '?'. */
static int put_converted(struct bytes *b, iconv_t cd, const char *s)
{
    char *in = (char *)s;
    size_t inleft = strlen(s);

    while (inleft > 0) {
        if (grow(b, inleft * 4 + 16) < 0)
            return KWH_ENOMEM;
        char *out = b->p + b->len;
        size_t outleft = b->cap - b->len;
        size_t r = iconv(cd, &in, &inleft, &out, &outleft);
        b->len = (size_t)(out - b->p);
        if (r == (size_t)-1 && errno != E2BIG) {
            /* skip one character: its lead byte and continuation bytes */
            do {
                in++;
                inleft--;
            } while (inleft > 0 && ((unsigned char)*in & 0xC0) == 0x80);
            if (put(b, "?", 1) < 0)
                return KWH_ENOMEM;
        }
    }
    return 0;
}

void print_raw_opts_default(struct print_raw_opts *o)
{
    memset(o, 0, sizeof *o);
    o->encoding = PRINT_GB18030;
    o->crlf = true;
}

int print_raw_encode(const struct print_page *p, const struct print_raw_opts *o, char **out,
                     size_t *len, struct kwh_err *e)
{
    struct bytes b = {0};
    const char *eol = o->crlf ? "\r\n" : "\n";
    size_t eol_len = strlen(eol);
    iconv_t cd = (iconv_t)-1;
    int rc = KWH_ENOMEM;

    *out = NULL;
    *len = 0;
    if (o->encoding == PRINT_GB18030) {
        cd = iconv_open("GB18030", "UTF-8");
        if (cd == (iconv_t)-1)
            return kwh_err_set(e, KWH_EIO, "this system has no GB18030 converter (iconv): %s",
                               strerror(errno));
    }
    if (o->escpos_init && put(&b, ESC "@", 2) < 0)
        goto fail;
    if (o->escpos_chinese && put(&b, FS "&", 2) < 0)
        goto fail;
    for (int i = 0; i < p->nlines; i++) {
        const char *line = p->lines[i] ? p->lines[i] : "";
        if (cd != (iconv_t)-1) {
            if (put_converted(&b, cd, line) < 0)
                goto fail;
        } else if (put(&b, line, strlen(line)) < 0) {
            goto fail;
        }
        if (put(&b, eol, eol_len) < 0)
            goto fail;
    }
    for (int i = 0; i < o->feed_lines; i++)
        if (put(&b, eol, eol_len) < 0)
            goto fail;
    if (o->escpos_cut && put(&b, GS "V\x42\x00", 4) < 0)
        goto fail;
    if (o->form_feed && put(&b, "\f", 1) < 0)
        goto fail;
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    if (b.p == NULL && (b.p = malloc(1)) == NULL)
        return kwh_err_set(e, KWH_ENOMEM, "out of memory");
    *out = b.p;
    *len = b.len;
    return 0;
fail:
    if (cd != (iconv_t)-1)
        iconv_close(cd);
    free(b.p);
    return kwh_err_set(e, rc, "out of memory");
}
