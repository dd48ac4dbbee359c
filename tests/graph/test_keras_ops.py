"""The Keras backend extractor (graph/_keras_ops.py): one test per rule, on small backend trees
written here, and the committed graph reproduced byte for byte from the pinned keras."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from mlkg.graph._keras_ops import DATA_FILE, extract, find_keras, function_name, to_turtle

PINNED_KERAS = "3.15.1"


def backend_tree(tmp_path: Path, files: dict[str, str]) -> Path:
    """A fake keras package: ``{"tensorflow/nn.py": source, ...}`` under keras/src/backend."""
    for name, source in files.items():
        path = tmp_path / "keras" / "src" / "backend" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    return tmp_path


def pairs_of(root: Path) -> dict[str, tuple[str, str, str]]:
    found = extract(root, "0.0.0", backends=("tensorflow", "torch"))
    return {p.op: (p.a.function, p.b.function, p.strength) for p in found.pairs}


def test_committed_graph_is_reproduced_byte_for_byte_from_the_pinned_keras() -> None:
    root, version = find_keras()
    assert version == PINNED_KERAS, f"the keras extra pins {PINNED_KERAS}; installed {version}"
    assert to_turtle(extract(root, version)) == DATA_FILE.read_text(encoding="utf-8")


def test_check_mode_of_the_module_agrees_and_a_changed_file_is_caught(tmp_path: Path) -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "mlkg.graph._keras_ops", "--check"], capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stderr
    assert "up to date" in ok.stdout
    stale = tmp_path / "stale.ttl"
    stale.write_text(DATA_FILE.read_text(encoding="utf-8").replace("mlkg:Exact", "mlkg:Close", 1))
    bad = subprocess.run(
        [sys.executable, "-m", "mlkg.graph._keras_ops", "--check", "-o", str(stale)],
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1 and "make data" in bad.stderr


def test_alias_resolution(tmp_path: Path) -> None:
    root = backend_tree(
        tmp_path,
        {
            "tensorflow/nn.py": """
                from keras.src.utils.module_utils import tensorflow as tf
                def gelu(x, approximate=True):
                    return tf.nn.gelu(x, approximate=approximate)
            """,
            "torch/nn.py": """
                import torch.nn.functional as tnn
                def gelu(x, approximate=True):
                    return tnn.gelu(x, approximate=approximate)
            """,
        },
    )
    assert pairs_of(root) == {"nn.gelu": ("tensorflow.nn.gelu", "torch.nn.functional.gelu", "exact")}
    name = function_name("torch.nn.functional.gelu")
    assert name.label == "torch.nn.functional.gelu" and "F.gelu" in name.alt_labels
    assert function_name("jax.numpy.max").label == "jnp.max"


def test_private_paths_and_unknown_names_are_not_functions(tmp_path: Path) -> None:
    root = backend_tree(
        tmp_path,
        {
            "tensorflow/math.py": """
                import tensorflow as tf
                from tensorflow.python.ops.math_ops import is_nan
                def isnan(x):
                    return is_nan(x)
                def neg(x):
                    return helper.negative(x)
            """,
            "torch/math.py": """
                import torch
                def isnan(x):
                    return torch.isnan(x)
                def neg(x):
                    return torch.neg(x)
            """,
        },
    )
    assert pairs_of(root) == {}


def test_helpers_are_unwrapped_and_never_counterparts(tmp_path: Path) -> None:
    root = backend_tree(
        tmp_path,
        {
            "tensorflow/nn.py": """
                import tensorflow as tf
                from keras.src.backend.tensorflow.core import convert_to_tensor
                def relu(x):
                    x = convert_to_tensor(x)
                    return tf.cast(tf.nn.relu(x), "float32")
                def as_tensor(x):
                    return tf.convert_to_tensor(x)
            """,
            "torch/nn.py": """
                import torch
                import torch.nn.functional as F
                from keras.src.backend.torch.core import cast, convert_to_tensor
                def relu(x):
                    x = convert_to_tensor(x)
                    return cast(F.relu(x), "float32")
                def as_tensor(x):
                    return torch.as_tensor(x)
            """,
        },
    )
    assert pairs_of(root) == {"nn.relu": ("tensorflow.nn.relu", "torch.nn.functional.relu", "exact")}


def test_renamed_arguments_are_close(tmp_path: Path) -> None:
    root = backend_tree(
        tmp_path,
        {
            "tensorflow/math.py": """
                import tensorflow as tf
                def logsumexp(x, axis=None, keepdims=False):
                    return tf.math.reduce_logsumexp(x, axis=axis, keepdims=keepdims)
            """,
            "torch/math.py": """
                import torch
                def logsumexp(x, axis=None, keepdims=False):
                    return torch.logsumexp(x, dim=axis, keepdim=keepdims)
            """,
        },
    )
    assert pairs_of(root)["math.logsumexp"][2] == "close"


def test_composite_side_makes_related_and_two_composites_are_left_out(tmp_path: Path) -> None:
    root = backend_tree(
        tmp_path,
        {
            "tensorflow/numpy.py": """
                import tensorflow as tf
                def logaddexp(x1, x2):
                    return tf.math.log(tf.exp(x1) + tf.exp(x2))
                def cdist(x, y):
                    return tf.sqrt(tf.reduce_sum(tf.square(x - y), axis=-1))
            """,
            "torch/numpy.py": """
                import torch
                def logaddexp(x1, x2):
                    return torch.logaddexp(x1, x2)
                def cdist(x, y):
                    return torch.sqrt(torch.sum(torch.square(x - y), dim=-1))
            """,
        },
    )
    assert pairs_of(root) == {"numpy.logaddexp": ("tensorflow.math.log", "torch.logaddexp", "related")}


def test_a_rearrangement_on_one_side_only_is_left_out(tmp_path: Path) -> None:
    root = backend_tree(
        tmp_path,
        {
            "tensorflow/nn.py": """
                import tensorflow as tf
                def soft_shrink(x, threshold=0.5):
                    return tf.where(x > threshold, x - threshold, x)
            """,
            "torch/nn.py": """
                import torch.nn.functional as tnn
                def soft_shrink(x, threshold=0.5):
                    return tnn.softshrink(x, lambd=threshold)
            """,
        },
    )
    assert pairs_of(root) == {}


def test_returns_that_disagree_leave_the_side_out_and_early_exits_do_not(tmp_path: Path) -> None:
    root = backend_tree(
        tmp_path,
        {
            "tensorflow/numpy.py": """
                import tensorflow as tf
                def diff(a, n=1):
                    if n == 0:
                        return a
                    return tf.experimental.numpy.diff(a, n)
                def sort(x):
                    if x.ndim == 1:
                        return tf.sort(x)
                    return tf.argsort(x)
            """,
            "torch/numpy.py": """
                import torch
                def diff(a, n=1):
                    return torch.diff(a, n)
                def sort(x):
                    return torch.sort(x)
            """,
        },
    )
    found = pairs_of(root)
    assert "numpy.sort" not in found
    assert found["numpy.diff"] == ("tensorflow.experimental.numpy.diff", "torch.diff", "close")


@pytest.mark.parametrize("module", ["nn", "numpy"])
def test_ops_match_only_within_the_same_backend_module(tmp_path: Path, module: str) -> None:
    other = "numpy" if module == "nn" else "nn"
    root = backend_tree(
        tmp_path,
        {
            f"tensorflow/{module}.py": "import tensorflow as tf\ndef relu(x):\n    return tf.nn.relu(x)\n",
            f"torch/{other}.py": "import torch\ndef relu(x):\n    return torch.relu(x)\n",
        },
    )
    assert pairs_of(root) == {}


def test_sparse_input_branches_are_set_aside_and_the_dense_path_decides(tmp_path: Path) -> None:
    root = backend_tree(
        tmp_path,
        {
            "tensorflow/numpy.py": """
                import tensorflow as tf
                def sum(x, axis=None):
                    if isinstance(x, tf.SparseTensor):
                        return tf.sparse.reduce_sum(x, axis=axis)
                    return tf.reduce_sum(x, axis=axis)
                def concatenate(xs, axis=0):
                    sparse_count = len([x for x in xs if isinstance(x, tf.SparseTensor)])
                    if sparse_count:
                        return tf.sparse.concat(axis=axis, sp_inputs=xs)
                    return tf.concat(xs, axis=axis)
                def sort(x):
                    if x.ndim == 1:
                        return tf.sort(x)
                    return tf.argsort(x)
            """,
            "torch/numpy.py": """
                import torch
                def sum(x, axis=None):
                    return torch.sum(x, dim=axis)
                def concatenate(xs, axis=0):
                    return torch.cat(xs, dim=axis)
                def sort(x):
                    return torch.sort(x)
            """,
        },
    )
    found = pairs_of(root)
    # reduce_sum is named like sum (TensorFlow's reduce_ prefix), so close; concat and cat are
    # differently named and the TF side is special-cased, so only related
    assert found["numpy.sum"] == ("tensorflow.reduce_sum", "torch.sum", "close")
    assert found["numpy.concatenate"] == ("tensorflow.concat", "torch.cat", "related")
    assert "numpy.sort" not in found  # an ordinary branch that disagrees still leaves the side out


def test_an_allocation_returned_for_degenerate_input_is_an_early_exit(tmp_path: Path) -> None:
    root = backend_tree(
        tmp_path,
        {
            "tensorflow/numpy.py": """
                import tensorflow as tf
                def isnan(x):
                    if x.dtype.is_integer:
                        return tf.zeros(x.shape, tf.bool)
                    return tf.math.is_nan(x)
                def isneginf(x):
                    if x.dtype.is_integer:
                        return tf.zeros_like(x, dtype=tf.bool)
                    return tf.math.equal(x, -tf.constant(float("inf")))
                def full(shape, fill_value):
                    if fill_value == 0:
                        return tf.zeros(shape)
                    return tf.broadcast_to(fill_value, shape)
            """,
            "torch/numpy.py": """
                import torch
                def isnan(x):
                    return torch.isnan(x)
                def isneginf(x):
                    return torch.isneginf(x)
                def full(shape, fill_value):
                    return torch.full(shape, fill_value)
            """,
        },
    )
    found = pairs_of(root)
    assert found["numpy.isnan"] == ("tensorflow.math.is_nan", "torch.isnan", "close")
    assert found["numpy.isneginf"] == ("tensorflow.math.equal", "torch.isneginf", "related")
    assert "numpy.full" not in found  # the allocation is what a rearranging op returns: not an exit


def test_returned_parts_of_one_value_stand_for_the_call_that_made_it(tmp_path: Path) -> None:
    root = backend_tree(
        tmp_path,
        {
            "tensorflow/math.py": """
                import tensorflow as tf
                def fft(x):
                    out = tf.signal.fft(x)
                    return tf.math.real(out), tf.math.imag(out)
                def moments(x):
                    mean = tf.reduce_mean(x)
                    variance = tf.math.reduce_variance(x)
                    return mean, variance
                def slogdet(x):
                    return tuple(tf.linalg.slogdet(x))
                def sort(x):
                    return tf.sort(x)
            """,
            "torch/math.py": """
                import torch
                def fft(x):
                    out = torch.fft.fft(x)
                    return out.real, out.imag
                def moments(x):
                    return torch.var_mean(x)
                def slogdet(x):
                    return tuple(torch.linalg.slogdet(x))
                def sort(x):
                    return torch.sort(x).values
            """,
        },
    )
    found = pairs_of(root)
    assert found["math.fft"] == ("tensorflow.signal.fft", "torch.fft.fft", "close")
    assert found["math.slogdet"] == ("tensorflow.linalg.slogdet", "torch.linalg.slogdet", "close")
    assert found["math.sort"] == ("tensorflow.sort", "torch.sort", "close")
    assert "math.moments" not in found  # a tuple of two different values is not one function


def test_rearranging_and_masking_fix_ups_are_followed_back(tmp_path: Path) -> None:
    root = backend_tree(
        tmp_path,
        {
            "tensorflow/nn.py": """
                import tensorflow as tf
                def _transpose_out(y):
                    return tf.transpose(y, [0, 2, 1])
                def _scale(y):
                    return tf.math.multiply(y, 2.0)
                def max_pool(x, data_format=None):
                    out = tf.nn.max_pool(x, 2, 2, "VALID")
                    if data_format == "channels_first":
                        out = _transpose_out(out)
                    return out
                def relu(x):
                    out = tf.nn.relu(x)
                    out = _scale(out)
                    return out
                def elu(x, alpha=1.0):
                    res = tf.nn.elu(x)
                    if alpha == 1:
                        return res
                    return tf.where(x > 0, res, alpha * res)
                def fmax(x1, x2):
                    res = tf.maximum(x1, x2)
                    res = tf.where(tf.math.is_nan(x1), x2, res)
                    return res
            """,
            "torch/nn.py": """
                import torch
                import torch.nn.functional as tnn
                def max_pool(x, data_format=None):
                    return tnn.max_pool1d(x, 2)
                def relu(x):
                    return tnn.relu(x)
                def elu(x, alpha=1.0):
                    return tnn.elu(x, alpha)
                def fmax(x1, x2):
                    return torch.fmax(x1, x2)
            """,
        },
    )
    found = pairs_of(root)
    assert found["nn.max_pool"] == ("tensorflow.nn.max_pool", "torch.nn.functional.max_pool1d", "related")
    assert found["nn.elu"] == ("tensorflow.nn.elu", "torch.nn.functional.elu", "close")
    assert found["nn.fmax"] == ("tensorflow.maximum", "torch.fmax", "related")
    # a helper that computes (multiplies) is not a rearrangement: relu is not reached through it
    assert found.get("nn.relu", ("",))[0] != "tensorflow.nn.relu"


def test_branches_that_assign_different_functions_leave_the_side_out(tmp_path: Path) -> None:
    root = backend_tree(
        tmp_path,
        {
            "tensorflow/nn.py": """
                import tensorflow as tf
                def max_pool(x):
                    return tf.nn.max_pool(x, 2, 2, "VALID")
                def softmax(x, axis=-1):
                    if axis is None:
                        output = tf.reshape(tf.nn.softmax(tf.reshape(x, [-1])), tf.shape(x))
                    else:
                        output = tf.nn.softmax(x, axis=axis)
                    return output
                def isin(x1, x2, invert=False):
                    out = tf.reduce_any(tf.equal(x1, x2))
                    if invert:
                        out = tf.logical_not(out)
                    return out
            """,
            "torch/nn.py": """
                import torch
                import torch.nn.functional as tnn
                def max_pool(x):
                    if x.ndim == 3:
                        outputs = tnn.max_pool1d(x, 2)
                    elif x.ndim == 4:
                        outputs = tnn.max_pool2d(x, 2)
                    else:
                        outputs = tnn.max_pool3d(x, 2)
                    return outputs
                def softmax(x, axis=-1):
                    return tnn.softmax(x, dim=axis)
                def isin(x1, x2, invert=False):
                    return torch.isin(x1, x2, invert=invert)
            """,
        },
    )
    found = pairs_of(root)
    assert "nn.max_pool" not in found  # max_pool1d, 2d or 3d: no one function
    assert "nn.isin" not in found  # logical_not only when inverted: the value may be reduce_any's
    assert found["nn.softmax"] == ("tensorflow.nn.softmax", "torch.nn.functional.softmax", "close")


# -- the fallback rules 13-26: only for what rules 1-12 cannot place --------------------------


def test_arithmetic_around_one_function_is_composite_and_two_functions_are_not_placed(
    tmp_path: Path,
) -> None:
    """Rule 13."""
    root = backend_tree(
        tmp_path,
        {
            "tensorflow/nn.py": """
                import tensorflow as tf
                def tanh_shrink(x):
                    return x - tf.math.tanh(x)
                def log10(x):
                    return tf.math.log(x) / tf.math.log(tf.constant(10.0))
                def celu(x, alpha=1.0):
                    return tf.maximum(x, 0.0) + alpha * tf.math.expm1(tf.minimum(x, 0.0))
            """,
            "torch/nn.py": """
                import torch.nn.functional as tnn
                import torch
                def tanh_shrink(x):
                    return tnn.tanhshrink(x)
                def log10(x):
                    return torch.log10(x)
                def celu(x, alpha=1.0):
                    return tnn.celu(x, alpha=alpha)
            """,
        },
    )
    found = extract(root, "0.0.0", backends=("tensorflow", "torch"))
    pairs = {p.op: (p.a.function, p.b.function, p.strength, p.extended) for p in found.pairs}
    assert pairs == {
        "nn.tanh_shrink": ("tensorflow.math.tanh", "torch.nn.functional.tanhshrink", "related", True),
        "nn.log10": ("tensorflow.math.log", "torch.log10", "related", True),
    }


def test_a_composite_side_counts_only_when_its_call_is_the_ops_core(tmp_path: Path) -> None:
    """Rule 13's soundness check: the fallback places a composite side only when its one call
    takes the op's inputs and is combined with nothing but constants and those inputs (or is
    named like the other side's function). tf.sqrt is no answer for torch.hypot, nor tf.divide
    for torch.nanmean."""
    root = backend_tree(
        tmp_path,
        {
            "tensorflow/numpy.py": """
                import tensorflow as tf
                def hypot(x1, x2):
                    max_val = tf.maximum(tf.abs(x1), tf.abs(x2))
                    ratio = tf.math.divide_no_nan(tf.minimum(tf.abs(x1), tf.abs(x2)), max_val)
                    return max_val * tf.sqrt(1.0 + tf.square(ratio))
                def nanmean(x, axis=None):
                    if not x.dtype.is_floating:
                        return tf.reduce_mean(x, axis=axis)
                    total = tf.reduce_sum(tf.where(tf.math.is_nan(x), 0.0, x), axis=axis)
                    count = tf.reduce_sum(tf.cast(~tf.math.is_nan(x), x.dtype), axis=axis)
                    return tf.divide(total, count)
                def glu(x, axis=-1):
                    x1, x2 = tf.split(x, 2, axis=axis)
                    return x1 * tf.sigmoid(x2)
                def hard_sigmoid(x):
                    return tf.nn.relu6(x + tf.constant(3.0, x.dtype)) / tf.constant(6.0, x.dtype)
                def segment_sum(data, segment_ids, num_segments=None, sorted=False):
                    if sorted:
                        return tf.math.segment_sum(data, segment_ids)
                    if num_segments is None:
                        num_segments = tf.reduce_max(segment_ids) + 1
                    return tf.math.unsorted_segment_sum(data, segment_ids, num_segments)
            """,
            "torch/numpy.py": """
                import torch
                def hypot(x1, x2):
                    return torch.hypot(x1, x2)
                def nanmean(x, axis=None):
                    return torch.nanmean(x, dim=axis)
                def glu(x, axis=-1):
                    return torch.nn.functional.glu(x, dim=axis)
                def hard_sigmoid(x):
                    return torch.nn.functional.hardsigmoid(x)
                def segment_sum(data, segment_ids, num_segments=None, sorted=False):
                    return torch.segment_sum(data, segment_ids, num_segments)
            """,
        },
    )
    assert pairs_of(root) == {
        # the call takes the op's input plus constants, and its result is scaled by a constant
        "numpy.hard_sigmoid": ("tensorflow.nn.relu6", "torch.nn.functional.hardsigmoid", "related"),
        # the inputs, one a default filled in, go straight into the call
        "numpy.segment_sum": ("tensorflow.math.unsorted_segment_sum", "torch.segment_sum", "related"),
    }


def test_dtype_option_and_empty_axis_branches_are_set_aside(tmp_path: Path) -> None:
    """Rule 14: the general path decides; a branch testing another kind of thing still counts."""
    root = backend_tree(
        tmp_path,
        {
            "tensorflow/numpy.py": """
                import tensorflow as tf
                def max(x, axis=None, initial=None):
                    if initial is not None:
                        return tf.math.maximum(tf.reduce_max(x, axis=axis), initial)
                    if standardize_dtype(x.dtype) == "bool":
                        return tf.reduce_any(x, axis=axis)
                    return tf.reduce_max(x, axis=axis)
                def nansum(x, axis=None):
                    if axis == () or axis == []:
                        return tf.where(tf.math.is_nan(x), 0, x)
                    return tf.experimental.numpy.nansum(x, axis=axis)
                def isclose(x1, x2):
                    if "float" in standardize_dtype(x1.dtype):
                        return tf.experimental.numpy.isclose(x1, x2)
                    return tf.equal(x1, x2)
            """,
            "torch/numpy.py": """
                import torch
                def max(x, axis=None, initial=None):
                    return torch.amax(x, dim=axis)
                def nansum(x, axis=None):
                    return torch.nansum(x, dim=axis)
                def isclose(x1, x2):
                    return torch.isclose(x1, x2)
            """,
        },
    )
    pairs = pairs_of(root)
    assert pairs["numpy.max"][:2] == ("tensorflow.reduce_max", "torch.amax")
    assert pairs["numpy.max"][2] != "exact"  # guarded: a special case was set aside
    assert pairs["numpy.nansum"] == ("tensorflow.experimental.numpy.nansum", "torch.nansum", "close")
    # a float test selects the general case, not a special one: the returns disagree, left out
    assert "numpy.isclose" not in pairs


def test_checks_materialisation_and_transposes_pass_their_value_through(tmp_path: Path) -> None:
    """Rule 15."""
    root = backend_tree(
        tmp_path,
        {
            "tensorflow/linalg.py": """
                import tensorflow as tf
                def cholesky(a, upper=False):
                    out = tf.linalg.cholesky(a)
                    out = tf.debugging.check_numerics(out, "Cholesky")
                    if upper:
                        return tf.linalg.adjoint(out)
                    return out
                def argsort(x, axis=-1):
                    if x.shape.rank == 0:
                        return tf.cast([0], "int32")
                    return tf.argsort(x, axis=axis)
            """,
            "torch/linalg.py": """
                import torch
                def cholesky(x, upper=False):
                    return torch.linalg.cholesky(x, upper=upper)
                def argsort(x, axis=-1):
                    return torch.argsort(x, dim=axis)
            """,
            "tensorflow/numpy.py": """
                import tensorflow as tf
                def conj(x):
                    return tf.math.conj(x)
                def count_nonzero(x, axis=None):
                    return tf.math.count_nonzero(x, axis=axis)
            """,
            "torch/numpy.py": """
                import torch
                def conj(x):
                    return torch.conj(x).resolve_conj()
                def count_nonzero(x, axis=None):
                    return cast(torch.count_nonzero(x, dim=axis).T, "int32")
            """,
        },
    )
    assert pairs_of(root) == {
        "linalg.cholesky": ("tensorflow.linalg.cholesky", "torch.linalg.cholesky", "close"),
        "linalg.argsort": ("tensorflow.argsort", "torch.argsort", "close"),
        "numpy.conj": ("tensorflow.math.conj", "torch.conj", "exact"),
        "numpy.count_nonzero": ("tensorflow.math.count_nonzero", "torch.count_nonzero", "close"),
    }


def test_torch_tensor_methods_on_tensors_are_placed_and_on_other_objects_are_not(tmp_path: Path) -> None:
    """Rule 16."""
    root = backend_tree(
        tmp_path,
        {
            "tensorflow/core.py": """
                import tensorflow as tf
                def unstack(x, axis=0):
                    return tf.unstack(x, axis=axis)
                def gamma(shape, alpha):
                    return tf.random.stateless_gamma(shape, alpha=alpha)
            """,
            "torch/core.py": """
                import torch
                def unstack(x, axis=0):
                    x = convert_to_tensor(x)
                    return x.unbind(axis)
                def gamma(shape, alpha):
                    distribution = torch.distributions.gamma.Gamma(alpha, 1.0)
                    return distribution.sample()
            """,
        },
    )
    assert pairs_of(root) == {"core.unstack": ("tensorflow.unstack", "torch.Tensor.unbind", "related")}
    assert function_name("torch.Tensor.unbind").label == "torch.Tensor.unbind"


def test_stacking_functions_meet_concat_as_rearrangements(tmp_path: Path) -> None:
    """Rule 17: left out by rule 6 alone (a rearrangement on one side only), placed as related."""
    root = backend_tree(
        tmp_path,
        {
            "tensorflow/numpy.py": """
                import tensorflow as tf
                def hstack(xs):
                    return tf.concat(xs, axis=1)
                def softsign(x):
                    return tf.where(x > 0, x, -x)
            """,
            "torch/numpy.py": """
                import torch
                def hstack(xs):
                    return torch.hstack(xs)
                def softsign(x):
                    return torch.nn.functional.softsign(x)
            """,
        },
    )
    found = extract(root, "0.0.0", backends=("tensorflow", "torch"))
    assert [(p.op, p.a.function, p.b.function, p.strength, p.extended) for p in found.pairs] == [
        ("numpy.hstack", "tensorflow.concat", "torch.hstack", "related", True)
    ]


def test_an_unplaceable_branch_value_gives_way_to_branches_that_agree(tmp_path: Path) -> None:
    """Rule 18; branches that disagree still leave the side out."""
    root = backend_tree(
        tmp_path,
        {
            "tensorflow/numpy.py": """
                import tensorflow as tf
                def split(x, n, axis=0):
                    return tf.split(x, n, axis=axis)
                def amax(x, axis=None):
                    return tf.reduce_max(x, axis=axis)
            """,
            "torch/numpy.py": """
                import torch
                def split(x, n, axis=0):
                    out = torch.split(x, n, dim=axis)
                    if x.shape[axis] == 0:
                        out = [x.clone() for _ in range(n)]
                    return list(out)
                def amax(x, axis=None):
                    if x.ndim == 1:  # a choice by rank (rule 19 sets aside only `axis is None`)
                        result = torch.max(x)
                    else:
                        result = torch.amax(x, dim=axis)
                    if x.ndim == 0:
                        result = [result]
                    return result
            """,
        },
    )
    assert pairs_of(root) == {"numpy.split": ("tensorflow.split", "torch.split", "close")}


def test_an_axis_left_off_and_an_option_given_are_set_aside(tmp_path: Path) -> None:
    """Rule 19 (with rule 13 following a local name to its call)."""
    root = backend_tree(
        tmp_path,
        {
            "tensorflow/numpy.py": """
                import tensorflow as tf
                def max(x, axis=None, keepdims=False):
                    return tf.reduce_max(x, axis=axis, keepdims=keepdims)
                def average(x, axis=None, weights=None):
                    if weights is None:
                        avg = tf.reduce_mean(x, axis=axis)
                    else:
                        avg = tf.reduce_sum(x * weights, axis=axis) / tf.reduce_sum(weights)
                    return avg
                def uniform(shape, minval=0.0, maxval=1.0):
                    return tf.random.stateless_uniform(shape, minval=minval, maxval=maxval)
            """,
            "torch/numpy.py": """
                import torch
                def max(x, axis=None, keepdims=False):
                    if axis is None:
                        result = torch.max(x)
                    else:
                        result = torch.amax(x, dim=axis, keepdim=keepdims)
                    return result
                def average(x, axis=None, weights=None):
                    return torch.mean(x, axis)
                def uniform(shape, minval=0.0, maxval=1.0):
                    requested = shape
                    rand_tensor = torch.rand(size=shape)
                    output = (maxval - minval) * rand_tensor + minval
                    if len(requested) == 0:
                        return output[0]
                    return output
            """,
        },
    )
    assert pairs_of(root) == {
        "numpy.max": ("tensorflow.reduce_max", "torch.amax", "related"),
        "numpy.average": ("tensorflow.reduce_mean", "torch.mean", "close"),
        "numpy.uniform": ("tensorflow.random.stateless_uniform", "torch.rand", "related"),
    }


def test_transforms_called_and_returned_closures_stand_for_their_call(tmp_path: Path) -> None:
    """Rule 20."""
    root = backend_tree(
        tmp_path,
        {
            "tensorflow/core.py": """
                import tensorflow as tf
                def vectorized_map(function, elements):
                    return tf.vectorized_map(function, elements)
                def remat(f):
                    return tf.recompute_grad(f)
            """,
            "torch/core.py": """
                import torch
                def vectorized_map(function, elements):
                    return torch.vmap(function)(elements)
                def remat(f):
                    def wrapped(*args, **kwargs):
                        return torch.utils.checkpoint.checkpoint(f, *args, **kwargs)
                    return wrapped
            """,
        },
    )
    assert pairs_of(root) == {
        "core.vectorized_map": ("tensorflow.vectorized_map", "torch.vmap", "related"),
        "core.remat": ("tensorflow.recompute_grad", "torch.utils.checkpoint.checkpoint", "related"),
    }


def test_an_unwrapped_variable_is_still_a_tensor(tmp_path: Path) -> None:
    """Rule 21."""
    root = backend_tree(
        tmp_path,
        {
            "tensorflow/core.py": """
                import tensorflow as tf
                def unstack(variable, axis=0):
                    return tf.unstack(variable, axis=axis)
            """,
            "torch/core.py": """
                import torch
                def unstack(variable, axis=0):
                    if isinstance(variable, Variable):
                        variable = variable.value
                    return variable.unbind(axis)
            """,
        },
    )
    assert pairs_of(root) == {"core.unstack": ("tensorflow.unstack", "torch.Tensor.unbind", "related")}


def test_general_cases_first_set_aside_the_option_given_and_other_kinds_of_input(tmp_path: Path) -> None:
    """Rule 22: `if k == 0: return` and `if axes is not None: return` set the rest of the block
    aside; symbolic ("meta") and sequence-valued input branches are set aside; a test against a
    value other than the default sets nothing aside."""
    root = backend_tree(
        tmp_path,
        {
            "tensorflow/numpy.py": """
                import tensorflow as tf
                def eye(N, M=None, k=0, dtype=None):
                    if isinstance(k, int) and k == 0:
                        return tf.eye(N, M, dtype=dtype)
                    return tf.pad(tf.eye(N - k, dtype=dtype), paddings=((0, k), (k, 0)))
                def tri(N, M=None, k=0):
                    if k == 1:
                        return tf.eye(N, M)
                    return tf.pad(tf.eye(N - k), paddings=((0, k), (k, 0)))
                def transpose(x, axes=None):
                    return tf.transpose(x, perm=axes)
                def linspace(start, stop, num=50):
                    return tf.linspace(start, stop, num)
            """,
            "torch/numpy.py": """
                import torch
                from keras.src.backend.torch.core import get_device
                def eye(N, M=None, k=0, dtype=None):
                    if k == 0:
                        return torch.eye(N, M, dtype=dtype)
                    return torch.diag(torch.ones(N), diagonal=k)[:N, :M]
                def tri(N, M=None, k=0):
                    if k == 1:
                        return torch.eye(N, M)
                    return torch.diag(torch.ones(N), diagonal=k)[:N, :M]
                def transpose(x, axes=None):
                    if axes is not None:
                        return torch.permute(x, dims=axes)
                    return x.T
                def linspace(start, stop, num=50):
                    if get_device() == "meta":
                        return torch.arange(num) * 2
                    if hasattr(start, "__len__") and hasattr(stop, "__len__"):
                        steps = torch.arange(num) / (num - 1)
                        return start[None] + steps * (stop - start)[None]
                    return torch.linspace(start, stop, num)
            """,
        },
    )
    assert pairs_of(root) == {
        "numpy.eye": ("tensorflow.eye", "torch.eye", "close"),
        "numpy.transpose": ("tensorflow.transpose", "torch.permute", "related"),
        "numpy.linspace": ("tensorflow.linspace", "torch.linspace", "close"),
    }


def test_an_input_rearranged_by_hand_is_an_early_exit_and_a_computed_one_is_not(tmp_path: Path) -> None:
    """Rule 23."""
    tf_source = """
        import tensorflow as tf
        def repeat(x, repeats, axis=None):
            return tf.repeat(x, repeats, axis=axis)
    """
    rearranged = """
        import torch
        from keras.src.backend.torch.core import convert_to_tensor
        def repeat(x, repeats, axis=None):
            x = convert_to_tensor(x)
            if isinstance(repeats, int) and axis is not None:
                x = x.unsqueeze(axis + 1)
                x = x.expand(shape)
                return x.reshape(new_shape)
            return torch.repeat_interleave(x, repeats, dim=axis)
    """
    root = backend_tree(tmp_path / "a", {"tensorflow/numpy.py": tf_source, "torch/numpy.py": rearranged})
    assert pairs_of(root) == {"numpy.repeat": ("tensorflow.repeat", "torch.repeat_interleave", "related")}
    computed = rearranged.replace("x = x.unsqueeze(axis + 1)", "x = torch.cumsum(x, axis).unsqueeze(axis)")
    root = backend_tree(tmp_path / "b", {"tensorflow/numpy.py": tf_source, "torch/numpy.py": computed})
    assert pairs_of(root) == {}


def test_a_structural_function_named_like_the_op_is_the_ops_own(tmp_path: Path) -> None:
    """Rule 24: tf.stop_gradient meets torch's detach; tf.where still does not meet softshrink."""
    root = backend_tree(
        tmp_path,
        {
            "tensorflow/core.py": """
                import tensorflow as tf
                def stop_gradient(variable):
                    return tf.stop_gradient(variable)
            """,
            "tensorflow/nn.py": """
                import tensorflow as tf
                def soft_shrink(x, threshold=0.5):
                    return tf.where(x > threshold, x - threshold, x + threshold)
            """,
            "torch/core.py": """
                import torch
                def stop_gradient(variable):
                    if isinstance(variable, Variable):
                        variable = variable.value
                    return variable.detach()
            """,
            "torch/nn.py": """
                import torch.nn.functional as tnn
                def soft_shrink(x, threshold=0.5):
                    return tnn.softshrink(x, lambd=threshold)
            """,
        },
    )
    assert pairs_of(root) == {
        "core.stop_gradient": ("tensorflow.stop_gradient", "torch.Tensor.detach", "related")
    }


