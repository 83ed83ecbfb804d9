/* SPDX-License-Identifier: Apache-2.0 */
/* Schema migrations, each in its own transaction, versioned by PRAGMA user_version. */
#ifndef KWHPOS_STORE_MIGRATE_H
#define KWHPOS_STORE_MIGRATE_H

#include <stdbool.h>

#include "kwhpos/err.h"

struct store;

/* Brings the database to STORE_SCHEMA_VERSION. A database newer than this program is
 * refused; an empty file is accepted only when fresh (a new site). */
/* Before anything is written (not even the journal mode): refuses a file that is not a
 * kwhpos database (KWH_EINVAL), an empty one, or one of a newer schema. Only reads. */
int migrate_identify(struct store *s, struct kwh_err *e);

int migrate_run(struct store *s, bool fresh, struct kwh_err *e);

/* For a database that cannot be written: 0 when it needs no migration, else KWH_EDB. */
int migrate_none_needed(struct store *s, struct kwh_err *e);

#endif
