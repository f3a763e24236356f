"""Runtime sources shipped to Lambda as they are (not templates): the bash ``bootstrap`` of
the custom runtime, ``aws.sh`` (SigV4-signed DynamoDB and SSM calls in bash) and a
Debian-compatible ``run-parts``. Read with :func:`cronmigrate.shipped.runtime_file`."""