def test_documented_special_cases_and_copies_count_and_other_functions_do_not(tmp_path: Path) -> None:
    """Rule 25: tf.nn.bias_add counts as tf.add, tf.identity is copy's function; another second
    function (tf.math.add_n) still leaves the side out, and tf.identity elsewhere passes through."""
    root = backend_tree(
        tmp_path,
        {
            "tensorflow/numpy.py": """
                import tensorflow as tf
                from keras.src.backend.tensorflow.core import convert_to_tensor
                def add(x1, x2):
                    if len(x2.shape) == 1:
                        return tf.nn.bias_add(x1, x2)
                    return tf.add(x1, x2)
                def subtract(x1, x2):
                    if len(x2.shape) == 1:
                        return tf.math.add_n([x1, -x2])
                    return tf.subtract(x1, x2)
                def copy(x):
                    x = convert_to_tensor(x)
                    return tf.identity(x)
                def negative(x):
                    return tf.negative(tf.identity(x))
            """,
            "torch/numpy.py": """
                import torch
                def add(x1, x2):
                    return torch.add(x1, x2)
                def subtract(x1, x2):
                    return torch.subtract(x1, x2)
                def copy(x):
                    return torch.clone(x)
                def negative(x):
                    return torch.negative(x)
            """,
        },
    )
    assert pairs_of(root) == {
        "numpy.add": ("tensorflow.add", "torch.add", "close"),
        "numpy.copy": ("tensorflow.identity", "torch.clone", "related"),
        "numpy.negative": ("tensorflow.negative", "torch.negative", "related"),
    }


