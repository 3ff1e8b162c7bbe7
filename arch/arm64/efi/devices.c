// SPDX-License-Identifier: GPL-2.0-only
/*
 * The firmware's drivers of removed devices (ARCHITECTURE.md section 9).
 * The firmware goes on running as the host after the install, so a driver
 * it bound to a device the DMA policy removes would touch registers that
 * are now the hypervisor's and take an external abort: EDK2's VirtioBlkDxe
 * resets its virtio-mmio device at ExitBootServices, which Linux's EFI stub
 * calls (seen on QEMU virt with a virtio-blk-device: "Synchronous
 * Exception" in the firmware). So, before the install, while the registers
 * are still the host's, the loader disconnects every driver from such a
 * device: the drivers stop (VirtioBlkDxe resets its device) and forget it.
 *
 * UEFI names a device's registers only in some device paths. Handled here:
 * EDK2's virtio-mmio transports (ArmVirtPkg VirtioFdtDxe), a vendor
 * hardware node with gVirtioMmioTransportGuid and the transport's base
 * address. A firmware driver of any other removed device is not found.
 */
#include <string.h>

#include "loader.h"

/* gVirtioMmioTransportGuid (EDK2 OvmfPkg/OvmfPkg.dec). */
static EFI_GUID virtio_mmio_guid = { 0x837dca9e, 0xe874, 0x4d82,
				     { 0xb2, 0x9a, 0x23, 0xfe, 0x0e, 0x23, 0xd1, 0xe2 } };

/* VenHw(gVirtioMmioTransportGuid, base)/End: a transport, and its base. */
static bool virtio_mmio_transport(EFI_DEVICE_PATH *dp, UINT64 *base)
{
	UINTN len = DevicePathNodeLength(dp);
	EFI_DEVICE_PATH *end;

	if (DevicePathType(dp) != HARDWARE_DEVICE_PATH || DevicePathSubType(dp) != HW_VENDOR_DP ||
	    len < sizeof(VENDOR_DEVICE_PATH) + sizeof(*base) ||
	    CompareGuid(&((VENDOR_DEVICE_PATH *)dp)->Guid, &virtio_mmio_guid))
		return false;
	end = NextDevicePathNode(dp);
	if (!IsDevicePathEnd(end))
		return false; /* a child of a transport: it goes with its parent */
	/* The base follows the 20-byte vendor node, unaligned. */
	memcpy(base, (UINT8 *)dp + sizeof(VENDOR_DEVICE_PATH), sizeof(*base));
	return true;
}

static bool is_removed(const struct boot_info *bi, UINT64 addr)
{
	UINT32 i;

	for (i = 0; i < bi->nr_removed && i < BOOT_INFO_MAX_REMOVED; i++)
		if (addr >= bi->removed[i].base && addr - bi->removed[i].base < bi->removed[i].size)
			return true;
	return false;
}

void efi_release_removed_devices(const struct boot_info *bi, bool release)
{
	EFI_HANDLE *handles = NULL;
	EFI_DEVICE_PATH *dp;
	EFI_STATUS status;
	UINTN n = 0, i, done = 0;
	UINT64 base;

	if (!bi->nr_removed)
		return;
	status = uefi_call_wrapper(BS->LocateHandleBuffer, 5, ByProtocol, &DevicePathProtocol,
				   NULL, &n, &handles);
	if (EFI_ERROR(status))
		return;
	for (i = 0; i < n; i++) {
		status = uefi_call_wrapper(BS->HandleProtocol, 3, handles[i], &DevicePathProtocol,
					   (void **)&dp);
		if (EFI_ERROR(status) || !virtio_mmio_transport(dp, &base) || !is_removed(bi, base))
			continue;
		if (!release) {
			/* The install failed: the firmware may use the device again. */
			uefi_call_wrapper(BS->ConnectController, 4, handles[i], NULL, NULL, TRUE);
			continue;
		}
		status = uefi_call_wrapper(BS->DisconnectController, 3, handles[i], NULL, NULL);
		if (EFI_ERROR(status))
			LOG(L"warning: dma policy: virtio-mmio %lx: cannot disconnect the "
			    L"firmware's drivers (%r): the firmware may abort on it\n",
			    base, status);
		else
			done++;
	}
	FreePool(handles);
	if (done)
		LOG(L"dma policy: the firmware's drivers let go of %d removed virtio-mmio "
		    L"transports\n", done);
}
