"""The output folder's policy for one build: refused before anything is written when
it is not the build's to write (see `generator.write.refusal`), and held while the
build writes."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from generator import paths
from generator.engine.report import BuildReport
from generator.engine.state import StateStore
from generator.problems import Problem
from generator.project import Project, builtin_theme, folder_link_problem
from generator.write import claimed, refusal


def output_refusal(project: Project, force: bool = False) -> Problem | None:
    """Why the project must not build into (or serve) its output folder, if it must not."""
    linked = folder_link_problem(project)
    if linked is not None:
        return linked
    store = StateStore(project)
    sources = (project.root / paths.CONTENT, project.templates_dir,
               project.root / paths.ARCHETYPES, store.folder.parent, builtin_theme())
    why = refusal(project.output_dir, project.root, [folder.resolve() for folder in sources],
                  store.exists(), force)
    return Problem(project.output_dir, 0, 0, "", *why) if why else None


@contextlib.contextmanager
def output_folder(project: Project, report: BuildReport) -> Iterator[bool]:
    """Hold the output folder for this build; False (and said) when it cannot be."""
    with contextlib.ExitStack() as stack:
        try:
            mine = stack.enter_context(claimed(project.output_dir, project.root))
        except OSError as exc:
            stop(report, Problem(project.output_dir, 0, 0, "", "cannot write the output "
                                  f"folder: {exc.strerror or exc}", "choose a folder you can "
                                  "write to, with --out or output_dir in winback.yaml"),
                  "the output folder cannot be written")
            yield False
            return
        if not mine:
            stop(report, Problem(project.output_dir, 0, 0, "", "another winback build is "
                                  "writing this folder", "wait for it to finish, or build "
                                  "into another folder with --out"), "the output folder is busy")
        yield mine


def stop(report: BuildReport, problem: Problem, why: str) -> BuildReport:
    report.problems.append(problem)
    report.stopped = why
    return report
