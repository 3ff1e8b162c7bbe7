// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PoC behind the test program's "caches" (see poc_memory.h): an open
 * hash of 64-byte lines, keyed by address.
 */
#include <stdlib.h>
#include <string.h>

#include <asm/cache.h>

#include "poc_memory.h"

#define LINE 64ull

struct poc_line {
	u64 addr; /* 0: empty slot (nothing lives at address 0 in the tests) */
	u8 bytes[LINE]; /* at the PoC */
	/* The CPU's bytes when last cleaned or invalidated, if they ever were. */
	u8 synced[LINE];
	bool known[LINE];
};

static struct poc_line *lines;
static u64 nr_slots, nr_used;
unsigned long poc_nr_cleans, poc_nr_invals;

void poc_memory_reset(void)
{
	free(lines);
	lines = NULL;
	nr_slots = nr_used = 0;
	poc_nr_cleans = poc_nr_invals = 0;
}

static u64 slot_of(u64 addr, u64 slots)
{
	return ((addr / LINE) * 0x9e3779b97f4a7c15ull >> 20) & (slots - 1);
}

static struct poc_line *find(u64 addr)
{
	u64 i;

	if (!nr_slots)
		return NULL;
	for (i = slot_of(addr, nr_slots);; i = (i + 1) & (nr_slots - 1)) {
		if (lines[i].addr == addr)
			return &lines[i];
		if (!lines[i].addr)
			return NULL;
	}
}

static void insert(struct poc_line *tab, u64 slots, const struct poc_line *l)
{
	u64 i = slot_of(l->addr, slots);

	while (tab[i].addr)
		i = (i + 1) & (slots - 1);
	tab[i] = *l;
}

/* The line at @addr, created as poison if the PoC never saw it. */
static struct poc_line *get(u64 addr)
{
	struct poc_line *l = find(addr), fresh;

	if (l)
		return l;
	if (2 * (nr_used + 1) > nr_slots) {
		u64 slots = nr_slots ? 2 * nr_slots : 1024, i;
		struct poc_line *tab = calloc(slots, sizeof(*tab));

		if (!tab)
			abort();
		for (i = 0; i < nr_slots; i++)
			if (lines[i].addr)
				insert(tab, slots, &lines[i]);
		free(lines);
		lines = tab;
		nr_slots = slots;
	}
	memset(&fresh, 0, sizeof(fresh));
	fresh.addr = addr;
	memset(fresh.bytes, POC_POISON, LINE);
	insert(lines, nr_slots, &fresh);
	nr_used++;
	return find(addr);
}

u64 poc_read64(u64 addr)
{
	struct poc_line *l = find(addr & ~(LINE - 1));
	u64 v;

	if (!l) {
		memset(&v, POC_POISON, sizeof(v));
		return v;
	}
	memcpy(&v, &l->bytes[addr & (LINE - 1)], sizeof(v));
	return v;
}

void poc_write64(u64 addr, u64 val)
{
	memcpy(&get(addr & ~(LINE - 1))->bytes[addr & (LINE - 1)], &val, sizeof(val));
}

/* Apply @fn to each line-sized piece of [addr, addr + size). */
static void each_piece(const void *addr, size_t size, void (*fn)(u8 *cpu, u64 pa, u64 n))
{
	u64 pa = (u64)(uintptr_t)addr, end = pa + size;

	while (pa < end) {
		u64 n = LINE - (pa & (LINE - 1));

		if (n > end - pa)
			n = end - pa;
		fn((u8 *)(uintptr_t)pa, pa, n);
		pa += n;
	}
}

static void synced(struct poc_line *l, const u8 *cpu, u64 off, u64 n)
{
	memcpy(&l->synced[off], cpu, n);
	memset(&l->known[off], 1, n);
}

static void clean_piece(u8 *cpu, u64 pa, u64 n)
{
	struct poc_line *l = get(pa & ~(LINE - 1));

	memcpy(&l->bytes[pa & (LINE - 1)], cpu, n);
	synced(l, cpu, pa & (LINE - 1), n);
}

static void inval_piece(u8 *cpu, u64 pa, u64 n)
{
	struct poc_line *l = get(pa & ~(LINE - 1));

	memcpy(cpu, &l->bytes[pa & (LINE - 1)], n);
	synced(l, cpu, pa & (LINE - 1), n);
}

/* Dirty: written by the CPU since it was last synced, or never synced at all. */
static void evict_piece(u8 *cpu, u64 pa, u64 n)
{
	struct poc_line *l = get(pa & ~(LINE - 1));
	u64 off = pa & (LINE - 1), i;

	for (i = 0; i < n; i++)
		if (!l->known[off + i] || l->synced[off + i] != cpu[i])
			l->bytes[off + i] = cpu[i];
	synced(l, cpu, off, n);
}

void poc_evict(u64 addr, u64 size)
{
	each_piece((const void *)(uintptr_t)addr, size, evict_piece);
}

void fake_dcache_clean_poc(const void *addr, size_t size)
{
	poc_nr_cleans++;
	each_piece(addr, size, clean_piece);
}

void fake_dcache_inval_poc(const void *addr, size_t size)
{
	poc_nr_invals++;
	each_piece(addr, size, inval_piece);
}

/*
 * As hardware: the clean writes back only dirty bytes (a clean line is just
 * dropped, so what a device wrote at the PoC since stays), then the
 * invalidate makes the CPU's next read fetch the PoC's bytes.
 */
static void clean_inval_piece(u8 *cpu, u64 pa, u64 n)
{
	evict_piece(cpu, pa, n);
	inval_piece(cpu, pa, n);
}

void fake_dcache_clean_inval_poc(const void *addr, size_t size)
{
	poc_nr_cleans++;
	poc_nr_invals++;
	each_piece(addr, size, clean_inval_piece);
}
