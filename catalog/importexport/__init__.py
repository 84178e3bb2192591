"""CSV and Excel (.xlsx) import and export of products and their variants.

One row per variant, the product's columns repeated on each of its rows (see
``layout``). An import is checked row by row and then applied through
``catalog.services`` in one transaction: any bad row anywhere and nothing is written.

Why not django-import-export: its resources save model instances themselves
(``instance.save()`` and ``bulk_create``), row by row, which would bypass the catalog
services that own every write here (sanitised descriptions, the notice check, 옵션가
floors, audit events). Its one-row-one-instance model also fits our one-row-per-variant
layout badly. Reading and writing the two formats is the small part; openpyxl and the
csv module do it.
"""
