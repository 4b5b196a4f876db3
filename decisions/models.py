# Inspections, recall and reward decisions (DOMAIN.md §7, §8) live here.
