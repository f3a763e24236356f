"""The bash runtime and generated functions, run for real against a local Runtime API.

The bootstrap and the handlers come out of the real zips, unpacked as Lambda unpacks them
(the layer into opt/, the function into task/).
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cronmigrate.local.runtime_api import Outcome, RuntimeAPI, running_bootstrap, runtime_api, unzip
from tests.helpers import generate_into

# quotes, a backslash, a newline, NUL, a control character, bytes that are not UTF-8, ✓
HOSTILE = 'q" b\\\\ n\\n nul\\0 ctl\\1 bad\\377\\376 ok \\342\\234\\223'
JOBS = {
    "hello": "GREETING=hello\n0 1 * * * /opt/t/hello.sh world\n",
    "fail": "0 2 * * * /opt/t/fail.sh\n",
    "exit": "0 3 * * * exit 0\n",
    "hostile": "0 4 * * * printf '" + HOSTILE + "'; exit 9\n",
    "sleep": "0 5 * * * echo sleeping; sleep 30\n",
    "stdin": "0 6 * * * cat%line one%line two\n",
    "trace": "0 7 * * * echo trace=$_X_AMZN_TRACE_ID event=$CRONMIGRATE_EVENT\n",
    "sources": "0 8 * * * /opt/t/uses-lib.sh >> /var/log/t.log 2>&1\n",
    "runparts": "0 9 * * * test -x /usr/sbin/anacron || run-parts --report /opt/t/daily\n",
    "runparts-empty": "0 9 * * * run-parts --report /opt/t/empty && echo ran-nothing\n",
    "tz": "CRON_TZ=America/New_York\n0 0 * * * date +\\%Z\\%z; date -d @1720000000 +\\%Z\\%z; "
    "date -d @1736000000 +\\%Z\\%z; echo TZ=$TZ\n",
    "tz-default": "0 0 * * * date +\\%Z; TZ=Asia/Tokyo date +\\%Z\\%z\n",
    "sudo": "0 1 * * * sudo -u app /opt/t/hello.sh sudo\n",
    "su": "0 1 * * * su - app -c '/opt/t/hello.sh su' >/dev/null 2>&1; echo su=$?\n",
    "runuser": "0 1 * * * runuser -u app -- /opt/t/hello.sh runuser\n",
    "background": "0 2 * * * (sleep 20; echo late) & setsid sh -c 'sleep 30; echo later' & "
    "sleep 30 >/dev/null 2>&1 & echo done\n",
    "big-output": "0 3 * * * yes 0123456789abcdef | head -n 3000000; "
    "head -c 600000 /dev/zero > /tmp/fill && echo wrote-after; exit 5\n",
    "wipe": "0 4 * * * echo before; rm -rf /tmp/* /tmp/.[!.]* 2>/dev/null; echo cleaned; exit 4\n",
    "own-124": "0 5 * * * echo mine; exit 124\n",
    "own-137": "0 5 * * * echo oom; kill -9 $$\n",
}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("rt")
    root = base / "server"
    (root / "opt/t").mkdir(parents=True)
    (root / "opt/t/hello.sh").write_text('#!/bin/sh\necho "$GREETING $1 from $(pwd)"\n')
    (root / "opt/t/fail.sh").write_text("#!/bin/sh\necho something broke >&2\nexit 3\n")
    (root / "opt/t/lib.sh").write_text('# a library\ngreet() { echo "hi from $1\'s lib"; }\n')
    (root / "opt/t/uses-lib.sh").write_text("#!/bin/bash\n. /opt/t/lib.sh\ngreet the\n")
    (root / "opt/t/daily").mkdir()
    (root / "opt/t/empty").mkdir()
    (root / "opt/t/daily/10-first").write_text("#!/bin/sh\necho first part\n")
    (root / "opt/t/daily/20-second").write_text("#!/bin/sh\necho second part\n")
    (root / "opt/t/daily/skip.sh").write_text("#!/bin/sh\necho skipped\n")
    for f in (root / "opt/t/daily").iterdir():
        f.chmod(0o755)
    for f in (root / "opt/t").iterdir():
        if f.is_file():
            f.chmod(0o755)
    tabs = base / "tabs"
    tabs.mkdir()
    for name, text in JOBS.items():
        (tabs / name).write_text(text)
    out = base / "out"
    # setsid is util-linux, which provided.al2023 lacks (CM501): the job that starts a daemon
    # with it is generated anyway, as a user who knows better would (it runs here).
    config = base / "cronmigrate.yaml"
    config.write_text(f"jobs:\n  {tabs / 'background'}:1:\n    accept_missing: true\n")
    dep = generate_into(
        out,
        [str(tabs)],
        cwd=base,
        root=root,
        timezone="UTC",
        iac=frozenset({"sam"}),
        config=str(config),
    )
    assert len(dep.jobs) == len(JOBS)  # type: ignore[attr-defined]
    return out


@pytest.fixture
def sandbox(built: Path, tmp_path: Path) -> Path:
    unzip(built / "dist/bash-runtime-layer.zip", tmp_path / "opt")
    return tmp_path


def _task(built: Path, sandbox: Path, job: str) -> Path:
    (z,) = (built / "dist").glob(f"*-{_hash_of(built, job)}.zip")
    task = sandbox / f"task-{job}"
    unzip(z, task)
    return task


def _hash_of(built: Path, job: str) -> str:
    readme = (built / "README.md").read_text()
    for line in readme.splitlines():
        if f"tabs/{job}:" in line:
            return line.split("`")[1].rsplit("-", 1)[1]
    raise AssertionError(job)


@pytest.fixture
def api() -> Iterator[RuntimeAPI]:
    with runtime_api() as server:
        yield server


def run(
    api: RuntimeAPI,
    sandbox: Path,
    task: Path,
    events: int = 1,
    timeout_ms: int = 10_000,
    handler: str = "function.sh",
    private_tmp: str | None = None,
    hide_zoneinfo: bool = False,
) -> tuple[list[Outcome], bytes]:
    outcomes: list[Outcome] = []
    with running_bootstrap(
        api,
        sandbox / "opt/bootstrap",
        task,
        handler,
        private_tmp=private_tmp,
        hide_zoneinfo=hide_zoneinfo,
    ) as proc:
        for i in range(events):
            rid = api.invoke({"source": "cronmigrate", "n": i}, timeout_ms=timeout_ms)
            o = api.outcome()
            assert o.request_id == rid
            outcomes.append(o)
        proc.terminate()
        logs = proc.stdout.read() if proc.stdout else b""
    return outcomes, logs


def test_success_runs_the_bundled_script_with_the_crontab_environment(
    api: RuntimeAPI, built: Path, sandbox: Path
) -> None:
    outcomes, logs = run(api, sandbox, _task(built, sandbox, "hello"))
    assert outcomes[0].kind == "response"
    assert outcomes[0].json() == {"status": "ok", "exitCode": 0}
    assert b"hello world from /tmp" in logs


def test_failure_posts_an_error_with_the_exit_status_and_output_tail(
    api: RuntimeAPI, built: Path, sandbox: Path
) -> None:
    (o,), _ = run(api, sandbox, _task(built, sandbox, "fail"))
    assert o.kind == "error"
    assert o.headers["lambda-runtime-function-error-type"] == "Cron.CommandFailed"
    doc = o.json()
    assert doc["errorType"] == "Cron.CommandFailed"
    assert doc["errorMessage"] == "the job exited with status 3: something broke"
    assert doc["stackTrace"] == ["something broke"]


def test_exit_in_the_job_does_not_end_the_runtime(
    api: RuntimeAPI, built: Path, sandbox: Path
) -> None:
    outcomes, _ = run(api, sandbox, _task(built, sandbox, "exit"), events=5)
    assert [o.kind for o in outcomes] == ["response"] * 5


def test_hostile_output_gives_valid_json(api: RuntimeAPI, built: Path, sandbox: Path) -> None:
    (o,), logs = run(api, sandbox, _task(built, sandbox, "hostile"))
    assert o.kind == "error"
    o.body.decode("utf-8")  # strictly valid UTF-8
    doc = json.loads(o.body)
    message = doc["errorMessage"]
    assert message.startswith("the job exited with status 9: ")
    assert 'q" b\\ n' in "\n".join(doc["stackTrace"])
    assert "ctl\x01 bad\ufffd\ufffd ok \u2713" in message
    assert b"bad\xff\xfe" in logs  # CloudWatch gets the bytes as they were


def test_timeout_stops_the_job_and_reports_it(api: RuntimeAPI, built: Path, sandbox: Path) -> None:
    task = _task(built, sandbox, "sleep")
    with running_bootstrap(api, sandbox / "opt/bootstrap", task) as proc:
        start = time.monotonic()
        api.invoke({}, timeout_ms=1500)
        o = api.outcome()
        took = time.monotonic() - start
        assert o.kind == "error"
        assert o.json()["errorType"] == "Cron.Timeout"
        assert "sleeping" in o.json()["errorMessage"]
        assert took < 1.5
        api.invoke({}, timeout_ms=700)  # and the runtime still serves the next one
        assert api.outcome().json()["errorType"] == "Cron.Timeout"
        proc.terminate()


def test_stdin_from_percent(api: RuntimeAPI, built: Path, sandbox: Path) -> None:
    (o,), logs = run(api, sandbox, _task(built, sandbox, "stdin"))
    assert o.kind == "response"
    assert b"line one\nline two\n" in logs


def test_trace_id_and_event_reach_the_job(api: RuntimeAPI, built: Path, sandbox: Path) -> None:
    (o,), logs = run(api, sandbox, _task(built, sandbox, "trace"))
    assert o.kind == "response"
    assert b"trace=Root=1-5759e988-bd862e3fe1be46a994272793" in logs
    assert b'"source": "cronmigrate"' in logs


def test_a_script_sourcing_a_library_runs_from_the_bundle(
    api: RuntimeAPI, built: Path, sandbox: Path
) -> None:
    (o,), logs = run(api, sandbox, _task(built, sandbox, "sources"))
    assert o.kind == "response", o.body
    assert b"hi from the's lib" in logs  # and no longer written to /var/log/t.log


def test_run_parts_runs_the_bundled_directory(api: RuntimeAPI, built: Path, sandbox: Path) -> None:
    (o,), logs = run(api, sandbox, _task(built, sandbox, "runparts"))
    assert o.kind == "response", o.body
    text = logs.decode()
    assert text.index("first part") < text.index("second part")
    assert "/opt/t/daily/10-first:" in text and "skipped" not in text


def test_missing_handler_is_an_init_error(api: RuntimeAPI, built: Path, sandbox: Path) -> None:
    task = _task(built, sandbox, "hello")
    with running_bootstrap(api, sandbox / "opt/bootstrap", task, handler="nope.sh") as proc:
        o = api.outcome()
        assert o.kind == "init-error"
        assert o.headers["lambda-runtime-function-error-type"] == "Runtime.HandlerNotFound"
        assert "nope.sh" in o.json()["errorMessage"]
        assert proc.wait(timeout=10) != 0


def test_many_invocations_leave_no_temp_files(api: RuntimeAPI, built: Path, sandbox: Path) -> None:
    task = _task(built, sandbox, "exit")
    with running_bootstrap(api, sandbox / "opt/bootstrap", task) as proc:
        for _ in range(30):
            api.invoke({})
            assert api.outcome().kind == "response"
        tmp = task.parent / "tmp"
        assert list(tmp.rglob("*")) == []  # nothing under a name between invocations
        proc.terminate()
        proc.wait(timeout=10)
    assert list(tmp.iterdir()) == []  # removed on exit


def test_the_job_runs_in_the_crontabs_zone_from_the_shipped_zone_files(
    api: RuntimeAPI, built: Path, sandbox: Path
) -> None:
    # /usr/share/zoneinfo hidden, as on provided.al2023: the layer's files are used
    (o,), logs = run(
        api, sandbox, _task(built, sandbox, "tz"), private_tmp="4m", hide_zoneinfo=True
    )
    assert o.kind == "response", o.body
    lines = logs.decode().split()
    assert lines[0] in {"EST-0500", "EDT-0400"}  # now, in New York
    assert lines[1:4] == ["EDT-0400", "EST-0500", "TZ=America/New_York"]  # across DST
    assert (built / "layers/bash-runtime/cronmigrate/zoneinfo/America/New_York").is_file()


def test_the_default_zone_and_a_zone_the_command_names(
    api: RuntimeAPI, built: Path, sandbox: Path
) -> None:
    (o,), logs = run(
        api, sandbox, _task(built, sandbox, "tz-default"), private_tmp="4m", hide_zoneinfo=True
    )
    assert o.kind == "response", o.body
    assert logs.decode().split() == ["UTC", "JST+0900"]


@pytest.mark.parametrize("job", ["sudo", "su", "runuser"])
def test_sudo_su_and_runuser_are_stripped_and_the_job_runs(
    api: RuntimeAPI, built: Path, sandbox: Path, job: str
) -> None:
    handler = (_task(built, sandbox, job) / "function.sh").read_text()
    assert job not in handler.split("exec ", 1)[1].split("/opt/t")[0]
    (o,), logs = run(api, sandbox, _task(built, sandbox, job))
    assert o.kind == "response", o.body
    assert (b"su=0" if job == "su" else f" {job} from /tmp".encode()) in logs


def test_run_parts_with_an_empty_directory_runs_nothing(
    api: RuntimeAPI, built: Path, sandbox: Path
) -> None:
    (o,), logs = run(api, sandbox, _task(built, sandbox, "runparts-empty"))
    assert o.kind == "response", o.body
    assert b"ran-nothing" in logs


def _marked(request_id: str) -> list[int]:
    """Processes still carrying the invocation's mark in their environment."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if f"CRONMIGRATE_RUN={request_id}".encode() in (proc / "environ").read_bytes():
                found.append(int(proc.name))
        except (OSError, ValueError):
            continue
    return found


