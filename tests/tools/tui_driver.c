/* SPDX-License-Identifier: Apache-2.0 */
/* tui_driver: runs the terminal UI exactly as kwhpos does (ui_run), on a site database,
 * with the in-memory fake card reader whose card is kept in a file between runs, so
 * the tmux suites can drive every card workflow without hardware.
 *
 *   tui_driver init DB                 a new site: area 123456, unit 示范物业, 2 tariffs
 *   tui_driver run DB INI CARD         the UI; CARD holds the card ("" = no reader,
 *                                      "reader" = the reader at [reader] port, e.g. kwhsim)
 *   tui_driver card-blank CARD         a factory-blank card in the reader
 *   tui_driver card-out CARD           take the card out of the reader
 *   tui_driver card-in CARD            put it back
 *   tui_driver card-type CARD          prints the card type byte of the active slot */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../support/fakecard.h"
#include "kwhpos/card.h"
#include "kwhpos/config.h"
#include "kwhpos/core.h"
#include "kwhpos/cardreg.h"
#include "ui/ui.h"

struct card_file {
    uint8_t img[KWH_CARD_SIZE];
    uint8_t psc[KWH_PSC_LEN];
    int32_t tries;
    int32_t present;
};

static int load(const char *path, struct fakecard *f)
{
    struct card_file cf;
    FILE *fp = fopen(path, "rb");

    if (fp == NULL)
        return -1;
    if (fread(&cf, sizeof cf, 1, fp) != 1) {
        fclose(fp);
        return -1;
    }
    fclose(fp);
    memcpy(f->img, cf.img, sizeof f->img);
    memcpy(f->psc, cf.psc, sizeof f->psc);
    f->tries = cf.tries;
    f->present = cf.present != 0;
    return 0;
}

static int save(const char *path, const struct fakecard *f)
{
    struct card_file cf;
    FILE *fp = fopen(path, "wb");

    if (fp == NULL)
        return -1;
    memset(&cf, 0, sizeof cf);
    memcpy(cf.img, f->img, sizeof cf.img);
    memcpy(cf.psc, f->psc, sizeof cf.psc);
    cf.tries = f->tries;
    cf.present = f->present;
    if (fwrite(&cf, sizeof cf, 1, fp) != 1) {
        fclose(fp);
        return -1;
    }
    return fclose(fp);
}

static int card_cmd(const char *cmd, const char *path)
{
    struct fakecard *f = fakecard_new();
    int rc = 0;

    if (strcmp(cmd, "card-blank") != 0 && load(path, f) < 0) {
        fprintf(stderr, "tui_driver: cannot read %s\n", path);
        fakecard_free(f);
        return 1;
    }
    if (strcmp(cmd, "card-blank") == 0) {
        fakecard_blank(f);
    } else if (strcmp(cmd, "card-out") == 0) {
        f->present = false;
    } else if (strcmp(cmd, "card-in") == 0) {
        f->present = true;
    } else if (strcmp(cmd, "card-type") == 0) {
        uint8_t active = f->img[CARD_OFF_ACTIVE];
        if (active > 1)
            printf("blank\n");
        else
            printf("%s\n", card_type_name(f->img[active ? CARD_OFF_SLOT1 : CARD_OFF_SLOT0]));
    } else {
        fprintf(stderr, "tui_driver: unknown command %s\n", cmd);
        rc = 2;
    }
    if (rc == 0 && strcmp(cmd, "card-type") != 0 && save(path, f) < 0)
        rc = 1;
    fakecard_free(f);
    return rc;
}

int main(int argc, char **argv)
{
    struct kwh_config cfg;
    struct kwh_err e;
    struct kwh_core *core = NULL;
    struct fakecard *card = NULL;
    struct kwh_card_dev reader = {0};
    struct kwh_card_dev *dev = NULL;
    int rc;

    kwh_err_clear(&e);
    if (argc == 3 && strcmp(argv[1], "init") == 0) {
        struct kwh_init_req r = {.area_code = "123456",
                                 .unit_name = "示范物业",
                                 .unit_phone = "0571-88880000",
                                 .demo_tariffs = true};
        if (core_init_site(argv[2], &r, &e) < 0) {
            fprintf(stderr, "tui_driver: %s\n", e.msg);
            return 1;
        }
        return 0;
    }
    if (argc == 3 && strncmp(argv[1], "card-", 5) == 0)
        return card_cmd(argv[1], argv[2]);
    if (argc != 5 || strcmp(argv[1], "run") != 0) {
        fprintf(stderr, "usage: tui_driver init DB | run DB INI CARD | card-* CARD\n");
        return 2;
    }
    config_defaults(&cfg);
    if (config_load(&cfg, argv[3], &e) < 0 || config_station_load(&cfg, argv[2], &e) < 0) {
        fprintf(stderr, "tui_driver: %s\n", e.msg);
        return 1;
    }
    if (core_open(&core, argv[2], &e) < 0) {
        fprintf(stderr, "tui_driver: %s\n", e.msg);
        return 1;
    }
    if (strcmp(argv[4], "reader") == 0) {
        if (cardreg_open(&cfg, &reader, &e) < 0) {
            fprintf(stderr, "tui_driver: %s\n", e.msg);
            core_close(core);
            return 1;
        }
        dev = &reader;
    } else if (argv[4][0] != '\0') {
        card = fakecard_new();
        if (load(argv[4], card) < 0)
            fakecard_blank(card);
        dev = fakecard_dev(card);
    }
    core_set_card_dev(core, dev);
    rc = ui_run(&cfg, argv[2], &core, dev, &e);
    if (rc < 0)
        fprintf(stderr, "tui_driver: %s\n", e.msg);
    if (card != NULL) {
        save(argv[4], card);
        fakecard_free(card);
    }
    if (core != NULL)
        core_set_card_dev(core, NULL);
    if (dev == &reader && reader.ops->close != NULL)
        reader.ops->close(reader.ctx);
    core_close(core);
    return rc < 0 ? 1 : 0;
}
