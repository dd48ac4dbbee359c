"""Function-level counterparts (tf.* <-> torch.* <-> jax.*) read from Keras 3's backend sources.

Keras 3 implements each backend op once per framework, in
``keras/src/backend/{tensorflow,torch,jax}/<module>.py``. When two backends implement the same
op by returning one framework call, those two calls correspond. This module reads the installed
``keras`` package's sources with :mod:`ast` (no TensorFlow, torch or JAX is imported) and writes
the pairs as the named graph ``graph/data/keras-functions.ttl``: one entity per framework
function, one correspondence per pair, with the keras op and the file and line on each side.
Only names and locations are kept, never code.

Regenerate with ``make data`` (``python -m mlkg.graph._keras_ops``); ``--check`` compares instead
of writing, and the test suite does the same, so the committed file is reproduced byte for byte
from the pinned keras version.

The rules
---------
1. **Ops.** Every public (no leading ``_``) module-level ``def`` of the op modules
   (:data:`OP_MODULES`) of a backend is that backend's implementation of the op
   ``<module>.<name>`` (e.g. ``nn.gelu``). Ops are matched across backends by that key.
2. **Alias resolution.** Each file's imports are read: ``import tensorflow as tf``,
   ``import torch.nn.functional as tnn``, ``from jax import numpy as jnp``, ``from jax import
   lax`` and Keras's lazy ``from keras.src.utils.module_utils import tensorflow as tf``. A call
   ``tnn.gelu(...)`` is the framework function ``torch.nn.functional.gelu``. Calls through
   other names (keras helpers, methods such as ``x.sum()``, local variables) are not framework
   functions. Non-public paths are dropped: any part starting with ``_`` and TensorFlow's
   ``tensorflow.python`` / ``tensorflow.compiler`` internals.
3. **Helper exclusion.** Calls that only convert, cast or handle dtypes and devices
   (:data:`CONVERSIONS`, plus keras's own ``convert_to_tensor`` / ``cast`` and cast-like
   methods ``.to()``, ``.type()``, ``.astype()``...) are never counterparts: a returned value
   wrapped in one is unwrapped to its first argument (the receiver, for a method).
   Scaffolding (:data:`SCAFFOLDING`: constants, zeros/ones/empty allocations, shape and rank
   queries, assertions) is not counted as composing, and may only be the answer of an op whose
   body calls nothing else.
4. **The producing call.** For each ``return`` of the op body (nested functions excluded) the
   returned expression is followed: a helper is unwrapped, a local name is followed to its last
   assignment before the return, a rearranging wrapper (:data:`WRAPPERS`, and methods such as
   ``.permute()``) around another framework call stands for that call, and a call to another
   function of the same backend module (or imported from the same backend package) is followed
   into that function (delegation). The result must be a framework call; anything else
   (arithmetic, indexing, a tuple, a method call) cannot be placed and the backend's side is
   left out. Early exits that hand back an argument or a constant are skipped. All other
   returns must produce the same framework function, else the side is left out.
5. **Single or composite.** A side is *single* when the body calls no other framework function
   than the producing one except helpers, scaffolding and rearrangements (:data:`STRUCTURAL`),
   else *composite*.
6. **Strength.** Both sides single: *exact* when both calls pass the same arguments in the
   same order (each positional argument and each keyword naming the same op parameter or the
   same constant, after helpers), *close* when arguments are renamed, reordered, passed through
   local names, or the result is rearranged, reached through delegation or special-cased by an
   early exit. *Related* when one side's call is given a computed first argument or a constant
   positional argument the other side does not have (it specialises the function, as
   ``tf.math.pow(2, x)`` does for ``exp2``), and when two differently named functions meet
   with one call adjusted or rearranging (``tf.transpose`` doing ``torch.moveaxis``'s job,
   ``tf.tensordot`` doing ``torch.vdot``'s). A structural function on one side only (``tf.where``
   against ``torch.nn.functional.softshrink``) is left out. Scaffolding pairs are kept only when
   both functions are named like the op (``numpy.zeros``: ``tf.zeros`` and ``torch.zeros``).
   One side single and the other composite: *related*, unless the
   composite side's producing call is structural (:data:`STRUCTURAL`: reshapes, transposes,
   ``where``...), which says nothing about the op, and the pair is left out. Both composite:
   left out. A pair whose two sides produce scaffolding is left out. Names are compared by
   their stem (:func:`_stem`: lower case, TensorFlow's ``reduce_`` prefix and underscores
   dropped), so ``tf.reduce_sum`` / ``torch.sum`` and ``tf.math.is_nan`` / ``torch.isnan`` are
   named alike; a side that is adjusted or guarded (rules 7, 8) meeting a differently named
   function is *related*.
7. **Special inputs.** Returns (and calls) inside an ``if`` whose test mentions a sparse or
   ragged type (:data:`SPECIAL_INPUTS`, directly or through a local name computed from one,
   e.g. ``if isinstance(x, tf.SparseTensor)`` or ``if sparse_count:``) handle another input
   type; they are set aside and the dense path decides. The side is *guarded*: at most close.
8. **Degenerate-input exits.** A return producing an allocation (:data:`SCAFFOLDING`, e.g.
   ``tf.zeros(x.shape, tf.bool)`` for integer input to ``isnan``) is an early exit when the
   other returns produce one non-scaffolding, non-structural function; the side is guarded.
9. **Parts and repackaging.** A returned tuple whose elements are all parts of one local
   value (``v.real``, ``v.imag``, ``tf.math.real(v)``, ``v[0]``, :data:`PART_FUNCTIONS`,
   :data:`PART_ATTRIBUTES`) stands for the call that produced that value (``fft``); a part of
   a call's result (``torch.sort(x).values``, ``torch.linalg.lstsq(...)[0]``) stands for the
   call, and ``tuple(...)`` / ``list(...)`` around a result are unwrapped. Such a side is
   rearranged (at most close). A tuple of different values (``(mean, variance)``) is not
   placed.
10. **Masked returns.** A ``where`` return whose branches hand back a local value made by the
    function the other returns produce (``tf.where(x > 0, res, alpha * res)`` after ``return
    res`` in ``elu``) stands for that function, adjusted.
11. **Fix-ups.** Following a local name, an assignment that only rearranges or masks the name
    itself, ``v = _transpose_spatial_outputs(v)`` (a private helper of the module whose returns
    and calls are all structural) or ``v = where(mask, fill, v)``, is followed back to the
    assignment before it; the side is adjusted.
12. **Branches must agree.** When the assignment followed sits in a branch of an
    ``if``/``elif``/``else``, the assignments of the same name in the other branches (and the
    value from before the ``if`` when a branch, or the missing ``else``, does not assign it)
    must produce the same function; a branch that only rearranges or calls a keras helper makes
    the side adjusted, one that produces another function leaves the side out
    (``max_pool1d``/``max_pool2d``/``max_pool3d`` by rank; ``logical_not`` only when
    ``invert``).

Fallback rules. Rules 13-26 are tried only for a side rules 1-12 cannot place (and rules 17 and
24 only for a pair rule 6 leaves out), so every pair the first twelve place is unchanged; pairs they add
are marked ``extended`` (:attr:`Pair.extended`).

13. **Arithmetic around one function.** A returned (or followed) ``+ - * / ** //`` or unary
    expression whose calls, scaffolding and converted arguments aside, all produce one
    framework function stands for that function, and the side is *composite* (so at most
    *related*): ``x - tf.math.tanh(x)`` for ``tanh_shrink``, ``tf.math.log(x) /
    tf.math.log(10)`` for ``log10``. Two different functions in the expression: not placed.
    *Soundness*: in a pair the fallback places, a composite side (from this rule or any other)
    counts only when its function is named like the other side's (``tf.linspace`` /
    ``torch.linspace``) or its call is the op's core (:attr:`Side.core`): every positional
    argument of the call is an input of the op (unchanged, converted, or given a default under
    ``if p is None``), a constant, or one input with constants (``x + 3``); and the arithmetic
    around it combines the result only with constants and the op's inputs. A value computed by
    other calls (hypot's ``max_val * tf.sqrt(...)``, nanmean's ``tf.divide(total, count)``,
    glu's ``x1 * tf.sigmoid(x2)``), or one argument mixing several inputs, leaves the pair out:
    ``tf.sqrt`` is a final step of hypot, not hypot.
14. **Special cases by dtype or option.** Like rule 7, the branch of an ``if`` taken for
    boolean or integer input (``standardize_dtype(x.dtype) == "bool"``, ``"int" in dtype``,
    ``x.dtype.is_integer``, ``not x.dtype.is_floating``, ``not torch.is_floating_point(x)``),
    for an option given (``initial is not None``, ``if retstep:``, ``retstep is True`` for a
    parameter defaulting to ``None``/``False``; ``if sparse:``), or for an empty axis
    (``axis == () or axis == []``) is set aside; the remaining path decides, guarded.
15. **Checks, materialisation, transposes.** ``tf.debugging.check_numerics`` (:data:`CHECKS`)
    hands its value back like a conversion; ``.resolve_conj()`` / ``.resolve_neg()``
    (:data:`MATERIALISING_METHODS`) like a cast method; ``tf.linalg.adjoint``
    (:data:`MATRIX_WRAPPERS`) around another call stands for it like rule 4's wrappers, and
    ``.T`` on a call's result is a rearrangement (adjusted). A constant list handed back for
    degenerate input (``tf.cast([0], "int32")``) is an early exit like a constant.
16. **Tensor methods.** In the torch backend a method called on a parameter of the op, or on a
    local name made by ``convert_to_tensor`` (so a ``torch.Tensor``), is the method
    ``torch.Tensor.<name>`` (``x.unbind(axis)`` is ``torch.Tensor.unbind``); reached through
    the receiver, the side is adjusted. Methods on other objects (a distribution's
    ``.sample()``) are not placed.
17. **Stacking.** ``hstack`` / ``vstack`` / ``dstack`` (:data:`STACKING`) are rearrangements
    like ``concat`` for rule 6, so ``tf.concat`` and ``torch.hstack`` meet as two
    rearrangements (*related*, as differently named) instead of being left out.
18. **Unplaceable branch values.** Following a local name whose last assignment is no
    framework call (a list comprehension for an empty input), the other branches of its ``if``
    (and the value before it) decide when they all produce one function, followed as names so
    that their own branches must agree (rule 12); the side is adjusted.
19. **Options left off.** ``if axis is None:`` (also ``axes``, ``dim``: :data:`AXIS_PARAMS`)
    reduces over all axes, the special case of the reduction over given axes, so that branch
    is set aside (``torch.max(x)`` against ``amax(x, axis)``); for any other option defaulting
    to ``None``, ``if weights is None: ... else: ...`` sets the ``else`` (the option given)
    aside, as rule 14 does for ``is not None``. Assignments in branches set aside are not
    followed. A scalar-shape branch (``len(shape) == 0``) is set aside like an empty axis, and
    rule 13 follows a local name in the arithmetic to the call assigned to it
    (``(maxval - minval) * rand_tensor + minval``). A local value changed in place after its
    call (``outputs[idx] = updates``) is neither placed nor the core of a composite side.
20. **Transforms and closures.** A framework transform's result, called
    (``torch.vmap(f)(xs)``), stands for the transform; a returned nested function whose
    returns all produce one framework call (``wrapped`` calling
    ``torch.utils.checkpoint.checkpoint``) stands for that call. Both adjusted.
21. **Variables.** ``variable = variable.value`` unwraps a keras Variable parameter to its
    tensor, so rule 16 still sees a method on it as a ``torch.Tensor`` method.
22. **General cases first.** ``if k == 0: return ...`` for a parameter defaulting to ``0`` (an
    option at its default, alone or ``and``-ed with ``isinstance`` checks of it) and ``if axes is
    not None: return ...`` for an axis parameter (:data:`AXIS_PARAMS`) defaulting to ``None``
    are the op's general case: the statements after the ``if`` in its block handle the option
    given (``eye``'s diagonal offset) or the axes left off (``transpose``'s ``x.T``) and are set
    aside, as rules 14 and 19 set such branches aside (rule 14 keeps the branch of axes
    given). Like rule 7, a branch for symbolic tensors (``get_device() == "meta"``,
    :data:`SYMBOLIC_DEVICES`) or for sequence-valued input (``hasattr(start, "__len__")``)
    handles another kind of input and is set aside. The side is guarded.
23. **Rearranged by hand.** A return handing back an input passed only through rearranging
    tensor methods (:data:`STRUCTURAL_METHODS`, at least one) and conversions, followed through
    local names (``x.unsqueeze(axis + 1).expand(shape).reshape(new_shape)`` for ``repeat``),
    calls no framework function: it is an early exit like a returned argument (adjusted).
24. **The op's own structural function.** Rule 6 leaves out a rearrangement met by a function
    that is not one; a structural function named like the op (``tf.stop_gradient`` for
    ``core.stop_gradient``) is the op's own function, not a rearrangement, and is paired.
25. **Special cases and copies.** A return producing a function its framework documents as a
    special case of another (:data:`SPECIAL_CASES`: ``tf.nn.bias_add``, "a special case of
    ``tf.add``") counts as that general function when the other returns produce it, and is no
    other call (guarded). An op whose every return hands back an input through a copying
    pass-through (:data:`COPIES`: ``tf.identity``), calling nothing else, is implemented by it
    (adjusted): ``tf.identity`` is ``copy``'s function though rule 3 passes it through elsewhere.
26. **Keras's own mask.** Rule 11's ``v = where(mask, fill, v)`` also holds when ``where`` is the
    backend's own ``where`` op (imported from its ``numpy`` module), not the framework's.
"""

