"""The authoring workflow: init, new, git history, serve, completion, pre-commit hooks."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from conftest import FULL_ACCOUNT, REPO, TODAY, front, git, write

from generator.cli import main
from generator.commands.build import BuildOptions, build
from generator.commands.serve import DevServer, ServeOptions
from generator.project import open_project


def run(*args, cwd: Path | None = None):
    return CliRunner().invoke(main, [*(["-C", str(cwd)] if cwd else []), *args])


# --- init and new -----------------------------------------------------------------


def test_init_creates_a_git_project_that_builds_and_checks(tmp_path):
    target = tmp_path / "dossiers"
    result = run("init", str(target))
    assert result.exit_code == 0, result.output
    files = sorted(p.relative_to(target).as_posix() for p in target.rglob("*")
                   if p.is_file() and ".git" not in p.relative_to(target).parts)
    assert files == [".gitignore", ".pre-commit-config.yaml", "README.md",
                     "content/accounts/example-northwind-freight.md", "winback.yaml"]
    assert (target / ".git").is_dir()
    assert "Started a git repository (git init)." in result.output
    assert "example-northwind-freight.md is an example" in result.output
    assert "Delete it once you have added your own accounts." in result.output
    assert "winback help format" in result.output
    assert "/output\n" in (target / ".gitignore").read_text()
    assert yaml.safe_load((target / "winback.yaml").read_text()) is None  # all defaults, commented
    assert "winback help format" in (target / "winback.yaml").read_text()
    assert run("check", cwd=target).exit_code == 0
    assert run("build", "--no-pdf", "--today", "2026-11-26", cwd=target).exit_code == 0
    # The example shows a dossier, and counts nowhere else.
    index = (target / "output" / "index.html").read_text()
    assert "Example account, not counted:" in index and "0 accounts;" in index
    assert "meeting-example-northwind-freight" not in (target / "output" / "calendar.ics").read_text()
    assert "An example account:" in (
        target / "output" / "accounts" / "example-northwind-freight.html").read_text()
    # Its first dossier has a file history as soon as the files are committed.
    git(target, "add", ".")
    git(target, "commit", "-q", "-m", "Start the dossiers")
    run("build", "--no-pdf", "--today", "2026-11-26", cwd=target)
    page = (target / "output" / "accounts" / "example-northwind-freight.html").read_text()
    assert "Start the dossiers" in page and "No file history" not in page


def test_init_inside_a_repository_does_not_nest_one(tmp_path):
    git(tmp_path, "init", "-q")
    result = run("init", str(tmp_path / "dossiers"))
    assert result.exit_code == 0
    assert f"Already in the git repository at {tmp_path.resolve()}." in result.output
    assert not (tmp_path / "dossiers" / ".git").exists()


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path):
    write(tmp_path / "README.md", "mine\n")
    result = run("init", str(tmp_path))
    assert result.exit_code == 1
    assert f"would overwrite {tmp_path / 'README.md'}" in result.output
    assert (tmp_path / "README.md").read_text() == "mine\n"
    assert not (tmp_path / "winback.yaml").exists()


@pytest.mark.parametrize("name, slug", [
    ("Northwind Freight", "northwind-freight"),
    ("Café Léon & Fils", "cafe-leon-fils"),
    ("  O'Brien's -- Plumbing, Inc.  ", "o-brien-s-plumbing-inc"),
])
def test_new_derives_a_safe_slug_and_prints_the_path(project_dir, name, slug):
    result = run("new", name, "--owner", "Dana: Ops", "--today", "2026-11-26", cwd=project_dir)
    assert result.exit_code == 0, result.output
    path = project_dir / "content" / "accounts" / f"{slug}.md"
    assert result.stdout == f"{path}\n"
    assert result.stderr.startswith("Next: fill in the facts")
    text = path.read_text()
    assert 'owner: "Dana: Ops"' in text and "lost: 2026-11-26" in text
    for heading in ("Why they signed", "Wins", "Complaints", "Why we lost them",
                    "What we changed", "New needs", "Our commitment", "Notes for the meeting",
                    "History"):
        assert f"## {heading}\n<!--" in text
    # Every optional field is there, commented out.
    for field in ("# industry:", "# location:", "#   where:", "#   ours:", "#     left:",
                  "#     notes:", "#     owner:", "#     done:", "# sponsor:", "# approaches:",
                  "# if_no:", "#     letters:"):
        assert field in text, field
    check = run("check", "--format", "json", str(path), cwd=project_dir)
    assert check.exit_code == 0, check.output  # valid as created; only warnings


def test_new_file_shows_prompts_not_its_hints(project_dir):
    run("new", "Acme", "--status", "at-risk", cwd=project_dir)
    build(open_project(project_dir), BuildOptions(today=TODAY, pdf=False))
    page = (project_dir / "output" / "accounts" / "acme.html").read_text()
    assert "YYYY-MM-DD" not in page
    assert page.count('class="prompt"') >= 8


def test_new_refuses_to_overwrite_and_names_without_letters(project_dir):
    assert run("new", "Acme", cwd=project_dir).exit_code == 0
    again = run("new", "ACME", cwd=project_dir)
    assert again.exit_code == 1 and "acme.md already exists" in again.output
    long = run("new", "A" * 301, cwd=project_dir)  # once a 'File name too long' traceback
    assert long.exit_code == 1 and "the name is 301 characters long; the limit is 120" in (
        long.output)
    kanji = run("new", "東京商事", cwd=project_dir)
    assert kanji.exit_code == 1
    assert "choose one with --slug, e.g. --slug tokyo-shoji" in kanji.output
    chosen = run("new", "東京商事", "--slug", "tokyo-shoji", "--status", "active", cwd=project_dir)
    assert chosen.exit_code == 0
    path = project_dir / "content" / "accounts" / "tokyo-shoji.md"
    assert 'name: "東京商事"' in path.read_text()
    assert run("check", str(path), cwd=project_dir).exit_code == 0
    for index, name in enumerate(("1.5", "2026-01-02", "yes")):  # a number, a date, true
        number = run("new", name, "--slug", f"n-{index}", cwd=project_dir)
        assert number.exit_code == 0, number.output
        path = project_dir / "content" / "accounts" / f"n-{index}.md"
        assert f'name: "{name}"' in path.read_text()
        assert run("check", str(path), cwd=project_dir).exit_code == 0
    bad = run("new", "X", "--slug", "Bad Slug", cwd=project_dir)
    assert bad.exit_code == 1 and "--slug 'Bad Slug' is not a file name" in bad.output


def test_help_topics_travel_with_the_package(project_dir):
    listing = run("help")
    assert listing.exit_code == 0 and "winback help format" in listing.output
    result = run("help", "format")
    assert result.exit_code == 0
    assert result.output.startswith("# Account file format")
    assert "`check_in_first_months`" in result.output
    assert run("help", "install").output.startswith("# Installing winback")
    assert run("help", "nothing").exit_code == 2


def test_project_archetype_overrides_the_builtin(project_dir):
    write(project_dir / "archetypes" / "account.md",
          "---\nname: {{ name }}\nstatus: {{ status }}\n---\n\nCustom {{ slug }}\n")
    run("new", "Beta Co", "--status", "active", cwd=project_dir)
    assert (project_dir / "content" / "accounts" / "beta-co.md").read_text() == (
        "---\nname: Beta Co\nstatus: active\n---\n\nCustom beta-co\n")


# --- git history ------------------------------------------------------------------------


@pytest.fixture
def repo(project_dir, add_account):
    git(project_dir, "init", "-q", "-b", "main")
    add_account("northwind", FULL_ACCOUNT)
    add_account("old", front("""
        name: Old Co
        status: active
    """))
    git(project_dir, "add", ".")
    git(project_dir, "commit", "-q", "-m", "Add two accounts", date="2026-01-10T10:00:00")
    path = project_dir / "content" / "accounts" / "northwind.md"
    path.write_text(path.read_text().replace("value: 5200000", "value: 5300000"))
    git(project_dir, "commit", "-q", "-am", "Northwind: new annual value", author="Sam Okafor",
        date="2026-11-02T09:30:00")
    return project_dir


def built_page(project_dir: Path, slug: str) -> str:
    build(open_project(project_dir), BuildOptions(today=TODAY, pdf=False))
    return re.sub(r"\s+", " ", (project_dir / "output" / "accounts" / f"{slug}.html").read_text())


def test_dossier_shows_last_change_author_and_recent_changes(repo):
    page = built_page(repo, "northwind")
    history = re.search(r'<section id="file-history".*?</section>', page).group(0)
    assert "Last changed 2 Nov 2026 by Sam Okafor." in history
    changes = re.findall(r"</time> ([^:]+): ([^<]+) <code>", history)
    assert changes == [("Sam Okafor", "Northwind: new annual value"),
                       ("Dana Reyes", "Add two accounts")]
    assert "badge stale" not in page


def test_stale_accounts_are_flagged_on_dossier_and_index(repo):
    page = built_page(repo, "old")
    assert "Stale: not updated since 10 Jan 2026" in page
    index = re.sub(r"\s+", " ", (repo / "output" / "index.html").read_text())
    assert re.search(r'Old Co</a> <span class="badge stale">Stale</span>', index)
    assert not re.search(r'Northwind Freight</a> <span class="badge stale">', index)


def test_uncommitted_edits_are_noted(repo):
    path = repo / "content" / "accounts" / "old.md"
    path.write_text(path.read_text() + "\n## History\n- 2026-11-20: Called.\n")
    assert "with edits not yet committed" in built_page(repo, "old")


def test_without_git_or_in_a_shallow_clone_history_degrades(repo, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("elsewhere")  # outside the repository above
    shallow = tmp_path / "shallow"
    subprocess.run(["git", "clone", "-q", "--depth", "1", f"file://{repo}", str(shallow)],
                   check=True, capture_output=True)
    page = built_page(shallow, "northwind")
    assert "No file history: the repository is a shallow clone" in page
    plain = tmp_path / "plain"
    write(plain / "content" / "accounts" / "northwind.md", FULL_ACCOUNT)
    assert "No file history: the project is not a git repository" in built_page(plain, "northwind")


# --- serve --------------------------------------------------------------------------------


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return response.read().decode("utf-8")


def wait_for_version(server: DevServer, after: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if int(fetch(server.url + "__winback/version")) > after:
            return
        time.sleep(0.05)
    raise AssertionError("no rebuild happened")


@pytest.fixture
def server(project_dir, add_account):
    add_account("northwind", FULL_ACCOUNT)
    dev = DevServer(project_dir, ServeOptions(port=0, today=TODAY, debounce_ms=50))
    dev.rebuild()
    dev.start()
    assert dev.watching.wait(10)
    yield dev
    dev.shutdown()


def test_serve_rebuilds_after_an_edit_and_reloads(server, project_dir):
    page = fetch(server.url + "accounts/northwind.html")
    assert "$5,200,000" in page and "/__winback/version" in page
    path = project_dir / "content" / "accounts" / "northwind.md"
    path.write_text(path.read_text().replace("value: 5200000", "value: 7100000"))
    wait_for_version(server, 1)
    assert "$7,100,000" in fetch(server.url + "accounts/northwind.html")
    assert not (project_dir / "output" / "accounts" / "northwind.html").read_text().count(
        "__winback")  # the reload script is added when served, never written


def test_serve_shows_errors_in_the_page_until_fixed(server, project_dir):
    path = project_dir / "content" / "accounts" / "northwind.md"
    good = path.read_text()
    path.write_text(good.replace("status: lost", "status: lsot"))
    wait_for_version(server, 1)
    panel = re.search(r'<section id="winback-errors".*?</section>', fetch(server.url))
    assert panel and "northwind.md:3:9: status: &#x27;lsot&#x27; is not one of" in panel.group(0)
    path.write_text(good)
    wait_for_version(server, 2)
    assert "winback-errors" not in fetch(server.url)


def test_serve_shows_the_panel_in_the_flow_of_the_page_and_a_styled_missing_page(server,
                                                                                project_dir):
    path = project_dir / "content" / "accounts" / "northwind.md"
    path.write_text(path.read_text().replace("status: lost", "status: lsot"))
    wait_for_version(server, 1)
    index = fetch(server.url)
    opening = re.search(r"<body[^>]*>", index)
    assert index[opening.end():].startswith('<section id="winback-errors"')
    assert "position:fixed" not in index  # it pushes the page down; it covers nothing
    with pytest.raises(urllib.error.HTTPError) as missing:  # no git: no last good brief
        fetch(server.url + "accounts/northwind.html")
    page = missing.value.read().decode("utf-8")
    assert '<link rel="stylesheet" href="/assets/style.css">' in page
    assert "Nothing here yet" in page and 'id="winback-errors"' in page


def test_serve_shows_the_errors_over_the_last_good_page(project_dir, add_account):
    git(project_dir, "init", "-q", "-b", "main")
    path = add_account("northwind", FULL_ACCOUNT)
    git(project_dir, "add", ".")
    git(project_dir, "commit", "-q", "-m", "Northwind")
    dev = DevServer(project_dir, ServeOptions(port=0, today=TODAY, debounce_ms=50))
    dev.rebuild()
    dev.start()
    try:
        assert dev.watching.wait(10)
        path.write_text(path.read_text().replace("status: lost", "status: lsot"))
        wait_for_version(dev, 1)
        page = fetch(dev.url + "accounts/northwind.html")
        assert 'id="winback-errors"' in page and "lsot" in page
        assert "$5,200,000" in page and "Out of date:" in page
    finally:
        dev.shutdown()


def test_serve_stays_inside_the_output_folder(server, project_dir):
    with pytest.raises(urllib.error.HTTPError) as refused:
        fetch(server.url + "%2e%2e/content/accounts/northwind.md")
    assert refused.value.code == 404


def test_serve_answers_a_nul_in_the_path_without_a_traceback(server, capfd):
    for path in ("x%00.txt", "accounts/%00.html", "a%00/"):
        with pytest.raises(urllib.error.HTTPError) as refused:
            fetch(server.url + path)
        assert refused.value.code == 400
    assert "$5,200,000" in fetch(server.url + "accounts/northwind.html")  # still serving
    assert "Traceback" not in capfd.readouterr().err


def read_until_closed(connection) -> bytes:
    """Everything the server sends on a connection, until it closes it."""
    received = b""
    while chunk := connection.recv(4096):
        received += chunk
    return received


@pytest.fixture
def started(project_dir, add_account):
    """A server for one test's own options."""
    add_account("northwind", FULL_ACCOUNT)
    servers = []

    def start(**options) -> DevServer:
        dev = DevServer(project_dir, ServeOptions(port=0, today=TODAY, **options))
        dev.rebuild()
        dev.start()
        servers.append(dev)
        return dev

    yield start
    for dev in servers:
        dev.shutdown()


