"""vocab-tui: English and digital-government vocabulary for civil servants, in the terminal."""

__version__ = "0.1.0"
