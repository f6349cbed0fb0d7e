"""Party-building-led governance (党建引领): organisations, members, their work, and its coverage (docs/party.md)."""
