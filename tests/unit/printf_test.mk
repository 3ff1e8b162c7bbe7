unit_printf_test_srcs := hyp/printf.c
