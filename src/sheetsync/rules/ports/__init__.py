"""Ports: UN/LOCODE places, names and aliases, and how two port fields are compared."""