from __future__ import annotations

import argparse
import ast
import importlib.metadata
import importlib.util
import sys
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

__all__ = [
    "BACKENDS",
    "OP_MODULES",
    "Extraction",
    "FunctionName",
    "Pair",
    "Side",
    "extract",
    "find_keras",
    "function_name",
    "main",
    "to_turtle",
]

#: Backends read, by directory name, with the framework root their calls resolve to.
BACKENDS: dict[str, str] = {"tensorflow": "tensorflow", "torch": "torch", "jax": "jax"}
#: Backend modules that hold ops (``keras/src/backend/<backend>/<module>.py``).
OP_MODULES = ("core", "image", "linalg", "math", "nn", "numpy", "random", "rnn")
#: Where the data file goes, relative to this package.
DATA_FILE = Path(__file__).resolve().parent / "data" / "keras-functions.ttl"
#: The tagged sources on the project's repository host (version, then path and line).
SOURCE_URL = "https://github.com/keras-team/keras/blob/v{version}/{path}#L{line}"
TREE_URL = "https://github.com/keras-team/keras/tree/v{version}/keras/src/backend"

#: Rule 3: conversion, cast, dtype and device handling, by fully qualified name.
CONVERSIONS = frozenset(
    {
        "tensorflow.convert_to_tensor",
        "tensorflow.cast",
        "tensorflow.identity",
        "tensorflow.as_dtype",
        "tensorflow.dtypes.as_dtype",
        "tensorflow.dtypes.cast",
        "tensorflow.saturate_cast",
        "tensorflow.bitcast",
        "tensorflow.device",
        "tensorflow.name_scope",
        "tensorflow.get_static_value",
        "tensorflow.executing_eagerly",
        "tensorflow.is_tensor",
        "tensorflow.TensorShape",
        "tensorflow.SparseTensor",
        "tensorflow.IndexedSlices",
        "tensorflow.RaggedTensor.from_tensor",
        "torch.tensor",
        "torch.as_tensor",
        "torch.from_numpy",
        "torch.is_tensor",
        "torch.is_floating_point",
        "torch.is_complex",
        "torch.result_type",
        "torch.promote_types",
        "torch.get_default_dtype",
        "torch.device",
        "torch.no_grad",
        "torch.finfo",
        "torch.iinfo",
        "jax.numpy.asarray",
        "jax.numpy.array",
        "jax.numpy.result_type",
        "jax.numpy.dtype",
        "jax.numpy.issubdtype",
        "jax.numpy.finfo",
        "jax.numpy.iinfo",
        "jax.numpy.promote_types",
        "jax.device_put",
        "jax.dtypes.canonicalize_dtype",
        "jax.dtypes.result_type",
        "jax.lax.convert_element_type",
    }
)
#: Keras's own conversion helpers (plain names imported from keras.src.backend...).
KERAS_CONVERSIONS = frozenset({"convert_to_tensor", "cast", "convert_to_tensors"})
#: Tensor methods that only cast or move a value.
CAST_METHODS = frozenset(
    {"to", "type", "astype", "contiguous", "float", "double", "int", "long", "bool", "half", "cpu", "numpy"}
)
#: Structural calls whose first argument passes through rearranged (rule 4 looks inside them).
WRAPPERS = frozenset(
    {"reshape", "transpose", "permute", "squeeze", "expand_dims", "unsqueeze", "moveaxis", "swapaxes"}
)
#: Tensor methods that only rearrange a value (followed to the receiver, rule 4).
STRUCTURAL_METHODS = frozenset(
    {"permute", "transpose", "reshape", "view", "squeeze", "unsqueeze", "flatten", "expand", "movedim"}
)
#: Rule 3: scaffolding: constants, allocations, shape and rank queries, assertions.
SCAFFOLDING = frozenset(
    {
        "tensorflow.constant",
        "tensorflow.zeros",
        "tensorflow.ones",
        "tensorflow.zeros_like",
        "tensorflow.ones_like",
        "tensorflow.fill",
        "tensorflow.shape",
        "tensorflow.rank",
        "tensorflow.size",
        "tensorflow.debugging.assert_equal",
        "tensorflow.debugging.assert_greater",
        "tensorflow.assert_greater",
        "tensorflow.assert_equal",
        "tensorflow.Assert",
        "tensorflow.control_dependencies",
        "torch.zeros",
        "torch.ones",
        "torch.empty",
        "torch.zeros_like",
        "torch.ones_like",
        "torch.empty_like",
        "torch.full",
        "torch.full_like",
        "torch.Size",
        "jax.numpy.zeros",
        "jax.numpy.ones",
        "jax.numpy.empty",
        "jax.numpy.zeros_like",
        "jax.numpy.ones_like",
        "jax.numpy.full",
        "jax.numpy.full_like",
        "jax.numpy.shape",
        "jax.numpy.ndim",
        "jax.numpy.size",
    }
)
#: Rule 6: producing calls of a composite side that only rearrange data.
STRUCTURAL = frozenset(
    {
        "reshape",
        "transpose",
        "permute",
        "squeeze",
        "expand_dims",
        "unsqueeze",
        "where",
        "concat",
        "cat",
        "concatenate",
        "stack",
        "gather",
        "tile",
        "broadcast_to",
        "moveaxis",
        "swapaxes",
        "flatten",
        "ravel",
        "cond",
        "while_loop",
        "scan",
        "map_fn",
        "vectorized_map",
        "vmap",
        "custom_gradient",
        "stop_gradient",
        "dynamic_slice",
        "slice",
        "pad",
    }
)
#: Rule 7: input types a backend special-cases in a branch of its own (sparse, ragged).
SPECIAL_INPUTS = frozenset(
    {
        "tensorflow.SparseTensor",
        "tensorflow.sparse.SparseTensor",
        "tensorflow.IndexedSlices",
        "tensorflow.RaggedTensor",
    }
)
#: Rule 9: calls and attributes that take one part of a value (complex parts, named results).
PART_FUNCTIONS = frozenset(
    {
        "tensorflow.math.real",
        "tensorflow.math.imag",
        "tensorflow.real",
        "tensorflow.imag",
        "jax.numpy.real",
        "jax.numpy.imag",
    }
)
PART_ATTRIBUTES = frozenset({"real", "imag", "values", "indices"})
#: Rule 9: builtins that only repackage a sequence result.
REPACKAGING = frozenset({"tuple", "list"})
#: Rule 15: calls that check a value and hand it back unchanged (a fix-up, followed through).
CHECKS = frozenset({"tensorflow.debugging.check_numerics", "tensorflow.ensure_shape"})
#: Rule 15: tensor methods that materialise a lazy view and hand back the same values.
MATERIALISING_METHODS = frozenset({"resolve_conj", "resolve_neg"})
#: Rule 15: rearrangements of the matrix dimensions, followed like :data:`WRAPPERS`.
MATRIX_WRAPPERS = frozenset({"adjoint", "matrix_transpose"})
#: Rule 17: stacking functions: rearrangements like ``concat``, for the pairing of rule 6.
STACKING = frozenset({"hstack", "vstack", "dstack", "column_stack", "row_stack"})
#: Rule 14: dtype names whose branch handles boolean or integer input.
NARROW_DTYPES = frozenset(
    {"bool", "int", "uint", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"}
)
#: Rule 19: parameters naming the axes of a reduction or rearrangement (left off: all axes).
AXIS_PARAMS = frozenset({"axis", "axes", "dim"})
#: Rule 14: parameters that ask for a sparse or ragged result (``if sparse:``).
SPECIAL_FLAGS = frozenset({"sparse", "ragged"})
#: Rule 15: attributes that hand back a value's transpose (``torch.count_nonzero(x).T``).
TRANSPOSE_ATTRIBUTES = frozenset({"T", "mT"})
#: Rule 25: functions the framework documents as a special case of another, by the general one.
SPECIAL_CASES: dict[str, str] = {"tensorflow.nn.bias_add": "tensorflow.add"}
#: Rule 25: pass-throughs (rule 3) that copy their input: the function of an op that only copies.
COPIES = frozenset({"tensorflow.identity"})
#: Rule 22: keras's test for symbolic tensors without data (``get_device() == "meta"``).
SYMBOLIC_DEVICES = frozenset({"meta"})
#: Rule 16: the tensor type whose methods a backend calls on its values.
TENSOR_TYPES: dict[str, str] = {"torch": "torch.Tensor"}
_PRIVATE_TF = ("tensorflow.python.", "tensorflow.compiler.", "tensorflow.core.", "tensorflow.lite.python.")

Strength = Literal["exact", "close", "related"]
Origin = tuple[str, ...]


# -- names ----------------------------------------------------------------------------------------


@dataclass(frozen=True, order=True)
class FunctionName:
    """One framework function: fully qualified name, and how people write it."""

    qualified: str
    """``tensorflow.nn.gelu``, ``torch.nn.functional.gelu``, ``jax.numpy.max``."""
    framework: str
    """``tensorflow``, ``torch`` or ``jax``."""
    label: str
    """The spelling people write: ``tf.nn.gelu``, ``torch.nn.functional.gelu``, ``jnp.max``."""
    alt_labels: tuple[str, ...]
    module: str
    """The module as the label writes it: ``tf.nn``, ``torch.nn.functional``, ``jnp``."""
    id: str
    """Local name of the entity IRI: ``tf_nn_gelu``."""


#: Fully qualified prefix -> (spelling of the label, extra spellings as alternative labels).
_SPELLINGS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("torch.nn.functional.", "torch.nn.functional.", ("F.", "nn.functional.")),
    ("jax.numpy.", "jnp.", ("jax.numpy.",)),
    ("jax.lax.", "jax.lax.", ("lax.",)),
    ("jax.nn.", "jax.nn.", ()),
    ("tensorflow.", "tf.", ("tensorflow.",)),
    ("torch.", "torch.", ()),
    ("jax.", "jax.", ()),
)


