#!/usr/bin/env python3
"""Convert the shop's domain names for the DNS export: needs the idna distribution."""

import idna

print(idna.encode("bücher.example").decode())
