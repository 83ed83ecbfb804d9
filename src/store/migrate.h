/* Schema migrations, each in its own transaction, versioned by PRAGMA user_version. */
#ifndef KWHPOS_STORE_MIGRATE_H
#define KWHPOS_STORE_MIGRATE_H

#include <stdbool.h>

#include "kwhpos/err.h"

struct store;

/* Brings the database to STORE_SCHEMA_VERSION. A database newer than this program is
 * refused; an empty file is accepted only when fresh (a new site). */
int migrate_run(struct store *s, bool fresh, struct kwh_err *e);

#endif