def function_name(qualified: str) -> FunctionName:
    """Labels, module and id of the function ``qualified`` (rule 2 spelled out).

    >>> n = function_name("torch.nn.functional.gelu")
    >>> n.label, n.alt_labels, n.module
    ('torch.nn.functional.gelu', ('F.gelu', 'nn.functional.gelu'), 'torch.nn.functional')
    >>> n.id
    'torch_nn_functional_gelu'
    >>> function_name("jax.numpy.max").label, function_name("tensorflow.nn.gelu").alt_labels
    ('jnp.max', ('tensorflow.nn.gelu',))
    """
    framework = qualified.split(".", 1)[0]
    for prefix, spelled, extras in _SPELLINGS:
        if qualified.startswith(prefix):
            rest = qualified[len(prefix) :]
            label = spelled + rest
            alts = tuple(sorted({e + rest for e in extras} - {label}))
            break
    else:  # pragma: no cover - every framework root has a spelling above
        raise ValueError(qualified)
    short_root = "tf" if framework == "tensorflow" else framework
    ident = "_".join([short_root, *qualified.split(".")[1:]])
    return FunctionName(qualified, framework, label, alts, label.rsplit(".", 1)[0], ident)


# -- reading one backend file --------------------------------------------------------------------


def _aliases(tree: ast.Module, backend: str) -> tuple[dict[str, str], dict[str, str]]:
    """(framework aliases, same-backend function imports) of a module (rule 2).

    The first maps a local name to a framework path (``tnn`` -> ``torch.nn.functional``), the
    second a local name to the ``<module>.<function>`` of this backend it was imported from.
    """
    frameworks = set(BACKENDS.values())
    names: dict[str, str] = {}
    delegates: dict[str, str] = {}
    prefix = f"keras.src.backend.{backend}."
    for node in tree.body:
        if isinstance(node, ast.Import):
            for alias in node.names:
                root = alias.name.split(".")[0]
                if root in frameworks:
                    if alias.asname:
                        names[alias.asname] = alias.name
                    else:
                        names[root] = root
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            root = node.module.split(".")[0]
            for alias in node.names:
                local = alias.asname or alias.name
                if root in frameworks:
                    names[local] = f"{node.module}.{alias.name}"
                elif node.module == "keras.src.utils.module_utils" and alias.name in frameworks:
                    names[local] = alias.name  # keras's lazily imported framework module
                elif node.module.startswith(prefix):
                    module = node.module[len(prefix) :]
                    if module in OP_MODULES:
                        delegates[local] = f"{module}.{alias.name}"
    return names, delegates


def _dotted(node: ast.expr) -> str | None:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    parts.append(node.id)
    return ".".join(reversed(parts))


def _public(qualified: str) -> bool:
    if qualified.startswith(_PRIVATE_TF):
        return False
    return not any(part.startswith("_") for part in qualified.split("."))


@dataclass(frozen=True)
class Side:
    """One backend's implementation of an op, as the rules place it."""

    backend: str
    op: str
    """``<module>.<function>`` of the backend, e.g. ``nn.gelu``."""
    path: str
    """File inside the keras package tree, e.g. ``keras/src/backend/torch/nn.py``."""
    line: int
    function: str
    """Fully qualified framework function producing the result."""
    single: bool
    signatures: frozenset[tuple[tuple[Origin, ...], frozenset[tuple[str, Origin]]]]
    """The argument signature of each call of ``function`` (rule 6)."""
    delegated: bool = False
    scaffolding: bool = False
    guarded: bool = False
    """Rule 8: an early exit for degenerate input returns an allocation: at most close."""
    extended: bool = False
    """Placed only by the fallback rules 13-26 (rules 1-12 could not place it)."""
    core: bool = True
    """Rule 13: a composite side's call is the op's core: it takes the op's inputs (and
    constants), and only constants and those inputs are combined with its result."""


@dataclass
class _Module:
    backend: str
    name: str
    path: str
    functions: dict[str, ast.FunctionDef] = field(default_factory=dict)
    frameworks: dict[str, str] = field(default_factory=dict)
    delegates: dict[str, str] = field(default_factory=dict)


