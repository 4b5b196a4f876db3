# Appraisal schemes, scores and rankings (DOMAIN.md §6) live here.
