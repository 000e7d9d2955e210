"""nn.load and nn.save under faults: every unreadable file (truncated, random, empty, a
torch.save or pickle file, a single .npy, a damaged entry header, an object array, a
directory) raises nn.LoadError naming the path and what is wrong, never runs a pickle and
never returns half a state; a failed or interrupted save leaves the old file and no
temporary; a new file gets the umask's mode."""

import io
import os
import pickle
import signal
import stat
import zipfile
from collections import OrderedDict

import numpy as np
import pytest

import nn
from nn.io import LoadError

STATE = OrderedDict([("a.weight", np.arange(12.0).reshape(3, 4)), ("a.bias", np.ones(3)),
                     ("n", np.array(7, np.int64)), ("h", np.zeros((2, 2), np.float32))])


def _saved(tmp_path, name="s.npz"):
    return nn.save(STATE, tmp_path / name)


def _raises(path, *fragments):
    """Assert that nn.load(path) raises LoadError naming the path and each fragment."""
    with pytest.raises(LoadError) as info:
        nn.load(path)
    msg = str(info.value)
    assert msg.startswith("load: ") and repr(str(path)) in msg, msg
    for f in fragments:
        assert f in msg, (f, msg)
    assert isinstance(info.value, ValueError)
    return msg


class _Trap:
    """Pickled, it calls os.mkdir(marker) when unpickled: its directory appears only if
    something runs the pickle."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (os.mkdir, (self.marker,))


def _zip(path, entries):
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return path


def _npy(arr, **kw):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr, **kw)
    return buf.getvalue()


# ---------------------------------------------------------------- files that are not a state


def test_every_truncation_raises_and_never_returns_part_of_the_state(tmp_path):
    data = _saved(tmp_path).read_bytes()
    cut = tmp_path / "cut.npz"
    for n in range(0, len(data), 7):  # the zip directory, entry headers, data: all cut
        cut.write_bytes(data[:n])
        _raises(cut, "empty" if n == 0 else "corrupt or truncated")


def test_random_bytes_raise(tmp_path):
    rng = np.random.default_rng(0)
    p = tmp_path / "r.npz"
    for i in range(20):
        raw = rng.integers(0, 256, size=int(rng.integers(1, 3000)), dtype=np.uint8).tobytes()
        if i % 2:
            raw = b"PK\x03\x04" + raw  # looks like a zip at first
        elif raw[:1] in (b"\x80", b"P", b"\x93"):
            raw = b"\x00" + raw
        p.write_bytes(raw)
        _raises(p, "corrupt" if i % 2 else "not an .npz file")


def test_empty_file(tmp_path):
    p = tmp_path / "e.npz"
    p.write_bytes(b"")
    _raises(p, "empty (0 bytes)")


def test_a_flipped_byte_in_the_data_is_found_by_the_checksum(tmp_path):
    p = _saved(tmp_path)
    data = bytearray(p.read_bytes())
    i = data.index(np.arange(12.0).tobytes()) + 20  # inside a.weight's values
    data[i] ^= 0xFF
    p.write_bytes(bytes(data))
    _raises(p, "entry 'a.weight'", "corrupt or truncated", "CRC")


def test_a_torch_save_look_alike_is_named_and_its_pickle_never_runs(tmp_path):
    marker = tmp_path / "ran"
    p = _zip(tmp_path / "model.pt", [("model/data.pkl", pickle.dumps(_Trap(marker))),
                                     ("model/byteorder", b"little"), ("model/data/0", b"\0" * 8),
                                     ("model/version", b"3\n")])
    _raises(p, "a torch.save file", "torch.load", "nn.from_torch_state_dict")
    assert not marker.exists()


def test_a_real_torch_save_file_is_named(tmp_path):
    torch = pytest.importorskip("torch")
    p = tmp_path / "real.pt"
    torch.save(nn.to_torch_state_dict(STATE), p)
    _raises(p, "a torch.save file", "nn.from_torch_state_dict")
    legacy = tmp_path / "legacy.pt"
    torch.save(nn.to_torch_state_dict(STATE), legacy, _use_new_zipfile_serialization=False)
    _raises(legacy, "a pickle file", "torch.load")
    # the advice works: torch.load, then nn.save, then nn.load
    again = nn.load(nn.save(torch.load(p), tmp_path / "converted"))
    assert list(again) == list(STATE)
    assert all(np.array_equal(again[k], STATE[k]) for k in STATE)


def test_a_pickle_file_is_refused_unrun(tmp_path):
    marker = tmp_path / "ran"
    p = tmp_path / "state.pkl"
    p.write_bytes(pickle.dumps({"w": _Trap(marker)}, protocol=4))
    _raises(p, "a pickle file")
    assert not marker.exists()


def test_an_npy_file_instead_of_npz(tmp_path):
    np.save(tmp_path / "w.npy", np.ones(3))
    _raises(tmp_path / "w.npy", "single array (.npy)", "nn.save")


@pytest.mark.parametrize("damage", [
    lambda h: h.replace(b"NUMPY", b"NUMPZ", 1),                      # the magic string
    lambda h: h.replace(b"'descr'", b"'dxscr'", 1),                  # a key of the header
    lambda h: h.replace(b"'<f8'", b"'<q9'", 1),                      # the dtype
    lambda h: h.replace(b"{", b"(", 1),                              # its syntax
    lambda h: h[:8] + b"\xff\xff" + h[10:],                          # its length
    lambda h: h[:9],                                                 # cut inside
])
def test_a_damaged_entry_header_is_reported_as_damaged_not_as_a_pickle(tmp_path, damage):
    good = _npy(np.arange(4.0))
    p = _zip(tmp_path / "d.npz", [("ok.npy", _npy(np.ones(2))), ("w.npy", damage(good))])
    msg = _raises(p, "header of entry 'w'", "damaged")
    assert "pickl" not in msg


def test_a_header_that_claims_more_data_than_the_entry_holds(tmp_path):
    good = _npy(np.arange(4.0))
    huge = good.replace(b"(4,)", b"(10000000000000,)".ljust(4), 1)  # 80 TB: never allocated
    short = good[:-8]  # the last element cut off
    for data, fragment in [(huge, "(10000000000000,)"), (short, "(4,)")]:
        p = _zip(tmp_path / "h.npz", [("w.npy", data)])
        _raises(p, "entry 'w'", fragment, "needs", "corrupt")


def test_an_object_array_is_refused_for_safety_and_never_unpickled(tmp_path):
    marker = tmp_path / "ran"
    p = tmp_path / "evil.npz"
    np.savez(p, fine=np.ones(2), w=np.array([_Trap(marker)], dtype=object), allow_pickle=True)
    _raises(p, "entry 'w'", "object array", "unpickling", "for safety")
    assert not marker.exists()
    structured = np.zeros(2, dtype=[("a", "f8"), ("b", "O")])  # an object field is found too
    np.savez(p, w=structured, allow_pickle=True)
    _raises(p, "object array")


def test_a_zip_with_other_entries_is_not_a_state_dict(tmp_path):
    # np.load would return such an entry as raw bytes
    p = _zip(tmp_path / "o.npz", [("w.npy", _npy(np.ones(2))), ("notes.txt", b"hello")])
    _raises(p, "'notes.txt'", "not an .npy array")


def test_a_repeated_entry_is_refused(tmp_path):
    p = tmp_path / "twice.npz"
    with pytest.warns(UserWarning, match="Duplicate name"):
        _zip(p, [("w.npy", _npy(np.ones(2))), ("w.npy", _npy(np.zeros(2)))])
    _raises(p, "twice")


def test_a_directory(tmp_path):
    d = tmp_path / "dir.npz"
    d.mkdir()
    _raises(d, "is a directory")


def test_a_missing_path_is_file_not_found_and_hints_at_the_suffix(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such file") as info:
        nn.load(tmp_path / "nothing.npz")
    assert info.value.filename == str(tmp_path / "nothing.npz")
    nn.save(STATE, tmp_path / "model")  # written as model.npz
    with pytest.raises(FileNotFoundError, match=r"did you mean .*model\.npz"):
        nn.load(tmp_path / "model")


# ---------------------------------------------------------------- files that still load


def test_npz_files_of_numpy_load_too(tmp_path):
    for writer in (np.savez, np.savez_compressed):
        p = tmp_path / f"{writer.__name__}.npz"
        writer(p, **{k.replace(".", "_"): v for k, v in STATE.items()})
        got = nn.load(p)
        assert [k.replace("_", ".") for k in got] == list(STATE)
        assert all(np.array_equal(a, b) and a.dtype == b.dtype
                   for a, b in zip(got.values(), STATE.values()))


@pytest.mark.parametrize("version", [(1, 0), (2, 0), (3, 0)])
def test_every_npy_header_version_loads(tmp_path, version):
    arr = np.arange(6.0).reshape(2, 3).T  # Fortran order on disk
    p = _zip(tmp_path / "v.npz", [("w.npy", _npy(arr, version=version))])
    got = nn.load(p)["w"]
    assert np.array_equal(got, arr) and got.dtype == arr.dtype


def test_load_accepts_str_and_pathlike(tmp_path):
    p = _saved(tmp_path)
    assert list(nn.load(str(p))) == list(nn.load(p)) == list(STATE)


# ---------------------------------------------------------------- save: mode and failures


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002, 0o027])
def test_a_new_file_gets_the_umask_mode_as_np_savez(tmp_path, umask):
    old = os.umask(umask)
    try:
        ours = nn.save(STATE, tmp_path / "ours")
        np.savez(tmp_path / "numpys.npz", x=np.ones(2))
    finally:
        os.umask(old)
    mode = stat.S_IMODE(os.stat(ours).st_mode)
    assert mode == 0o666 & ~umask
    assert mode == stat.S_IMODE(os.stat(tmp_path / "numpys.npz").st_mode)


def test_the_mode_matches_torch_save(tmp_path):
    torch = pytest.importorskip("torch")
    old = os.umask(0o027)
    try:
        ours = nn.save(STATE, tmp_path / "ours")
        torch.save({"x": torch.ones(2)}, tmp_path / "theirs.pt")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(ours).st_mode) == stat.S_IMODE(
        os.stat(tmp_path / "theirs.pt").st_mode)


def test_overwriting_keeps_the_files_mode_as_np_savez(tmp_path):
    ours, numpys = _saved(tmp_path), tmp_path / "n.npz"
    np.savez(numpys, x=np.ones(2))
    for p in (ours, numpys):
        os.chmod(p, 0o640)
    nn.save(STATE, ours)
    np.savez(numpys, x=np.zeros(2))
    assert stat.S_IMODE(os.stat(ours).st_mode) == stat.S_IMODE(os.stat(numpys).st_mode) == 0o640


@pytest.mark.parametrize("exc", [OSError("disk full"), KeyboardInterrupt()])
def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch, exc):
    p = _saved(tmp_path)
    before, listing = p.read_bytes(), sorted(os.listdir(tmp_path))
    real = np.lib.format.write_array
    new = OrderedDict((k, v + 1) for k, v in STATE.items())
    for k in range(len(new)):  # fail at the k-th entry
        calls = []

        def write(*args, k=k, calls=calls, **kwargs):
            if len(calls) == k:
                raise exc
            calls.append(1)
            return real(*args, **kwargs)

        monkeypatch.setattr(np.lib.format, "write_array", write)
        with pytest.raises(type(exc)):
            nn.save(new, p)
        assert p.read_bytes() == before
        assert sorted(os.listdir(tmp_path)) == listing
    monkeypatch.setattr(np.lib.format, "write_array", real)
    assert all(np.array_equal(nn.load(p)[k], STATE[k]) for k in STATE)


def test_an_interrupt_at_the_rename_or_of_a_new_file_leaves_nothing(tmp_path, monkeypatch):
    p = _saved(tmp_path)
    before = p.read_bytes()

    def replace(*args):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(KeyboardInterrupt):
        nn.save({"w": np.ones(2)}, p)
    with pytest.raises(KeyboardInterrupt):
        nn.save({"w": np.ones(2)}, tmp_path / "new.npz")
    assert p.read_bytes() == before and os.listdir(tmp_path) == [p.name]


def test_a_signal_while_the_temporary_is_made_is_raised_after_and_cleaned(tmp_path, monkeypatch):
    real = os.open

    def open_then_signal(*args, **kwargs):
        fd = real(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C just after the file exists
        return fd

    fds = set(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else None
    monkeypatch.setattr(os, "open", open_then_signal)
    with pytest.raises(KeyboardInterrupt):
        nn.save(STATE, tmp_path / "s.npz")
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []
    if fds is not None:  # and its descriptor was closed
        assert set(os.listdir("/proc/self/fd")) <= fds


def test_a_failed_save_of_bad_input_writes_nothing(tmp_path):
    with pytest.raises(TypeError):
        nn.save({"w": np.array([object()])}, tmp_path / "x")
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------- load_state_dict: all or nothing


class _Mixed(nn.Module):
    """Parameters, float and integer buffers, and Values: every kind load_state_dict writes."""

    def __init__(self, rng):
        super().__init__()
        self.lin = nn.Linear(3, 4, rng=rng)
        self.bn = nn.BatchNorm1d(4)
        self.scalar = nn.scalar.MLP(2, [2, 1], rng=rng)


def _state_of(model):
    """Each parameter's and buffer's data object and a copy of its value."""
    return [(name, p, p.data if isinstance(p, nn.module.Value) else p.data.copy(),
             None if isinstance(p, nn.module.Value) else p.numpy())
            for name, p in model._named_state()]


def _assert_unchanged(model, state):
    for (name, p, value, data), (name2, p2) in zip(state, model._named_state()):
        assert name == name2 and p is p2
        if data is None:
            assert p.data == value, name
        else:
            assert p.numpy() is data and p.data.dtype == value.dtype, name  # the same array
            assert np.array_equal(p.data, value), name


@pytest.mark.parametrize("when", ["before", "after"])
@pytest.mark.parametrize("exc", [KeyboardInterrupt, RuntimeError])
def test_load_state_dict_interrupted_at_every_tensor_changes_nothing(monkeypatch, when, exc):
    model, other = _Mixed(0), _Mixed(1)
    other.bn.running_mean.data[...] = 5.0
    other.bn.num_batches_tracked.data[...] = 9
    new = other.state_dict()
    before = _state_of(model)
    real = nn.module._copy_into
    n = len(new)
    for k in range(n):
        calls = []

        def copy_into(p, arr, k=k, calls=calls):
            if when == "after":
                real(p, arr)
            if len(calls) == k:
                raise exc("injected")
            calls.append(1)
            if when == "before":
                real(p, arr)

        monkeypatch.setattr(nn.module, "_copy_into", copy_into)
        with pytest.raises(exc, match="injected"):
            model.load_state_dict(new)
        monkeypatch.setattr(nn.module, "_copy_into", real)
        _assert_unchanged(model, before)
    model.load_state_dict(new)  # and then it loads
    for a, b in zip(model.state_dict().values(), new.values()):
        assert np.array_equal(a, b)


def test_load_state_dict_with_a_signal_at_every_tensor_changes_nothing(monkeypatch):
    model, new = _Mixed(0), _Mixed(1).state_dict()
    before = _state_of(model)
    real = nn.module._copy_into
    for k in range(len(new)):
        calls = []

        def copy_into(p, arr, k=k, calls=calls):
            real(p, arr)
            if len(calls) == k:
                os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C: raised once the writes are done
            calls.append(1)

        monkeypatch.setattr(nn.module, "_copy_into", copy_into)
        with pytest.raises(KeyboardInterrupt):
            model.load_state_dict(new)
        assert len(calls) == len(new)  # deferred: every write ran, then all were undone
        monkeypatch.setattr(nn.module, "_copy_into", real)
        _assert_unchanged(model, before)


def test_load_state_dict_into_a_read_only_array_changes_nothing():
    model, new = _Mixed(0), _Mixed(1).state_dict()
    before = _state_of(model)
    model.bn.running_var.numpy().flags.writeable = False  # late in the order: others are written
    with pytest.raises(ValueError, match="read-only"):
        model.load_state_dict(new)
    _assert_unchanged(model, before)


def test_saving_through_a_symlink_writes_its_target_as_np_savez(tmp_path):
    real = _saved(tmp_path, "real.npz")
    link = tmp_path / "link.npz"
    link.symlink_to(real)
    nn.save({"w": np.ones(2)}, link)
    assert link.is_symlink() and list(nn.load(real)) == ["w"]
    assert sorted(os.listdir(tmp_path)) == ["link.npz", "real.npz"]


def test_saving_into_a_missing_directory_names_the_target(tmp_path):
    target = tmp_path / "no" / "such" / "m.npz"
    with pytest.raises(FileNotFoundError, match=r"save: cannot create .*m\.npz") as info:
        nn.save(STATE, target)
    assert info.value.filename == str(target) and not (tmp_path / "no").exists()
