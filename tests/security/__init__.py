"""Regression tests of the security review (issue "Trust: …"): each finding as it was, refused now."""
