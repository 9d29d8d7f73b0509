"""video.interpolate with backend="learned": weights only from a user's .safetensors file.

No trained weights exist in tests (and none are downloaded): the network is saved with
random weights, which is enough to check loading, shapes, determinism and the driver.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nodes.datatypes import Frames
from nodes.video.interpolate.node import InterpolateParams, interpolate
from nodes.video.interpolate.synthetic import texture_frame
from server.engine.errors import NodeInputError

torch = pytest.importorskip("torch")
safetensors_torch = pytest.importorskip("safetensors.torch")


@pytest.fixture(scope="module")
def weights(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from nodes.video.interpolate.learned import build_network

    torch.manual_seed(0)
    net = build_network()
    path = tmp_path_factory.mktemp("weights") / "ifnet_lite.safetensors"
    safetensors_torch.save_file({k: v.contiguous() for k, v in net.state_dict().items()}, str(path))
    return path


def source(count: int = 3, h: int = 32, w: int = 44) -> Frames:
    frames = np.stack([texture_frame(h, w, (2.0 * i, 1.0 * i)) for i in range(count)])
    return Frames.from_array(frames, 12)


def learned(path: Path | str, **kw: object) -> InterpolateParams:
    return InterpolateParams(backend="learned", model_path=str(path), cut_detection="off", **kw)


def test_runs_through_the_driver_with_shapes_kept(ctx, weights: Path) -> None:
    src = source()
    out = interpolate(ctx, learned(weights, multiplier=2), frames=src)["frames"]
    frames = out.to_array()
    assert frames.shape == (6, 32, 44, 3) and frames.dtype == np.uint8
    assert np.array_equal(frames[::2], src.to_array())  # source frames pass through untouched


def test_is_deterministic_and_batches_several_times(ctx, weights: Path) -> None:
    a = interpolate(ctx, learned(weights, multiplier=3), frames=source(2))["frames"].to_array()
    b = interpolate(ctx, learned(weights, multiplier=3), frames=source(2))["frames"].to_array()
    assert np.array_equal(a, b)
    assert not np.array_equal(a[1], a[2])  # t = 1/3 and t = 2/3 differ


def test_network_output_matches_the_input_size_for_odd_sizes(weights: Path) -> None:
    from nodes.video.interpolate.learned import LearnedInterpolator, load_network

    model = LearnedInterpolator(load_network(str(weights)))
    f0, f1 = texture_frame(21, 27), texture_frame(21, 27, (1.0, 1.0))
    made = model.synthesize(model.prepare(f0, f1), [0.3, 0.6])
    assert [m.shape for m in made] == [(21, 27, 3)] * 2


def test_dis_backend_never_touches_torch_weights(ctx, tmp_path: Path) -> None:
    params = InterpolateParams(backend="dis", model_path=str(tmp_path / "absent.safetensors"))
    assert interpolate(ctx, params, frames=source())["frames"].count == 6


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda d: "", "needs a weights file"),
        (lambda d: str(d / "missing.safetensors"), "does not exist"),
        (lambda d: _write(d / "model.pt", b"\x80\x04pickle"), "not a .safetensors file"),
        (lambda d: _write(d / "garbage.safetensors", b"not a safetensors file at all"), "cannot read"),
        (lambda d: _other_net(d / "other.safetensors"), "does not hold IFNet-lite weights"),
    ],
    ids=["empty", "missing", "pickle", "garbage", "wrong-shapes"],
)
def test_bad_model_path_is_an_input_error_naming_model_path(ctx, tmp_path: Path, make, message: str) -> None:
    with pytest.raises(NodeInputError, match=message) as err:
        interpolate(ctx, learned(make(tmp_path)), frames=source())
    assert err.value.name == "model_path"


def _write(path: Path, data: bytes) -> str:
    path.write_bytes(data)
    return str(path)


def _other_net(path: Path) -> str:
    safetensors_torch.save_file({"blocks.0.down.0.0.weight": torch.zeros(3, 3, 3, 3)}, str(path))
    return str(path)
