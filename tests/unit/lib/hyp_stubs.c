// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests: the hypervisor's console and panic, for code built for the
 * host. Warnings are counted (tests can read hyp_test_log_count); a panic
 * prints and aborts the test program, which the runner reports as a failure
 * (a test that expects one runs the code in a child process).
 *
 * The console functions are weak: a test that links the real hyp/console.c
 * (with a fake UART, hyp_uart_putc()) gets that one instead.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include <isohyp/console.h>
#include <isohyp/panic.h>

unsigned long hyp_test_log_count[4];

/* The unit tests run on one CPU. */
unsigned int hyp_cpu_index(void)
{
	return 0;
}

__attribute__((weak)) void hyp_log(enum hyp_log_level level, const char *fmt, ...)
{
	va_list ap;

	hyp_test_log_count[level & 3]++;
	if (level > LOG_WARN)
		return;
	va_start(ap, fmt);
	fprintf(stdout, "# hyp: ");
	vfprintf(stdout, fmt, ap);
	va_end(ap);
}

__attribute__((weak)) void hyp_console_write(const char *s)
{
	fputs(s, stdout);
}

/* Nothing is deferred by the stub hyp_log() above. */
__attribute__((weak)) void hyp_console_flush(void)
{
}

__attribute__((weak)) void hyp_console_flush_final(void)
{
}

void hyp_panic(const char *fmt, ...)
{
	va_list ap;

	hyp_console_flush_final();
	va_start(ap, fmt);
	fprintf(stdout, "# hyp_panic: ");
	vfprintf(stdout, fmt, ap);
	va_end(ap);
	fflush(stdout);
	abort();
}
