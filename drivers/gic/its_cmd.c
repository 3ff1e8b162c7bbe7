// SPDX-License-Identifier: GPL-2.0-only
/*
 * The check of one ITS command the host queued (GICv3 spec IHI 0069, 5.3
 * "ITS commands"): the command must be one the hypervisor knows (physical
 * LPIs only: every GICv4 command is refused, GICv4 is hidden), and every
 * identifier in range -- DeviceID of the hardware, EventID of the device's
 * mapping, pINTID of the GIC, ICID of the collection table the hypervisor
 * gave the ITS, RDbase of an existing redistributor. A MAPD's ITT must be
 * inside host RAM (its.c pins it). The command the ITS then reads is
 * rebuilt from the checked fields, so no reserved bit reaches it.
 *
 * A command that fails is dropped, not executed: the spec leaves the choice
 * between stalling and ignoring the command to the implementation
 * (5.3.1 "Command errors"), and ignoring it keeps the host's queue moving.
 */
#include <isohyp/errno.h>

#include "its.h"

const struct its_device *its_device_find(const struct its_device *devs, unsigned int nr,
					 u32 devid)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		if (devs[i].devid == devid)
			return &devs[i];
	return NULL;
}

static int refuse(const char **why, const char *reason)
{
	*why = reason;
	return -EINVAL;
}

/* DeviceID in range and mapped, EventID inside its ITT. */
static int check_event(const struct its_limits *lim, const struct its_device *devs,
		       unsigned int nr_devs, const u64 *host, struct its_cmd *cmd,
		       const char **why)
{
	const struct its_device *dev = its_device_find(devs, nr_devs, cmd->devid);
	u64 event = FIELD_GET(ITS_CMD1_EVENTID, host[1]);

	if (!dev)
		return refuse(why, "DeviceID not mapped");
	if (event >= BIT(dev->event_bits))
		return refuse(why, "EventID outside the device's ITT");
	cmd->raw[1] |= FIELD_PREP(ITS_CMD1_EVENTID, event);
	return 0;
}

static int check_icid(const struct its_limits *lim, u64 dw, struct its_cmd *cmd,
		      const char **why)
{
	u64 icid = FIELD_GET(ITS_CMD2_ICID, dw);

	if (icid >= lim->nr_collections)
		return refuse(why, "ICID outside the collection table");
	cmd->raw[2] |= FIELD_PREP(ITS_CMD2_ICID, icid);
	return 0;
}

static int check_rdbase(const struct its_limits *lim, u64 dw, u64 *out, const char **why)
{
	u64 rd = FIELD_GET(ITS_CMD2_RDBASE, dw);

	/* GITS_TYPER.PTA is 0 (its.c refuses an ITS with PTA 1): processor numbers. */
	if (rd >= lim->nr_rdbase)
		return refuse(why, "RDbase names no redistributor");
	*out |= FIELD_PREP(ITS_CMD2_RDBASE, rd);
	return 0;
}

static int check_lpi(const struct its_limits *lim, u64 intid, const char **why)
{
	if (intid < GIC_LPI_BASE || intid >= BIT(lim->lpi_bits))
		return refuse(why, "pINTID is not an LPI the GIC implements");
	return 0;
}

static int check_mapd(const struct its_limits *lim, const struct its_device *devs,
		      unsigned int nr_devs, const u64 *host, struct its_cmd *cmd,
		      const char **why)
{
	u64 size = FIELD_GET(ITS_CMD1_SIZE, host[1]);

	if (!(host[2] & ITS_CMD2_VALID)) {
		cmd->unmap = true;
		return 0;
	}
	if (size + 1 > lim->event_bits)
		return refuse(why, "MAPD Size larger than the ITS's EventID bits");
	cmd->map = true;
	cmd->event_bits = size + 1;
	cmd->itt = FIELD_GET(ITS_CMD2_ITT_ADDR, host[2]) << 8;
	cmd->itt_size = BIT(cmd->event_bits) * lim->ite_size;
	if (!its_device_find(devs, nr_devs, cmd->devid) && nr_devs == ITS_MAX_DEVICES)
		return refuse(why, "too many devices mapped");
	cmd->raw[1] |= FIELD_PREP(ITS_CMD1_SIZE, size);
	cmd->raw[2] |= ITS_CMD2_VALID | FIELD_PREP(ITS_CMD2_ITT_ADDR, cmd->itt >> 8);
	return 0;
}

int its_cmd_check(const struct its_limits *lim, const struct its_device *devs,
		  unsigned int nr_devs, const u64 host[4], struct its_cmd *cmd, const char **why)
{
	u64 intid;
	int ret;

	*cmd = (struct its_cmd){ 0 };
	*why = NULL;
	cmd->op = FIELD_GET(ITS_CMD0_OP, host[0]);
	cmd->devid = FIELD_GET(ITS_CMD0_DEVICEID, host[0]);
	cmd->raw[0] = FIELD_PREP(ITS_CMD0_OP, cmd->op);
	switch (cmd->op) {
	case ITS_CMD_SYNC:
		return check_rdbase(lim, host[2], &cmd->raw[2], why);
	case ITS_CMD_MOVALL:
		ret = check_rdbase(lim, host[2], &cmd->raw[2], why);
		return ret ?: check_rdbase(lim, host[3], &cmd->raw[3], why);
	case ITS_CMD_INVALL:
		return check_icid(lim, host[2], cmd, why);
	case ITS_CMD_MAPC:
		ret = check_icid(lim, host[2], cmd, why);
		if (ret || !(host[2] & ITS_CMD2_VALID))
			return ret;
		cmd->raw[2] |= ITS_CMD2_VALID;
		return check_rdbase(lim, host[2], &cmd->raw[2], why);
	case ITS_CMD_MAPD:
	case ITS_CMD_MAPTI:
	case ITS_CMD_MAPI:
	case ITS_CMD_MOVI:
	case ITS_CMD_INT:
	case ITS_CMD_CLEAR:
	case ITS_CMD_INV:
	case ITS_CMD_DISCARD:
		break;
	default:
		return refuse(why, "unknown or GICv4 command");
	}
	/* The commands that name a device. */
	if (cmd->devid >= BIT(lim->devid_bits))
		return refuse(why, "DeviceID outside the ITS's DeviceID bits");
	cmd->raw[0] |= FIELD_PREP(ITS_CMD0_DEVICEID, cmd->devid);
	if (cmd->op == ITS_CMD_MAPD)
		return check_mapd(lim, devs, nr_devs, host, cmd, why);
	ret = check_event(lim, devs, nr_devs, host, cmd, why);
	if (ret)
		return ret;
	switch (cmd->op) {
	case ITS_CMD_MAPTI:
	case ITS_CMD_MAPI:
		intid = cmd->op == ITS_CMD_MAPTI ? FIELD_GET(ITS_CMD1_PINTID, host[1]) :
						   FIELD_GET(ITS_CMD1_EVENTID, host[1]);
		ret = check_lpi(lim, intid, why);
		if (!ret && cmd->op == ITS_CMD_MAPTI)
			cmd->raw[1] |= FIELD_PREP(ITS_CMD1_PINTID, intid);
		return ret ?: check_icid(lim, host[2], cmd, why);
	case ITS_CMD_MOVI:
		return check_icid(lim, host[2], cmd, why);
	default:
		return 0;
	}
}
