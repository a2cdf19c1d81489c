"""The pages of the import wizard (file, sheet, mapping, preview, apply) and what they share."""