def ask(dev: DevServer, host_header: str | None) -> tuple[int, str]:
    import http.client

    host, port = dev.httpd.server_address[:2]
    connection = http.client.HTTPConnection(host, port, timeout=10)
    try:
        connection.putrequest("GET", "/accounts/northwind.html", skip_host=True)
        if host_header is not None:
            connection.putheader("Host", host_header)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.read().decode("utf-8")
    finally:
        connection.close()


def test_serve_answers_only_to_its_own_host_names(started):
    dev = started()
    port = dev.httpd.server_address[1]
    for own in (f"127.0.0.1:{port}", f"localhost:{port}", f"LocalHost:{port}", f"[::1]:{port}"):
        status, page = ask(dev, own)
        assert status == 200 and "$5,200,000" in page, own
    # a page of another site whose name was made to resolve to 127.0.0.1 (DNS rebinding)
    for other in (f"attacker.example:{port}", "attacker.example", f"127.0.0.1:{port + 1}",
                  f"127.0.0.1.attacker.example:{port}", "", None):
        status, page = ask(dev, other)
        assert status == 421 and "$5,200,000" not in page, other
        assert f"This server answers only to its own names: 127.0.0.1:{port}, [::1]:{port}, " \
               f"localhost:{port}" in page


def test_serve_drops_a_slow_sender_at_the_request_deadline(started):
    import select
    import socket

    # the idle limit alone would keep a sender of a byte every tenth of a second for ever
    dev = started(idle_seconds=60, request_seconds=1)
    connection = socket.create_connection(dev.httpd.server_address[:2], timeout=30)
    try:
        connection.sendall(b"GET / HTTP/1.1\r\n")
        for _ in range(300):  # 30 s at most, far past the deadline
            readable, _, _ = select.select([connection], [], [], 0.1)  # wait on the socket
            if readable:
                break
            connection.sendall(b"X")  # one more byte of a header that never ends
        else:
            raise AssertionError("the slow sender was kept past its deadline")
        assert read_until_closed(connection) == b""  # dropped, without an answer
    finally:
        connection.close()
    assert "$5,200,000" in fetch(dev.url + "accounts/northwind.html")  # still serving


