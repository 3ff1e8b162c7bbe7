/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared by the fuzz targets of the device mediations (its, gicr, fw_cfg):
 * a small machine, rebuilt for every input, the host's view of it, and the
 * input reader.
 *
 * Physical memory: RAM at [FZ_RAM, FZ_RAM + 2 MiB), backed by this program
 * at its physical address (EL2 reaches host RAM 1:1). The host owns the
 * first MiB and the last 512 KiB; the carve-out -- the hypervisor's -- is in
 * between, its first FZ_POOL_PAGES pages the page pool the drivers take
 * their tables from. Everything else is MMIO: the devices' registers, which
 * their models decode, and holes.
 *
 * The targets keep their own record of what the host owns (the carve-out
 * never; a page the input donated until it reclaims it), written from the
 * ABI, and check against it that the hypervisor's accessors of host memory
 * (host_mem_read/write/zero, replaced here) only ever touch host pages.
 */
#ifndef ISOHYP_TESTS_FUZZ_MEDIATOR_H
#define ISOHYP_TESTS_FUZZ_MEDIATOR_H

#include <isohyp/boot_info.h>
#include <isohyp/types.h>

#include "fuzz.h"

#define FZ_RAM 0x40000000ULL
#define FZ_RAM_SIZE (2ULL << 20)
#define FZ_CARVE (FZ_RAM + (1ULL << 20))
#define FZ_CARVE_SIZE (512ULL << 10)
#define FZ_POOL_PAGES 64
#define FZ_IA_BITS 40
#define FZ_UART 0x09000000ULL /* MMIO the host keeps */

/* The input, read front to back; past its end every read is 0. */
struct fz_in {
	const u8 *p;
	size_t n;
};

u8 fz_u8(struct fz_in *in);
u16 fz_u16(struct fz_in *in);
u64 fz_u64(struct fz_in *in);

/*
 * A new machine: RAM zeroed, a host stage-2 with the carve-out the
 * hypervisor's (and no pin), the pool reset, no MMIO region of the
 * previous input's left in [@mmio, @mmio + @mmio_size). Then device
 * driver @name's init() on @bi: its result.
 */
int fz_machine_reset(u64 mmio, u64 mmio_size, const char *name, const struct boot_info *bi);

/* Does the host own every page of [@pa, @pa + @len) (RAM, not the carve-out, not donated)? */
bool fz_host_owns(u64 pa, u64 len);

/*
 * An address the input picks: class @cls (host RAM low or high, the
 * carve-out and its pool, straddles of their edges and of RAM's end, the
 * UART, far away), @off within it in steps of @step bytes.
 */
u64 fz_where(u8 cls, u16 off, u64 step);

/*
 * The host stores @len bytes at @pa: only where its stage-2 lets it (a
 * stage-2 fault maps only what the host owns, and the record agrees); true
 * when it did.
 */
bool fz_host_write(u64 pa, const void *src, u64 len);

/* The host donates the page at @pa, or reclaims it if it had donated it: 0 or -errno. */
int fz_host_donate_toggle(u64 pa);

/*
 * A host load or store of @size bytes at @addr as the trap path does it: a
 * data-abort syndrome decoded (hyp/mmio.c), then the emulation of the
 * region that owns @addr. -ENOENT when no region does, else its result.
 */
int fz_mmio(u64 addr, unsigned int size, bool write, u64 *val);

#endif /* ISOHYP_TESTS_FUZZ_MEDIATOR_H */
