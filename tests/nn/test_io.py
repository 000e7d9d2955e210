"""nn.io: saving and loading state dicts as .npz files (round trips bit for bit, awkward
keys, refusing pickles and bad input), and parameter_summary."""

import tempfile
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import nn
from nn.module import IncompatibleKeys
from tests.nn.test_module import Net, assert_same_state

# ---------------------------------------------------------------- round trips through a file


def _outputs(model, x):
    return model(x).data


def test_round_trip_through_a_file_gives_the_same_outputs_bit_for_bit(tmp_path):
    x = np.random.default_rng(5).standard_normal((7, 4))
    model = Net(rng=1)
    path = nn.save(model, tmp_path / "net")
    assert path == tmp_path / "net.npz" and path.exists()
    fresh = Net(rng=2)
    assert not np.array_equal(_outputs(model, x), _outputs(fresh, x))
    result = fresh.load_state_dict(nn.load(path))
    assert result == IncompatibleKeys([], [])
    assert np.array_equal(_outputs(model, x), _outputs(fresh, x))
    assert_same_state(model.state_dict(), fresh.state_dict())


def test_round_trip_of_a_scalar_mlp(tmp_path):
    model = nn.scalar.MLP(3, [4, 4, 1], rng=0)
    fresh = nn.scalar.MLP(3, [4, 4, 1], rng=1)
    fresh.load_state_dict(nn.load(nn.save(model, tmp_path / "s.npz")))
    x = [0.3, -1.2, 2.5]
    assert model(x).data == fresh(x).data
    assert [p.data for p in model.parameters()] == [p.data for p in fresh.parameters()]


@given(sizes=st.lists(st.integers(1, 5), min_size=2, max_size=4),
       act=st.sampled_from(["relu", "tanh", "sigmoid"]), seeds=st.tuples(st.integers(0, 99),
                                                                          st.integers(100, 199)))
def test_round_trip_for_any_mlp(sizes, act, seeds):
    model = nn.MLP(sizes[0], sizes[1:-1], sizes[-1], activation=act, rng=seeds[0])
    fresh = nn.MLP(sizes[0], sizes[1:-1], sizes[-1], activation=act, rng=seeds[1])
    x = np.random.default_rng(seeds[0]).standard_normal((3, sizes[0]))
    with tempfile.TemporaryDirectory() as d:
        fresh.load_state_dict(nn.load(nn.save(model, Path(d) / "m.npz")))
    assert np.array_equal(model(x).data, fresh(x).data)


# ---------------------------------------------------------------- save / load files


def test_load_preserves_order_and_awkward_key_names(tmp_path):
    state = OrderedDict([("z", np.arange(3.0)), ("file", np.ones((2, 2))),
                         ("allow_pickle", np.zeros(1)), ("a.b", np.array(1.5))])
    path = nn.save(state, tmp_path / "s.npz")
    loaded = nn.load(path)
    assert list(loaded) == list(state)
    for k in state:
        assert np.array_equal(loaded[k], state[k]) and loaded[k].dtype == state[k].dtype


def test_load_refuses_pickled_objects(tmp_path):
    path = tmp_path / "evil.npz"
    np.savez(path, w=np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="unpickling"):
        nn.load(path)


def test_load_of_a_single_array_file(tmp_path):
    np.save(tmp_path / "a.npy", np.ones(2))
    with pytest.raises(ValueError, match="single array"):
        nn.load(tmp_path / "a.npy")


def test_save_refuses_bad_input(tmp_path):
    with pytest.raises(TypeError, match="dtype"):
        nn.save({"w": np.array(["a"])}, tmp_path / "x")
    with pytest.raises(TypeError, match="Module or a state dict"):
        nn.save([np.ones(2)], tmp_path / "x")
    assert list(tmp_path.iterdir()) == []  # nothing half-written


# ---------------------------------------------------------------- parameter_summary


def test_parameter_summary_of_the_demo_mlp(capsys):
    s = nn.parameter_summary(nn.MLP(2, [16, 16], 1, rng=0))
    assert s.rows == [("0.weight", (16, 2), 32), ("0.bias", (16,), 16),
                      ("2.weight", (16, 16), 256), ("2.bias", (16,), 16),
                      ("4.weight", (1, 16), 16), ("4.bias", (1,), 1)]
    assert s.per_layer == {"0": 2 * 16 + 16, "2": 16 * 16 + 16, "4": 16 * 1 + 1}
    assert s.total == 337
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["name", "shape", "count"]
    assert lines[2].split() == ["0.weight", "(16,", "2)", "32"]
    assert lines[-1].split() == ["total", "337"]
    assert len({len(line) for line in lines}) == 1  # aligned: every line the same width


def test_parameter_summary_totals_equal_num_parameters(capsys):
    for model in (Net(), nn.scalar.MLP(2, [16, 16, 1], rng=0), nn.Linear(3, 2)):
        s = nn.parameter_summary(model, print_table=False)
        assert s.total == model.num_parameters() == sum(s.per_layer.values())
        assert [r[0] for r in s.rows] == [n for n, _ in model.named_parameters()]
    assert capsys.readouterr().out == ""
    assert nn.parameter_summary(nn.Linear(3, 2), print_table=False).per_layer == {
        "weight": 6, "bias": 2}
    scalar = nn.parameter_summary(nn.scalar.MLP(2, [16, 16, 1], rng=0), print_table=False)
    assert scalar.per_layer == {"layers.0": 48, "layers.1": 272, "layers.2": 17}
