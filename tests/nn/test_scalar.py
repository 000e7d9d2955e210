"""nn.scalar: micrograd's Neuron, Layer and MLP on Value. Construction, parameter order,
repr and weights as micrograd's; micrograd's demo loop ported by changing the imports; the
scalar MLP and the tensor MLP agree in outputs and gradients given the same weights."""

import math
import random

import numpy as np
import pytest

import nn
from autograd import Value
from nn.scalar import MLP, Layer, Neuron

# ---------------------------------------------------------------- Neuron


def test_neuron_parameters_are_w_then_b():
    n = Neuron(3, rng=0)
    params = n.parameters()
    assert params == n.w + [n.b]  # micrograd's order (Value == is identity)
    assert all(isinstance(p, Value) for p in params)
    assert all(-1 <= w.data <= 1 for w in n.w) and n.b.data == 0.0
    assert [w.data for w in n.w] == np.random.default_rng(0).uniform(-1, 1, 3).tolist()


@pytest.mark.parametrize("activation,fn,name", [
    ("relu", lambda z: max(z, 0.0), "ReLU"), ("tanh", math.tanh, "Tanh"),
    ("sigmoid", lambda z: 1 / (1 + math.exp(-z)), "Sigmoid"), (None, lambda z: z, "Linear")])
def test_neuron_activations(activation, fn, name):
    n = Neuron(2, activation=activation, rng=1)
    for x in ([0.5, -2.0], [3.0, 1.0]):
        z = n.w[0].data * x[0] + n.w[1].data * x[1] + n.b.data
        assert n(x).data == pytest.approx(fn(z), rel=1e-15, abs=1e-15)
    assert repr(n) == f"{name}Neuron(2)"


def test_micrograd_nonlin_keyword():
    assert repr(Neuron(2, nonlin=False)) == "LinearNeuron(2)"
    assert repr(Neuron(2, nonlin=True)) == "ReLUNeuron(2)"
    assert Neuron(2, nonlin=False).nonlin is False
    assert Neuron(2, activation="tanh", nonlin=True).activation == "tanh"


def test_neuron_takes_floats_or_values_and_checks_the_length():
    n = Neuron(2, rng=0)
    xs = [Value(0.3), Value(-0.7)]
    out = n(xs)
    out.backward()
    relu_grad = 1.0 if out.data > 0 else 0.0
    assert [x.grad for x in xs] == [w.data * relu_grad for w in n.w]
    assert n(np.array([0.3, -0.7])).data == out.data
    with pytest.raises(ValueError, match=r"ReLUNeuron\(2\): got 3 inputs, expected 2"):
        n([1.0, 2.0, 3.0])
    with pytest.raises(ValueError, match="activation"):
        Neuron(2, activation="gelu")


# ---------------------------------------------------------------- Layer, MLP


def test_layer_returns_a_value_for_one_neuron_and_a_list_otherwise():
    assert isinstance(Layer(2, 1, rng=0)([1.0, 2.0]), Value)
    out = Layer(2, 3, rng=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 3
    layer = Layer(2, 2, nonlin=False, rng=0)
    assert repr(layer) == "Layer of [LinearNeuron(2), LinearNeuron(2)]"
    # one generator for the whole layer: the neurons differ
    assert layer.neurons[0].w[0].data != layer.neurons[1].w[0].data


def test_mlp_structure_and_parameter_order():
    m = MLP(2, [16, 16, 1], rng=0)
    assert repr(m).startswith("MLP of [Layer of [ReLUNeuron(2), ")
    assert repr(m).endswith("Layer of [LinearNeuron(16)]]")  # the last layer is linear
    assert len(m.parameters()) == m.num_parameters() == 2 * 16 + 16 + 16 * 16 + 16 + 16 + 1
    expected = [p for layer in m.layers for n in layer.neurons for p in n.w + [n.b]]
    assert m.parameters() == expected  # micrograd's order
    assert isinstance(m([1.0, -1.0]), Value)
    assert MLP(2, [3, 1], activation="tanh").layers[0].neurons[0].activation == "tanh"
    with pytest.raises(ValueError, match="activation"):
        MLP(2, [3, 1], activation="swish")


def test_chained_single_neuron_layers():
    m = MLP(1, [1, 1], rng=0)  # a layer's single Value feeds the next layer
    assert isinstance(m([2.0]), Value)


def test_seeds_reproduce_and_python_random_is_the_default():
    a, b = MLP(2, [4, 1], rng=3), MLP(2, [4, 1], rng=3)
    assert [p.data for p in a.parameters()] == [p.data for p in b.parameters()]
    random.seed(42)
    c = MLP(2, [4, 1])
    random.seed(42)
    expected = [random.uniform(-1, 1) for _ in range(2 * 4 + 4)]  # micrograd's draw order
    weights = [w.data for layer in c.layers for n in layer.neurons for w in n.w]
    assert weights == expected


def test_same_weights_as_micrograd_with_the_same_seed():
    mg = pytest.importorskip("micrograd.nn")
    random.seed(1337)
    ref = mg.MLP(2, [16, 16, 1])
    random.seed(1337)
    ours = MLP(2, [16, 16, 1])
    assert [p.data for p in ours.parameters()] == [p.data for p in ref.parameters()]
    assert repr(ours) == repr(ref)
    x = [0.7, -1.3]
    out_ref, out = ref(x), ours(x)
    assert out.data == out_ref.data  # same floats in the same order: bit for bit
    out_ref.backward()
    out.backward()
    np.testing.assert_allclose([p.grad for p in ours.parameters()],
                               [p.grad for p in ref.parameters()], rtol=1e-12, atol=1e-15)


def test_zero_grad_resets_values():
    m = MLP(2, [3, 1], rng=0)
    m([1.0, 2.0]).backward()
    assert any(p.grad != 0 for p in m.parameters())
    m.zero_grad()
    assert all(p.grad == 0.0 for p in m.parameters())


# ---------------------------------------------------------------- micrograd's demo


def test_micrograd_demo_ports_by_changing_imports():
    # from micrograd.engine import Value; from micrograd.nn import MLP  ->  these imports
    from autograd import Value
    from nn.scalar import MLP

    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal([-1, -1], 0.4, (10, 2)), rng.normal([1, 1], 0.4, (10, 2))])
    y = np.array([-1] * 10 + [1] * 10)
    random.seed(1337)
    model = MLP(2, [16, 16, 1])

    def loss():  # micrograd's demo.ipynb, verbatim but for batching
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        alpha = 1e-4
        reg_loss = alpha * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
        return total_loss, sum(accuracy) / len(accuracy)

    losses = []
    for k in range(8):
        total_loss, acc = loss()
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        losses.append(total_loss.data)
    final, acc = loss()
    assert final.data < 0.5 * losses[0]
    assert acc == 1.0  # two well separated blobs


