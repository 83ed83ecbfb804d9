/* SPDX-License-Identifier: Apache-2.0 */
/* Assertions on kwhpos errors for cmocka tests (include after <cmocka.h>). */
#ifndef KWHPOS_TEST_CHECK_H
#define KWHPOS_TEST_CHECK_H

#include <string.h>

#include "kwhpos/err.h"

/* Expects `call` (which may use the struct kwh_err e_) to fail with `code` and a message
 * containing `needle`. */
#define REFUSED(code, needle, call)                                                                \
    do {                                                                                           \
        struct kwh_err e_;                                                                         \
        kwh_err_clear(&e_);                                                                        \
        int rc_ = (call);                                                                          \
        if (rc_ != (code))                                                                         \
            fail_msg("%s: expected %d, got %d (%s)", #call, (code), rc_, e_.msg);                  \
        if (strstr(e_.msg, (needle)) == NULL)                                                      \
            fail_msg("%s: message '%s' lacks '%s'", #call, e_.msg, (needle));                      \
    } while (0)

#endif
