/* SPDX-License-Identifier: Apache-2.0 */
/* A power cut for the SQLite database, in tests: a VFS over SQLite's own "unix" VFS,
 * made the default of the test process, that records every change to a file since that
 * file was last synced (writes, truncations, creating and removing the file) and, at a
 * chosen moment, cuts the power: the process ends at once, and every file it touched is
 * left as a power cut could leave it — what was synced kept, each unsynced write, sector
 * by sector, kept, dropped or torn (random bytes) as a seeded generator chooses, a file
 * created or removed without a sync of its folder there or not. Its use: fork, start
 * recording in the child, let it run to the cut, and look at the files from the parent
 * (docs/reliability.md, "Power cuts"). */
#ifndef KWHTEST_CRASHVFS_H
#define KWHTEST_CRASHVFS_H

#include <stdbool.h>
#include <stdint.h>

/* The exit status of a process whose power was cut. */
#define CRASHVFS_EXIT 86
#define CRASHVFS_MAX_SYNCS 256

/* What a recording process did, and what its cut left; the caller's memory (shared
 * with the parent: mmap MAP_SHARED), filled by the child as it goes. */
struct crashvfs_report {
    long events; /* writes, truncations, syncs and removals since crashvfs_start */
    long writes, syncs;
    long sync_at[CRASHVFS_MAX_SYNCS]; /* the event number of each sync (the first syncs) */
    bool cut;                         /* the power was cut */
    long cut_at;                      /* after that many events */
    int sector;                       /* the granularity of the cut: 512 or 4096 bytes */
    int mode;                         /* CRASHVFS_DROP_ALL, _KEEP_ALL or _RANDOM */
    long kept, dropped, torn;         /* unsynced sectors (of writes) at the cut */
    long truncations_lost;            /* unsynced truncations undone */
    long files_lost, files_back;      /* created files gone, removed files back */
};

enum { CRASHVFS_DROP_ALL, CRASHVFS_KEEP_ALL, CRASHVFS_RANDOM };

/* Registers the VFS as this process's default (once; later calls do nothing). Returns 0
 * or an SQLite error code. */
int crashvfs_register(void);

/* Starts recording in this process: every file as it is now counts as safely on disk.
 * The power is cut after event number cut_after (0: only when crashvfs_cut is called).
 * seed chooses the cut's granularity and its mode (seed % 4: 0 drops every unsynced
 * write, 1 keeps them all, 2 and 3 choose sector by sector) and the choices themselves.
 * report: where the child reports (borrowed, kept until the process ends). */
void crashvfs_start(long cut_after, uint64_t seed, struct crashvfs_report *report);

/* Cuts the power now (no-op unless recording): the files are left as the cut leaves
 * them and the process ends with CRASHVFS_EXIT. */
void crashvfs_cut(void);

#endif
