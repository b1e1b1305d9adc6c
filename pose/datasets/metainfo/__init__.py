"""Dataset description files (``dataset_info = dict(...)``), loaded with ``from_file``.

They are data, not modules to import; this file only makes setuptools ship them.
"""
