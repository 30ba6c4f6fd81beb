"""The commands, one module per family; each registers its commands on the app."""
