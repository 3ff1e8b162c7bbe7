/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A broken invariant of the hypervisor's own stops the machine with a
 * message and a register dump (hyp/panic.c); it never hangs silently.
 */
#ifndef ISOHYP_PANIC_H
#define ISOHYP_PANIC_H

#include <asm/spinlock.h>
#include <isohyp/console.h>

void __attribute__((noreturn, format(printf, 1, 2))) hyp_panic(const char *fmt, ...);

#define hyp_assert_lock_held(l)                                                      \
	do {                                                                          \
		if (!hyp_spin_is_held_by_me(l))                                       \
			hyp_panic("%s:%d: lock %s not held\n", __FILE__, __LINE__, #l); \
	} while (0)

/* A survivable "cannot happen": say where, carry on; the condition's value. */
#define WARN_ON(cond)                                                                \
	({                                                                            \
		bool __warn_c = !!(cond);                                             \
		if (__warn_c)                                                         \
			pr_warn("WARNING at %s:%d: %s\n", __FILE__, __LINE__, #cond); \
		__warn_c;                                                             \
	})

#endif /* ISOHYP_PANIC_H */