def test_serve_turns_away_connections_past_its_bound(started):
    import socket

    dev = started(max_connections=4, idle_seconds=60)
    address = dev.httpd.server_address[:2]
    held = [socket.create_connection(address, timeout=30) for _ in range(4)]
    try:
        extra = socket.create_connection(address, timeout=30)
        with extra:
            assert read_until_closed(extra).startswith(b"HTTP/1.0 503 Service Unavailable")
        # the connections held are still served
        held[0].sendall(f"GET /accounts/northwind.html HTTP/1.0\r\nHost: "
                        f"127.0.0.1:{address[1]}\r\n\r\n".encode())
        answer = read_until_closed(held[0])
        assert answer.startswith(b"HTTP/1.0 200") and b"$5,200,000" in answer
    finally:
        for connection in held:
            connection.close()


def test_serve_closes_idle_connections(started):
    import socket
    import threading

    before = threading.active_count()
    dev = started(idle_seconds=0.5)
    host, port = dev.httpd.server_address[:2]
    idle = [socket.create_connection((host, port), timeout=30) for _ in range(300)]
    try:
        for connection in idle:  # closed by the server, not waited on for ever: those past
            answer = read_until_closed(connection)  # the bound at once, with a 503
            assert answer == b"" or answer.startswith(b"HTTP/1.0 503 ")
        deadline = time.monotonic() + 30
        while threading.active_count() > before + 5:  # their threads are gone too
            assert time.monotonic() < deadline, f"{threading.active_count()} threads left"
            time.sleep(0.05)
        assert "$5,200,000" in fetch(dev.url + "accounts/northwind.html")
    finally:
        for connection in idle:
            connection.close()


