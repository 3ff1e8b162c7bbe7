// SPDX-License-Identifier: GPL-2.0-only
/*
 * QEMU's fw_cfg device, mediated (ARCHITECTURE.md section 9, "fw_cfg").
 *
 * fw_cfg ("qemu,fw-cfg-mmio", QEMU docs/specs/fw_cfg.rst) is a DMA master
 * that no SMMU fronts: handed the address of an FWCfgDmaAccess descriptor,
 * it reads the descriptor and then writes (READ) or reads (WRITE) up to 4 GiB
 * at any physical address the descriptor names, and writes the descriptor's
 * control word back. Left to the host, four register writes put bytes of
 * QEMU's choosing into the carve-out.
 *
 * So its registers are the hypervisor's (an emulated MMIO region, hyp/mmio.c)
 * and every host access traps here:
 *  - data reads and selector writes go to the real registers unchanged, with
 *    the host's access size (the firmware, which keeps running as the host,
 *    and Linux's qemu_fw_cfg read items through them);
 *  - data writes are dropped: QEMU has ignored them since v2.4
 *    (fw_cfg_write() is empty), so dropping them is what the device does;
 *  - reads of the DMA register return the real register (the "QEMU CFG"
 *    signature drivers probe for);
 *  - the DMA doorbell is mediated: the host's descriptor is copied into a
 *    descriptor in hypervisor memory, checked (known control bits, the
 *    buffer wholly host RAM), and only the hypervisor's copy is ever given
 *    to the device. What fails a check never reaches the device: the host
 *    reads ERROR back, as from a failed transfer;
 *  - anything QEMU itself would reject (hw/nvram/fw_cfg.c: the *_mem_valid
 *    callbacks: selector reads, data accesses off +0, DMA writes other than
 *    4 bytes at +0x10/+0x14 or 8 at +0x10, the gap at +0x0a, past the
 *    registers) is an external abort for the host, as on the bare device,
 *    and never an access by the hypervisor that could abort at EL2.
 *
 * What it does not do: hide the DMA interface (AAVMF uses it), or support a
 * device whose DMA is not coherent (QEMU's is; on such a device the
 * descriptor would need cleaning to the PoC). A device sharing the 4 KiB page
 * of fw_cfg's registers would see its accesses aborted: on QEMU's virt
 * machine fw_cfg has its page alone.
 *
 * Lock order: the region's lock (held by hyp_mmio_emulate() around every
 * handler call; it serialises this driver's state), then host_mmu.lock (held
 * across a transfer, so no page of the descriptor or the buffer changes
 * owner between the check and the device's last access).
 */
#include <string.h>

#include <asm/barrier.h>
#include <asm/io.h>
#include <isohyp/bits.h>
#include <isohyp/console.h>
#include <isohyp/delay.h>
#include <isohyp/driver.h>
#include <isohyp/errno.h>
#include <isohyp/host_mem.h>
#include <isohyp/mem_protect.h>
#include <isohyp/mmio.h>
#include <isohyp/page_alloc.h>

#include "fw_cfg.h"

/*
 * QEMU completes a transfer inside the register write that starts it, so
 * the first poll sees it done; the bound is for a device that never answers.
 */
#define FW_CFG_DMA_TIMEOUT_US 100000

#define FW_CFG_DMA_CTL_KNOWN                                                          \
	(FW_CFG_DMA_CTL_ERROR | FW_CFG_DMA_CTL_READ | FW_CFG_DMA_CTL_SKIP |          \
	 FW_CFG_DMA_CTL_SELECT | FW_CFG_DMA_CTL_WRITE | FW_CFG_DMA_CTL_KEY)

/* What a check of the host's transfer found; each refusal is logged once. */
enum fw_cfg_verdict {
	FW_CFG_DMA_OK,
	FW_CFG_BAD_DESC, /* the descriptor is not wholly host RAM */
	FW_CFG_BAD_CONTROL, /* control has bits the device does not define */
	FW_CFG_BAD_BUFFER, /* the buffer is not wholly host RAM */
	FW_CFG_DEVICE_STOPPED, /* an earlier transfer never completed */
};

static const char *const verdict_why[] = {
	[FW_CFG_BAD_DESC] = "descriptor not host RAM",
	[FW_CFG_BAD_CONTROL] = "unknown control bits",
	[FW_CFG_BAD_BUFFER] = "buffer not host RAM",
	[FW_CFG_DEVICE_STOPPED] = "DMA stopped after a timeout",
};