def test_the_backends_own_where_masks_like_the_frameworks(tmp_path: Path) -> None:
    """Rule 26: `output = where(mask, output, zero)` with keras's where is followed back; a where
    that computes a new value from `output` (it only appears in the condition) is not."""
    tf_source = """
        import tensorflow as tf
        def one_hot(x, num_classes, axis=-1):
            return tf.one_hot(x, num_classes, axis=axis)
    """
    torch_source = """
        import torch
        import torch.nn.functional as tnn
        from keras.src.backend.torch.numpy import where
        def one_hot(x, num_classes, axis=-1):
            output = tnn.one_hot(torch.clamp(x, min=0), num_classes)
            output = where(x[..., None] >= 0, output, 0)
            return output
    """
    numpy_source = """
        import torch
        def where(condition, x1=None, x2=None):
            if x1 is not None and x2 is not None:
                return torch.where(condition, x1, x2)
            else:
                return torch.stack(torch.where(condition), dim=0)
    """
    root = backend_tree(
        tmp_path / "a",
        {"tensorflow/nn.py": tf_source, "torch/nn.py": torch_source, "torch/numpy.py": numpy_source},
    )
    assert pairs_of(root) == {"nn.one_hot": ("tensorflow.one_hot", "torch.nn.functional.one_hot", "related")}
    other = torch_source.replace("where(x[..., None] >= 0, output, 0)", "where(output >= 0.5, 1, 0)")
    root = backend_tree(
        tmp_path / "b",
        {"tensorflow/nn.py": tf_source, "torch/nn.py": other, "torch/numpy.py": numpy_source},
    )
    assert pairs_of(root) == {}