def _walk_body(node: ast.AST) -> Iterator[ast.AST]:
    """Every node under ``node``, not entering nested functions, lambdas or classes."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda | ast.ClassDef):
            continue
        yield child
        yield from _walk_body(child)


class _Backend:
    """The op modules of one backend, read and analysed on demand."""

    def __init__(self, root: Path, backend: str) -> None:
        self.backend = backend
        self.modules: dict[str, _Module] = {}
        self._sides: dict[tuple[str, bool], Side | None] = {}
        self._busy: set[tuple[str, bool]] = set()
        self._extended = False
        """Rules 13-26 apply (the fallback analysis of a side rules 1-12 cannot place)."""
        self._composed = False
        """Rule 13 met arithmetic around the producing call: the side is composite."""
        self._impure = False
        """Rule 13: the arithmetic combines the call's result with a computed value."""
        self._aside_of: dict[int, set[int]] = {}
        """Rule 19: per function body (by id), the nodes of branches set aside, in the fallback."""
        for name in OP_MODULES:
            file = root / "keras" / "src" / "backend" / backend / f"{name}.py"
            if not file.is_file():
                continue
            tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
            module = _Module(backend, name, file.relative_to(root).as_posix())
            module.frameworks, module.delegates = _aliases(tree, backend)
            for node in tree.body:
                if isinstance(node, ast.FunctionDef):
                    module.functions[node.name] = node
            self.modules[name] = module

    def ops(self) -> list[str]:
        return sorted(
            f"{m.name}.{f}" for m in self.modules.values() for f in m.functions if not f.startswith("_")
        )

    def resolve(self, module: _Module, func: ast.expr) -> str | None:
        """Rule 2: the public framework function a call's ``func`` names, if any."""
        dotted = _dotted(func)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        base = module.frameworks.get(head)
        if base is None:
            return None
        qualified = f"{base}.{rest}" if rest else base
        return qualified if _public(qualified) and "." in qualified else None

    def side(self, op: str) -> Side | None:
        """Rules 1-12 place the side; rules 13-26 are tried only when they cannot."""
        basic = self._side(op, extended=False)
        return basic if basic is not None else self._side(op, extended=True)

    def _side(self, op: str, extended: bool) -> Side | None:
        key = (op, extended)
        if key not in self._sides:
            if key in self._busy:  # mutual delegation: cannot be placed
                return None
            self._busy.add(key)
            saved = self._extended, self._composed, self._impure
            self._extended, self._composed, self._impure = extended, False, False
            try:
                found = self._analyse(op)
                composed, impure = self._composed, self._impure
            finally:
                self._extended, self._composed, self._impure = saved
            if found is not None and impure:
                found = replace(found, core=False)
            if found is not None and extended:
                found = replace(found, extended=True, single=found.single and not composed)
            self._sides[key] = found
            self._busy.discard(key)
        return self._sides[key]

    def _delegate(self, op: str) -> Side | None:
        """The side of a delegated op, in this analysis's mode (rules 1-12 stay among themselves)."""
        return self.side(op) if self._extended else self._side(op, extended=False)

    def _structural(self, qualified: str) -> bool:
        leaf = _leaf(qualified)
        return leaf in STRUCTURAL or (self._extended and leaf in MATRIX_WRAPPERS)

    def _passes_through(self, qualified: str | None) -> bool:
        """A conversion (rule 3) or, in the fallback, a check that hands its value back (rule 15)."""
        return qualified in CONVERSIONS or (self._extended and qualified in CHECKS)

    def _analyse(self, op: str) -> Side | None:
        module_name, _, name = op.partition(".")
        module = self.modules.get(module_name)
        if module is None or name not in module.functions:
            return None
        fdef = module.functions[name]
        params = _params(fdef)
        rebound = _rebound(fdef, params, module, self)
        special = self._special_input_nodes(module, fdef)
        if self._extended:
            self._aside_of[id(fdef)] = special
        returns = [
            n
            for n in _walk_body(fdef)
            if isinstance(n, ast.Return) and n.value is not None and id(n) not in special
        ]
        placed: list[tuple[ast.Return, str, ast.Call | None, bool, str]] = []
        delegated = adjusted = False
        guarded = bool(special)
        for ret in returns:
            value: ast.expr = ret.value  # type: ignore[assignment]
            if self._trivial(module, fdef, value, params, ret.lineno):
                adjusted = True  # an early exit that hands back an argument or a constant
                continue
            found = self._producing(module, fdef, value, ret.lineno, depth=0)
            if found is None:
                return None
            qualified, call, via = found
            direct = qualified
            core = self._core(module, fdef, qualified, call, ret.lineno)
            if core is not None:
                qualified, call = core
            placed.append((ret, qualified, call, via, direct))
        if self._extended:
            placed, special_case = self._special_cases(placed)
            guarded = guarded or special_case
            if not placed:
                placed = self._copies(module, fdef, returns, params)
        # Rule 8: an early exit returning an allocation (tf.zeros for integer input to isnan).
        if any(q not in SCAFFOLDING and _leaf(q) not in STRUCTURAL for _, q, _, _, _ in placed):
            kept = [p for p in placed if p[1] not in SCAFFOLDING]
            guarded = guarded or len(kept) != len(placed)
            placed = kept
        # Rule 10: a `where` return that masks the value another return hands back (elu's alpha).
        producers = {q for _, q, _, _, _ in placed if _leaf(q) != "where"}
        if len(producers) == 1:
            (target,) = producers
            fixed = []
            for ret, q, call, via, direct in placed:
                if (
                    _leaf(q) == "where"
                    and call is not None
                    and self._masks(module, fdef, call, target, ret.lineno)
                ):
                    q, call, via, direct = target, None, True, target
                fixed.append((ret, q, call, via, direct))
            placed = fixed
        cores = {q for _, q, _, _, _ in placed}
        if len(cores) != 1:
            return None
        function = cores.pop()
        directs = {d for _, _, _, _, d in placed}
        delegated = delegated or any(via for _, _, _, via, _ in placed)
        calls = [c for _, _, c, _, _ in placed if c is not None]
        adjusted = adjusted or directs != {function}
        calls = [c for c in calls if self.resolve(module, c.func) in (function, None)]
        found_calls = {
            q
            for n in _walk_body(fdef)
            if isinstance(n, ast.Call) and id(n) not in special
            for q in (self.resolve(module, n.func),)
            if q is not None
            and q != function
            and not self._passes_through(q)
            and q not in SCAFFOLDING
            and q not in PART_FUNCTIONS
            and not (self._extended and SPECIAL_CASES.get(q) == function)
        }
        others = {q for q in found_calls if not self._structural(q)}
        adjusted = adjusted or bool(found_calls - others)
        unchanged = rebound - _defaulted(fdef)
        at_core = all(self._plain_call(module, c, params, unchanged) for c in calls) and not any(
            _mutated(fdef, ret.value.id, assigned[0], ret.lineno)
            for ret, _, _, _, _ in placed
            if isinstance(ret.value, ast.Name)
            for assigned in (_last_assignment(fdef, ret.value.id, ret.lineno),)
            if assigned is not None
        )
        if delegated:
            target_side = self._delegate_side(module, calls)
            others |= (
                {"<delegate-composite>"} if target_side is not None and not target_side.single else set()
            )
            at_core = at_core and (target_side is None or target_side.core)
        signatures = frozenset(_signature(c, params, rebound) for c in calls)
        return Side(
            backend=self.backend,
            op=op,
            path=module.path,
            line=fdef.lineno,
            function=function,
            single=not others,
            signatures=signatures,
            delegated=delegated or adjusted,
            scaffolding=function in SCAFFOLDING,
            guarded=guarded,
            core=at_core,
        )

    def _special_cases(
        self, placed: list[tuple[ast.Return, str, ast.Call | None, bool, str]]
    ) -> tuple[list[tuple[ast.Return, str, ast.Call | None, bool, str]], bool]:
        """Rule 25: a return producing a documented special case (``tf.nn.bias_add``) of the
        function the other returns produce (``tf.add``) counts as that function (guarded)."""
        general = {q for _, q, _, _, _ in placed if q not in SPECIAL_CASES}
        out, changed = [], False
        for ret, q, call, via, direct in placed:
            if SPECIAL_CASES.get(q) in general and len(general) == 1:
                q, call, via, direct, changed = SPECIAL_CASES[q], None, True, SPECIAL_CASES[q], True
            out.append((ret, q, call, via, direct))
        return out, changed

    def _copies(
        self, module: _Module, fdef: ast.FunctionDef, returns: list[ast.Return], params: set[str]
    ) -> list[tuple[ast.Return, str, ast.Call | None, bool, str]]:
        """Rule 25: an op whose every return hands back an input through a copying pass-through
        (``tf.identity(x)``, :data:`COPIES`), and which calls nothing else, is that function."""
        found: list[tuple[ast.Return, str, ast.Call | None, bool, str]] = []
        for ret in returns:
            value = ret.value
            while (
                isinstance(value, ast.Call)
                and isinstance(value.func, ast.Name)
                and value.func.id in KERAS_CONVERSIONS
                and value.args
            ):
                value = value.args[0]
            if not isinstance(value, ast.Call) or len(value.args) != 1:
                return []
            qualified = self.resolve(module, value.func)
            arg = value.args[0]
            if (
                qualified is None
                or qualified not in COPIES
                or not (isinstance(arg, ast.Name) and arg.id in params)
            ):
                return []
            found.append((ret, qualified, value, True, qualified))
        calls = {self.resolve(module, n.func) for n in _walk_body(fdef) if isinstance(n, ast.Call)}
        if calls - {None} - {q for _, q, _, _, _ in found} - CONVERSIONS - SCAFFOLDING:
            return []
        return found

    def _plain_call(self, module: _Module, call: ast.Call, params: set[str], rebound: set[str]) -> bool:
        """Rule 13: each positional argument of the call is an input of the op, a constant, or one
        input with constants (``x + 3``), never a value computed by other calls nor a combination
        of several inputs (``x1 * x1 + x2 * x2``)."""
        for arg in call.args:
            inputs: set[str] = set()
            if not self._plain(module, arg, params, rebound, inputs) or len(inputs) > 1:
                return False
        return True

    def _plain(
        self, module: _Module, expr: ast.expr, params: set[str], rebound: set[str], inputs: set[str]
    ) -> bool:
        """``expr`` is a constant, an (unchanged or only converted) input of the op, arithmetic of
        those, or a constant built by scaffolding (``tf.constant(3.0, x.dtype)``); inputs met are
        added to ``inputs``."""
        if isinstance(expr, ast.Constant):
            return True
        if isinstance(expr, ast.Starred):
            expr = expr.value
        if isinstance(expr, ast.Name):
            inputs.add(expr.id)
            return expr.id in params and expr.id not in rebound
        if isinstance(expr, ast.BinOp):
            return self._plain(module, expr.left, params, rebound, inputs) and self._plain(
                module, expr.right, params, rebound, inputs
            )
        if isinstance(expr, ast.UnaryOp):
            return self._plain(module, expr.operand, params, rebound, inputs)
        if isinstance(expr, ast.Call):
            func = expr.func
            builds = (isinstance(func, ast.Name) and func.id in KERAS_CONVERSIONS) or (
                self.resolve(module, func) in SCAFFOLDING | CONVERSIONS
            )
            metadata = {"dtype", "shape", "ndim"}
            return builds and all(
                isinstance(a, ast.Constant)
                or (isinstance(a, ast.Attribute) and a.attr in metadata and isinstance(a.value, ast.Name))
                or self._plain(module, a, params, rebound, inputs)
                for a in (*expr.args, *(k.value for k in expr.keywords))
            )
        return False

    def _special_input_nodes(self, module: _Module, fdef: ast.FunctionDef) -> set[int]:
        """Rule 7: ids of the nodes inside branches taken only for sparse or ragged input."""
        mentions: set[str] = set()  # local names computed from a special input type
        for node in _walk_body(fdef):
            if isinstance(node, ast.Assign) and self._mentions_special(module, node.value, set()):
                mentions |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        nodes: set[int] = set()
        for node in _walk_body(fdef):
            if not isinstance(node, ast.If):
                continue
            if self._extended and (_symbolic_test(node.test) or _sequence_test(node.test, fdef)):
                # Rule 22: a branch for symbolic tensors (torch's "meta" device) or for
                # sequence-valued input handles another kind of input, like rule 7.
                for statement in node.body:
                    nodes.add(id(statement))
                    nodes |= {id(n) for n in _walk_body(statement)}
                continue
            if (
                self._extended
                and _ends_in_return(node)
                and (_default_test(node.test, fdef) or _axes_given_test(node.test, fdef))
            ):
                # Rule 22: `if k == 0: return ...` (an option at its default) and `if axes is not
                # None: return ...` (the axes given) are the general case: the rest of the block
                # handles the option given, or the axes left off, and is set aside.
                for statement in _following(fdef, node):
                    nodes.add(id(statement))
                    nodes |= {id(n) for n in _walk_body(statement)}
                continue
            if self._extended and self._narrow_case(module, fdef, node.test):
                # Rule 14: the branch taken for boolean or integer input, or for an option.
                for statement in node.body:
                    nodes.add(id(statement))
                    nodes |= {id(n) for n in _walk_body(statement)}
                continue
            left_off = _left_off(node.test, fdef) if self._extended else None
            if left_off is not None:
                # Rule 19: `if axis is None:` (all axes) is the special case of the reduction
                # over given axes; `if weights is None: ... else:` sets the option given apart.
                for statement in node.body if left_off in AXIS_PARAMS else node.orelse:
                    nodes.add(id(statement))
                    nodes |= {id(n) for n in _walk_body(statement)}
                continue
            test, branch = node.test, node.body
            if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
                test, branch = test.operand, node.orelse
            if self._mentions_special(module, test, mentions):
                for statement in branch:
                    nodes.add(id(statement))
                    nodes |= {id(n) for n in _walk_body(statement)}
        return nodes

    def _narrow_case(self, module: _Module, fdef: ast.FunctionDef, test: ast.expr) -> bool:
        """Rule 14: ``test`` holds for boolean or integer input, for a given optional argument
        (``initial is not None``, ``if retstep:``), for an empty axis (``axis == ()``) or for a
        requested sparse result (``if sparse:``)."""
        options = _option_params(fdef)
        if isinstance(test, ast.Name):
            return test.id in options or (test.id in SPECIAL_FLAGS and test.id in _params(fdef))
        if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.Or):
            return all(_empty_axis_test(v, fdef) for v in test.values)
        if _empty_axis_test(test, fdef) or _empty_shape_test(test):
            return True
        if isinstance(test, ast.Attribute):
            return test.attr in ("is_integer", "is_bool")
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            operand = test.operand
            if isinstance(operand, ast.Attribute) and operand.attr == "is_floating":
                return True
            return (
                isinstance(operand, ast.Call)
                and self.resolve(module, operand.func) == "torch.is_floating_point"
            )
        if not isinstance(test, ast.Compare) or len(test.ops) != 1:
            return False
        op, left, right = test.ops[0], test.left, test.comparators[0]
        if isinstance(op, ast.IsNot | ast.Is):
            # `p is not None` (an optional argument given) or `p is True` (an option switched on)
            if not (isinstance(left, ast.Name) and isinstance(right, ast.Constant)):
                return False
            wanted = None if isinstance(op, ast.IsNot) else True
            if wanted is None and left.id in AXIS_PARAMS:
                return False  # rule 22: the axes given are the general case, not an option
            return right.value is wanted and left.id in options
        if not isinstance(op, ast.Eq | ast.In):
            return False
        strings = [
            e
            for side in (left, right)
            for e in (side.elts if isinstance(side, ast.List | ast.Tuple | ast.Set) else [side])
            if isinstance(e, ast.Constant) and isinstance(e.value, str)
        ]
        return bool(strings) and all(e.value in NARROW_DTYPES for e in strings)

    def _mentions_special(self, module: _Module, expr: ast.expr, names: set[str]) -> bool:
        for node in ast.walk(expr):
            if isinstance(node, ast.Name) and node.id in names:
                return True
            if isinstance(node, ast.Attribute | ast.Name) and self.resolve(module, node) in SPECIAL_INPUTS:
                return True
        return False

    def _masks(self, module: _Module, fdef: ast.FunctionDef, call: ast.Call, target: str, line: int) -> bool:
        """Rule 10: ``where(cond, a, b)`` picks between local values produced by ``target``."""
        names = [a for a in call.args[1:3] if isinstance(a, ast.Name)]
        for arg in names:
            assigned = _last_assignment(fdef, arg.id, line)
            if assigned is None:
                continue
            found = self._producing(module, fdef, assigned[1], assigned[0], depth=1)
            if found is not None and found[0] == target:
                return True
        return False

    def _trivial(
        self, module: _Module, fdef: ast.FunctionDef, value: ast.expr, params: set[str], line: int
    ) -> bool:
        """A return of a parameter or a constant, possibly converted (rule 4's early exits)."""
        for _ in range(8):
            if isinstance(value, ast.Constant) or (isinstance(value, ast.Name) and value.id in params):
                return True
            if (
                self._extended
                and isinstance(value, ast.List | ast.Tuple)
                and all(isinstance(e, ast.Constant) for e in value.elts)
            ):
                return True  # rule 15: a constant list handed back for degenerate input
            if self._extended and self._rearranged_input(module, fdef, value, params, line):
                return True  # rule 23: the input rearranged by hand (x.unsqueeze(a).expand(s))
            if not isinstance(value, ast.Call) or not value.args:
                return False
            func = value.func
            converts = (isinstance(func, ast.Name) and func.id in KERAS_CONVERSIONS) or (
                self.resolve(module, func) in CONVERSIONS
            )
            if not converts:
                return False
            value = value.args[0]
        return False

    def _rearranged_input(
        self, module: _Module, fdef: ast.FunctionDef, value: ast.expr, params: set[str], line: int
    ) -> bool:
        """Rule 23: ``value`` is an input passed only through rearranging tensor methods (at least
        one) and conversions, followed through local names, with no framework call on the way."""
        rearranged = False
        for _ in range(16):
            if isinstance(value, ast.Name):
                assigned = _last_assignment(fdef, value.id, line, self._aside(fdef))
                if assigned is None:
                    return rearranged and value.id in params
                line, value = assigned
                continue
            if not isinstance(value, ast.Call):
                return False
            func = value.func
            if (
                isinstance(func, ast.Attribute)
                and func.attr in STRUCTURAL_METHODS | CAST_METHODS
                and self.resolve(module, func) is None
            ):
                rearranged = rearranged or func.attr in STRUCTURAL_METHODS
                value = func.value
            elif isinstance(func, ast.Name) and func.id in KERAS_CONVERSIONS and value.args:
                value = value.args[0]
            else:
                return False
        return False

    def _core(
        self, module: _Module, fdef: ast.FunctionDef, qualified: str, call: ast.Call | None, line: int
    ) -> tuple[str, ast.Call | None] | None:
        """Rule 4: a structural call wrapped around another framework call stands for that call."""
        seen = 0
        found: tuple[str, ast.Call | None] | None = None
        while call is not None and self._wraps(qualified) and seen < 8:
            seen += 1
            if not call.args or isinstance(call.args[0], ast.Starred):
                break
            inner = self._producing(module, fdef, call.args[0], line, depth=0)
            if inner is None or _leaf(inner[0]) in STRUCTURAL:
                break
            qualified, call, _via = inner
            found = (qualified, call)
        return found

    def _wraps(self, qualified: str) -> bool:
        leaf = _leaf(qualified)
        return leaf in WRAPPERS or (self._extended and leaf in MATRIX_WRAPPERS)

    def _delegate_side(self, module: _Module, calls: Sequence[ast.Call]) -> Side | None:
        for call in calls:
            target = self._delegate_op(module, call.func)
            if target is not None:
                return self._delegate(target)
        return None

    def _delegate_op(self, module: _Module, func: ast.expr) -> str | None:
        if not isinstance(func, ast.Name):
            return None
        if func.id in module.functions:
            return f"{module.name}.{func.id}"
        return module.delegates.get(func.id)

    def _producing(
        self, module: _Module, fdef: ast.FunctionDef, expr: ast.expr, line: int, depth: int
    ) -> tuple[str, ast.Call | None, bool] | None:
        """Rule 4: (framework function, its call, reached by delegation) producing ``expr``."""
        if depth > 12:
            return None
        if isinstance(expr, ast.Name):
            return self._producing_name(module, fdef, expr.id, line, depth)
        if isinstance(expr, ast.Tuple):
            return self._producing_parts(module, fdef, expr, line, depth)
        if (
            isinstance(expr, ast.Attribute)
            and expr.attr in PART_ATTRIBUTES
            and isinstance(expr.value, ast.Call)
        ) or (
            isinstance(expr, ast.Subscript)
            and isinstance(expr.slice, ast.Constant)
            and isinstance(expr.value, ast.Call)
        ):
            # Rule 9: one part of a call's result (torch.sort(x).values, torch.linalg.lstsq(...)[0]).
            return _rearranged(self._producing(module, fdef, expr.value, line, depth + 1))
        if self._extended and isinstance(expr, ast.Attribute) and expr.attr in TRANSPOSE_ATTRIBUTES:
            if isinstance(expr.value, ast.Call):  # rule 15: a transposed result
                return _rearranged(self._producing(module, fdef, expr.value, line, depth + 1))
            return None
        if self._extended and isinstance(expr, ast.BinOp | ast.UnaryOp):
            return self._producing_arithmetic(module, fdef, expr, line, depth)
        if not isinstance(expr, ast.Call):
            return None
        func = expr.func
        if self._extended and isinstance(func, ast.Call):
            # Rule 20: a function a framework transform returns, called (torch.vmap(f)(xs)).
            return _rearranged(self._producing_call(module, fdef, func, line, depth + 1))
        if isinstance(func, ast.Name) and func.id in KERAS_CONVERSIONS:
            return self._first_arg(module, fdef, expr, line, depth)
        if isinstance(func, ast.Name) and func.id in REPACKAGING and func.id not in module.functions:
            if len(expr.args) != 1 or expr.keywords:
                return None
            return _rearranged(self._first_arg(module, fdef, expr, line, depth))
        materialises = (
            self._extended and isinstance(func, ast.Attribute) and func.attr in MATERIALISING_METHODS
        )
        if (
            isinstance(func, ast.Attribute)
            and (func.attr in CAST_METHODS or func.attr in STRUCTURAL_METHODS or materialises)
            and self.resolve(module, func) is None
        ):
            found = self._producing(module, fdef, func.value, line, depth + 1)
            if found is None or func.attr in CAST_METHODS or materialises:
                return found
            return found[0], found[1], True  # rearranged afterwards: at most close
        if self._extended and isinstance(func, ast.Attribute) and self.resolve(module, func) is None:
            method = self._tensor_method(module, fdef, func, line, depth)
            if method is not None:
                return method, expr, True
        return self._producing_call(module, fdef, expr, line, depth)

    def _producing_arithmetic(
        self, module: _Module, fdef: ast.FunctionDef, expr: ast.BinOp | ast.UnaryOp, line: int, depth: int
    ) -> tuple[str, ast.Call | None, bool] | None:
        """Rule 13: arithmetic whose calls all produce one framework function stands for it."""
        params = _params(fdef)
        calls: list[ast.Call] = []
        found_names: list[tuple[str, ast.Call | None, bool]] = []
        stack: list[ast.expr] = [expr]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.BinOp):
                stack += [node.right, node.left]
            elif isinstance(node, ast.UnaryOp):
                stack.append(node.operand)
            elif isinstance(node, ast.Call):
                calls.append(node)
            elif not isinstance(node, ast.Name | ast.Constant | ast.Attribute | ast.Subscript):
                return None  # a comparison, a conditional expression...: not placed
            elif isinstance(node, ast.Name) and node.id not in params:
                # a local value: the call it was assigned (rand_tensor = torch.rand(...)) takes part
                assigned = _last_assignment(fdef, node.id, line, self._aside(fdef))
                if assigned is None or not isinstance(assigned[1], ast.Call):
                    self._impure = True
                    continue
                placed = self._producing_name(module, fdef, node.id, line, depth + 1)
                if placed is None:
                    return None
                if placed[0] not in SCAFFOLDING:
                    found_names.append(placed)
                    if not self._plain_call(module, assigned[1], params, self._changed(module, fdef, params)):
                        self._impure = True
            elif not self._plain(module, node, params, self._changed(module, fdef, params), set()):
                self._impure = True  # the result is combined with a computed value (hypot, glu)
        found: list[tuple[str, ast.Call | None, bool]] = list(found_names)
        for call in calls:
            if self._trivial(module, fdef, call, params, line):
                continue  # a converted argument or constant is an operand, not a producer
            placed = self._producing(module, fdef, call, line, depth + 1)
            if placed is None:
                return None
            if placed[0] not in SCAFFOLDING:
                found.append(placed)
                if not self._plain_call(module, call, params, self._changed(module, fdef, params)):
                    self._impure = True
        if len({f[0] for f in found}) != 1:
            return None
        self._composed = True
        return found[0][0], found[0][1], True

    def _changed(self, module: _Module, fdef: ast.FunctionDef, params: set[str]) -> set[str]:
        """Inputs changed in the body, other than converted or given a default (rule 13)."""
        return _rebound(fdef, params, module, self) - _defaulted(fdef)

    def _tensor_method(
        self, module: _Module, fdef: ast.FunctionDef, func: ast.Attribute, line: int, depth: int
    ) -> str | None:
        """Rule 16: ``x.unbind(axis)`` on a tensor of the backend's framework is ``torch.Tensor.unbind``."""
        tensor = TENSOR_TYPES.get(self.backend)
        receiver = func.value
        if tensor is None or func.attr.startswith("_") or not isinstance(receiver, ast.Name):
            return None
        assigned = _last_assignment(fdef, receiver.id, line)
        if assigned is None:
            known = receiver.id in _params(fdef)
        else:
            value = assigned[1]
            # rule 21: `variable = variable.value` unwraps a keras Variable to its tensor
            unwraps = (
                isinstance(value, ast.Attribute)
                and value.attr == "value"
                and isinstance(value.value, ast.Name)
                and value.value.id == receiver.id
                and receiver.id in _params(fdef)
            )
            known = (
                unwraps
                or _is_conversion_of(value, receiver.id, module, self)
                or (
                    isinstance(value, ast.Call)
                    and isinstance(value.func, ast.Name)
                    and value.func.id in KERAS_CONVERSIONS
                )
            )
        return f"{tensor}.{func.attr}" if known else None

    def _producing_name(
        self, module: _Module, fdef: ast.FunctionDef, name: str, line: int, depth: int
    ) -> tuple[str, ast.Call | None, bool] | None:
        """A local name: its last assignment before ``line`` (rules 4 and 11)."""
        assigned = _last_assignment(fdef, name, line, self._aside(fdef))
        if assigned is None:
            return self._closure(module, fdef, name, depth) if self._extended else None
        at, value = assigned
        if self._extended and _mutated(fdef, name, at, line):
            return None  # `v[i] = u` or `v += u` after the assignment: v is no longer the call's result
        if self._fix_up(module, fdef, name, value, at):
            # Rule 11: `v = _transpose(v)` or `v = where(mask, fill, v)`: follow v before it.
            return _rearranged(self._producing_name(module, fdef, name, at, depth + 1))
        found = self._producing(module, fdef, value, at, depth + 1)
        if found is None:
            return self._other_branches(module, fdef, name, at, depth) if self._extended else None
        for other_line, other in _sibling_assignments(fdef, name, at, self._aside(fdef)):
            # Rule 12: if/elif branches that assign the name must not disagree on the function;
            # a branch that calls no framework function (a keras helper) or only rearranges
            # makes the value adjusted.
            alternative = self._producing(module, fdef, other, other_line, depth + 1)
            function = found[0]
            if alternative is None or (
                alternative[0] != function
                and (_leaf(alternative[0]) in STRUCTURAL or _leaf(function) in STRUCTURAL)
            ):
                found = (function, found[1], True)
            elif alternative[0] != function:
                return None
        return found

    def _aside(self, fdef: ast.FunctionDef) -> set[int]:
        """Rule 19: assignments in branches set aside are not followed (fallback only)."""
        return self._aside_of.get(id(fdef), set()) if self._extended else set()

    def _closure(
        self, module: _Module, fdef: ast.FunctionDef, name: str, depth: int
    ) -> tuple[str, ast.Call | None, bool] | None:
        """Rule 20: a returned nested function whose returns all produce one framework call
        (``def wrapped(*args): return torch.utils.checkpoint.checkpoint(f, *args)``) stands for
        that call, adjusted."""
        nested = [n for n in fdef.body if isinstance(n, ast.FunctionDef) and n.name == name]
        if len(nested) != 1:
            return None
        inner = nested[0]
        returns = [n for n in _walk_body(inner) if isinstance(n, ast.Return) and n.value is not None]
        found = [self._producing(module, inner, r.value, r.lineno, depth + 1) for r in returns]  # type: ignore[arg-type]
        if not found or any(f is None for f in found) or len({f[0] for f in found if f}) != 1:
            return None
        first = found[0]
        assert first is not None
        return first[0], first[1], True

    def _other_branches(
        self, module: _Module, fdef: ast.FunctionDef, name: str, line: int, depth: int
    ) -> tuple[str, ast.Call | None, bool] | None:
        """Rule 18: a branch value that is no framework call gives way to the other branches,
        when they all produce one function (adjusted)."""
        if depth > 12:
            return None
        alternatives = [
            # followed as a name, so that the branches it sits in must agree in turn (rule 12)
            self._producing_name(module, fdef, name, other_line + 1, depth + 1)
            for other_line, _ in _sibling_assignments(fdef, name, line, self._aside(fdef))
        ]
        if not alternatives or any(a is None for a in alternatives):
            return None
        if len({a[0] for a in alternatives if a is not None}) != 1:
            return None
        first = alternatives[0]
        assert first is not None
        return first[0], first[1], True

    def _fix_up(self, module: _Module, fdef: ast.FunctionDef, name: str, value: ast.expr, line: int) -> bool:
        """Rule 11: ``value`` rearranges or masks ``name`` itself and computes nothing new."""
        if not isinstance(value, ast.Call):
            return False
        uses = [a for a in (*value.args, *(k.value for k in value.keywords)) if isinstance(a, ast.Name)]
        if not any(a.id == name for a in uses):
            return False
        qualified = self.resolve(module, value.func)
        if qualified is not None:
            # where(cond, x, v) / where(cond, v, x): v passes through, some entries replaced.
            return _leaf(qualified) == "where" and any(
                isinstance(a, ast.Name) and a.id == name for a in value.args[1:3]
            )
        if (
            self._extended
            and isinstance(value.func, ast.Name)
            and _leaf(self._delegate_op(module, value.func) or "") == "where"
        ):
            # Rule 26: the backend's own `where` op masks like the framework's.
            return any(isinstance(a, ast.Name) and a.id == name for a in value.args[1:3])
        if isinstance(value.func, ast.Name) and value.func.id in module.functions:
            helper = module.functions[value.func.id]
            if not value.func.id.startswith("_"):
                return False  # a public function is an op of its own (delegation, rule 4)
            return self._only_rearranges(module, helper)
        return False

    def _only_rearranges(self, module: _Module, helper: ast.FunctionDef) -> bool:
        """Every return of a private helper produces a rearrangement (reshape, transpose...)."""
        returns = [n for n in _walk_body(helper) if isinstance(n, ast.Return) and n.value is not None]
        if not returns:
            return False
        for ret in returns:
            found = self._producing(module, helper, ret.value, ret.lineno, depth=6)  # type: ignore[arg-type]
            if found is None or _leaf(found[0]) not in STRUCTURAL:
                return False
        calls = {self.resolve(module, n.func) for n in _walk_body(helper) if isinstance(n, ast.Call)} - {None}
        return all(
            _leaf(q) in STRUCTURAL or q in SCAFFOLDING or q in CONVERSIONS for q in calls if q is not None
        )

    def _producing_parts(
        self, module: _Module, fdef: ast.FunctionDef, expr: ast.Tuple, line: int, depth: int
    ) -> tuple[str, ast.Call | None, bool] | None:
        """Rule 9: a tuple of parts of one value (real and imaginary parts) stands for that value."""
        roots: set[str] = set()
        for element in expr.elts:
            root = _part_root(element, lambda f: self.resolve(module, f) in PART_FUNCTIONS)
            if root is None:
                return None
            roots.add(root)
        if len(roots) != 1:
            return None
        return _rearranged(self._producing_name(module, fdef, roots.pop(), line, depth + 1))

    def _producing_call(
        self, module: _Module, fdef: ast.FunctionDef, expr: ast.Call, line: int, depth: int
    ) -> tuple[str, ast.Call | None, bool] | None:
        func = expr.func
        qualified = self.resolve(module, func)
        if qualified is not None:
            if self._passes_through(qualified):
                return self._first_arg(module, fdef, expr, line, depth)
            return qualified, expr, False
        target = self._delegate_op(module, func)
        if target is not None:
            side = self._delegate(target)
            if side is None:
                return None
            return side.function, expr, True
        return None

    def _first_arg(
        self, module: _Module, fdef: ast.FunctionDef, call: ast.Call, line: int, depth: int
    ) -> tuple[str, ast.Call | None, bool] | None:
        if not call.args or isinstance(call.args[0], ast.Starred):
            return None
        return self._producing(module, fdef, call.args[0], line, depth + 1)


