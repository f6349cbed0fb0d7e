"""Who may do what: the actor, scopes, permissions, accounts, throttling, audit, encryption, privacy."""
