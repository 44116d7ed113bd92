"""The package's layers: each module imports only from its own layer or those below, and
the commands that print a table start without the renderer or the PDF engine."""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap

import pytest
from conftest import FULL_ACCOUNT, REPO, write

# Lowest first. A module may import its own layer and those below it, never above.
LAYERS = [
    {"generator", "paths", "outputs", "problems", "text", "pdfnotes", "urls", "platforms",
     "statuses"},
    {"schema"},
    {"load", "history"},
    {"rawhtml", "validate", "bank", "project"},
    {"after", "plan", "letters", "script", "derive"},  # derive: one account's dossier
    {"portfolio", "charts", "ics", "eml", "rows"},  # derive: across accounts
    {"render"},
    {"workers", "pdf", "pdf_weasyprint", "write"},
    {"pipeline"},
    {"engine"},
    {"importer"},
    {"commands"},
    {"cli", "__main__"},
]
# A command runs another only where that is its job: serve builds before it serves.
COMMANDS_RUN = {("commands.serve", "commands.build")}


def layer_of(module: str) -> int:
    name = module.removeprefix("generator.").split(".")[0] if module != "generator" \
        else "generator"
    (found,) = [number for number, names in enumerate(LAYERS) if name in names]
    return found


def imports_of(path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == "generator":
                found.update(f"generator.{alias.name}" for alias in node.names
                             if (REPO / "generator" / f"{alias.name}.py").exists())
                found.add("generator")
            elif node.module.startswith("generator."):
                found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("generator"))
    return found


def modules():
    for path in sorted((REPO / "generator").rglob("*.py")):
        parts = path.relative_to(REPO).with_suffix("").parts
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def test_every_module_has_a_layer():
    assert [name for name, _ in modules() if not _has_layer(name)] == []


def _has_layer(name: str) -> bool:
    try:
        layer_of(name)
    except ValueError:
        return False
    return True


def test_no_module_imports_a_layer_above_its_own():
    upward = []
    for name, path in modules():
        for imported in imports_of(path):
            if layer_of(imported) > layer_of(name):
                upward.append(f"{name} -> {imported}")
    assert upward == []


def test_a_command_runs_no_other_command_but_serve_the_build():
    across = set()
    for name, path in modules():
        if name.startswith("generator.commands."):
            for imported in imports_of(path):
                if imported.startswith("generator.commands.") and imported != name:
                    across.add((name.removeprefix("generator."),
                                imported.removeprefix("generator.")))
    assert across == COMMANDS_RUN


def test_the_layer_check_sees_an_upward_import(tmp_path):
    """The check itself can fail: the module that writes files importing a command."""
    module = tmp_path / "write.py"
    module.write_text("from generator.commands.build import build\n")
    assert {layer_of(m) for m in imports_of(module)} == {layer_of("generator.commands.build")}
    assert layer_of("generator.commands.build") > layer_of("generator.write")


STARTED = textwrap.dedent("""
    import sys
    from generator.cli import main
    try:
        main(sys.argv[1:])
    except SystemExit as exc:
        code = exc.code
    heavy = sorted(m for m in ("jinja2", "nh3", "weasyprint", "markdown")
                   if m in sys.modules)
    print("LOADED", *heavy, "EXIT", code, file=sys.stderr)
""")


@pytest.mark.parametrize("command", [["list"], ["check"], ["list", "--format", "json"]])
def test_list_and_check_start_without_the_renderer_or_the_pdf_engine(project_dir, add_account,
                                                                     command):
    add_account("northwind", FULL_ACCOUNT)
    result = subprocess.run([sys.executable, "-c", STARTED, "-C", str(project_dir), *command,
                             "--today", "2026-11-26"], capture_output=True, text=True,
                            cwd=REPO, timeout=300)
    (line,) = [x for x in result.stderr.splitlines() if x.startswith("LOADED")]
    assert line == "LOADED EXIT 0", result.stderr


# Runs winback as if WeasyPrint were not installed: importing it fails, and its package
# metadata is not found (what a machine without it gives).
WITHOUT_WEASYPRINT = textwrap.dedent("""
    import sys
    from importlib import metadata
    sys.modules["weasyprint"] = None
    found = metadata.version
    def version(name):
        if name.lower() == "weasyprint":
            raise metadata.PackageNotFoundError(name)
        return found(name)
    metadata.version = version
    from generator.cli import main
    main(sys.argv[1:])
""")


def without_weasyprint(root, *args):
    return subprocess.run([sys.executable, "-c", WITHOUT_WEASYPRINT, "-C", str(root), *args,
                           "--today", "2026-11-26"], capture_output=True, text=True, cwd=REPO,
                          timeout=600)


def test_a_build_without_pdfs_needs_no_pdf_engine(tmp_path):
    write(tmp_path / "content" / "accounts" / "northwind.md", FULL_ACCOUNT)
    result = without_weasyprint(tmp_path, "build", "--no-pdf", "-j", "2")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("Built 1 dossier into ")
    assert (tmp_path / "output" / "accounts" / "northwind.html").is_file()
    assert not list((tmp_path / "output").rglob("*.pdf"))


def test_a_build_that_prints_without_the_engine_says_so_once(tmp_path):
    write(tmp_path / "content" / "accounts" / "northwind.md", FULL_ACCOUNT)
    result = without_weasyprint(tmp_path, "build")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    (said,) = [line for line in result.stderr.splitlines() if "cannot start" in line]
    assert said.startswith("No PDFs: WeasyPrint cannot start (ModuleNotFoundError: ")
    assert said.endswith("or build the HTML only with --no-pdf (winback help install)")
    assert result.stderr.splitlines()[-1].startswith("Built 1 dossier into ")
    assert "without PDFs" in result.stderr.splitlines()[-1]
    assert (tmp_path / "output" / "accounts" / "northwind.html").is_file()
    assert not list((tmp_path / "output").rglob("*.pdf"))
