// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fuzz target "fw_cfg": QEMU fw_cfg's mediation -- drivers/fw_cfg/fw_cfg.c,
 * the real file, behind hyp/mmio.c's decode and region dispatch -- against
 * the fw_cfg model of tests/unit/lib/fw_cfg_model.c, on the machine of
 * mediator.h. The input picks the device (registers at the start of their
 * page or inside it, with or without the DMA interface), then the host's
 * actions: loads and stores of any size anywhere in the registers' page,
 * selector writes, FWCfgDmaAccess descriptors written into host memory
 * (anywhere, any alignment, any control, length and buffer: host RAM, the
 * carve-out, the hypervisor's pool, edges, MMIO, wrapping), the doorbell
 * rung with a 64-bit store or the two 32-bit halves, donations and
 * reclaims, and a device that stops completing transfers.
 *
 * What must hold (ARCHITECTURE.md section 9; QEMU docs/specs/fw_cfg.rst
 * "DMA interface" for the descriptor and the doorbell), checked after every
 * action:
 *  - the device is only ever given a descriptor in hypervisor memory, and
 *    its DMA only ever touches memory the host owns (the model counts
 *    anything else, and touches none of it); it never sees an access QEMU
 *    would reject;
 *  - the hypervisor reads and writes host memory only where the host owns it;
 *  - a transfer is handed to the device exactly when the host's descriptor
 *    (as the doorbell's address names it: QEMU's latch of the high half) is
 *    host memory, its control has only defined bits, and a READ or WRITE of
 *    a non-zero length has its buffer wholly in host memory -- and no
 *    earlier transfer hung; a refused one leaves ERROR in a host descriptor;
 *  - a transfer that never completes leaves its buffer pinned;
 *  - no crash, no sanitizer report, no hang.
 *
 * Input: one configuration byte, then actions of a kind byte and its
 * operands (see the switch below), at most 64.
 */
#include <string.h>

#include <fw_cfg/fw_cfg.h>
#include <isohyp/errno.h>
#include <isohyp/mem_protect.h>
#include <uapi/isohyp.h>

#include "../unit/lib/fw_cfg_model.h"
#include "mediator.h"

#define MAX_ACTIONS 64
#define FW_CFG_PAGE 0x09020000ULL
/* Control bits fw_cfg.rst defines: error, read, skip, select, write; the selector key. */
#define DEFINED_CONTROL (0x1fu | 0xffff0000u)

static u64 regs; /* of the device */
static bool has_dma, stopped;
static u64 latch; /* the high half of the doorbell's address, as QEMU latches it */
static u64 desc_at; /* where the input last wrote a descriptor */

static bool in_carveout(u64 pa, u64 len)
{
	return pa >= FZ_CARVE && pa + len <= FZ_CARVE + FZ_CARVE_SIZE && pa + len > pa;
}

/* The host's descriptor at @desc, read as the device would (big-endian). */
static void host_desc(u64 desc, u32 *ctl, u32 *len, u64 *addr)
{
	struct fw_cfg_dma_access d;

	memcpy(&d, (void *)(uintptr_t)desc, sizeof(d));
	*ctl = __builtin_bswap32(d.control);
	*len = __builtin_bswap32(d.length);
	*addr = __builtin_bswap64(d.address);
}

/*
 * A host store at register offset @reg. For the doorbell, QEMU's semantics
 * (fw_cfg_dma_mem_write()): a 64-bit store at +0x10, or the low half at
 * +0x14, starts a transfer with the latched high half, and clears it; the
 * high half alone at +0x10 latches.
 */
static void store(u64 reg, unsigned int size, u64 val)
{
	u64 nr_dma = fw_cfg_model.nr_dma, acc = fw_cfg_model.nr_accesses, desc = 0, addr = 0;
	bool bell = false, host_desc_ok = false, ok = false, hangs;
	u32 ctl = 0, len = 0, req_ctl;
	u64 req_len, req_addr;
	int ret;

	if (has_dma && reg == FW_CFG_DMA && size == 8) {
		desc = __builtin_bswap64(val), latch = 0, bell = true;
	} else if (has_dma && reg == FW_CFG_DMA && size == 4) {
		latch = (u64)__builtin_bswap32(val) << 32;
	} else if (has_dma && reg == FW_CFG_DMA_LO && size == 4) {
		desc = latch | __builtin_bswap32(val), latch = 0, bell = true;
	}
	if (bell) {
		/* What the device must be given: the host's request, if it is a good one. */
		host_desc_ok = fz_host_owns(desc, sizeof(struct fw_cfg_dma_access));
		if (host_desc_ok)
			host_desc(desc, &ctl, &len, &addr);
		ok = host_desc_ok && !stopped && !(ctl & ~DEFINED_CONTROL) &&
		     (!(ctl & (FW_CFG_DMA_CTL_READ | FW_CFG_DMA_CTL_WRITE)) || !len ||
		      fz_host_owns(addr, len));
	}
	req_ctl = ctl, req_len = len, req_addr = addr;
	/* A stalled device never writes control back: a request with no bit besides ERROR is done. */
	hangs = ok && fw_cfg_model.stall && (ctl & ~FW_CFG_DMA_CTL_ERROR);
	ret = fz_mmio(regs + reg, size, true, &val);
	if (!bell) {
		if (reg == FW_CFG_DATA)
			FUZZ_CHECK(fw_cfg_model.nr_accesses == acc); /* data stores: dropped */
		return;
	}
	FUZZ_CHECK(fw_cfg_model.nr_dma == nr_dma + ok);
	FUZZ_CHECK(ret == (hangs ? -ETIMEDOUT : 0));
	if (host_desc_ok) {
		host_desc(desc, &ctl, &len, &addr); /* control, as the hypervisor wrote it back */
		FUZZ_CHECK(ok && !hangs ? !(ctl & ~FW_CFG_DMA_CTL_ERROR) :
					  ctl == FW_CFG_DMA_CTL_ERROR);
	}
	if (!hangs)
		return;
	/* It may still touch the buffer: that stays the host's, pinned (PAGE_STATE 5), for good. */
	stopped = true;
	if (!(req_ctl & (FW_CFG_DMA_CTL_READ | FW_CFG_DMA_CTL_WRITE)) || !req_len)
		return;
	for (u64 p = req_addr & ~0xfffULL; p < req_addr + req_len; p += 0x1000)
		FUZZ_CHECK(__pkvm_host_page_state(p >> 12) == ISOHYP_PAGE_HOST_PINNED);
}

static unsigned int access_size(u8 b)
{
	static const unsigned int sizes[4] = { 1, 2, 4, 8 };

	return sizes[b & 3];
}

/* A register offset, or anywhere in the page (then possibly below the registers). */
static s64 reg_of(struct fz_in *in, unsigned int size)
{
	u8 b = fz_u8(in);
	u64 page_off = b < 0xe0 ? regs - FW_CFG_PAGE + (b & 0x1f) : fz_u16(in) % 0x1000;

	page_off &= ~(u64)(size - 1);
	return (s64)(FW_CFG_PAGE + page_off) - (s64)regs;
}

/* A descriptor into host memory, as the input says. */
static void put_desc(struct fz_in *in)
{
	static const u32 ctls[8] = {
		FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_READ,
		FW_CFG_DMA_CTL_READ,
		FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE,
		FW_CFG_DMA_CTL_WRITE,
		FW_CFG_DMA_CTL_SKIP,
		FW_CFG_DMA_CTL_SELECT,
		FW_CFG_DMA_CTL_READ | FW_CFG_DMA_CTL_WRITE,
		0,
	};
	static const u16 keys[4] = { 0x0000, 0x0001, 0x0020, 0x1234 };
	u8 c = fz_u8(in), cls = fz_u8(in);
	u64 at = fz_where(cls, fz_u16(in), 1), buf;
	u32 ctl = ctls[c & 7] | (u32)keys[(c >> 3) & 3] << 16, len;
	u8 l = fz_u8(in);
	struct fw_cfg_dma_access d;

	if (c & 0x20)
		ctl |= 1u << (5 + fz_u8(in) % 11); /* a bit fw_cfg.rst does not define */
	if (c & 0x40)
		ctl |= FW_CFG_DMA_CTL_ERROR;
	len = l < 0xf0 ? l : (l == 0xff ? 0xffffffffu : 1u << (l & 0xf) << 8);
	cls = fz_u8(in);
	buf = fz_where(cls, fz_u16(in), 1);
	d = (struct fw_cfg_dma_access){
		__builtin_bswap32(ctl),
		__builtin_bswap32(len),
		__builtin_bswap64(buf),
	};
	fz_host_write(at, &d, sizeof(d));
	desc_at = at;
}

static void act(struct fz_in *in)
{
	u8 kind = fz_u8(in);
	unsigned int size = access_size(kind >> 3);
	u64 val = 0;
	s64 reg;

	switch (kind % 8) {
	case 0: /* a store anywhere in the page */
		reg = reg_of(in, size);
		store(reg, size, fz_u64(in));
		break;
	case 1: /* a load */
		reg = reg_of(in, size);
		fz_mmio(regs + reg, size, false, &val);
		break;
	case 2: /* select an item */
		store(FW_CFG_SEL, 2, __builtin_bswap16(fz_u16(in)));
		break;
	case 3:
		put_desc(in);
		break;
	case 4: /* the doorbell, 64-bit: the last descriptor, or anywhere */
		val = kind & 0x80 ? fz_where(fz_u8(in), fz_u16(in), 1) : desc_at;
		store(FW_CFG_DMA, 8, __builtin_bswap64(val));
		break;
	case 5: /* the doorbell in halves (or only one of them) */
		val = kind & 0x80 ? fz_where(fz_u8(in), fz_u16(in), 1) : desc_at;
		if (!(kind & 0x40))
			store(FW_CFG_DMA, 4, __builtin_bswap32(val >> 32));
		if (!(kind & 0x20))
			store(FW_CFG_DMA_LO, 4, __builtin_bswap32((u32)val));
		break;
	case 6:
		fz_host_donate_toggle(fz_where(fz_u8(in), fz_u16(in), 0x1000));
		break;
	default: /* the device stops completing transfers, or completes them again */
		fw_cfg_model.stall = !fw_cfg_model.stall;
		break;
	}
	FUZZ_CHECK(!fw_cfg_model.foreign_desc && !fw_cfg_model.wild && !fw_cfg_model.rejected);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct boot_info bi;
	struct fz_in in = { data, size };
	u8 cfg = fz_u8(&in);

	regs = FW_CFG_PAGE + (cfg & 1 ? 0x100 : 0);
	has_dma = !(cfg & 2);
	stopped = false;
	latch = 0;
	desc_at = FZ_RAM;
	fw_cfg_model_reset();
	fw_cfg_model.base = regs;
	fw_cfg_model.hyp_mem = in_carveout;
	fw_cfg_model.dma_ok = fz_host_owns;
	fw_cfg_model.stall = false;
	memset(fw_cfg_model_items[2].data, 0, sizeof(fw_cfg_model_items[2].data));
	bi = (struct boot_info){ .fw_cfg = { regs, has_dma ? FW_CFG_REGS_SIZE : FW_CFG_DMA } };
	FUZZ_CHECK(!fz_machine_reset(FW_CFG_PAGE, 0x1000, "fw_cfg", &bi));
	for (unsigned int n = 0; n < MAX_ACTIONS && in.n; n++)
		act(&in);
	return 0;
}
