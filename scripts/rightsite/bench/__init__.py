"""`make bench`: synthetic projects at 1×, 10× and 50× the sample, timed phase by phase."""
