"""Monthly totals tasks."""
