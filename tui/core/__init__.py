"""The data core: model, reading, merging, search, feeds and export. Never imports Textual."""
