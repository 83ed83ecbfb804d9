/* SPDX-License-Identifier: Apache-2.0 */
/* Inside src/store: libpq, loaded the first time a PostgreSQL database is opened.
 *
 * The program does not link libpq: a station on SQLite never maps it (nor the TLS,
 * Kerberos and LDAP libraries it brings, several megabytes resident). The PostgreSQL
 * backend calls the same PQ functions by their names, which this header turns into
 * calls through a table filled by pq_load (dlopen of libpq.so.5). */
#ifndef KWHPOS_STORE_PQ_H
#define KWHPOS_STORE_PQ_H

#include <libpq-fe.h>

#include "kwhpos/err.h"

#define PQ_FUNCS(X)                                                                                \
    X(PQclear)                                                                                     \
    X(PQcmdStatus)                                                                                 \
    X(PQcmdTuples)                                                                                 \
    X(PQconnectdbParams)                                                                           \
    X(PQconninfoFree)                                                                              \
    X(PQconninfoParse)                                                                             \
    X(PQdb)                                                                                        \
    X(PQerrorMessage)                                                                              \
    X(PQexec)                                                                                      \
    X(PQexecParams)                                                                                \
    X(PQexecPrepared)                                                                              \
    X(PQfinish)                                                                                    \
    X(PQfname)                                                                                     \
    X(PQfreemem)                                                                                   \
    X(PQftype)                                                                                     \
    X(PQgetisnull)                                                                                 \
    X(PQgetlength)                                                                                 \
    X(PQgetvalue)                                                                                  \
    X(PQnfields)                                                                                   \
    X(PQntuples)                                                                                   \
    X(PQprepare)                                                                                   \
    X(PQreset)                                                                                     \
    X(PQresultErrorField)                                                                          \
    X(PQresultErrorMessage)                                                                        \
    X(PQresultStatus)                                                                              \
    X(PQsetNoticeProcessor)                                                                        \
    X(PQstatus)

#define PQ_MEMBER(name) __typeof__(name) *name;
struct pq_api {
    PQ_FUNCS(PQ_MEMBER)
};
#undef PQ_MEMBER

extern struct pq_api pq_api;

/* Loads libpq once; KWH_EDB saying what to install when it is missing. */
int pq_load(struct kwh_err *e);

#ifndef PQ_NO_MACROS
#define PQclear (pq_api.PQclear)
#define PQcmdStatus (pq_api.PQcmdStatus)
#define PQcmdTuples (pq_api.PQcmdTuples)
#define PQconnectdbParams (pq_api.PQconnectdbParams)
#define PQconninfoFree (pq_api.PQconninfoFree)
#define PQconninfoParse (pq_api.PQconninfoParse)
#define PQdb (pq_api.PQdb)
#define PQerrorMessage (pq_api.PQerrorMessage)
#define PQexec (pq_api.PQexec)
#define PQexecParams (pq_api.PQexecParams)
#define PQexecPrepared (pq_api.PQexecPrepared)
#define PQfinish (pq_api.PQfinish)
#define PQfname (pq_api.PQfname)
#define PQfreemem (pq_api.PQfreemem)
#define PQftype (pq_api.PQftype)
#define PQgetisnull (pq_api.PQgetisnull)
#define PQgetlength (pq_api.PQgetlength)
#define PQgetvalue (pq_api.PQgetvalue)
#define PQnfields (pq_api.PQnfields)
#define PQntuples (pq_api.PQntuples)
#define PQprepare (pq_api.PQprepare)
#define PQreset (pq_api.PQreset)
#define PQresultErrorField (pq_api.PQresultErrorField)
#define PQresultErrorMessage (pq_api.PQresultErrorMessage)
#define PQresultStatus (pq_api.PQresultStatus)
#define PQsetNoticeProcessor (pq_api.PQsetNoticeProcessor)
#define PQstatus (pq_api.PQstatus)
#endif

#endif
