/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers every layer may use: fixed-point decimal text, UTF-8 display width,
 * bounded string copies, files written atomically. */
#ifndef KWHPOS_UTIL_H
#define KWHPOS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "kwhpos/err.h"

#define KWH_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* Parses a decimal number with at most `decimals` fraction digits ("12", "12.3",
 * "-0.05", surrounding spaces allowed) into an integer scaled by 10^decimals.
 * Refuses empty text, stray characters, too many fraction digits and values whose
 * magnitude exceeds max (max >= 0). The message names the field `what`. */
int fixed_parse(const char *s, int decimals, int64_t max, const char *what, int64_t *out,
                struct kwh_err *e);

/* Parses a meter number 表号 as typed: exactly 8 ASCII digits, leading zeros kept as typed
 * ("01234567"), not all zeros. The message names the field `what` and says what to type. */
int meter_no_parse(const char *s, const char *what, uint32_t *out, struct kwh_err *e);

/* Formats v scaled by 10^decimals as "-123.45" into buf. Returns the length, or
 * KWH_EINVAL if buf is too small. */
int fixed_format(int64_t v, int decimals, char *buf, size_t n);

/* Copies src into dst (size n), always terminated, never splitting a UTF-8 sequence.
 * Returns true when everything fitted. */
bool str_copy(char *dst, size_t n, const char *src);

/* Whether s is valid UTF-8 with no control characters (tabs and newlines included). */
bool utf8_is_clean_line(const char *s);
/* Whether s (of n bytes: NULs allowed) is valid UTF-8 (control characters allowed). */
bool utf8_valid(const char *s);
bool utf8_valid_n(const char *s, size_t n);
/* 0 when s is one clean line (utf8_is_clean_line), else KWH_EINVAL saying what is wrong
 * with the field `what` (an English noun marked with KWH_N, translated here): not UTF-8
 * (typed in another encoding), or a line break or control character. */
int text_check_line(const char *what, const char *s, struct kwh_err *e);

/* Decodes one UTF-8 code point at s (at most n bytes); returns its byte length
 * (1 and U+FFFD for an invalid byte). */
int utf8_decode(const char *s, size_t n, uint32_t *cp);

/* The pinyin initial of a Han character (张 -> 'z'), a letter or digit lower-cased, or 0
 * (pinyin.c; the Unihan readings, made into a table at build time). */
char pinyin_initial(uint32_t cp);
/* The initials of s into buf (张三丰 -> "zsf"; letters and digits kept, lower case; other
 * characters left out); returns the length. */
size_t pinyin_initials(const char *s, char *buf, size_t n);

/* Display columns of a code point: 0 (combining), 1, or 2 (CJK, full-width). */
int utf8_cp_width(uint32_t cp);

/* Display columns of a UTF-8 string (invalid bytes count one column). */
int utf8_width(const char *s);

/* Byte length of the longest prefix of s that fits in `cols` display columns. */
size_t utf8_prefix_for_width(const char *s, int cols);

/* Whether s is exactly `n` ASCII digits. */
bool str_is_digits(const char *s, size_t n);

/* Writes data to path atomically: a temporary file in the same directory, fsync,
 * rename, fsync of the directory. mode is applied to the new file. */
int file_write_atomic(const char *path, const void *data, size_t len, unsigned mode,
                      struct kwh_err *e);

/* Reads a whole file (at most max bytes) into a NUL-terminated heap buffer the caller
 * frees. Anything but a regular file is refused saying what it is (a directory, a named
 * pipe, which is never waited on, a device). */
int file_read_all(const char *path, size_t max, char **out, size_t *len, struct kwh_err *e);
/* The same for what a person may give on the command line: a pipe too (/dev/stdin, a
 * shell's <(...)), which is read to its end; a directory is refused, and so is a named
 * pipe that nothing writes to (never waited on). */
int file_read_stream(const char *path, size_t max, char **out, size_t *len, struct kwh_err *e);
/* Opens a regular file to read (a file descriptor the caller closes), never waiting in
 * open(); anything else is refused as file_read_all does (a negative KWH_E* code). */
int file_open_regular(const char *path, struct kwh_err *e);

/* One entry of a folder's listing. */
struct file_entry {
    char name[256];
    bool dir; /* a folder (a symbolic link to one too) */
    int64_t size, mtime;
};
/* The folders and the files whose names end with one of exts (NULL-terminated; any
 * case; NULL: every file) in dir, hidden ones (a leading '.') left out: the folders by
 * name, then the files newest first. *out is caller-freed (NULL when empty). */
int file_list_dir(const char *dir, const char *const *exts, struct file_entry **out, size_t *n,
                  struct kwh_err *e);

/* A file the program ships, found from where the running program is (never a path
 * compiled in): <prefix>/installed for an installed program (/usr/bin/kwhpos ->
 * /usr/share/...), else <program's folder>/build for the build tree (NULL: none). Puts
 * the path in buf and says whether it can be read. */
bool file_shipped(const char *installed, const char *build, char *buf, size_t size);

/* One operational message to syslog with a syslog(3) priority (LOG_ERR, LOG_INFO...),
 * ident "kwhpos"; to the file $KWHPOS_LOG_FILE instead when set (tests; not in a
 * setgid program). Events and system errors only: never money, never a password. */
void kwh_log(int priority, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* The program's group (src/util/priv.c). Installed setgid kwhpos, the program gives the
 * group up at start (priv_init) and takes it back only around opening, creating and
 * removing the database, its backups and the station's files (priv_raise, priv_lower;
 * they nest). Without setgid they do nothing. */
void priv_init(void);
bool priv_active(void);
void priv_raise(void);
void priv_lower(void);
/* In a child before exec: the group is gone for good (real, effective and saved). */
void priv_drop_for_exec(void);
/* The program's group's name ("kwhpos"), for messages. */
const char *priv_group_name(void);
/* Refuses (KWH_EPERM, with the command that fixes it) a database or backup file that
 * every user can read or write; `what` names it ("the database", "the backup"). */
int file_private_check(const char *path, const char *what, struct kwh_err *e);
/* Setgid only, for an operator who is not root: refuses a folder the program would put
 * a copy of the database in when the operator owns it or every user can enter it. */
int priv_dir_check(const char *dir, struct kwh_err *e);
/* getenv, except in a setgid or setuid program (NULL there): for the variables that
 * name files or programs to load (KWHPOS_PRINT_MODULE, KWHPOS_LOCALEDIR, ...). */
const char *priv_getenv(const char *name);
/* When this process (with the program's group) may not read and write path: true, and
 * buf says who owns it, its mode, who the program runs as and what to do. */
bool file_access_explain(const char *path, char *buf, size_t n);

#endif
