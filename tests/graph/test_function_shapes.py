"""The function-layer shapes (ontology/shapes.ttl) are SHACL-SPARQL, run in Oxigraph: for each
shape a conforming example passes and each kind of fault is still found, with its message."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from mlkg.graph._validation import validate_store
from mlkg.ontology import ONTOLOGY_GRAPH, ONTOLOGY_PATH

PREFIXES = """
@prefix mlkg: <https://w3id.org/mlkg/ontology#> .
@prefix ent: <https://w3id.org/mlkg/entity/> .
@prefix src: <https://w3id.org/mlkg/source/> .
@prefix schema: <https://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""

#: One function per framework, one implementation per side, one correspondence: conforms.
GOOD = {
    "source": """src:K a mlkg:Source ; dcterms:title "Keras backends" ;
        schema:url <https://github.com/keras-team/keras> .""",
    "tf": """ent:tf_nn_gelu a mlkg:FrameworkFunction ; skos:prefLabel "tf.nn.gelu" ;
        mlkg:apiModule "tf.nn" ; mlkg:ecosystem ent:TensorFlow ; prov:wasDerivedFrom src:K .""",
    "torch": """ent:torch_gelu a mlkg:FrameworkFunction ; skos:prefLabel "torch.gelu" ;
        mlkg:apiModule "torch" ; mlkg:ecosystem ent:PyTorch ; prov:wasDerivedFrom src:K .""",
    "impl_tf": """ent:KI_tf a mlkg:KerasImplementation ; mlkg:implementedWith ent:tf_nn_gelu ;
        mlkg:sourceFile "keras/src/backend/tensorflow/nn.py" ; mlkg:sourceLine 10 ;
        schema:url <https://github.com/keras-team/keras/blob/v3/nn.py#L10> .""",
    "impl_torch": """ent:KI_torch a mlkg:KerasImplementation ; mlkg:implementedWith ent:torch_gelu ;
        mlkg:sourceFile "keras/src/backend/torch/nn.py" ; mlkg:sourceLine 12 ;
        schema:url <https://github.com/keras-team/keras/blob/v3/torch/nn.py#L12> .""",
    "corr": """ent:FC a mlkg:FunctionCorrespondence ; rdfs:label "gelu" ;
        mlkg:correspondingFunction ent:tf_nn_gelu, ent:torch_gelu ;
        mlkg:implementation ent:KI_tf, ent:KI_torch ; mlkg:kerasOp "nn.gelu" ;
        mlkg:strength mlkg:Close ; prov:wasDerivedFrom src:K .""",
}


