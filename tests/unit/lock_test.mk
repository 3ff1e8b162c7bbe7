# The lock order and the console under locks, with the real hyp/console.c
# writing to lib/uart_record.c's UART.
unit_lock_test_srcs := hyp/lock.c hyp/console.c hyp/printf.c tests/unit/lib/uart_record.c \
	tests/unit/lib/hyp_stubs.c
