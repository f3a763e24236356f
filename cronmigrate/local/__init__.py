"""Running generated jobs on this machine: a Lambda Runtime API server and ``cronmigrate run``."""