def violations(parts: dict[str, str], extra: str = "") -> set[tuple[str, str | None, str]]:
    store = ox.Store()
    store.load(path=str(ONTOLOGY_PATH), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(ONTOLOGY_GRAPH))
    frameworks = (
        "ent:TensorFlow a mlkg:Framework ; skos:prefLabel 'TensorFlow' . ent:PyTorch a mlkg:Framework ."
    )
    text = PREFIXES + "\n".join(parts.values()) + "\n" + extra
    store.load(text.encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:data"))
    store.load((PREFIXES + frameworks).encode(), format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode("urn:fw"))
    ours = ("FrameworkFunction", "function correspondence", "framework function", "backend implementation")
    return {
        (v.focus_node.rsplit("/", 1)[-1], v.path, v.message)
        for v in validate_store(store, {"urn:data": "data.ttl", "urn:fw": "fw.ttl"})
        if any(word in v.message for word in ours)
    }


def test_the_conforming_example_passes() -> None:
    assert violations(GOOD) == set()


SKOS = "http://www.w3.org/2004/02/skos/core#"
MLKG = "https://w3id.org/mlkg/ontology#"
PROV = "http://www.w3.org/ns/prov#"

CASES = [
    # FrameworkFunctionShape
    (
        "tf",
        GOOD["tf"].replace('skos:prefLabel "tf.nn.gelu" ;', ""),
        "tf_nn_gelu",
        SKOS + "prefLabel",
        "exactly one skos:prefLabel",
    ),
    (
        "tf",
        GOOD["tf"].replace('"tf.nn.gelu"', '"tf.nn.gelu", "tf.gelu"'),
        "tf_nn_gelu",
        SKOS + "prefLabel",
        "exactly one skos:prefLabel",
    ),
    (
        "tf",
        GOOD["tf"].replace('"tf.nn.gelu"', '""'),
        "tf_nn_gelu",
        SKOS + "prefLabel",
        "exactly one skos:prefLabel",
    ),
    (
        "tf",
        GOOD["tf"].replace("ent:TensorFlow", "src:K"),
        "tf_nn_gelu",
        MLKG + "ecosystem",
        "exactly one framework",
    ),
    (
        "tf",
        GOOD["tf"].replace('mlkg:apiModule "tf.nn" ;', "mlkg:apiModule 3 ;"),
        "tf_nn_gelu",
        MLKG + "apiModule",
        "mlkg:apiModule",
    ),
    (
        "tf",
        GOOD["tf"].replace("prov:wasDerivedFrom src:K", "prov:wasDerivedFrom ent:PyTorch"),
        "tf_nn_gelu",
        PROV + "wasDerivedFrom",
        "framework function needs a source",
    ),
    # FunctionCorrespondenceShape
    (
        "corr",
        GOOD["corr"].replace("ent:tf_nn_gelu, ent:torch_gelu", "ent:torch_gelu"),
        "FC",
        MLKG + "correspondingFunction",
        "exactly two framework functions",
    ),
    (
        "corr",
        GOOD["corr"].replace("ent:KI_tf, ent:KI_torch", "ent:KI_tf, ent:tf_nn_gelu"),
        "FC",
        MLKG + "implementation",
        "two backend implementations",
    ),
    (
        "corr",
        GOOD["corr"].replace("mlkg:Close", "mlkg:Stated"),
        "FC",
        MLKG + "strength",
        "exactly one mlkg:strength",
    ),
    (
        "corr",
        GOOD["corr"].replace('mlkg:kerasOp "nn.gelu" ;', ""),
        "FC",
        MLKG + "kerasOp",
        "names its Keras op",
    ),
    (
        "corr",
        GOOD["corr"].replace("prov:wasDerivedFrom src:K", "rdfs:comment 'x'"),
        "FC",
        PROV + "wasDerivedFrom",
        "function correspondence needs a source",
    ),
    # KerasImplementationShape
    (
        "impl_tf",
        GOOD["impl_tf"].replace("mlkg:implementedWith ent:tf_nn_gelu", "mlkg:implementedWith src:K"),
        "KI_tf",
        MLKG + "implementedWith",
        "exactly one framework function",
    ),
    (
        "impl_tf",
        GOOD["impl_tf"].replace('mlkg:sourceFile "keras/src/backend/tensorflow/nn.py" ;', ""),
        "KI_tf",
        MLKG + "sourceFile",
        "mlkg:sourceFile",
    ),
    (
        "impl_tf",
        GOOD["impl_tf"].replace("mlkg:sourceLine 10", 'mlkg:sourceLine "10"'),
        "KI_tf",
        MLKG + "sourceLine",
        "mlkg:sourceLine",
    ),
    (
        "impl_tf",
        GOOD["impl_tf"].replace(
            " ;\n        schema:url <https://github.com/keras-team/keras/blob/v3/nn.py#L10> .", " ."
        ),
        "KI_tf",
        "https://schema.org/url",
        "links its tagged source",
    ),
]


@pytest.mark.parametrize(("part", "text", "focus", "path", "message"), CASES)
def test_each_fault_is_found_with_its_message(
    part: str, text: str, focus: str, path: str, message: str
) -> None:
    assert text != GOOD[part], "the case must change the example"
    found = violations(GOOD | {part: text})
    assert any(f == focus and p == path and message in m for f, p, m in found), found


def test_two_functions_of_one_framework_are_still_refused() -> None:
    bad = GOOD["torch"].replace("ent:PyTorch", "ent:TensorFlow")
    found = violations(GOOD | {"torch": bad})
    assert any(f == "FC" and "different frameworks" in m for f, _, m in found), found