def test_background_processes_neither_hold_the_invocation_nor_survive_it(
    api: RuntimeAPI, built: Path, sandbox: Path
) -> None:
    task = _task(built, sandbox, "background")
    with running_bootstrap(api, sandbox / "opt/bootstrap", task) as proc:
        start = time.monotonic()
        rid = api.invoke({}, timeout_ms=10_000)
        o = api.outcome()
        took = time.monotonic() - start
        assert o.kind == "response", o.body
        assert took < 3  # not 20 s (the subshell) or 30 s (the setsid one)
        assert _marked(rid) == []
        rid = api.invoke({}, timeout_ms=10_000)  # and the next one is served alike
        assert api.outcome().kind == "response"
        assert _marked(rid) == []
        proc.terminate()
        logs = proc.stdout.read() if proc.stdout else b""
    assert logs.count(b"done") == 2 and b"late" not in logs


def test_large_output_is_streamed_and_only_its_tail_kept(
    api: RuntimeAPI, built: Path, sandbox: Path, tmp_path: Path
) -> None:
    task = _task(built, sandbox, "big-output")
    with (
        (tmp_path / "logs").open("wb") as logs,
        running_bootstrap(api, sandbox / "opt/bootstrap", task, stdout=logs, private_tmp="1m"),
    ):
        api.invoke({}, timeout_ms=60_000)
        o = api.outcome(timeout=60)
    # /tmp is 1 MB: the job's own 600 kB file still fits after 50 MB of output
    assert o.json()["errorMessage"] == "the job exited with status 5: wrote-after"
    assert (tmp_path / "logs").stat().st_size >= 50_000_000
    assert len(o.body) < 8192


