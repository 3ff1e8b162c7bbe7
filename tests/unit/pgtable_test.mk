unit_pgtable_test_srcs := hyp/pgtable.c
