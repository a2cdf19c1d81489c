"""Files in and out: spreadsheet readers, document writers, and safe file writing."""
