"""Upload processing tasks."""
