/* SPDX-License-Identifier: Apache-2.0 */
/* The message language: the catalogue found from where the program is installed. */
#include <libintl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/err.h"
#include "kwhpos/util.h"

void lang_setup(const char *lang)
{
    static bool bound;
    char buf[PATH_MAX];
    const char *dir = priv_getenv("KWHPOS_LOCALEDIR");

    setenv("LANGUAGE", lang != NULL && *lang ? lang : "zh_CN", 1);
    if (bound)
        return; /* the catalogue is where it was: only the language changed */
    if ((dir == NULL || *dir == '\0') &&
        file_shipped("share/locale/zh_CN/LC_MESSAGES/" KWH_TEXTDOMAIN ".mo",
                     "locale/zh_CN/LC_MESSAGES/" KWH_TEXTDOMAIN ".mo", buf, sizeof buf)) {
        *strstr(buf, "/zh_CN/LC_MESSAGES/") = '\0';
        dir = buf;
    }
    if (dir != NULL && *dir)
        bindtextdomain(KWH_TEXTDOMAIN, dir);
    bind_textdomain_codeset(KWH_TEXTDOMAIN, "UTF-8");
    textdomain(KWH_TEXTDOMAIN);
    bound = true;
}
