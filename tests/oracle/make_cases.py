"""Write tests/oracle/cases.txt: crontab lines for the Debian-cron oracle (deterministic).

Hand-picked edge cases first, then random near-crontab lines built from the pieces cron
users actually type, valid and not (Quartz/croniter syntax, names, steps, garbage).
"""

from __future__ import annotations

import random
from pathlib import Path

HAND = [
    "*/5 * * * * /x",
    "0/15 * * * * y",
    "1#2 * * * * z",
    "0 0 * * 1#2 z",
    "0 0 1-7 * 0 a",
    "0 0 */2 * 1 b",
    "0 0 1-7 * *",
    "0 3 * * * * six",
    "5-64/30 * * * * t",
    "0 0 * * fri-sun q",
    "0 0 * * sun-sat q",
    "0 0 * * 5-7 q",
    "0 0 * * 7 q",
    "0 0 * * 0,7 q",
    "@daily d",
    "@Daily d",
    "@reboot r",
    "@yearly y",
    "@annually y",
    "@monthly m",
    "@weekly w",
    "@hourly h",
    "@midnight m",
    "@every 5m x",
    "0 0 * jan,JUL * m",
    "*x * * * * w",
    "0 0 12-12 * * e",
    "0 0 17-9 * * r",
    "0 17-9 * * * r",
    "0 0 L * * l",
    "0 0 LW * * l",
    "0 0 15W * * l",
    "0 0 * * 5L l",
    "0 0 ? * * q",
    "0 0 * * ? q",
    "*/0 * * * * z",
    "*/60 * * * * s",
    "*/61 * * * * s",
    "0-59/0 * * * * z",
    "1,,2 * * * * c",
    "1, * * * * c",
    "1-5/2 * * * * c",
    "* * 31 2 * c",
    "* * 0 * * c",
    "* * * 0 * c",
    "* * * 13 * c",
    "* * * * 8 c",
    "60 * * * * c",
    "* 24 * * * c",
    "00 05 * * * c",
    "0 0 * * Monday c",
    "0 0 * January * c",
    "0 0 * * mon-fri c",
    "0 0 * * MON-FRI/2 c",
    "0 0 * * */2 c",
    "0 0 * */3 * c",
    "0 0 */7 * * c",
    "0 0 1/2 * * c",
    "0 0 * * 1-5,0 c",
    "0.5 * * * * c",
    "0;5 * * * * c",
    "5- * * * * c",
    "-5 * * * * c",
    "*-5 * * * * c",
    "*/5/2 * * * * c",
    "0 0 * * * date +%Y%m%d",
    "0 0 * * * a\\%b%c%d",
    "FOO=bar",
    "FOO=",
    "FOO = bar",
    "FOO =bar baz ",
    "FOO='a b'",
    'FOO="a b"',
    "FOO='a b' x",
    '"A B"=c',
    "'A'='B'",
    "=x",
    "A=B=C",
    "PATH=$PATH:/x",
    'MAILTO=""',
    "X=\"'y'\"",
    "0 3 * * *",
    "0 3 * * * ",
    "0 3 * *",
    "0 3",
    "* * * * * *cmd",
    "\t0\t3\t*\t*\t*\tcmd",
    "0 3 * * * cmd\r",
    "\r",
    "0 0 * * 0-7 c",
    "0 0 * * 7-0 c",
    "0 0 * * sun-sun c",
    "0 0 * * SUN c",
    "0 0 * * Sun c",
    "0 0 * * sUn c",
    "0 0 * jan-dec * c",
    "0 0 * dec-jan * c",
    "0 0 * feb-feb * c",
    "1-1 * * * * c",
    "59-0 * * * * c",
    "0 0 31 4,6,9,11 * c",
]

NUMS = [
    "0",
    "1",
    "2",
    "5",
    "7",
    "9",
    "12",
    "15",
    "17",
    "23",
    "24",
    "29",
    "30",
    "31",
    "32",
    "45",
    "59",
    "60",
    "00",
    "07",
]
NAMES = ["jan", "JUL", "Dec", "mon", "FRI", "sun", "Sat", "L", "W", "x", "Monday", "mar"]
OPS = ["-", "/", ",", "#"]


def piece(rnd: random.Random) -> str:
    r = rnd.random()
    if r < 0.25:
        return "*"
    if r < 0.35:
        return "*/" + rnd.choice(NUMS)
    if r < 0.75:
        return rnd.choice(NUMS)
    return rnd.choice(NAMES)


def field(rnd: random.Random) -> str:
    out = piece(rnd)
    while rnd.random() < 0.45:
        op = rnd.choice([*OPS, ",", ",", "-", "/"])
        out += op + piece(rnd)
    if rnd.random() < 0.03:
        out += rnd.choice([".", ";", "?", "!", "x"])
    return out


RANGES = [
    (0, 59, []),
    (0, 23, []),
    (1, 31, []),
    (1, 12, ["jan", "FEB", "Mar", "apr", "jun", "Jul", "sep", "oct", "NOV", "dec"]),
    (0, 7, ["sun", "MON", "Tue", "wed", "THU", "fri", "Sat"]),
]


def good_piece(rnd: random.Random, idx: int) -> str:
    low, high, names = RANGES[idx]
    r = rnd.random()
    if r < 0.2:
        return "*"
    if r < 0.35:
        return f"*/{rnd.randint(1, high - low + 2)}"

    def value() -> str:
        return (
            rnd.choice(names)
            if names and rnd.random() < 0.4
            else str(rnd.randint(low, high + (1 if rnd.random() < 0.05 else 0)))
        )

    if r < 0.7:
        return value()
    out = f"{value()}-{value()}"
    if rnd.random() < 0.4:
        out += f"/{rnd.randint(1, 12)}"
    return out


def good_field(rnd: random.Random, idx: int) -> str:
    out = good_piece(rnd, idx)
    while rnd.random() < 0.3:
        out += "," + good_piece(rnd, idx)
    return out


def main() -> None:
    rnd = random.Random(20261125)
    lines = list(HAND)
    for _ in range(3000):
        lines.append(" ".join(good_field(rnd, i) for i in range(5)) + " cmd")
    for _ in range(1000):
        fields = [field(rnd) for _ in range(5)]
        if rnd.random() < 0.05:
            fields.append(field(rnd))
        lines.append(" ".join(fields) + " cmd")
    Path(__file__).with_name("cases.txt").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
