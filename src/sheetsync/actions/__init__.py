"""Actions: the one registry both faces call, and the isolated batch runner."""
