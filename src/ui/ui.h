/* SPDX-License-Identifier: Apache-2.0 */
/* The terminal user interface: the one entry point main.c calls.
 *
 * ui_run takes over the terminal (ncursesw), chooses the message language from the
 * INI ([ui] language, else English on TERM=linux, else zh_CN) and runs the login
 * screen, the menu bar and every screen until the operator quits. It restores the
 * terminal on every exit path.
 *
 *   cfg          the loaded INI and station file (config_station_load); ui_run keeps its
 *                own copy, and saves what the operator changes for this station
 *                (通讯参数设置, the backup folder) in the station file, never the INI.
 *   db_path      the database ui_run opens (core_open) once the login screen is drawn,
 *                when *core is NULL; *core is set then.
 *   core         an opened core (core_open), or NULL (see db_path); borrowed. ui_run
 *                installs its progress callback and removes it before returning.
 *                数据恢复 closes and reopens it on the restored database and updates
 *                *core (NULL when it could not be reopened: ui_run then fails).
 *   dev          the card reader already given to the core with core_set_card_dev,
 *                or NULL when there is none; borrowed, used only for reader status.
 *   e            filled when ui_run fails to start (not a terminal, too small, ...).
 *
 * On the way out it takes the automatic backup when one is due ([backup]).
 *
 * Returns 0 when the operator quits, or a negative KWH_E* code with e filled.
 *
 * Environment: KWHPOS_LOCALEDIR names the message catalogue directory (default: the
 * first of <program dir>/locale and <program dir>/../share/locale that holds
 * catalogues, else the directory compiled in); KWHPOS_IDLE_LOCK_SECONDS overrides [ui]
 * idle_lock_minutes in seconds (for tests and demonstrations); KWHSIM names the kwhsim program the
 * demo simulator panel runs (default: the kwhsim beside the running program, else from PATH). */
#ifndef KWH_UI_UI_H
#define KWH_UI_UI_H

#include "kwhpos/config.h"
#include "kwhpos/err.h"

struct kwh_core;
struct kwh_card_dev;

int ui_run(const struct kwh_config *cfg, const char *db_path, struct kwh_core **core,
           struct kwh_card_dev *dev, struct kwh_err *e);

#endif
