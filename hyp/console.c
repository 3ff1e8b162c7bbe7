// SPDX-License-Identifier: GPL-2.0-only
/*
 * PL011 console for EL2 (Arm PrimeCell UART PL011 TRM, DDI 0183: UARTDR at
 * 0x000, UARTFR at 0x018). The firmware or the host configured the UART; we
 * only write bytes. The host shares the UART, so the hypervisor never touches
 * its configuration and never waits forever on a full FIFO: after a bounded
 * number of polls a character is dropped.
 */
#include <stdarg.h>

#include <asm/spinlock.h>
#include <isohyp/bits.h>
#include <isohyp/console.h>
#include <isohyp/printf.h>

#define UARTDR 0x000
#define UARTFR 0x018
#define UARTFR_TXFF BIT(5)
#define UART_TX_POLLS 100000

static volatile u8 *uart;
static unsigned int log_level = LOG_INFO;
static hyp_spinlock_t console_lock = HYP_SPINLOCK_INIT;

void hyp_console_init(u64 uart_base, unsigned int level)
{
	uart = (volatile u8 *)(uintptr_t)uart_base;
	log_level = level;
}

static void uart_putc(char c)
{
	unsigned int polls;

	for (polls = 0; polls < UART_TX_POLLS; polls++)
		if (!(*(volatile u32 *)(uart + UARTFR) & UARTFR_TXFF))
			break;
	*(volatile u32 *)(uart + UARTDR) = (u8)c;
}

static void console_write_locked(const char *s)
{
	if (!uart)
		return;
	for (; *s; s++) {
		if (*s == '\n')
			uart_putc('\r');
		uart_putc(*s);
	}
}

void hyp_console_write(const char *s)
{
	hyp_spin_lock(&console_lock);
	console_write_locked(s);
	hyp_spin_unlock(&console_lock);
}

void hyp_log(enum hyp_log_level level, const char *fmt, ...)
{
	char line[256];
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	hyp_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	hyp_spin_lock(&console_lock);
	console_write_locked(level == LOG_ERROR ? "isohyp: error: " :
			     level == LOG_WARN ? "isohyp: warning: " : "isohyp: ");
	console_write_locked(line);
	hyp_spin_unlock(&console_lock);
}
