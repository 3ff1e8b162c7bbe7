unit_its_cmd_test_srcs := drivers/gic/its_cmd.c
