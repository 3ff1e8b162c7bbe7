unit_mmio_test_srcs := hyp/mmio.c hyp/mem_protect.c hyp/pgtable.c iommu/iommu.c \
	hyp/lock.c tests/unit/lib/host_mem.c tests/unit/lib/hyp_stubs.c
