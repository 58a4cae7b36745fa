"""Project configuration for the resource platform (settings, URLs, WSGI/ASGI).

Imported as ``config``: the folder ``platform/`` is put on the import path by
manage.py, wsgi/asgi, pytest and ruff, and has no ``__init__.py`` itself so that
``import platform`` keeps meaning the standard-library module.
"""
