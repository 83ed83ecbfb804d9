/* Queries, reports, backup and restore, export and import (docs/cli.md). */
#include "cli/cli.h"

const struct cli_command cli_report_commands[] = {
    {NULL, NULL, NULL, NULL, NULL},
};