# ---------------------------------------------------------------- scalar vs tensor


def copy_scalar_to_tensor(scalar_mlp, tensor_mlp):
    """Write the scalar MLP's weights into the tensor MLP's Linear layers."""
    linears = [m for m in tensor_mlp if isinstance(m, nn.Linear)]
    for layer, lin in zip(scalar_mlp.layers, linears, strict=True):
        lin.weight.data[...] = [[w.data for w in n.w] for n in layer.neurons]
        lin.bias.data[...] = [n.b.data for n in layer.neurons]


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid"])
def test_scalar_and_tensor_mlp_agree_in_outputs_and_gradients(activation):
    s = MLP(3, [8, 6, 2], activation=activation, rng=0)
    t = nn.MLP(3, [8, 6], 2, activation=activation, rng=99)
    copy_scalar_to_tensor(s, t)
    X = np.random.default_rng(1).standard_normal((5, 3))
    R = np.random.default_rng(2).standard_normal((5, 2))  # a random linear loss <R, outputs>

    outs = [s(list(row)) for row in X]
    loss_s = sum(o * r for row, rrow in zip(outs, R) for o, r in zip(row, rrow))
    loss_s.backward()
    y = t(X)
    (y * R).sum().backward()

    # the two sum the same products in a different order: rounding only, ~1e-16 relative
    np.testing.assert_allclose(y.data, [[o.data for o in row] for row in outs],
                               rtol=1e-12, atol=1e-12)
    linears = [m for m in t if isinstance(m, nn.Linear)]
    for layer, lin in zip(s.layers, linears):
        np.testing.assert_allclose(lin.weight.grad, [[w.grad for w in n.w] for n in layer.neurons],
                                   rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(lin.bias.grad, [n.b.grad for n in layer.neurons],
                                   rtol=1e-12, atol=1e-12)


def test_scalar_state_dict_names():
    m = MLP(2, [2, 1], rng=0)
    assert list(m.state_dict()) == [
        "layers.0.neurons.0.w.0", "layers.0.neurons.0.w.1", "layers.0.neurons.0.b",
        "layers.0.neurons.1.w.0", "layers.0.neurons.1.w.1", "layers.0.neurons.1.b",
        "layers.1.neurons.0.w.0", "layers.1.neurons.0.w.1", "layers.1.neurons.0.b"]


def test_neuron_and_mlp_take_the_same_activation_names():
    # one rule for both: the names of nn.activations.ACTIVATIONS, "linear" or None
    for act in ("relu", "tanh", "sigmoid", "linear", None):
        m = MLP(2, [3, 1], activation=act, rng=0)
        assert m.layers[0].neurons[0].activation == Neuron(2, activation=act).activation
    assert repr(MLP(2, [1], activation="linear", rng=0)) == "MLP of [Layer of [LinearNeuron(2)]]"
    assert repr(Neuron(2, activation="sigmoid", rng=0)) == "SigmoidNeuron(2)"
    names = "activation must be one of 'relu', 'sigmoid', 'tanh', 'linear', None, got"
    for bad in ("gelu", "ReLU", 1):
        with pytest.raises(ValueError, match="Neuron: " + names):
            Neuron(2, activation=bad)
        with pytest.raises(ValueError, match="MLP: " + names):
            MLP(2, [1], activation=bad)


def test_value_parameters_count_and_load_as_zero_d_float64s():
    model = MLP(2, [3, 1])
    assert model.num_parameters() == 2 * 3 + 3 + 3 + 1 == len(model.parameters())
    rows = nn.parameter_summary(model, print_table=False).rows
    assert {shape for _, shape, _ in rows} == {()} and all(count == 1 for *_, count in rows)
    state = model.state_dict()
    assert all(a.shape == () and a.dtype == np.float64 for a in state.values())
    name = next(iter(state))
    for bad, why in ((np.zeros(2), "size mismatch"), (np.array(1 + 2j), "cannot be loaded into "
                                                       "a float64 parameter")):
        with pytest.raises(nn.StateDictError, match=why):
            model.load_state_dict({**state, name: bad})
    model.load_state_dict({**state, name: np.array(0.25, np.float32)})
    assert model.parameters()[0].data == 0.25
