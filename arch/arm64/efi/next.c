// SPDX-License-Identifier: GPL-2.0-only
/*
 * Files on the loader's own volume, and starting the next stage (ARCHITECTURE.md
 * section 2, step 8): LoadImage/StartImage of an EFI application -- for Linux,
 * its EFI stub -- with the command line as its load options. The initrd is
 * passed the way the Linux EFI stub reads it from the same volume: an
 * "initrd=" argument on the command line.
 */
#include <string.h>

#include <isohyp/bits.h>

#include "loader.h"

#define MAX_PATH 512

static EFI_LOADED_IMAGE *loaded_image(EFI_HANDLE image)
{
	EFI_LOADED_IMAGE *li = NULL;

	uefi_call_wrapper(BS->HandleProtocol, 3, image, &LoadedImageProtocol, (void **)&li);
	return li;
}

EFI_STATUS efi_read_file(EFI_HANDLE image, const CHAR16 *path, char **data, UINTN *size)
{
	EFI_LOADED_IMAGE *li = loaded_image(image);
	EFI_FILE_HANDLE root, file;
	EFI_FILE_INFO *info;
	EFI_STATUS status;
	UINTN len;
	char *buf;

	root = li ? LibOpenRoot(li->DeviceHandle) : NULL;
	if (!root)
		return EFI_NOT_FOUND;
	status = uefi_call_wrapper(root->Open, 5, root, &file, (CHAR16 *)path, EFI_FILE_MODE_READ, 0);
	uefi_call_wrapper(root->Close, 1, root);
	if (EFI_ERROR(status))
		return status;
	info = LibFileInfo(file);
	if (!info) {
		uefi_call_wrapper(file->Close, 1, file);
		return EFI_DEVICE_ERROR;
	}
	len = info->FileSize;
	FreePool(info);
	buf = AllocatePool(len + 1);
	if (!buf) {
		uefi_call_wrapper(file->Close, 1, file);
		return EFI_OUT_OF_RESOURCES;
	}
	status = uefi_call_wrapper(file->Read, 3, file, &len, buf);
	uefi_call_wrapper(file->Close, 1, file);
	if (EFI_ERROR(status)) {
		FreePool(buf);
		return status;
	}
	buf[len] = '\0';
	*data = buf;
	*size = len;
	return EFI_SUCCESS;
}

/*
 * ASCII to UCS-2. A @path becomes absolute on the volume with UEFI's
 * separators: "EFI/x.efi" -> "\\EFI\\x.efi".
 */
static void to_ucs2(CHAR16 *dst, const char *src, UINTN max, bool path)
{
	UINTN i = 0;

	if (path && src[0] != '/' && src[0] != '\\' && max > 1)
		dst[i++] = L'\\';
	for (; *src && i + 1 < max; i++, src++)
		dst[i] = path && *src == '/' ? L'\\' : (CHAR16)(unsigned char)*src;
	dst[i] = 0;
}

EFI_STATUS efi_start_next(EFI_HANDLE image, const char *path, const char *cmdline,
			  const char *initrd)
{
	EFI_LOADED_IMAGE *li = loaded_image(image), *child_li = NULL;
	static CHAR16 wpath[MAX_PATH], wopts[2048];
	EFI_DEVICE_PATH *dp;
	EFI_HANDLE child;
	EFI_STATUS status;
	UINTN n;

	to_ucs2(wpath, path, MAX_PATH, true);
	dp = li ? FileDevicePath(li->DeviceHandle, wpath) : NULL;
	if (!dp) {
		ERR(L"cannot build a device path for %s\n", wpath);
		return EFI_OUT_OF_RESOURCES;
	}
	status = uefi_call_wrapper(BS->LoadImage, 6, FALSE, image, dp, NULL, 0, &child);
	FreePool(dp);
	if (EFI_ERROR(status)) {
		ERR(L"cannot load next stage %s: %r\n", wpath, status);
		return status;
	}
	to_ucs2(wopts, cmdline, ARRAY_SIZE(wopts), false);
	if (initrd && initrd[0]) {
		n = StrLen(wopts);
		if (n + 16 + strlen(initrd) >= ARRAY_SIZE(wopts)) {
			ERR(L"command line too long\n");
			uefi_call_wrapper(BS->UnloadImage, 1, child);
			return EFI_INVALID_PARAMETER;
		}
		StrCat(wopts, n ? L" initrd=" : L"initrd=");
		to_ucs2(wopts + StrLen(wopts), initrd, ARRAY_SIZE(wopts) - StrLen(wopts), true);
	}
	uefi_call_wrapper(BS->HandleProtocol, 3, child, &LoadedImageProtocol, (void **)&child_li);
	if (child_li) {
		child_li->LoadOptions = wopts;
		child_li->LoadOptionsSize = (StrLen(wopts) + 1) * sizeof(CHAR16);
	}
	LOG(L"starting %s %s\n", wpath, wopts);
	status = uefi_call_wrapper(BS->StartImage, 3, child, NULL, NULL);
	if (EFI_ERROR(status))
		ERR(L"next stage %s returned %r\n", wpath, status);
	return status;
}
