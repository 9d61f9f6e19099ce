"""The PySide6 user interface. The only package (with the entry point) that imports Qt."""
