/* SPDX-License-Identifier: Apache-2.0 */
/* The customer search: one box for numbers, phones, names, addresses and pinyin
 * initials. What kind of search the text is, is decided here; how each is looked up (an
 * index per backend) is the store's. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "core/internal.h"
#include "kwhpos/oversight.h"
#include "kwhpos/query.h"
#include "kwhpos/util.h"
#include "store/store_query.h"

/* Characters of s (UTF-8). */
static size_t chars(const char *s)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++)
        n += (*p & 0xC0) != 0x80;
    return n;
}

static bool all_digits(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s; s++)
        if (!isdigit((unsigned char)*s))
            return false;
    return true;
}

int search_customers(struct kwh_core *c, const struct kwh_session *s, const char *text,
                     bool include_closed, int64_t after, int64_t limit, struct kwh_search_page *out,
                     struct kwh_err *e)
{
    struct store_search_q q;
    char t[KWH_TEXT_MAX], lower[KWH_TEXT_MAX];
    size_t len;
    int rc;

    memset(out, 0, sizeof *out);
    memset(&q, 0, sizeof q);
    if ((rc = need_operator(s, e)) < 0)
        return rc;
    if (limit == 0)
        limit = KWH_PAGE_DEFAULT;
    if (limit < 0 || limit > KWH_PAGE_MAX || after < 0)
        return kwh_err_set(e, KWH_EINVAL, "a page is 1 to %d rows", KWH_PAGE_MAX);
    /* what people paste: spaces around it */
    while (text != NULL && *text == ' ')
        text++;
    str_copy(t, sizeof t, text ? text : "");
    for (len = strlen(t); len > 0 && t[len - 1] == ' '; len--)
        t[len - 1] = '\0';
    if (t[0] == '\0')
        return kwh_err_set(e, KWH_EINVAL,
                           "type what to look for: a customer or meter number, a phone, part of a "
                           "name or address, or the pinyin initials of the name");
    if (text_check_line(KWH_N("the search text"), t, e) < 0)
        return KWH_EINVAL;
    if ((rc = scope_of(c, s, &q.scope_op, e)) < 0)
        return rc;
    q.include_closed = include_closed;
    q.after_id = after;
    q.text = t;
    if (all_digits(t) && strlen(t) == 8) {
        q.kind = STORE_SEARCH_NUMBER;
        q.number = (uint32_t)strtoul(t, NULL, 10);
    } else if (chars(t) >= 3) {
        q.kind = STORE_SEARCH_SUBSTRING;
    } else {
        /* initials are stored in lower case: zs, ZS and Zs find 张三 */
        for (size_t i = 0; i <= strlen(t); i++)
            lower[i] = (char)tolower((unsigned char)t[i]);
        q.kind = STORE_SEARCH_PREFIX;
        q.text = all_digits(t) || t[0] & 0x80 ? t : lower;
        if (after > 0)
            return 0; /* one page: a longer text narrows it */
    }
    if ((rc = store_customers_search(c->db, &q, limit + 1, &out->rows, &out->n, e)) < 0)
        return rc;
    /* an 8-digit text that is no account's number may be part of a phone */
    if (q.kind == STORE_SEARCH_NUMBER && out->n == 0) {
        free(out->rows);
        out->rows = NULL;
        q.kind = STORE_SEARCH_SUBSTRING;
        if ((rc = store_customers_search(c->db, &q, limit + 1, &out->rows, &out->n, e)) < 0)
            return rc;
    }
    if (out->n > (size_t)limit) {
        out->more = true;
        out->n = (size_t)limit;
    }
    return 0;
}

void search_page_fini(struct kwh_search_page *p)
{
    if (p == NULL)
        return;
    free(p->rows);
    memset(p, 0, sizeof *p);
}