def _rearranged(
    found: tuple[str, ast.Call | None, bool] | None,
) -> tuple[str, ast.Call | None, bool] | None:
    return None if found is None else (found[0], found[1], True)


def _part_root(expr: ast.expr, is_part_function: Callable[[ast.expr], bool]) -> str | None:
    """The local name ``expr`` takes a part of (``v.real``, ``tf.math.imag(v)``, ``v[0]``), if any."""
    if isinstance(expr, ast.Attribute) and expr.attr in PART_ATTRIBUTES and isinstance(expr.value, ast.Name):
        return expr.value.id
    if (
        isinstance(expr, ast.Subscript)
        and isinstance(expr.slice, ast.Constant)
        and isinstance(expr.value, ast.Name)
    ):
        return expr.value.id
    if (
        isinstance(expr, ast.Call)
        and len(expr.args) == 1
        and not expr.keywords
        and isinstance(expr.args[0], ast.Name)
        and is_part_function(expr.func)
    ):
        return expr.args[0].id
    return None


def _sibling_assignments(
    fdef: ast.FunctionDef, name: str, line: int, aside: Collection[int] = ()
) -> list[tuple[int, ast.expr]]:
    """Plain ``name = ...`` in the other branches of the if/elif/else holding the one at ``line``."""
    for node in _walk_body(fdef):
        if not isinstance(node, ast.If):
            continue
        branches: list[list[ast.stmt]] = []
        current: ast.If | None = node
        while current is not None:
            branches.append(current.body)
            rest = current.orelse
            if len(rest) == 1 and isinstance(rest[0], ast.If):
                current = rest[0]
            else:
                branches.append(rest)
                current = None
        holder = [b for b in branches if any(s.lineno == line and _assigns(s, name) for s in b)]
        if not holder:
            continue
        out: list[tuple[int, ast.expr]] = []
        for branch in branches:
            if branch is holder[0]:
                continue
            for statement in branch:
                if _assigns(statement, name) and id(statement) not in aside:
                    out.append((statement.lineno, statement.value))  # type: ignore[attr-defined]
        if not all(any(_assigns(s, name) for s in b) for b in branches):
            # A branch (or the missing else) keeps the value from before the if statement.
            before = _last_assignment(fdef, name, node.lineno, aside)
            if before is not None:
                out.append(before)
        return out
    return []


