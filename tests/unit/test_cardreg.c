/* SPDX-License-Identifier: Apache-2.0 */
/* The reader registry's handling of the configuration (include/kwhpos/cardreg.h): which
 * reader [reader] names, where it is in a list of detected readers, and the choice of
 * another, as the reader settings screen uses them. Listing and opening real readers is
 * tests/integ/reader_pcsc.sh and reader_serial.sh. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kwhpos/cardreg.h"

static const struct cardreg_entry list[] = {
    {"serial", "/dev/ttyUSB0", "CH340 serial converter on /dev/ttyUSB0", true},
    {"pcsc", "ACS ACR39U ICC Reader 00 00", "ACS ACR39U ICC Reader 00 00", false},
    {"pcsc", "Virtual PCD 00 00", "Virtual PCD 00 00", false},
};

static void cfg_with(struct kwh_config *c, const char *driver, const char *port, const char *name)
{
    struct kwh_err e;

    config_defaults(c);
    assert_int_equal(config_set(c, "reader.driver", driver, &e), 0);
    assert_int_equal(config_set(c, "reader.port", port, &e), 0);
    assert_int_equal(config_set(c, "reader.name", name, &e), 0);
}

static void cardreg__a_serial_driver_needs_a_port_pcsc_takes_the_first_reader(void **state)
{
    struct kwh_config c;
    (void)state;

    cfg_with(&c, "serial", "", "");
    assert_false(cardreg_configured(&c));
    cfg_with(&c, "serial", "/dev/ttyUSB0", "");
    assert_true(cardreg_configured(&c));
    assert_string_equal(cardreg_describe(&c), "/dev/ttyUSB0");
    cfg_with(&c, "pcsc", "", "");
    assert_true(cardreg_configured(&c));
    assert_string_equal(cardreg_describe(&c), "the first PC/SC reader");
    cfg_with(&c, "pcsc", "/dev/ttyUSB0", "ACS");
    assert_string_equal(cardreg_describe(&c), "ACS");
}

static void cardreg__finds_the_configured_reader_in_the_list(void **state)
{
    struct kwh_config c;
    struct cardreg_entry absent;
    (void)state;

    cfg_with(&c, "serial", "", "");
    assert_int_equal(cardreg_find(&c, list, 3, &absent), -1);
    cfg_with(&c, "serial", "/dev/ttyUSB0", "Virtual");
    assert_int_equal(cardreg_find(&c, list, 3, &absent), 0);
    /* the name is the start of the reader's name; the first match */
    cfg_with(&c, "pcsc", "/dev/ttyUSB0", "Virtual");
    assert_int_equal(cardreg_find(&c, list, 3, &absent), 2);
    cfg_with(&c, "pcsc", "", "");
    assert_int_equal(cardreg_find(&c, list, 3, &absent), 1);
    cfg_with(&c, "pcsc", "", "ACS ACR39U ICC Reader 00 00");
    assert_int_equal(cardreg_find(&c, list, 3, &absent), 1);
}

static void cardreg__a_reader_not_connected_is_given_as_an_entry(void **state)
{
    struct kwh_config c;
    struct cardreg_entry absent;
    (void)state;

    cfg_with(&c, "pcsc", "", "ACS ACR38U");
    assert_int_equal(cardreg_find(&c, list, 3, &absent), 3);
    assert_string_equal(absent.driver, "pcsc");
    assert_string_equal(absent.label, "ACS ACR38U");
    assert_false(absent.port);
    /* no PC/SC reader at all: the first one, unnamed */
    cfg_with(&c, "pcsc", "", "");
    assert_int_equal(cardreg_find(&c, list, 1, &absent), 1);
    assert_string_equal(absent.label, "");
    /* the simulator's port is not listed: a serial port, to be typed */
    cfg_with(&c, "serial", "/tmp/sim/reader", "");
    assert_int_equal(cardreg_find(&c, list, 3, &absent), 3);
    assert_string_equal(absent.name, "/tmp/sim/reader");
    assert_true(absent.port);
}

static void cardreg__choosing_sets_the_driver_and_its_key(void **state)
{
    struct kwh_config c;
    struct cardreg_entry typed, absent;
    struct kwh_err e;
    (void)state;

    cfg_with(&c, "serial", "/dev/ttyUSB0", "");
    assert_int_equal(config_set(&c, "reader.baud", "19200", &e), 0);
    assert_int_equal(cardreg_choose(&c, &list[1], &e), 0);
    assert_string_equal(c.reader_driver, "pcsc");
    assert_string_equal(c.reader_name, "ACS ACR39U ICC Reader 00 00");
    assert_int_equal(c.reader_baud, 19200);
    assert_int_equal(cardreg_find(&c, list, 3, &absent), 1);

    cardreg_port_entry("/tmp/sim/reader", &typed);
    assert_true(typed.port);
    assert_int_equal(cardreg_choose(&c, &typed, &e), 0);
    assert_string_equal(c.reader_driver, "serial");
    assert_string_equal(c.reader_port, "/tmp/sim/reader");
    assert_true(cardreg_configured(&c));

    assert_int_equal(cardreg_choose(&c, NULL, &e), 0);
    assert_false(cardreg_configured(&c));
    assert_int_equal(cardreg_find(&c, list, 3, &absent), -1);

    /* an entry of a driver this build does not have */
    struct cardreg_entry odd = {"usb9", "x", "x", false};
    assert_int_equal(cardreg_choose(&c, &odd, &e), KWH_EINVAL);
    assert_non_null(strstr(e.msg, "usb9"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cardreg__a_serial_driver_needs_a_port_pcsc_takes_the_first_reader),
        cmocka_unit_test(cardreg__finds_the_configured_reader_in_the_list),
        cmocka_unit_test(cardreg__a_reader_not_connected_is_given_as_an_entry),
        cmocka_unit_test(cardreg__choosing_sets_the_driver_and_its_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
