/* SPDX-License-Identifier: Apache-2.0 */
/* The card layout the simulator works in: new meters read it, the card commands that
 * look inside a card interpret its bytes with it (kwhpos/cardprofile.h). */
#ifndef KWHSIM_SIMLAYOUT_H
#define KWHSIM_SIMLAYOUT_H

#include <stdbool.h>

#include "kwhpos/cardprofile.h"

/* The layout chosen (kwhsim --profile, else $KWHSIM_PROFILE: sim_profile_set), else
 * kwhpos's own. */
const struct card_profile *sim_profile(void);

/* Chooses the layout by id; false when no layout has that id. */
bool sim_profile_set(const char *id);

/* kwhsim card-piece CARD PIECE [--where]: the bytes of one named piece of a card as hex
 * (or "none"), or where they lie ("OFFSET LENGTH"). Returns the exit status. */
int sim_card_piece(const char *dir, int argc, char **argv);

/* The usage lines of card-piece and --profile. */
extern const char sim_layout_usage[];

#endif
