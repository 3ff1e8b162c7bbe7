// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host unit tests and fuzz targets: the model of QEMU's fw_cfg described in
 * fw_cfg_model.h.
 */
#include <stddef.h>
#include <string.h>

#include <fw_cfg/fw_cfg.h>

#include "fw_cfg_model.h"

struct fw_cfg_model_item fw_cfg_model_items[FW_CFG_MODEL_NR_ITEMS] = {
	{ 0x0000, 4, false, "QEMU" }, /* FW_CFG_SIGNATURE */
	{ 0x0001, 4, false, { 3, 0, 0, 0 } }, /* FW_CFG_ID: traditional + DMA */
	{ 0x0020, 64, true, "" }, /* a file item, writable (as etc/vmcoreinfo) */
};

struct fw_cfg_model fw_cfg_model;
#define dev fw_cfg_model

static const u8 dma_signature[8] = "QEMU CFG";

void fw_cfg_model_reset(void)
{
	dev.cur = NULL;
	dev.off = 0;
	dev.nr_accesses = dev.nr_dma = dev.foreign_desc = dev.rejected = dev.wild = 0;
	dev.last_desc = dev.dma_bytes = 0;
}

static void fake_select(u16 key)
{
	unsigned int i;

	dev.cur = NULL;
	dev.off = 0;
	for (i = 0; i < FW_CFG_MODEL_NR_ITEMS; i++)
		if (fw_cfg_model_items[i].key == key)
			dev.cur = &fw_cfg_model_items[i];
}

static u32 avail(void)
{
	return dev.cur && dev.off < dev.cur->len ? dev.cur->len - dev.off : 0;
}

/* The memory a transfer touches, if allowed; else counted, and NULL. */
static void *dma_mem(u64 addr, u64 len)
{
	if (!dev.dma_ok(addr, len)) {
		dev.wild++;
		return NULL;
	}
	dev.dma_bytes += len;
	return (void *)(uintptr_t)addr;
}

/* fw_cfg_dma_transfer(), on this program's memory. */
static void fake_dma(u64 desc_pa)
{
	struct fw_cfg_dma_access d;
	u32 ctl, len, out = 0, be;
	u64 addr;
	bool read, write;

	dev.nr_dma++;
	dev.last_desc = desc_pa;
	if (!dev.hyp_mem(desc_pa, sizeof(d))) {
		dev.foreign_desc++;
		return;
	}
	if (dev.stall)
		return;
	memcpy(&d, (void *)(uintptr_t)desc_pa, sizeof(d));
	ctl = __builtin_bswap32(d.control);
	len = __builtin_bswap32(d.length);
	addr = __builtin_bswap64(d.address);
	if (ctl & FW_CFG_DMA_CTL_SELECT)
		fake_select(ctl >> 16);
	read = ctl & FW_CFG_DMA_CTL_READ;
	write = !read && (ctl & FW_CFG_DMA_CTL_WRITE);
	if (!(ctl & (FW_CFG_DMA_CTL_READ | FW_CFG_DMA_CTL_WRITE | FW_CFG_DMA_CTL_SKIP)))
		len = 0;
	while (len && !(out & FW_CFG_DMA_CTL_ERROR)) {
		u32 n = avail() ? (len < avail() ? len : avail()) : len;
		void *mem = read || write ? dma_mem(addr, n) : NULL;

		if ((read || write) && !mem)
			out |= FW_CFG_DMA_CTL_ERROR;
		else if (read && avail())
			memcpy(mem, dev.cur->data + dev.off, n);
		else if (read)
			memset(mem, 0, n);
		else if (write && (!avail() || !dev.cur->writable || n != len))
			out |= FW_CFG_DMA_CTL_ERROR;
		else if (write)
			memcpy(dev.cur->data + dev.off, mem, n);
		if (avail())
			dev.off += n;
		addr += n;
		len -= n;
	}
	be = __builtin_bswap32(out);
	memcpy((void *)(uintptr_t)(desc_pa + offsetof(struct fw_cfg_dma_access, control)), &be,
	       sizeof(be));
}

/* Loads return what a little-endian CPU reads from the big-endian device. */
u64 fake_mmio_read(u64 addr, unsigned int size)
{
	u64 reg = addr - dev.base, val = 0;
	unsigned int i;

	dev.nr_accesses++;
	if (addr == dev.base + FW_CFG_DATA && size <= 8) {
		for (i = 0; i < size; i++)
			if (avail())
				val |= (u64)dev.cur->data[dev.off++] << (8 * i);
		return val;
	}
	if (addr >= dev.base + FW_CFG_DMA && reg + size <= FW_CFG_REGS_SIZE) {
		memcpy(&val, dma_signature + (reg - FW_CFG_DMA), size);
		return val;
	}
	dev.rejected++;
	return 0;
}

void fake_mmio_write(u64 addr, u64 val, unsigned int size)
{
	dev.nr_accesses++;
	if (addr == dev.base + FW_CFG_SEL && size == 2)
		fake_select(__builtin_bswap16(val));
	else if (addr == dev.base + FW_CFG_DMA && size == 8)
		fake_dma(__builtin_bswap64(val));
	else if (addr != dev.base + FW_CFG_DATA) /* data writes: accepted, ignored */
		dev.rejected++;
}
