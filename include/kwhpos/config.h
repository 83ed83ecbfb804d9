/* SPDX-License-Identifier: Apache-2.0 */
/* The INI file: one typed struct, loaded with iniparser, written by our own writer
 * (atomically). Business settings (area code, tariffs, operators) are in the
 * database, not here. The table of keys, types, bounds and defaults is in
 * src/config/config.c and documented in etc/kwhpos.ini. */
#ifndef KWHPOS_CONFIG_H
#define KWHPOS_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "kwhpos/csv.h"
#include "kwhpos/err.h"
#include "kwhpos/model.h"

#define KWH_PATH_MAX 1024
/* the longest text value (after a relative path is made absolute): with its key and
   quotes it still fits in one line of what iniparser reads back (1022 bytes) */
#define KWH_CONFIG_VALUE_MAX 960

struct kwh_config {
    char path[KWH_PATH_MAX]; /* the file it came from ("" = defaults only) */

    char db_path[KWH_PATH_MAX]; /* [database] path */
    char db_url[KWH_PATH_MAX];  /* [database] url: PostgreSQL instead ("" = path) */

    char reader_driver[8];          /* [reader] driver: "serial" or "pcsc" */
    char reader_port[KWH_PATH_MAX]; /* [reader] port (serial); "" = no reader */
    int reader_baud;                /* [reader] baud (serial) */
    int reader_timeout_ms;          /* [reader] timeout_ms (serial): wait for an answer */
    char reader_name[256];          /* [reader] name (pcsc): start of the name; "" = first */
    char reader_dialect[8];         /* [reader] dialect (pcsc): "acs" or "iso" */

    char language[16];     /* [ui] language: "zh_CN" or "en" */
    bool language_set;     /* given in the file (else chosen from TERM) */
    int idle_lock_minutes; /* [ui] idle_lock_minutes; 0 = never */
    int colour;            /* [ui] colour: -1 auto, 0 off, 1 on */
    bool demo;             /* [ui] demo: training mode with the simulator panel */

    char print_queue[256];                 /* [print] queue; "" = printing off */
    char print_mode[8];                    /* [print] mode: "raw" or "pdf" */
    char print_encoding[16];               /* [print] encoding: "gb18030" or "utf-8" */
    bool print_escpos;                     /* [print] escpos: init and cut codes */
    char print_form[KWH_PATH_MAX];         /* [print] form */
    bool print_auto;                       /* [print] auto: print after every sale */
    char print_server[256];                /* [print] server; "" = the system's CUPS */
    int print_wait_seconds;                /* [print] wait_seconds; 0 = do not follow the job */
    bool print_crlf;                       /* [print] crlf: raw lines end CR LF */
    int print_feed;                        /* [print] feed: blank lines after a raw page */
    bool print_form_feed;                  /* [print] form_feed: FF after a raw page */
    bool print_escpos_chinese;             /* [print] escpos_chinese: FS & after the reset */
    char print_form_backups[KWH_PATH_MAX]; /* [print] form_backups; "" = beside the db */

    char backup_dir[KWH_PATH_MAX]; /* [backup] dir */
    int backup_interval_hours;     /* [backup] interval_hours */
    int backup_keep;               /* [backup] keep */

    char audit_anchors[KWH_PATH_MAX]; /* [audit] anchors: the anchor file; "" = beside the db */

    int anomaly_unloaded_days;  /* [anomaly] unloaded_days: kwhpos anomalies' thresholds */
    int anomaly_idle_days;      /* [anomaly] idle_days */
    int anomaly_outlier_days;   /* [anomaly] outlier_days */
    int anomaly_outlier_factor; /* [anomaly] outlier_factor */

    /* [reconcile_wechat], [reconcile_alipay], [reconcile_card], [reconcile_transfer]: the
       layout of each provider's statement (kwhpos reconcile), in that order */
    struct kwh_stmt_map statement[4];
    /* [reconcile_METHOD] dir: where the 对账 screen's file list opens (a station setting:
       the last folder chosen there) */
    char statement_dir[4][KWH_PATH_MAX];

    char sim_dir[KWH_PATH_MAX]; /* [sim] dir: the simulator's directory (demo) */

    char station_dir[KWH_PATH_MAX];     /* [station] dir; resolved by config_station_load */
    unsigned char station_keys[16];     /* the settings station.ini gave (bit = table row) */
    char station_name[KWH_STATION_MAX]; /* [station] name; "" = the host name */
};

/* Fills c with the defaults. */
void config_defaults(struct kwh_config *c);

/* Loads path over the defaults. A missing file is KWH_ENOTFOUND; a syntax error, an
 * unknown section or key, or a bad value is KWH_EINVAL naming the key, the value and
 * what is allowed. Relative paths in the file are taken relative to its directory. */
int config_load(struct kwh_config *c, const char *path, struct kwh_err *e);

/* Writes c to path as a whole INI file atomically (temp file, fsync, rename), quoting
 * values as needed. The programs never write the INI (it is the administrator's): this
 * is the writer of the station file, exposed whole for its tests. */
int config_save(const struct kwh_config *c, const char *path, struct kwh_err *e);

/* The station file: [station] dir/station.ini, written by the program (never the INI).
 * config_station_load resolves [station] dir (empty: db_path's folder), reads
 * station.ini over c (only station settings: every key of [reader], [backup] dir; a
 * missing file is fine) and resolves the invoice form: empty [print] form is the
 * installed receipt80.form, and an edited copy in [station] dir/forms/ is used over it. */
int config_station_load(struct kwh_config *c, const char *db_path, struct kwh_err *e);
/* Saves c's values of a section ("reader") or one key ("backup.dir") into the station
 * file, with what it held already, atomically (with the program's group). */
int config_station_save(struct kwh_config *c, const char *section_or_key, struct kwh_err *e);
/* The station's reader choice (every [reader] key) into the station file. */
int config_station_save_reader(struct kwh_config *c, struct kwh_err *e);
/* Where the designer and 恢复发票格式 write the form: [station] dir/forms/NAME. */
int config_form_edit_path(const struct kwh_config *c, char *buf, size_t n);

/* The statement layout of payment method pay (KWH_PAY_WECHAT, _ALIPAY, _CARD,
 * _TRANSFER), or NULL for a method without statements. */
const struct kwh_stmt_map *config_statement(const struct kwh_config *c, int pay);
/* The INI section of pay's statements ("reconcile_wechat"), or NULL. */
const char *config_statement_section(int pay);
/* Where the 对账 screen lists pay's statements first ([reconcile_METHOD] dir; "": the
 * working folder), or NULL for a method without statements. */
char *config_statement_dir(struct kwh_config *c, int pay);

/* Sets one key from text ("section.key", value) with the same checks as loading. */
int config_set(struct kwh_config *c, const char *key, const char *value, struct kwh_err *e);

/* The known settings, for documentation checks: "section.key" and its help line;
 * NULL past the end. */
const char *config_key(size_t i, const char **help);

/* The language to use: the file's, else "en" on a console that cannot draw CJK
 * (TERM=linux), else "zh_CN". */
/* The database to open: [database] url when set, else [database] path. */
const char *config_db(const struct kwh_config *c);

const char *config_language(const struct kwh_config *c, const char *term);

#endif
