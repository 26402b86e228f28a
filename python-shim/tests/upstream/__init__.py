"""The upstream Cinder Pure driver, unchanged, against the REST 2.x front end."""