struct fw_cfg {
	struct hyp_mmio_region region;
	volatile u8 *regs; /* the device's registers, mapped at EL2 */
	u64 dev_off; /* of the registers in the region */
	bool has_dma; /* the registers include the DMA address */
	/* What the device reads and writes back; hypervisor memory. */
	struct fw_cfg_dma_access *desc;
	u64 dma_addr; /* the host's latched DMA address (a split write's high half) */
	bool dma_stopped; /* a transfer timed out: the device may still own desc */
	unsigned int logged; /* BIT(verdict) once that refusal was logged */
	struct fw_cfg_stats stats;
};

static struct fw_cfg fw_cfg;

/* The device's registers are big-endian; the hypervisor runs little-endian. */
static inline u32 be32_to_cpu(u32 v)
{
	return __builtin_bswap32(v);
}

static inline u64 be64_to_cpu(u64 v)
{
	return __builtin_bswap64(v);
}

#define cpu_to_be32 be32_to_cpu
#define cpu_to_be64 be64_to_cpu

/* The hypervisor's own memory is identity-mapped at EL2 (hyp/main.c). */
static inline phys_addr_t hyp_pa(const void *va)
{
	return (phys_addr_t)(uintptr_t)va;
}

/* ---- DMA mediation ------------------------------------------------------- */

/* Write @ctl into the host's descriptor (checked host RAM; any alignment). */
static void host_desc_set_control(phys_addr_t desc_pa, u32 ctl)
{
	u32 be = cpu_to_be32(ctl);

	host_mem_write(desc_pa + offsetof(struct fw_cfg_dma_access, control), &be, sizeof(be));
}

/*
 * Copy the host's descriptor at @desc_pa into @req and check it. Everything
 * in it is the host's, so it is read once, here, and only the copy is
 * checked and used: the host may rewrite its descriptor meanwhile.
 */
static enum fw_cfg_verdict fw_cfg_dma_check_locked(struct fw_cfg *fc, phys_addr_t desc_pa,
						   struct fw_cfg_dma_access *req)
{
	u32 ctl, len;

	if (host_range_check_locked(desc_pa, sizeof(*req)))
		return FW_CFG_BAD_DESC;
	host_mem_read(desc_pa, req, sizeof(*req));
	if (fc->dma_stopped)
		return FW_CFG_DEVICE_STOPPED;
	ctl = be32_to_cpu(req->control);
	len = be32_to_cpu(req->length);
	if (ctl & ~FW_CFG_DMA_CTL_KNOWN)
		return FW_CFG_BAD_CONTROL;
	/*
	 * READ writes [address, address + length) (zeros past the item's end),
	 * WRITE reads it; QEMU picks READ over WRITE over SKIP, so any of the
	 * two bits means the buffer is touched. SKIP and SELECT touch no
	 * memory, nor does a length of 0. The check refuses what wraps, what is
	 * not RAM (MMIO, the page of these registers), the carve-out and
	 * donated pages.
	 */
	if ((ctl & (FW_CFG_DMA_CTL_READ | FW_CFG_DMA_CTL_WRITE)) && len &&
	    host_range_check_locked(be64_to_cpu(req->address), len))
		return FW_CFG_BAD_BUFFER;
	return FW_CFG_DMA_OK;
}

static void fw_cfg_dma_refuse(struct fw_cfg *fc, phys_addr_t desc_pa,
			      const struct fw_cfg_dma_access *req, enum fw_cfg_verdict v)
{
	/* A descriptor that is not the host's gets nothing written to it. */
	if (v != FW_CFG_BAD_DESC)
		host_desc_set_control(desc_pa, FW_CFG_DMA_CTL_ERROR);
	fc->stats.dma_refused++;
	if (fc->logged & BIT(v))
		return;
	fc->logged |= BIT(v);
	if (v == FW_CFG_BAD_DESC)
		pr_warn("fw_cfg: DMA with a descriptor at %lx refused: %s\n",
			(unsigned long)desc_pa, verdict_why[v]);
	else
		pr_warn("fw_cfg: DMA of %u bytes at %lx (control %x) refused: %s\n",
			be32_to_cpu(req->length), (unsigned long)be64_to_cpu(req->address),
			be32_to_cpu(req->control), verdict_why[v]);
}

