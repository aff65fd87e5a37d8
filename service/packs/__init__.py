"""Board packs (issue 11): the deck's slides as a PowerPoint, a PDF and an Excel workbook,
made from one content (content.py), frozen as presented (record.py)."""
