"""The demo county (and a province, for benchmarks): data above every app, loaded by ``seed_demo``.

One module per step, run in this order by ``demo/management/commands/seed_demo.py``:
``county`` (the registry: counties, villages, units, cadres, postings, staff logins; its fictional
names in ``names``), ``attendance``, ``totals``, ``checkins`` (fences, check-ins, cadre logins),
``appraisal``, ``decisions`` (inspections and decisions in every state) and ``diary``. Every login
is listed in ``logins``. Nothing below imports this package.
"""
