"""What a pip user gets: ``python -m chainrule``, the license, and every file the code reads at runtime
inside the package (checked through importlib.resources, building nothing); the errata the program points
to are one of them, the same text as docs/errata.md."""
import ast
import fnmatch
import re
import subprocess
import sys
from importlib import metadata, resources
from pathlib import Path

import pytest

import chainrule
from chainrule.guide.errata import errata_markdown, format_errata

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(chainrule.__file__).parent

#: every file the code opens through importlib.resources (data/load.py, viz/animate_html.py, guide/errata.py)
RUNTIME_FILES = [("chainrule.data", "mnist_sample.npz"), ("chainrule.data", "README-mnist-sample.md"),
                 ("chainrule.viz", "trace_player.html"), ("chainrule.guide", "errata.md")]


def _pyproject():
    tomllib = pytest.importorskip("tomllib")          # Python >= 3.11
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def test_python_dash_m_chainrule_is_the_command_line():
    done = subprocess.run([sys.executable, "-m", "chainrule", "--version"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and done.stdout == f"chainrule {chainrule.__version__}\n"
    done = subprocess.run([sys.executable, "-m", "chainrule", "guide", "10"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and done.stdout == "Prediction: 0.6913\nTarget:     1.0000\nMSE loss:   0.0953\n"
    done = subprocess.run([sys.executable, "-m", "chainrule", "guide", "99"], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2 and done.stderr.startswith("chainrule guide: error: ")


@pytest.mark.parametrize("package, name", RUNTIME_FILES)
def test_every_file_read_at_runtime_is_package_data(package, name):
    resource = resources.files(package).joinpath(name)
    assert resource.is_file(), f"{package}/{name} is not in the installed package"
    assert len(resource.read_bytes()) > 1000


def test_every_non_python_file_in_the_package_is_declared_package_data():
    # pip builds the wheel from these patterns: a file they miss exists here but not for a pip user
    patterns = _pyproject()["tool"]["setuptools"]["package-data"]["chainrule"]
    for path in PACKAGE.rglob("*"):
        relative = path.relative_to(PACKAGE).as_posix()
        if path.is_dir() or path.suffix in (".py", ".pyc") or "__pycache__" in relative:
            continue
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), \
            f"{relative} is not matched by [tool.setuptools.package-data] {patterns}"
    for package, name in RUNTIME_FILES:
        relative = f"{package.removeprefix('chainrule.').replace('.', '/')}/{name}"
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns), relative


def test_the_packaged_errata_are_docs_errata_md():
    # one source: the package's guide/errata.md is docs/errata.md (a link in the repository)
    docs = ROOT / "docs" / "errata.md"
    assert errata_markdown() == docs.read_text(encoding="utf-8")
    packaged = PACKAGE / "guide" / "errata.md"
    assert packaged.resolve() == docs.resolve(), "guide/errata.md must link to docs/errata.md, not copy it"


def test_license_is_mit_in_the_repository_and_the_metadata():
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n") and "THE SOFTWARE IS PROVIDED \"AS IS\"" in text
    project = _pyproject()["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert set(project["urls"]) >= {"Documentation", "Errata", "Changelog"}
    for path in project["urls"].values():      # no public website: the URLs are the repository's own files
        assert (ROOT / path).is_file(), path
    assert (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").startswith("# Changelog")


def test_installed_metadata_carries_the_license():
    meta = metadata.metadata("chainrule")
    if "LICENSE" not in (meta.get_all("License-File") or []):
        pytest.skip("installed before license-files was declared: pip install -e . again")
    assert meta["License-Expression"] == "MIT"


def _printed_strings(path):
    """Every string literal of a module that is not a docstring: what the program can print."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_no_message_points_to_a_file_a_pip_user_does_not_have():
    # docs/*.md exist in the repository only; a message names the command that prints them instead
    offenders = [(path.relative_to(PACKAGE).as_posix(), text) for path in PACKAGE.rglob("*.py")
                 for text in _printed_strings(path) if re.search(r"docs/\w+\.md", text)]
    assert offenders == []


def test_the_commands_the_messages_name_print_the_errata(capsys):
    from chainrule.cli.main import main
    from chainrule.viz import format_gradient_check, format_trace, seeded_gradient_check
    from chainrule.viz.trace_spec import guide_trace

    assert "see `chainrule errata 9-13`" in format_trace(guide_trace())
    assert "see `chainrule errata 17`" in format_gradient_check(seeded_gradient_check("3,4,2", 99, "sigmoid"))
    for argv, expected in ((["errata", "9-13"], "The hand-trace slip (blocks 9-13)"),
                           (["errata", "16"], "Block 16, Exercise 2.1"),
                           (["errata", "17"], "The block-17 bug: gradients 2x too large")):
        assert main(argv) == 0
        assert expected in capsys.readouterr().out
    assert format_errata().startswith("Errata: the guide *Training and Backpropagation*\n=====")


def test_the_package_says_it_is_typed():
    """PEP 561: py.typed ships in the wheel (package data), so mypy and pyright read chainrule's annotations."""
    patterns = _pyproject()["tool"]["setuptools"]["package-data"]["chainrule"]
    assert "py.typed" in patterns
    assert resources.files("chainrule").joinpath("py.typed").is_file()
    assert _pyproject()["tool"]["mypy"]["files"] == ["src/chainrule"]


def test_the_public_api_is_annotated():
    """Every public function and method of the API modules (what chainrule, chainrule.data, chainrule.training's
    fit/evaluate/History/model files, chainrule.sklearn and chainrule.check export) has its parameters and
    return annotated; mypy checks them in CI (.ci/run)."""
    import inspect

    from chainrule import data, training
    from chainrule.check import api as check_api

    functions = [getattr(data, name) for name in data.__all__ if inspect.isfunction(getattr(data, name))]
    functions += [training.fit, training.evaluate, training.load_model, training.save_model, check_api.check]
    functions += [member for _, member in inspect.getmembers(training.History, inspect.isfunction)
                  if not member.__name__.startswith("_") or member.__name__ in ("__init__", "__len__")]
    sklearn = pytest.importorskip("sklearn")
    from chainrule.sklearn import ChainruleClassifier, ChainruleRegressor
    for cls in (ChainruleClassifier, ChainruleRegressor):
        functions += [getattr(cls, name) for name in ("fit", "partial_fit", "predict")]
    functions.append(ChainruleClassifier.predict_proba)
    missing = []
    for function in functions:
        signature = inspect.signature(function)
        unannotated = [name for name, p in signature.parameters.items()
                       if name not in ("self", "cls") and p.annotation is inspect.Parameter.empty]
        if unannotated or signature.return_annotation is inspect.Signature.empty:
            missing.append(f"{function.__qualname__}: {unannotated or 'return'}")
    assert missing == [] and sklearn