/*
 * Give the device the hypervisor's copy of @req and wait for it to write
 * control back: 0 (done) or ERROR. 0 with the device's control in @ctl, or
 * -ETIMEDOUT.
 */
static int fw_cfg_dma_run(struct fw_cfg *fc, const struct fw_cfg_dma_access *req, u32 *ctl)
{
	volatile struct fw_cfg_dma_access *d = fc->desc;
	hyp_deadline_t deadline;

	d->address = req->address;
	d->length = req->length;
	/*
	 * ERROR is the device's answer, not a request (QEMU ignores it on
	 * input): cleared, so a set bit below can only come from the device.
	 */
	d->control = cpu_to_be32(be32_to_cpu(req->control) & ~FW_CFG_DMA_CTL_ERROR);
	/*
	 * writeq() issues DSB ST first: the descriptor is in memory before
	 * the doorbell makes the device read it. Coherent DMA: no cache
	 * maintenance (see the file header).
	 */
	writeq(cpu_to_be64(hyp_pa(fc->desc)), fc->regs + FW_CFG_DMA);
	deadline = hyp_deadline_us(FW_CFG_DMA_TIMEOUT_US);
	for (;;) {
		*ctl = be32_to_cpu(d->control);
		if (!*ctl || (*ctl & FW_CFG_DMA_CTL_ERROR))
			break;
		if (hyp_deadline_passed(deadline))
			return -ETIMEDOUT;
	}
	/*
	 * The device wrote the buffer before control: order our read of
	 * control before the host's copy of it is written, so a host that
	 * sees it sees the buffer too.
	 */
	dma_rmb();
	return 0;
}

/*
 * The device never answered: it may still read the descriptor and touch the
 * buffer. No new transfer may reuse the descriptor, and the buffer stays
 * pinned to the host (it can never be donated) for good.
 */
static void fw_cfg_dma_stop_locked(struct fw_cfg *fc, phys_addr_t desc_pa,
				   const struct fw_cfg_dma_access *req)
{
	u32 ctl = be32_to_cpu(req->control), len = be32_to_cpu(req->length);
	u64 addr = be64_to_cpu(req->address);

	fc->dma_stopped = true;
	fc->stats.dma_timeouts++;
	if ((ctl & (FW_CFG_DMA_CTL_READ | FW_CFG_DMA_CTL_WRITE)) && len &&
	    host_stage2_pin_locked(addr, len))
		pr_err("fw_cfg: cannot pin %lx+%x for a device that still owns it\n",
		       (unsigned long)addr, len);
	host_desc_set_control(desc_pa, FW_CFG_DMA_CTL_ERROR);
	pr_err("fw_cfg: DMA of %u bytes at %lx (control %x) never completed: DMA stopped\n", len,
	       (unsigned long)addr, ctl);
}

/*
 * The host rang the doorbell with the descriptor at @desc_pa. 0 when the
 * transfer ran or was refused (the host reads the result in its
 * descriptor), -ETIMEDOUT when the device never completed it.
 */
static int fw_cfg_dma(struct fw_cfg *fc, phys_addr_t desc_pa)
{
	struct fw_cfg_dma_access req = { 0 };
	enum fw_cfg_verdict v;
	u32 ctl;
	int ret = 0;

	host_mmu_lock();
	v = fw_cfg_dma_check_locked(fc, desc_pa, &req);
	if (v != FW_CFG_DMA_OK) {
		fw_cfg_dma_refuse(fc, desc_pa, &req, v);
		goto unlock;
	}
	ret = fw_cfg_dma_run(fc, &req, &ctl);
	if (ret) {
		fw_cfg_dma_stop_locked(fc, desc_pa, &req);
		goto unlock;
	}
	host_desc_set_control(desc_pa, ctl);
	fc->stats.dma_done++;
unlock:
	host_mmu_unlock();
	return ret;
}

/* ---- register emulation ------------------------------------------------- */

static u64 fw_cfg_raw_read(struct fw_cfg *fc, u64 reg, unsigned int size)
{
	volatile u8 *a = fc->regs + reg;

	switch (size) {
	case 1:
		return readb_relaxed(a);
	case 2:
		return readw_relaxed(a);
	case 4:
		return readl_relaxed(a);
	default:
		return readq_relaxed(a);
	}
}

