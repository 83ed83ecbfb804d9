/* Invoices: printing and reprinting (补打发票), forms. */
#include "cli/cli.h"

const struct cli_command cli_print_commands[] = {
    {NULL, NULL, NULL, NULL, NULL},
};
