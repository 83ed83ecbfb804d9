/* SPDX-License-Identifier: Apache-2.0 */
/* The simulator's card layout, and card-piece: a card's bytes by the names of its
 * layout, so tests and people look at a card without knowing where anything lies. */
#include "simlayout.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwhpos/cardprofile.h"
#include "sim.h"

static const struct card_profile *chosen;

const char sim_layout_usage[] =
    "  card-piece CARD PIECE [--where]    one piece of the card in the simulator's layout\n"
    "                                     (--profile): its bytes as hex, or \"none\"; with\n"
    "                                     --where, its offset and length. PIECE: commit,\n"
    "                                     serial, psc, mark, active, inactive, mac, return,\n"
    "                                     keyx, energy (of the record in force), remaining\n"
    "                                     (the meter's report)\n"
    "  card-piece CARD psc --state        which PSC the card's bytes say is in force:\n"
    "                                     factory, site, likely-site or unknown\n";

const struct card_profile *sim_profile(void)
{
    return chosen != NULL ? chosen : cardprofile_default();
}

bool sim_profile_set(const char *id)
{
    const struct card_profile *p = cardprofile_find(id);

    if (p != NULL)
        chosen = p;
    return p != NULL;
}

static const struct {
    const char *name;
    enum card_piece piece;
} pieces[] = {
    {"commit", CARD_PIECE_COMMIT},
    {"serial", CARD_PIECE_SERIAL},
    {"psc", CARD_PIECE_PSC},
    {"mark", CARD_PIECE_MARK},
    {"active", CARD_PIECE_ACTIVE},
    {"inactive", CARD_PIECE_INACTIVE},
    {"mac", CARD_PIECE_MAC},
    {"return", CARD_PIECE_RETURN},
    {"keyx", CARD_PIECE_KEYX},
    {"energy", CARD_PIECE_ENERGY},
    {"remaining", CARD_PIECE_REMAINING},
};

/* Loads the card CARD names (the exit status when it cannot). */
static int load(const char *dir, const char *name, struct sim_card *c)
{
    char path[PATH_MAX];
    struct kwh_err e;

    if (!sim_card_path(dir, name, path, sizeof path)) {
        fprintf(stderr, "kwhsim: card-piece: the name %s is too long\n", name);
        return 2;
    }
    if (simcard_load(path, c, &e) < 0) {
        fprintf(stderr, "kwhsim: %s\n", e.msg);
        return 2;
    }
    return 0;
}

static int psc_state(const char *dir, const char *name)
{
    static const char *const word[] = {
        [CARD_PSC_IS_FACTORY] = "factory",
        [CARD_PSC_IS_SITE] = "site",
        [CARD_PSC_LIKELY_SITE] = "likely-site",
        [CARD_PSC_IS_UNKNOWN] = "unknown",
    };
    struct sim_card c;
    int rc = load(dir, name, &c);

    if (rc != 0)
        return rc;
    printf("%s\n", word[card_psc_guess(sim_profile(), c.mem)]);
    return 0;
}

int sim_card_piece(const char *dir, int argc, char **argv)
{
    static const char usage[] = "kwhsim: usage: kwhsim card-piece CARD PIECE [--where] (PIECE: "
                                "commit, serial, psc, mark, active, inactive, mac, return, "
                                "keyx, energy, remaining), or kwhsim card-piece CARD psc --state\n";
    struct sim_card c;
    unsigned off, len;
    size_t i;
    int rc;

    if (argc == 3 && strcmp(argv[1], "psc") == 0 && strcmp(argv[2], "--state") == 0)
        return psc_state(dir, argv[0]);
    if (argc < 2 || argc > 3 || (argc == 3 && strcmp(argv[2], "--where") != 0)) {
        fputs(usage, stderr);
        return 2;
    }
    for (i = 0; i < sizeof pieces / sizeof pieces[0]; i++)
        if (strcmp(pieces[i].name, argv[1]) == 0)
            break;
    if (i == sizeof pieces / sizeof pieces[0]) {
        fputs(usage, stderr);
        return 2;
    }
    if ((rc = load(dir, argv[0], &c)) != 0)
        return rc;
    if (!card_where(sim_profile(), c.mem, pieces[i].piece, &off, &len)) {
        printf("none\n");
        return 0;
    }
    if (argc == 3) {
        printf("%u %u\n", off, len);
        return 0;
    }
    for (unsigned k = off; k < off + len; k++)
        printf("%02x", c.mem[k]);
    printf("\n");
    return 0;
}
