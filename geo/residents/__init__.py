"""The residents' own side of the service: signing in by phone, texts to their phone, and (to come) their reports,
needs, points and the results made public. The register of residents that staff keep is geo/people."""
