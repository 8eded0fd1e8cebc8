"""Writing back at the OOXML package level, losing nothing; the atomic, checked write."""
