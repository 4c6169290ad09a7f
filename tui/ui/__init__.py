"""The Textual dashboard: panes, detail, stance matrix, help and command palette.

Everything here imports the data core; nothing in the core imports this package.
"""
