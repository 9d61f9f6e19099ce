"""Engine factory, unit of work and migrations."""