def _assigns(statement: ast.stmt, name: str) -> bool:
    return isinstance(statement, ast.Assign) and any(
        isinstance(t, ast.Name) and t.id == name for t in statement.targets
    )


def _stem(qualified: str) -> str:
    """The name without TensorFlow's ``reduce_`` prefix and without underscores (rule 6):
    ``tf.reduce_sum`` and ``torch.sum``, ``tf.math.is_nan`` and ``torch.isnan`` are named alike."""
    leaf = _leaf(qualified).lower()
    leaf = leaf.removeprefix("reduce_")
    return leaf.replace("_", "")


def _leaf(qualified: str) -> str:
    return qualified.rsplit(".", 1)[-1]


def _option_params(fdef: ast.FunctionDef) -> set[str]:
    """Parameters whose default is ``None`` or ``False`` (options left off by default, rule 14)."""
    args = fdef.args
    positional = [*args.posonlyargs, *args.args]
    pairs = list(zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True))
    pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None]
    return {a.arg for a, d in pairs if isinstance(d, ast.Constant) and d.value in (None, False)}


def _mutated(fdef: ast.FunctionDef, name: str, after: int, before: int) -> bool:
    """``name[...] = ...`` or ``name += ...`` between lines ``after`` and ``before``."""
    for node in _walk_body(fdef):
        if not after < getattr(node, "lineno", 0) < before:
            continue
        if isinstance(node, ast.AugAssign) and isinstance(node.target, ast.Name) and node.target.id == name:
            return True
        if isinstance(node, ast.Assign | ast.AugAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if (
                    isinstance(target, ast.Subscript | ast.Attribute)
                    and isinstance(target.value, ast.Name)
                    and target.value.id == name
                ):
                    return True
    return False


def _left_off(test: ast.expr, fdef: ast.FunctionDef) -> str | None:
    """Rule 19: the option parameter ``test`` finds left off (``p is None``, ``p`` defaulting to None)."""
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Is)
        and isinstance(test.left, ast.Name)
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
        and test.left.id in _option_params(fdef)
    ):
        return test.left.id
    return None


