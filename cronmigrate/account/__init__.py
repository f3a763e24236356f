"""The account: what a deployment put there (read with boto3, :mod:`.read`), compared with what
``generate`` wrote (:mod:`.compare`), and the switches ``cutover`` turns (:mod:`.switch`)."""
