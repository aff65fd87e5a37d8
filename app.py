"""The Dash app; the pages are not built yet."""
