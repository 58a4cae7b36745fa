"""The curators' admin site, assembled (后台).

Each library brings its admin *part* (``apps/<library>/admin.py``, a ``SharedResourceAdmin``
subclass that reads and writes through the sharing policy and services) and names it in its
registry entry. This app registers one admin per library, composed with the features a
curator uses there: Excel import and export (``apps.exchange``). The libraries and the
sharing engine do not know it exists.
"""
