"""Attendance intake (DOMAIN.md §4): the template, an upload's check and confirmation, its versions.

``parse`` reads a workbook's cells, ``check`` validates it against the registry (writes nothing),
``versions`` keeps the upload rows (pending, rejected, superseded), ``write`` confirms one and
replaces the township-month's records; ``queue`` and ``tasks`` run the check in the background.
"""