def test_fallback_rules_leave_every_pair_of_rules_1_to_12_unchanged() -> None:
    """The pairs rules 1-12 place on the pinned keras are the ones they placed alone."""
    root, version = find_keras()
    extraction = extract(root, version)
    basic = [p for p in extraction.pairs if not p.extended]
    assert all(not p.a.extended and not p.b.extended for p in basic)
    counts = {}
    for p in extraction.pairs:
        key = f"{p.a.backend}-{p.b.backend}"
        counts[key] = counts.get(key, 0) + 1
    assert counts["tensorflow-torch"] >= 200


REVIEW = Path(__file__).parents[1] / "fixtures" / "keras_pairs_reviewed.json"
#: keras backend directory -> the framework key the reviewed sample uses.
REVIEW_FRAMEWORK = {"tensorflow": "tensorflow", "torch": "pytorch", "jax": "jax"}


def test_reviewed_sample_follows_its_stated_selection_rule() -> None:
    """The fixture's systematic pairs are exactly positions floor(i * N / n) of each framework
    pair's extracted pairs (sorted by keras op), with the labels and strengths the extractor gives."""
    review = json.loads(REVIEW.read_text(encoding="utf-8"))
    root, version = find_keras()
    assert review["keras"] == version
    extraction = extract(root, version)
    expected = set()
    for stratum, size in review["selection"]["sizes"].items():
        first, second = stratum.split("-")
        members = [
            p
            for p in extraction.pairs
            if (REVIEW_FRAMEWORK[p.a.backend], REVIEW_FRAMEWORK[p.b.backend]) == (first, second)
            and not p.extended
        ]
        assert [p.op for p in members] == sorted(p.op for p in members)
        for i in range(size):
            p = members[i * len(members) // size]
            labels = (function_name(p.a.function).label, function_name(p.b.function).label)
            expected.add((stratum, p.op, labels, p.strength))
    found = {
        (
            "-".join(p["frameworks"]),
            p["op"],
            (p[p["frameworks"][0]], p[p["frameworks"][1]]),
            p["strength"],
        )
        for p in review["pairs"]
        if p["selection"] == "systematic"
    }
    assert found == expected
    # the reviewed pairs only the fallback rules 13-26 place are pairs they place
    placed = {
        (
            REVIEW_FRAMEWORK[p.a.backend],
            p.op,
            function_name(p.a.function).label,
            function_name(p.b.function).label,
            p.strength,
        )
        for p in extraction.pairs
        if p.extended
    }
    for p in review["pairs"]:
        if p["selection"] == "new rules":
            first, second = p["frameworks"]
            assert (first, p["op"], p[first], p[second], p["strength"]) in placed, p