def test_serve_survives_a_failing_rebuild_and_shows_it(server, project_dir, monkeypatch):
    import generator.commands.serve as serve_module

    real = serve_module.build
    calls = []

    def failing_once(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OverflowError("date value out of range")
        return real(*args, **kwargs)

    monkeypatch.setattr(serve_module, "build", failing_once)
    path = project_dir / "content" / "accounts" / "northwind.md"
    path.write_text(path.read_text().replace("value: 5200000", "value: 7100000"))
    wait_for_version(server, 1)
    panel = re.search(r'<section id="winback-errors".*?</section>', fetch(server.url))
    assert panel and "the rebuild failed: OverflowError: date value out of range" in panel.group(0)
    path.write_text(path.read_text().replace("value: 7100000", "value: 7200000"))
    wait_for_version(server, 2)  # the watcher is still there
    assert "$7,200,000" in fetch(server.url + "accounts/northwind.html")
    assert "winback-errors" not in fetch(server.url)


def test_serve_pdf_rebuilds_the_briefs_after_an_edit(project_dir, add_account):
    add_account("northwind", FULL_ACCOUNT)
    dev = DevServer(project_dir, ServeOptions(port=0, today=TODAY, debounce_ms=50, pdf=True))
    assert not [p for p in dev.rebuild() if p.is_error]
    brief = project_dir / "output" / "accounts" / "northwind.pdf"
    assert "5,200,000" in pdf_text(brief)
    dev.start()
    try:
        assert dev.watching.wait(10)
        path = project_dir / "content" / "accounts" / "northwind.md"
        path.write_text(path.read_text().replace("value: 5200000", "value: 7100000"))
        wait_for_version(dev, 1, seconds=60)  # rebuilt in the watcher's thread
        assert "winback-errors" not in fetch(dev.url)
        assert "7,100,000" in pdf_text(brief)
        assert (project_dir / "output" / "portfolio.pdf").is_file()
    finally:
        dev.shutdown()


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


# --- completion and hooks ----------------------------------------------------------------


def test_shell_completion_scripts_and_slugs(project_dir, add_account):
    add_account("northwind", FULL_ACCOUNT)
    winback = str(Path(sys.executable).with_name("winback"))
    for shell in ("bash", "zsh", "fish"):
        done = subprocess.run([winback], env={**os.environ, "_WINBACK_COMPLETE": f"{shell}_source"},
                              capture_output=True, text=True, cwd=project_dir)
        assert done.returncode == 0 and "_WINBACK_COMPLETE" in done.stdout, shell
    done = subprocess.run([winback, "pdf", "nor"], capture_output=True, text=True, cwd=project_dir,
                          env={**os.environ, "_WINBACK_COMPLETE": "bash_complete",
                               "COMP_WORDS": "winback pdf nor", "COMP_CWORD": "2"})
    assert done.stdout.strip() == "plain,northwind"


def test_pre_commit_hook_definition():
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text())
    assert hook["id"] == "winback-check" and hook["entry"] == "winback check"
    pattern = re.compile(hook["files"])
    assert pattern.match("content/accounts/acme.md") and pattern.match("winback.yaml")
    assert not pattern.match("README.md")


