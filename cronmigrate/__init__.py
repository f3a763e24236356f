"""cronmigrate: move cron jobs to AWS Lambda, with every schedule proven equal."""

__version__ = "0.1.0"
