"""Input and output: reading (read/), hostile-file checks (guard/), package-level writing (ooxml/)."""
