"""Leave requests (DOMAIN.md §4): ``workflow`` (who decides, approve, reject), its forms and pages."""