def _ends_in_return(node: ast.If) -> bool:
    return bool(node.body) and isinstance(node.body[-1], ast.Return) and not node.orelse


def _following(fdef: ast.FunctionDef, node: ast.stmt) -> list[ast.stmt]:
    """The statements after ``node`` in the block that holds it (rule 22)."""
    for holder in (fdef, *_walk_body(fdef)):
        for field_name in ("body", "orelse", "finalbody"):
            block = getattr(holder, field_name, None)
            if isinstance(block, list) and any(s is node for s in block):
                index = next(i for i, s in enumerate(block) if s is node)
                return block[index + 1 :]
    return []


def _param_defaults(fdef: ast.FunctionDef) -> dict[str, ast.expr]:
    args = fdef.args
    positional = [*args.posonlyargs, *args.args]
    pairs = list(zip(positional[len(positional) - len(args.defaults) :], args.defaults, strict=True))
    pairs += [(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None]
    return {a.arg: d for a, d in pairs}


def _default_test(test: ast.expr, fdef: ast.FunctionDef) -> bool:
    """Rule 22: ``k == 0`` for a parameter ``k=0`` (an option at its default), alone or ``and``-ed
    with ``isinstance`` checks of it."""
    parts = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]
    defaults = _param_defaults(fdef)
    compared = [
        p
        for p in parts
        if isinstance(p, ast.Compare)
        and len(p.ops) == 1
        and isinstance(p.ops[0], ast.Eq)
        and isinstance(p.left, ast.Name)
        and isinstance(p.comparators[0], ast.Constant)
        and isinstance(defaults.get(p.left.id), ast.Constant)
        and p.comparators[0].value is not None
        and p.comparators[0].value == defaults[p.left.id].value  # type: ignore[attr-defined]
    ]
    checks = [
        p
        for p in parts
        if isinstance(p, ast.Call) and isinstance(p.func, ast.Name) and p.func.id == "isinstance"
    ]
    return len(compared) == 1 and len(compared) + len(checks) == len(parts)


def _axes_given_test(test: ast.expr, fdef: ast.FunctionDef) -> bool:
    """Rule 22: ``axes is not None`` for an axis parameter defaulting to ``None``."""
    return (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.IsNot)
        and isinstance(test.left, ast.Name)
        and test.left.id in AXIS_PARAMS
        and isinstance(test.comparators[0], ast.Constant)
        and test.comparators[0].value is None
        and test.left.id in _option_params(fdef)
    )


def _call_equals(test: ast.expr, function: str) -> ast.Constant | None:
    """The constant in ``function(...) == <constant>``, if ``test`` is exactly that comparison."""
    if (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Eq)
        and isinstance(test.left, ast.Call)
        and isinstance(test.left.func, ast.Name)
        and test.left.func.id == function
        and isinstance(test.comparators[0], ast.Constant)
    ):
        return test.comparators[0]
    return None


def _symbolic_test(test: ast.expr) -> bool:
    """Rule 22: ``get_device() == "meta"``: keras's branch for symbolic tensors without data."""
    constant = _call_equals(test, "get_device")
    return constant is not None and constant.value in SYMBOLIC_DEVICES


def _sequence_test(test: ast.expr, fdef: ast.FunctionDef) -> bool:
    """Rule 22: ``hasattr(p, "__len__")`` (``and``-ed for several inputs): sequence-valued input."""
    parts = test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]
    return all(
        isinstance(p, ast.Call)
        and isinstance(p.func, ast.Name)
        and p.func.id == "hasattr"
        and len(p.args) == 2
        and isinstance(p.args[0], ast.Name)
        and p.args[0].id in _params(fdef)
        and isinstance(p.args[1], ast.Constant)
        and p.args[1].value == "__len__"
        for p in parts
    )


def _empty_shape_test(test: ast.expr) -> bool:
    """Rule 14: ``len(shape) == 0``: the branch for a scalar (empty) shape."""
    constant = _call_equals(test, "len")
    return constant is not None and constant.value == 0


def _empty_axis_test(test: ast.expr, fdef: ast.FunctionDef) -> bool:
    """``axis == ()`` or ``axis == []``: a parameter compared with an empty tuple or list (rule 14)."""
    return (
        isinstance(test, ast.Compare)
        and len(test.ops) == 1
        and isinstance(test.ops[0], ast.Eq)
        and isinstance(test.left, ast.Name)
        and test.left.id in _params(fdef)
        and isinstance(test.comparators[0], ast.Tuple | ast.List)
        and not test.comparators[0].elts
    )


def _params(fdef: ast.FunctionDef) -> set[str]:
    args = fdef.args
    names = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    names += [a.arg for a in (args.vararg, args.kwarg) if a is not None]
    return set(names)


def _is_conversion_of(value: ast.expr, name: str, module: _Module, backend: _Backend) -> bool:
    """``value`` is a helper applied to ``name`` itself (``x = convert_to_tensor(x)``)."""
    if not isinstance(value, ast.Call) or not value.args:
        return False
    first = value.args[0]
    func = value.func
    helper = (isinstance(func, ast.Name) and func.id in KERAS_CONVERSIONS) or (
        backend.resolve(module, func) in CONVERSIONS
    )
    if isinstance(func, ast.Attribute) and func.attr in CAST_METHODS:
        helper, first = True, func.value
    return helper and isinstance(first, ast.Name) and first.id == name


def _rebound(fdef: ast.FunctionDef, params: set[str], module: _Module, backend: _Backend) -> set[str]:
    """Parameters assigned anything but a conversion of themselves in the body."""
    changed: set[str] = set()
    for node in _walk_body(fdef):
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(node, ast.Assign):
            targets, value = list(node.targets), node.value
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets, value = [node.target], None if isinstance(node, ast.AugAssign) else node.value
        for target in targets:
            for sub in ast.walk(target):
                if (
                    isinstance(sub, ast.Name)
                    and sub.id in params
                    and (value is None or not _is_conversion_of(value, sub.id, module, backend))
                ):
                    changed.add(sub.id)
    return changed


def _defaulted(fdef: ast.FunctionDef) -> set[str]:
    """Names assigned only inside ``if name is None:`` (a default filled in for a left-off input)."""
    inside: set[int] = set()
    for node in _walk_body(fdef):
        if not isinstance(node, ast.If) or node.orelse:
            continue
        test = node.test
        if (
            isinstance(test, ast.Compare)
            and isinstance(test.left, ast.Name)
            and isinstance(test.ops[0], ast.Is)
            and isinstance(test.comparators[0], ast.Constant)
            and test.comparators[0].value is None
        ):
            name = test.left.id
            inside |= {id(statement) for statement in node.body if _assigns(statement, name)}
    names: dict[str, bool] = {}
    for node in _walk_body(fdef):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    names[target.id] = names.get(target.id, True) and id(node) in inside
    return {n for n, only in names.items() if only}


def _last_assignment(
    fdef: ast.FunctionDef, name: str, line: int, aside: Collection[int] = ()
) -> tuple[int, ast.expr] | None:
    """(line, value) of the last plain ``name = ...`` before ``line``, not among ``aside``."""
    best: tuple[int, ast.expr] | None = None
    for node in _walk_body(fdef):
        if isinstance(node, ast.Assign) and node.lineno < line and id(node) not in aside:
            for target in node.targets:
                if (
                    isinstance(target, ast.Name)
                    and target.id == name
                    and (best is None or node.lineno > best[0])
                ):
                    best = (node.lineno, node.value)
    return best


def _origin(expr: ast.expr, params: set[str], rebound: set[str]) -> Origin:
    if isinstance(expr, ast.Name) and expr.id in params and expr.id not in rebound:
        return ("param", expr.id)
    if isinstance(expr, ast.Starred) and isinstance(expr.value, ast.Name) and expr.value.id in params:
        return ("star", expr.value.id)
    if isinstance(expr, ast.Constant):
        return ("const", repr(expr.value))
    if isinstance(expr, ast.Name | ast.Starred):
        return ("name",)  # a local value: a parameter changed on the way, or one computed
    return ("expr",)


def _signature(
    call: ast.Call, params: set[str], rebound: set[str]
) -> tuple[tuple[Origin, ...], frozenset[tuple[str, Origin]]]:
    positional = tuple(_origin(a, params, rebound) for a in call.args)
    keywords = frozenset((k.arg or "**", _origin(k.value, params, rebound)) for k in call.keywords)
    return positional, keywords


# -- pairing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """Two framework functions that implement the same keras op in two backends."""

    op: str
    a: Side
    b: Side
    strength: Strength
    extended: bool = False
    """Placed by the fallback rules 13-26 (a side or the pairing rules 1-12 could not place)."""


