/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host unit tests: a generic timer that ticks once per read at 1 MHz, so a
 * bounded poll of N microseconds gives up after about N reads, quickly and
 * deterministically.
 */
#ifndef ISOHYP_FAKE_ASM_TIMER_H
#define ISOHYP_FAKE_ASM_TIMER_H

#include <isohyp/types.h>

extern u64 fake_timer_ticks;

static inline u64 arch_timer_count(void)
{
	return fake_timer_ticks++;
}

static inline u64 arch_timer_freq(void)
{
	return 1000000;
}

#endif /* ISOHYP_FAKE_ASM_TIMER_H */
