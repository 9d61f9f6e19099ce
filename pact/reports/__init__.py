"""PDF documents made with reportlab: pure functions from plain data to PDF bytes.

Nothing here imports Qt; the UI decides where the bytes go (printer or file).
"""
