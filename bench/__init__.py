"""The province-scale benchmark behind ``make bench`` (issue 7): build, scenarios, report."""
