unit_gicr_test_srcs := tests/unit/lib/gic_model.c tests/unit/lib/host_mem.c drivers/gic/gicr.c hyp/mmio.c \
	hyp/mem_protect.c hyp/pgtable.c hyp/page_alloc.c iommu/iommu.c hyp/lock.c \
	tests/unit/lib/hyp_stubs.c
