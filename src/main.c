/* kwhpos: the TUI by default, subcommands otherwise. */
#include <stdio.h>

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    puts("kwhpos " KWH_VERSION);
    return 0;
}
