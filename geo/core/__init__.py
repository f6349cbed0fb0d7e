"""Infrastructure every area stands on: settings, errors, messages, the database, files, coordinates, time."""
