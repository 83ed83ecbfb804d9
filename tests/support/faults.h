/* SPDX-License-Identifier: Apache-2.0 */
/* Failure at the Nth call, for the fault-injection suite (tests/unit/test_faults.c).
 *
 * Every call of an armed kind is counted; the Nth fails (once, or with persist every
 * call from the Nth on), as the real call fails when memory or the disk runs out:
 *
 * - FAULT_ALLOC, FAULT_FILE: the program's own malloc family and file calls (open,
 *   write, fsync, rename...), reached through the linker's --wrap: the suite alone is
 *   linked with -Wl,--wrap=malloc,... (the Makefile's FAULT_WRAP), so the program's
 *   objects call __wrap_malloc here and this calls the real one. Nothing is compiled into
 *   the program and nothing costs when unarmed; libraries (SQLite, libpq, libc inside)
 *   keep calling the real functions. AddressSanitizer intercepts the real malloc as usual.
 * - FAULT_SQL_MALLOC: SQLite's allocator (sqlite3_config(SQLITE_CONFIG_MALLOC)).
 * - FAULT_SQL_IO, FAULT_SQL_FULL: a VFS over the default one, registered as the default,
 *   failing xOpen, xRead, xWrite, xSync, xTruncate with SQLITE_IOERR (xWrite and
 *   xTruncate with SQLITE_FULL for the second kind).
 * - FAULT_CARD: the fake card's device calls (status, power on, read, write, error
 *   counter, PSC), failing as a reader whose line dropped (tests/support/fakecard.c).
 * - FAULT_SERIAL: the serial line's reads and writes under the real reader driver
 *   (src/card/reader.c over the in-memory transport, tests/support/memtransport.c, whose
 *   reader answers for the fake card), failing as a tty's read(2) or write(2) does on
 *   EIO: a failed write sends nothing, a failed read loses an answer the reader gave. */
#ifndef KWHTEST_FAULTS_H
#define KWHTEST_FAULTS_H

#include <stdbool.h>

enum fault_kind {
    FAULT_ALLOC = 1,
    FAULT_FILE = 2,
    FAULT_SQL_MALLOC = 4,
    FAULT_SQL_IO = 8,
    FAULT_SQL_FULL = 16,
    FAULT_CARD = 32,
    FAULT_SERIAL = 64,
};

/* SQLite's allocator and the VFS; call once before any database is opened. */
void faults_install(void);
/* Counts the calls of `kinds` from now on; the nth fails (n = 0: none, counting only),
 * and with persist every one after it too. */
void faults_arm(unsigned kinds, long n, bool persist);
/* Stops failing and counting; returns the calls counted since faults_arm. */
long faults_disarm(void);
/* How many calls failed since faults_arm. */
long faults_failed(void);
/* For the wrappers: counts one call of kind; true when it is to fail. */
bool faults_hit(unsigned kind);
/* The name of a kind ("allocation"...). */
const char *faults_name(unsigned kind);

#endif