def _strength(a: Side, b: Side, extended: bool = False) -> Strength | None:
    """Rule 6 (with rule 17's stacking functions counted as rearrangements when ``extended``)."""
    structural = STRUCTURAL | STACKING if extended else STRUCTURAL
    if extended and (_leaf(a.function) in structural) != (_leaf(b.function) in structural):
        # Rule 24: a structural function named like the op (tf.stop_gradient for stop_gradient)
        # against a function that is not structural is the op's own function.
        own = _stem(a.op)
        structural = frozenset(f for f in structural if _stem(f) != own)
    if a.scaffolding or b.scaffolding:
        # Scaffolding answers only an op that is itself the allocation (numpy.zeros -> tf.zeros).
        op_name = a.op.rsplit(".", 1)[-1]
        if not (a.single and b.single and _leaf(a.function) == op_name == _leaf(b.function)):
            return None
    if a.single and b.single:
        if (_leaf(a.function) in structural) != (_leaf(b.function) in structural):
            return None  # a rearrangement on one side only says nothing about the other's function
        if _specialised(a) or _specialised(b) or _constants(a) != _constants(b):
            return "related"
        if _stem(a.function) != _stem(b.function) and (
            a.delegated or b.delegated or a.guarded or b.guarded or _leaf(a.function) in structural
        ):
            # Differently named functions only stand for each other when both are called plainly;
            # an adjusted call (tf.transpose for moveaxis, tf.tensordot for vdot) is a workaround.
            return "related"
        if (
            a.delegated
            or b.delegated
            or a.guarded
            or b.guarded
            or len(a.signatures) != 1
            or a.signatures != b.signatures
        ):
            return "close"
        (positional, keywords) = next(iter(a.signatures))
        plain = all(o[0] in ("param", "const", "star") for o in (*positional, *(v for _, v in keywords)))
        return "exact" if plain else "close"
    if a.single == b.single:
        return None
    composite = b if a.single else a
    if _leaf(composite.function) in structural:
        return None
    return "related"


def _core_pair(a: Side, b: Side) -> bool:
    """Rule 13's soundness check on a pair the fallback rules place: a composite side counts only
    when its function is named like the other side's, or its call is the op's core (:attr:`Side.core`)."""
    if a.single == b.single:
        return True
    composite, other = (b, a) if a.single else (a, b)
    return composite.core or _stem(composite.function) == _stem(other.function)


def _specialised(side: Side) -> bool:
    """The call's first argument is computed, not an argument of the op (rule 6)."""
    return any(positional and positional[0] == ("expr",) for positional, _ in side.signatures)


def _constants(side: Side) -> set[Origin]:
    """Constant positional arguments: one side fixing one the other leaves open specialises it."""
    return {o for positional, _ in side.signatures for o in positional if o[0] == "const"}


@dataclass(frozen=True)
class Extraction:
    """Everything read from one keras version."""

    version: str
    pairs: tuple[Pair, ...]
    functions: tuple[FunctionName, ...]
    ops: dict[str, int]
    """How many public ops each backend defines."""


def extract(root: Path, version: str, backends: Sequence[str] = tuple(BACKENDS)) -> Extraction:
    """Read ``root`` (the directory holding the ``keras`` package) and pair every op."""
    readers = {b: _Backend(root, b) for b in backends}
    ops = {b: r.ops() for b, r in readers.items()}
    pairs: list[Pair] = []
    order = list(backends)
    for i, first in enumerate(order):
        for second in order[i + 1 :]:
            for op in sorted(set(ops[first]) & set(ops[second])):
                a, b = readers[first].side(op), readers[second].side(op)
                if a is None or b is None:
                    continue
                strength = _strength(a, b)
                extended = a.extended or b.extended
                if strength is None:
                    strength, extended = _strength(a, b, extended=True), True
                if extended and not _core_pair(a, b):
                    continue
                if strength is not None:
                    pairs.append(Pair(op, a, b, strength, extended))
    names = {function_name(s.function) for p in pairs for s in (p.a, p.b)}
    ids: dict[str, str] = {}
    for name in sorted(names):
        if ids.setdefault(name.id, name.qualified) != name.qualified:
            raise ValueError(f"two functions share the id {name.id}: {ids[name.id]}, {name.qualified}")
    return Extraction(
        version,
        tuple(sorted(pairs, key=_pair_key)),
        tuple(sorted(names)),
        {b: len(o) for b, o in ops.items()},
    )


def _pair_key(pair: Pair) -> tuple[str, str, str]:
    return (pair.a.backend, pair.b.backend, pair.op)


def find_keras() -> tuple[Path, str]:
    """(directory holding the installed ``keras`` package, its version), without importing it."""
    spec = importlib.util.find_spec("keras")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("keras is not installed: pip install -e '.[keras]'")
    package = Path(next(iter(spec.submodule_search_locations)))
    return package.parent, importlib.metadata.version("keras")


# -- Turtle --------------------------------------------------------------------------------------

_ECOSYSTEM = {"tensorflow": "ent:TensorFlow", "torch": "ent:PyTorch", "jax": "ent:JAX"}
_FRAMEWORK_LABEL = {"tensorflow": "TensorFlow", "torch": "PyTorch", "jax": "JAX"}
_BACKEND_LABEL = {"tensorflow": "TensorFlow", "torch": "torch", "jax": "JAX"}
_STRENGTH = {"exact": "mlkg:Exact", "close": "mlkg:Close", "related": "mlkg:Related"}


def _lit(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def _source_id(version: str) -> str:
    return "src:Keras" + version.replace(".", "_")


def _impl_id(side: Side) -> str:
    return f"ent:KerasImpl_{side.backend}_{side.op.replace('.', '_')}"


def to_turtle(extraction: Extraction) -> str:
    """The named graph's Turtle, every line in a fixed order (byte-for-byte reproducible)."""
    version = extraction.version
    source = _source_id(version)
    names = {n.qualified: n for n in extraction.functions}
    out = [
        "# Function-level counterparts derived from Keras's backend sources by graph/_keras_ops.py.",
        f"# Generated from keras {version} by `make data`; do not edit by hand (the tests regenerate it).",
        "# Facts only: function names, the keras op, file and line on each side. No code.",
        "",
        "@prefix mlkg:    <https://w3id.org/mlkg/ontology#> .",
        "@prefix ent:     <https://w3id.org/mlkg/entity/> .",
        "@prefix src:     <https://w3id.org/mlkg/source/> .",
        "@prefix schema:  <https://schema.org/> .",
        "@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix prov:    <http://www.w3.org/ns/prov#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .",
        "",
        f"{source} a mlkg:Source ;",
        f"    dcterms:title {_lit(f'Keras {version} backend sources (keras/src/backend)')} ;",
        f"    schema:url <{TREE_URL.format(version=version)}> ;",
        f"    schema:softwareVersion {_lit(version)} .",
        "",
    ]
    for name in extraction.functions:
        framework = _FRAMEWORK_LABEL[name.framework]
        out += [
            f"ent:{name.id} a mlkg:FrameworkFunction ;",
            f"    skos:prefLabel {_lit(name.label)} ;",
        ]
        alts = (name.qualified, *name.alt_labels) if name.qualified != name.label else name.alt_labels
        alts = tuple(sorted(set(alts) - {name.label}))
        if alts:
            out.append(f"    skos:altLabel {', '.join(_lit(a) for a in alts)} ;")
        definition = f"A function of the {framework} Python API, in module {name.module}."
        out += [
            f"    skos:definition {_lit(definition)} ;",
            f"    mlkg:apiModule {_lit(name.module)} ;",
            f"    mlkg:ecosystem {_ECOSYSTEM[name.framework]} ;",
            f"    prov:wasDerivedFrom {source} .",
            "",
        ]
    sides = sorted({s for p in extraction.pairs for s in (p.a, p.b)}, key=lambda s: (s.backend, s.op))
    for side in sides:
        url = SOURCE_URL.format(version=version, path=side.path, line=side.line)
        out += [
            f"{_impl_id(side)} a mlkg:KerasImplementation ;",
            f"    rdfs:label {_lit(f'keras {version} {_BACKEND_LABEL[side.backend]} backend: {side.op}')} ;",
            f"    mlkg:kerasOp {_lit(side.op)} ;",
            f"    mlkg:implementedWith ent:{names[side.function].id} ;",
            f"    mlkg:sourceFile {_lit(side.path)} ;",
            f"    mlkg:sourceLine {side.line} ;",
            f"    schema:url <{url}> ;",
            f"    prov:wasDerivedFrom {source} .",
            "",
        ]
    for pair in extraction.pairs:
        first, second = names[pair.a.function], names[pair.b.function]
        ident = f"ent:FCorr_{pair.op.replace('.', '_')}_{pair.a.backend}_{pair.b.backend}"
        how = {
            "exact": "both return one call with the same arguments in the same order",
            "close": "both return one call, with arguments renamed, reordered or computed",
            "related": "one side returns one call, the other composes several calls around its result",
        }[pair.strength]
        evidence = (
            f"keras {version} implements the op {pair.op} with {first.label} in its "
            f"{_BACKEND_LABEL[pair.a.backend]} backend ({pair.a.path} line {pair.a.line}) and with "
            f"{second.label} in its {_BACKEND_LABEL[pair.b.backend]} backend ({pair.b.path} line "
            f"{pair.b.line}); {how}."
        )
        out += [
            f"{ident} a mlkg:FunctionCorrespondence ;",
            f"    rdfs:label {_lit(f'{first.label} corresponds to {second.label} (keras op {pair.op})')} ;",
            f"    mlkg:correspondingFunction ent:{first.id}, ent:{second.id} ;",
            f"    mlkg:implementation {_impl_id(pair.a)}, {_impl_id(pair.b)} ;",
            f"    mlkg:kerasOp {_lit(pair.op)} ;",
            f"    mlkg:strength {_STRENGTH[pair.strength]} ;",
            f"    mlkg:evidence {_lit(evidence)} ;",
            f"    prov:wasDerivedFrom {source} .",
            "",
        ]
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m mlkg.graph._keras_ops",
        description="Write graph/data/keras-functions.ttl from the installed keras package's backends.",
    )
    parser.add_argument("-o", "--output", type=Path, default=DATA_FILE, help="where to write the Turtle")
    parser.add_argument("--check", action="store_true", help="compare with the file instead of writing it")
    args = parser.parse_args(argv)
    root, version = find_keras()
    extraction = extract(root, version)
    text = to_turtle(extraction)
    counts = {s: sum(1 for p in extraction.pairs if p.strength == s) for s in ("exact", "close", "related")}
    summary = (
        f"keras {version}: {len(extraction.pairs)} pairs {counts}, {len(extraction.functions)} functions"
    )
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.is_file() else ""
        if current != text:
            print(f"{args.output} differs from what keras {version} gives: run `make data`", file=sys.stderr)
            return 1
        print(f"{args.output} is up to date ({summary})")
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output} ({summary})")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
