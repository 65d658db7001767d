"""The cache folder for downloaded MNIST: $CHAINRULE_DATA_DIR first, else the platform's own cache folder,
asked for every platform on this one (user_cache_dir takes the platform, the environment and the home)."""
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from chainrule.data import default_data_dir
from chainrule.data.paths import user_cache_dir


@pytest.mark.parametrize("platform, environ, home, expected", [
    ("linux", {}, "/home/ada", PurePosixPath("/home/ada/.cache/chainrule")),
    ("linux", {"XDG_CACHE_HOME": "/fast/cache"}, "/home/ada", PurePosixPath("/fast/cache/chainrule")),
    # the XDG spec: a relative path is invalid and ignored (an empty one too)
    ("linux", {"XDG_CACHE_HOME": "cache"}, "/home/ada", PurePosixPath("/home/ada/.cache/chainrule")),
    ("linux", {"XDG_CACHE_HOME": ""}, "/home/ada", PurePosixPath("/home/ada/.cache/chainrule")),
    ("freebsd14", {}, "/home/ada", PurePosixPath("/home/ada/.cache/chainrule")),
    ("darwin", {}, "/Users/ada", PurePosixPath("/Users/ada/Library/Caches/chainrule")),
    ("darwin", {"XDG_CACHE_HOME": "/fast/cache"}, "/Users/ada",          # macOS keeps its own place
     PurePosixPath("/Users/ada/Library/Caches/chainrule")),
    ("win32", {"LOCALAPPDATA": r"D:\Profiles\ada\AppData\Local"}, r"C:\Users\ada",
     PureWindowsPath(r"D:\Profiles\ada\AppData\Local\chainrule\Cache")),
    ("win32", {}, r"C:\Users\ada", PureWindowsPath(r"C:\Users\ada\AppData\Local\chainrule\Cache")),
])
def test_user_cache_dir_is_the_platforms_own(platform, environ, home, expected):
    found = user_cache_dir(platform, environ, home)
    assert found == expected and type(found) is type(expected)


def test_chainrule_data_dir_comes_first_then_the_platforms_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("CHAINRULE_DATA_DIR", str(tmp_path / "mine"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_data_dir() == tmp_path / "mine"
    monkeypatch.setenv("CHAINRULE_DATA_DIR", "~/mnist-here")            # ~ is expanded
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_data_dir() == tmp_path / "home" / "mnist-here"
    monkeypatch.delenv("CHAINRULE_DATA_DIR")
    assert default_data_dir() == Path(user_cache_dir()) / "mnist"
    assert isinstance(default_data_dir(), Path)


def test_on_this_linux_machine_it_is_the_xdg_cache(tmp_path, monkeypatch):
    import sys
    if sys.platform != "linux":
        pytest.skip("the machine's own platform is checked on Linux")
    monkeypatch.delenv("CHAINRULE_DATA_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert default_data_dir() == tmp_path / ".cache" / "chainrule" / "mnist"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert default_data_dir() == tmp_path / "xdg" / "chainrule" / "mnist"


def test_download_mnist_help_names_the_folder_it_uses(capsys):
    from chainrule.cli.main import main
    with pytest.raises(SystemExit):
        main(["download-mnist", "--help"])
    help_text = " ".join(capsys.readouterr().out.split())
    assert "$CHAINRULE_DATA_DIR" in help_text and str(default_data_dir()) in help_text


def test_the_names_are_spelled_as_each_platform_spells_them():
    """Windows compares paths without case; the folder is still created with this spelling."""
    assert str(user_cache_dir("win32", {}, r"C:\Users\ada")) == r"C:\Users\ada\AppData\Local\chainrule\Cache"
    assert str(user_cache_dir("win32", {"LOCALAPPDATA": r"D:\L"}, r"C:\Users\ada")) == r"D:\L\chainrule\Cache"


def test_without_a_home_given_it_is_this_users_home(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert user_cache_dir("win32", {}) == PureWindowsPath(str(tmp_path)) / "AppData" / "Local" / "chainrule" / "Cache"
    assert user_cache_dir("darwin", {}) == PurePosixPath(tmp_path) / "Library" / "Caches" / "chainrule"
    assert user_cache_dir("linux", {}) == PurePosixPath(tmp_path) / ".cache" / "chainrule"


def test_full_set_present_needs_all_four_files(tmp_path):
    from chainrule.data import MNIST_FILES, full_set_present
    for name in list(MNIST_FILES)[:3]:
        (tmp_path / name).write_bytes(b"x")
    assert not full_set_present(tmp_path)
    (tmp_path / list(MNIST_FILES)[3]).mkdir()                 # a folder of that name is not the file
    assert not full_set_present(tmp_path)
