"""image.load: formats, EXIF orientation, alpha, confinement to the input folders, bad files."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from nodes.image.load import ImageLoadParams, load_image
from server.engine.errors import NodeInputError

from .media_files import gradient_picture, png_claiming_size


@pytest.fixture
def inbox(ctx, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    ctx.input_dirs = (folder,)
    return folder


def load(ctx, name: str, **params) -> np.ndarray:
    return load_image(ctx, ImageLoadParams(file=name, **params))["image"]


@pytest.mark.parametrize("ext,tolerance", [("png", 0), ("bmp", 0), ("tiff", 0), ("webp", 0), ("jpg", 12)])
def test_each_format_reads_back_as_rgb(ctx, inbox, ext, tolerance) -> None:
    picture = gradient_picture()
    Image.fromarray(picture).save(inbox / f"pic.{ext}", **({"lossless": True} if ext == "webp" else {}))
    image = load(ctx, f"pic.{ext}")
    assert image.shape == picture.shape and image.dtype == np.uint8
    assert np.abs(image.astype(int) - picture).mean() <= tolerance


def test_exif_orientation_is_applied(ctx, inbox) -> None:
    picture = gradient_picture(64, 48)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    Image.fromarray(picture).save(inbox / "phone.jpg", exif=exif, quality=95)
    image = load(ctx, "phone.jpg")
    assert image.shape == (64, 48, 3)  # now portrait
    expected = np.rot90(picture, k=-1)
    assert np.abs(image.astype(int) - expected).mean() < 6


def test_alpha_is_flattened_onto_the_chosen_colour(ctx, inbox) -> None:
    rgba = np.zeros((32, 32, 4), np.uint8)
    rgba[..., 0] = 255
    rgba[:, 16:, 3] = 255  # right half opaque red, left half transparent
    Image.fromarray(rgba, "RGBA").save(inbox / "cut.png")
    black = load(ctx, "cut.png")
    assert black[0, 0].tolist() == [0, 0, 0] and black[0, 31].tolist() == [255, 0, 0]
    green = load(ctx, "cut.png", background="#00ff00")
    assert green[0, 0].tolist() == [0, 255, 0] and green[0, 31].tolist() == [255, 0, 0]


def test_a_palette_gif_with_transparency_and_a_16_bit_png(ctx, inbox) -> None:
    frames = [Image.fromarray(gradient_picture()).convert("P"), Image.new("P", (64, 48))]
    frames[0].save(inbox / "anim.gif", save_all=True, append_images=frames[1:])
    assert load(ctx, "anim.gif").shape == (48, 64, 3)
    deep = (np.linspace(0, 65535, 32 * 32).reshape(32, 32)).astype(np.uint16)
    Image.fromarray(deep).save(inbox / "deep.png")
    assert Image.open(inbox / "deep.png").mode.startswith("I")
    grey = load(ctx, "deep.png")
    assert grey[0, 0, 0] == 0 and grey[-1, -1, 0] == 255


def test_progress_reports_a_preview(ctx, inbox, progress) -> None:
    Image.fromarray(gradient_picture()).save(inbox / "p.png")
    load(ctx, "p.png")
    assert progress.calls[-1][0] == progress.calls[-1][1] == 1
    assert isinstance(progress.calls[-1][2], np.ndarray)


@pytest.mark.parametrize("size", [(1, 1), (8, 200)])
def test_tiny_pictures_are_refused(ctx, inbox, size) -> None:
    Image.new("RGB", size).save(inbox / "tiny.png")
    with pytest.raises(NodeInputError, match=r"at least 16 pixels") as err:
        load(ctx, "tiny.png")
    assert err.value.name == "file"


def test_a_huge_picture_is_refused_from_its_header(ctx, inbox) -> None:
    png_claiming_size(inbox / "bomb.png", 20000, 20000)  # 400 megapixels in a few bytes
    with pytest.raises(NodeInputError, match=r"too large.*16384 pixels a side.*decompression-bomb") as err:
        load(ctx, "bomb.png")
    assert err.value.name == "file"
    png_claiming_size(inbox / "long.png", 17000, 20)  # few pixels, one side too long
    with pytest.raises(NodeInputError, match=r"17000×20 pixels.*limit is 16384") as err:
        load(ctx, "long.png")
    assert err.value.name == "file"


def test_truncated_and_fake_pictures_are_refused(ctx, inbox) -> None:
    Image.fromarray(gradient_picture(256, 256)).save(inbox / "whole.png")
    data = (inbox / "whole.png").read_bytes()
    (inbox / "cut.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(NodeInputError, match="damaged or cut short") as err:
        load(ctx, "cut.png")
    assert err.value.name == "file"
    (inbox / "notes.png").write_text("not a picture")
    with pytest.raises(NodeInputError, match="not a picture"):
        load(ctx, "notes.png")


def test_paths_outside_the_input_folders_are_refused(ctx, inbox, tmp_path) -> None:
    Image.fromarray(gradient_picture()).save(tmp_path / "secret.png")
    for name in ("../secret.png", str(tmp_path / "secret.png"), ".hidden.png"):
        with pytest.raises(NodeInputError) as err:
            load(ctx, name)
        assert err.value.name == "file"
    with pytest.raises(NodeInputError, match="no file 'missing.png'"):
        load(ctx, "missing.png")
    with pytest.raises(NodeInputError, match="name a picture"):
        load(ctx, " ")


def test_a_bad_background_colour_is_refused(ctx, inbox) -> None:
    Image.fromarray(gradient_picture()).save(inbox / "p.png")
    with pytest.raises(NodeInputError, match="#rrggbb") as err:
        load(ctx, "p.png", background="blue")
    assert err.value.name == "background"


def test_the_engine_caches_a_picture_until_the_file_changes(tmp_path) -> None:
    import os

    from server.engine import Engine, Registry, Workflow

    folder = tmp_path / "in"
    folder.mkdir()
    Image.fromarray(gradient_picture()).save(folder / "p.png")
    engine = Engine(Registry.discover(), output_dir=tmp_path / "out", input_dirs=[folder])
    doc = {"format": "reelgraph.workflow", "version": 1, "links": [],
           "nodes": {"pic": {"type": "image.load", "params": {"file": "p.png"}}}}  # fmt: skip
    first = engine.run(Workflow.from_json(doc), targets=["pic"])
    again = engine.run(Workflow.from_json(doc), targets=["pic"])
    assert first.status == again.status == "succeeded"
    assert not first.nodes["pic"].cached and again.nodes["pic"].cached
    Image.fromarray(255 - gradient_picture()).save(folder / "p.png")  # replaced under the same name
    stat = (folder / "p.png").stat()
    os.utime(folder / "p.png", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    changed = engine.run(Workflow.from_json(doc), targets=["pic"])
    assert not changed.nodes["pic"].cached
    assert changed.values["pic"]["image"][0, 0].tolist() == (255 - gradient_picture())[0, 0].tolist()
