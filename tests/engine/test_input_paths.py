"""Nodes that read user-named files are confined to the run's input folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.engine.errors import NodeInputError
from server.engine.paths import resolve_input


@pytest.fixture
def folders(tmp_path: Path) -> tuple[Path, Path]:
    uploads, outputs = tmp_path / "input", tmp_path / "output"
    (uploads / "clips").mkdir(parents=True)
    outputs.mkdir()
    (uploads / "clips" / "a.mp4").write_bytes(b"x")
    (outputs / "render.mp4").write_bytes(b"y")
    (tmp_path / "secret.txt").write_text("no")
    return uploads, outputs


def test_finds_a_file_in_any_input_folder(folders: tuple[Path, Path]) -> None:
    assert resolve_input(folders, "clips/a.mp4", "file").read_bytes() == b"x"
    assert resolve_input(folders, "render.mp4", "file").read_bytes() == b"y"


@pytest.mark.parametrize("name", ["../secret.txt", "/etc/passwd", "clips/../../secret.txt", ".hidden", "a\nb", "C:x"])
def test_refuses_paths_that_leave_the_folders(folders: tuple[Path, Path], name: str) -> None:
    with pytest.raises(NodeInputError) as err:
        resolve_input(folders, name, "file")
    assert err.value.name == "file"
    assert "plain relative path" in str(err.value)


def test_refuses_a_symlink_out_of_the_folder(folders: tuple[Path, Path]) -> None:
    uploads, _ = folders
    (uploads / "link.txt").symlink_to(uploads.parent / "secret.txt")
    with pytest.raises(NodeInputError) as err:
        resolve_input(folders, "link.txt", "file")
    assert err.value.name == "file" and "secret" not in str(err.value)


def test_a_missing_file_names_the_folders_searched(folders: tuple[Path, Path]) -> None:
    with pytest.raises(NodeInputError, match="no file 'nope.wav' in the input folders") as err:
        resolve_input(folders, "nope.wav", "audio_file")
    assert str(folders[0]) in str(err.value) and err.value.name == "audio_file"


def test_a_folder_is_not_a_file(folders: tuple[Path, Path]) -> None:
    with pytest.raises(NodeInputError, match="no file 'clips'"):
        resolve_input(folders, "clips", "file")


def test_no_folders_means_no_reading() -> None:
    with pytest.raises(NodeInputError, match="no input folder is configured"):
        resolve_input((), "a.png", "file")
