/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host unit tests: memory as a non-coherent device sees it. The test
 * program's own memory plays the CPU's caches; this model plays the Point of
 * Coherency behind them. A clean copies the CPU's bytes to the PoC, an
 * invalidate replaces the CPU's bytes with the PoC's, and a device reads and
 * writes only the PoC. Bytes never cleaned read as POC_POISON: a missing
 * clean is a device reading garbage, a missing invalidate a CPU reading stale
 * data -- both make tests fail, as they would make hardware fail.
 *
 * A clean and invalidate writes back only the dirty bytes (see below), as
 * hardware does, then makes the CPU read the PoC's.
 *
 * A device can also make the caches evict (poc_evict()): dirty bytes -- ones
 * the CPU wrote since they were last cleaned or invalidated, or never
 * maintained at all -- then overwrite what the device wrote at the PoC.
 *
 * Stricter than hardware in one way: maintenance affects only the bytes
 * asked for, not the rest of their cache line.
 */
#ifndef ISOHYP_TEST_POC_MEMORY_H
#define ISOHYP_TEST_POC_MEMORY_H

#include <isohyp/types.h>

#define POC_POISON 0xa5u

/* Forget everything: a new machine, nothing cleaned yet. */
void poc_memory_reset(void);
/* A non-coherent device's 64-bit access at @addr. */
u64 poc_read64(u64 addr);
void poc_write64(u64 addr, u64 val);
/* The caches write back whatever is dirty in [addr, addr + size). */
void poc_evict(u64 addr, u64 size);
/* Cache maintenance operations so far, for tests that count them. */
extern unsigned long poc_nr_cleans, poc_nr_invals;

#endif
