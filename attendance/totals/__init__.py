"""Monthly on-site totals (DOMAIN.md §5): ``compute`` (the figures), ``tasks`` (beat and per county),
``selectors``, ``views`` and ``exports`` (the 月度统计表 and 生活补助发放表), and ``signals`` — the
hand-off upward (``totals_changed``) once a county-month's figures changed.
"""