def test_check_as_a_hook_ignores_config_file_arguments(project_dir, add_account):
    add_account("northwind", FULL_ACCOUNT)
    write(project_dir / "winback.yaml", "title: Ours\n")
    result = run("check", str(project_dir / "winback.yaml"),
                 str(project_dir / "content" / "accounts" / "northwind.md"), cwd=project_dir)
    assert (result.exit_code, result.output) == (0, "")


def test_the_wheel_carries_the_theme_the_docs_and_the_scaffold(tmp_path):
    """A pip user has no source tree: `winback help` and the theme must be in the wheel."""
    import zipfile

    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet",
                           "--disable-pip-version-check", "-w", str(tmp_path), str(REPO)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("winback-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ("generator/docs/format.md", "generator/docs/cli.md", "generator/docs/install.md",
                 "generator/templates/dossier.html", "generator/templates/letters.html",
                 "generator/scaffold/example-account.md", "generator/questions.yaml",
                 "generator/docs/import.md", "generator/importer/rules/salesforce.yaml",
                 "generator/importer/rules/hubspot.yaml", "generator/importer/rules/sample.yaml"):
        assert name in names, name


def test_serve_never_serves_an_output_folder_the_build_refuses(project_dir, add_account):
    add_account("northwind", FULL_ACCOUNT)
    write(project_dir / ".env", "API_TOKEN=s3cr3t\n")
    write(project_dir / "winback.yaml", "title: Ours\n")
    dev = DevServer(project_dir, ServeOptions(port=0, today=TODAY, debounce_ms=50))
    dev.rebuild()
    dev.start()
    try:
        assert dev.watching.wait(10)
        write(project_dir / "winback.yaml", 'output_dir: "."\n')
        wait_for_version(dev, 1)
        panel = re.search(r'<section id="winback-errors".*?</section>', fetch(dev.url))
        assert panel and "the output folder is the project folder or holds it" in panel.group(0)
        with pytest.raises(urllib.error.HTTPError) as refused:
            fetch(dev.url + ".env")
        assert refused.value.code == 404
        assert "$5,200,000" in fetch(dev.url + "accounts/northwind.html")  # the old site
    finally:
        dev.shutdown()


def test_init_in_the_current_folder_says_what_to_do_next_without_a_cd(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from generator.cli import main

    monkeypatch.chdir(tmp_path)
    here = CliRunner().invoke(main, ["init", "."])
    assert here.exit_code == 0, here.output
    assert "Next: `winback new \"Client Name\"` to add an account" in here.output
    elsewhere = CliRunner().invoke(main, ["init", "sub"])
    assert "Next: cd sub, then `winback new \"Client Name\"`" in elsewhere.output
