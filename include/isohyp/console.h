/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's console: a PL011 UART shared with the host, written by
 * polling with a bounded wait per character, serialised by one lock so lines
 * from different CPUs do not interleave. Every line is prefixed "isohyp: ".
 * Logged while the CPU holds a lock, a message waits in the CPU's ring until
 * its last lock is released (hyp/console.c).
 */
#ifndef ISOHYP_CONSOLE_H
#define ISOHYP_CONSOLE_H

#include <isohyp/types.h>

enum hyp_log_level {
	LOG_ERROR = 0,
	LOG_WARN = 1,
	LOG_INFO = 2,
	LOG_DEBUG = 3,
};

/* Bytes of messages one CPU can defer while it holds locks. */
#define HYP_LOG_RING_SIZE 2048

void hyp_console_init(u64 uart_base, unsigned int level);
void hyp_log(enum hyp_log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Write raw text (no prefix, no level check, locks held or not): panic dumps. */
void hyp_console_write(const char *s);
/* Write this CPU's deferred messages, if it holds no lock (hyp_lock_release()). */
void hyp_console_flush(void);
/*
 * Write them even under locks: only on the way down (a panic, the system
 * going off with host_mmu.lock kept for good), when nothing will release them.
 */
void hyp_console_flush_final(void);

/* The UART backend (hyp/pl011.c): one byte, a bounded wait for FIFO room. */
void hyp_uart_init(u64 base);
void hyp_uart_putc(char c);

#define pr_err(...) hyp_log(LOG_ERROR, __VA_ARGS__)
#define pr_warn(...) hyp_log(LOG_WARN, __VA_ARGS__)
#define pr_info(...) hyp_log(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) hyp_log(LOG_DEBUG, __VA_ARGS__)

#endif /* ISOHYP_CONSOLE_H */
