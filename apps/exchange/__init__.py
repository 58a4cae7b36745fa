"""Excel (.xlsx) in and out for the four libraries: templates, checked imports, exports.

Where things are
    columns.py     the vocabulary of a sheet: ``LibrarySpec`` and the ``Column`` types (header,
                   content field, how a cell is read, written, compared). Each library
                   declares its own sheet with them (``apps/<library>/sheet.py``) and names
                   it in its registry entry; ``spec_for(model)`` finds it.
    limits.py      how large one import may be.
    importing.py   ``import_workbook(model, fileobj, *, user, owner_code)``.
    workbooks.py   ``export_workbook(model, queryset, *, user)``, ``template_workbook(model)``.
    services.py    the public names of both; exceptions.py ``ImportRejected`` / ``RowError``.
    api.py         ``ExchangeViewSetMixin``: ``export/``, ``import-template/``, ``import/``.
    admin.py       ``ExchangeAdminMixin``: "export selected" action, ``import/`` page,
                   ``import-template/`` download, links on the changelist, a job's page.
    models.py      ``ExchangeJob``: an export or import run as a job, its progress and result.
    jobs.py        ``start_export`` / ``start_import`` (in the request's transaction) and the
                   job ``run_exchange_job`` that runs either as its user.

Decisions
    * Headers are fixed Chinese text (the file format), not translated: a file written
      under one interface language imports under another. Messages, the instructions
      sheet and the admin page are translated as usual.
    * Titles: 课程名称 / 姓名 / 标题 / 名称; every library also accepts 标题, and 时长(分钟)
      with ASCII brackets. A trailing ``*`` on a header is tolerated.
    * Scalar cells are checked by the model field's own ``clean`` (length, range, decimal
      places, e-mail), plus the column type's database bounds, so SQLite refuses what
      PostgreSQL would. Whole numbers typed as 60.0 are accepted; 60.5 is not. Trailing
      zeros beyond the allowed decimals are dropped, never a digit.
    * Vocabulary cells take the Chinese name, the code (any case) or the English name;
      terms no longer in use are still accepted (as by the API) but not listed. Many
      values: 、 , ， ; ； or line breaks. Organisation cells take the code only, and the
      kind is checked (发生地: district or town; 报送部门: department; 镇街 in the 区).
    * A blank cell clears the field, except 专兼职 (a required choice): blank leaves it.
      A column left out of the file is left alone on update. Unknown or repeated headers
      are problems (row 1), so a typo never drops a column silently; the read-only export
      columns (编号, 所属单位, 状态, 共享范围, 版本) are ignored, so an export re-imports.
    * Matching is by exact (trimmed) title among the owner's resources, whatever their
      status. Identical → unchanged (even if rejected or withdrawn). Changed draft,
      rejected or withdrawn → updated through ``resource_update`` (back to draft). Changed
      pending or published → a problem naming the changed columns. Two stored resources
      with the title, or the same title twice in the file → a problem.
    * Every row is checked before anything is written; matching, locking (SELECT ... FOR
      UPDATE on the matched rows) and all writes happen in one transaction, so a status
      change between check and write cannot slip through.
    * Only the first sheet is read. Limits: 5 MB, 5000 non-empty rows, 100 MB unpacked
      (zip bombs); the workbook is opened read-only with dimensions reset. Problems are
      listed up to 1000 (the count is always given). The API answers 400 problem+json
      with ``errors`` keyed ``rows.<row>.<column>`` (or ``file`` / ``owner``) and ``rows``.
    * Personal columns (a lecturer's 手机, 电子邮箱, 证件号码) are read only if the library's
      spec lets the importer write them (``may_write_personal``; for lecturers:
      ``faculty.privacy``); from empty cells no contact row is made. On export they are
      filled per row the spec says is readable (``readable_personal``) and omitted when
      no row qualifies; only the readable rows' personal data is ever queried.
    * Exports re-select exactly what they print (dropping the viewset's own joins and
      prefetches): one query for rows, one per multi-valued column, one for contact data.
      Text is always written as text (a cell starting with "=" is never a formula), with
      control characters removed and cut at Excel's 32767-character limit. Responses are
      ``Cache-Control: private, no-store`` as they may hold personal data.
    * Large work leaves the request: an export of more than EXPORT_INLINE_ROWS rows, an
      import of more than IMPORT_INLINE_ROWS rows, or either on request (``?async=1``, the
      admin's checkbox) becomes an ``ExchangeJob`` (202 + ``Location``). EXPORT_MAX_ROWS
      bounds only the export made in the request, EXPORT_JOB_MAX_ROWS a job's. The job runs
      as its user with what they may see and do when it runs; its file is served to them only.
    * Not exported: a course's linked cases, sites and teaching group, a site's lecturers
      and lifecycle (links to other resources do not travel between schools by file).
"""
