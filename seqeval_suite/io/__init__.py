"""Readers and writers for the file formats seqeval-suite understands."""
