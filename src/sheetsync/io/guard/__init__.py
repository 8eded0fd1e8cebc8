"""Hostile-file checks done before any reader touches a file."""