/* The register offset of region offset @off, or -EINVAL outside the device. */
static s64 fw_cfg_reg(struct fw_cfg *fc, u64 off, unsigned int size)
{
	u64 end = fc->has_dma ? FW_CFG_REGS_SIZE : FW_CFG_DMA;

	if (off < fc->dev_off || off - fc->dev_off + size > end)
		return -EINVAL;
	return off - fc->dev_off;
}

static int fw_cfg_read(void *priv, u64 off, unsigned int size, u64 *val)
{
	struct fw_cfg *fc = priv;
	s64 reg = fw_cfg_reg(fc, off, size);

	/* Data: at +0 only. DMA: any aligned part (hyp_mmio_emulate() checks). */
	if (reg == FW_CFG_DATA || (reg >= FW_CFG_DMA && fc->has_dma)) {
		*val = fw_cfg_raw_read(fc, reg, size);
		return 0;
	}
	return -EINVAL; /* the selector is write-only; the gap and beyond abort */
}

static int fw_cfg_write(void *priv, u64 off, unsigned int size, u64 val)
{
	struct fw_cfg *fc = priv;
	s64 reg = fw_cfg_reg(fc, off, size);

	if (reg == FW_CFG_DATA)
		return 0; /* ignored by the device (see the file header) */
	if (reg == FW_CFG_SEL && size == 2) {
		writew_relaxed(val, fc->regs + FW_CFG_SEL);
		return 0;
	}
	if (reg < FW_CFG_DMA || !fc->has_dma)
		return -EINVAL;
	/*
	 * As QEMU's fw_cfg_dma_mem_write(): a 64-bit write at +0x10, or the
	 * low half at +0x14, starts a transfer with the latched address, and
	 * the address is reset for the next one; the high half at +0x10 only
	 * latches (replacing the whole address). Big-endian values.
	 */
	if (reg == FW_CFG_DMA && size == 8) {
		fc->dma_addr = 0;
		return fw_cfg_dma(fc, be64_to_cpu(val));
	}
	if (reg == FW_CFG_DMA && size == 4) {
		fc->dma_addr = (u64)be32_to_cpu(val) << 32;
		return 0;
	}
	if (reg == FW_CFG_DMA_LO && size == 4) {
		u64 desc_pa = fc->dma_addr | be32_to_cpu(val);

		fc->dma_addr = 0;
		return fw_cfg_dma(fc, desc_pa);
	}
	return -EINVAL;
}

static const struct hyp_mmio_ops fw_cfg_ops = {
	.read = fw_cfg_read,
	.write = fw_cfg_write,
};

void fw_cfg_get_stats(struct fw_cfg_stats *stats)
{
	hyp_spin_lock(&fw_cfg.region.lock);
	*stats = fw_cfg.stats;
	hyp_spin_unlock(&fw_cfg.region.lock);
}

static int fw_cfg_init(const struct hyp_driver_env *env)
{
	const struct boot_mem_range *dev = &env->bi->fw_cfg;
	struct fw_cfg *fc = &fw_cfg;
	u64 base = ALIGN_DOWN(dev->base, SZ_4K);
	int ret;

	if (!dev->size)
		return 0;
	*fc = (struct fw_cfg){ 0 }; /* nothing of an earlier boot (host unit tests boot many) */
	if (dev->size < FW_CFG_DMA || dev->base + dev->size < dev->base) {
		pr_err("fw_cfg@%lx: %lx bytes of registers: not fw_cfg\n",
		       (unsigned long)dev->base, (unsigned long)dev->size);
		return -EINVAL;
	}
	fc->desc = hyp_alloc_page(env->pool);
	if (!fc->desc)
		return -ENOMEM;
	fc->regs = (volatile u8 *)(uintptr_t)dev->base;
	fc->dev_off = dev->base - base;
	fc->has_dma = dev->size >= FW_CFG_REGS_SIZE;
	fc->region = (struct hyp_mmio_region){
		.name = "fw_cfg", .base = base,
		.size = ALIGN_UP(dev->base + dev->size, SZ_4K) - base,
		.ops = &fw_cfg_ops, .priv = fc,
	};
	ret = env->map_device(fc->region.base, fc->region.size);
	if (!ret)
		ret = hyp_mmio_register(&fc->region);
	if (ret)
		return ret;
	pr_info("fw_cfg@%lx: selector and data passed through, DMA %s\n",
		(unsigned long)dev->base,
		fc->has_dma ? "mediated (host RAM only)" : "absent");
	return 0;
}

HYP_DEVICE_DRIVER(fw_cfg, fw_cfg_init);
