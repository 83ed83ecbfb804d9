/* Meters: files in DIR that take cards and use energy (docs/simulator.md). */
#include "sim.h"

const char sim_meter_usage[] = "";

bool sim_meter_command(const char *dir, const char *verb, int argc, char **argv, int *status)
{
    (void)dir;
    (void)verb;
    (void)argc;
    (void)argv;
    *status = 2;
    return false;
}
