"""The build engine: programs over outputs, one shared run, and the report.

`commands/build.py` runs the programs in order over one `Run` (`run.py`):
`accounts.py` (each account's pages, made in workers), `site.py` (the portfolio's
pages and the theme's files), `printed.py` (the PDFs); `keys.py` fingerprints what
each output is made from, `folder.py` decides whether the output folder may be
written, and `report.py` says what was done.
"""