def test_a_job_that_wipes_tmp_keeps_its_error_report(
    api: RuntimeAPI, built: Path, sandbox: Path
) -> None:
    outcomes, _ = run(api, sandbox, _task(built, sandbox, "wipe"), events=2, private_tmp="1m")
    for o in outcomes:
        assert o.json()["errorMessage"] == "the job exited with status 4: cleaned"
        assert o.json()["stackTrace"] == ["before", "cleaned"]


@pytest.mark.parametrize(
    ("job", "message"),
    [
        ("own-124", "the job exited with status 124: mine"),
        ("own-137", "the job exited with status 137 (killed by signal 9): oom"),
    ],
)
def test_a_jobs_own_124_or_137_is_a_failure_not_a_timeout(
    api: RuntimeAPI, built: Path, sandbox: Path, job: str, message: str
) -> None:
    (o,), _ = run(api, sandbox, _task(built, sandbox, job))
    assert o.json()["errorType"] == "Cron.CommandFailed"
    assert o.json()["errorMessage"] == message


def test_without_a_deadline_header_the_job_gets_the_functions_timeout(
    api: RuntimeAPI, built: Path, sandbox: Path
) -> None:
    stacks = "".join(t.read_text() for t in (built / "stacks").glob("*.yaml"))
    assert 'CRONMIGRATE_TIMEOUT: "900"' in stacks
    env = {"CRONMIGRATE_TIMEOUT": "2"}
    with running_bootstrap(
        api, sandbox / "opt/bootstrap", _task(built, sandbox, "exit"), env=env
    ) as proc:
        api.invoke({}, timeout_ms=None)
        assert api.outcome().kind == "response"  # run, not refused as timed out
        proc.terminate()
    with running_bootstrap(
        api, sandbox / "opt/bootstrap", _task(built, sandbox, "sleep"), env=env
    ) as proc:
        start = time.monotonic()
        api.invoke({}, timeout_ms=None)
        o = api.outcome()
        assert o.json()["errorType"] == "Cron.Timeout"
        assert 1.2 < time.monotonic() - start < 3
        proc.terminate()
