"""Appraisal pages, one module per page: ``ranking`` (quarter ranking, compute, export),
``breakdown``, ``annual``, ``history`` (a cadre's quarters), ``schemes``, ``scores``; ``common``
holds what they share (area, county and period from the request, downloads).

Every queryset goes through ``for_user``; township staff read their township's results and are
refused (403) on anything that edits; another area's object is a 404.
"""
