"""Colours and shapes shared by every view: one colour per family of kinds, one shape per ecosystem."""

from __future__ import annotations

import hashlib

#: A handful of colour families, one fill each: the kind is read from the family's colour and
#: the legend, the ecosystem from the border and shape. No family fill shares a hue with an
#: ecosystem border (TensorFlow orange, PyTorch blue) or the purple counterpart lines.
FAMILIES: dict[str, tuple[str, str]] = {
    "frameworks": ("Frameworks and libraries", "#34a58e"),
    "modules": ("Framework modules", "#c7b8ea"),
    "tools": ("Tools", "#f7d44c"),
    "hubs": ("Models, hubs and platforms", "#e36f8c"),
    "people": ("People and organisations", "#a1887f"),
    "releases": ("Releases and features", "#cbd5e1"),
    "other": ("Other", "#f5f0e6"),
}

#: The family of each of the ontology's kinds (the asserted class's local name).
KIND_FAMILIES: dict[str, str] = {
    "Framework": "frameworks",
    "Library": "frameworks",
    "HighLevelAPI": "frameworks",
    "VisionLibrary": "frameworks",
    "TextLibrary": "frameworks",
    "AudioLibrary": "frameworks",
    "SpeechToolkit": "frameworks",
    "DataLibrary": "frameworks",
    "DomainLibrary": "frameworks",
    "FrameworkModule": "modules",
    "ServingTool": "tools",
    "OnDeviceTool": "tools",
    "BrowserTool": "tools",
    "DistributedTrainingTool": "tools",
    "VisualizationTool": "tools",
    "EducationalTool": "tools",
    "HardwareKit": "tools",
    "ApplicationToolkit": "tools",
    "PipelineComponent": "tools",
    "JobLauncher": "tools",
    "ModelHub": "hubs",
    "ModelZoo": "hubs",
    "Model": "hubs",
    "MLPlatform": "hubs",
    "CloudPlatform": "hubs",
    "OnlineService": "hubs",
    "Person": "people",
    "Organization": "people",
    "ResearchLab": "people",
    "ResearchProject": "people",
    "Release": "releases",
    "Feature": "releases",
    "Technology": "other",
    "ProgrammingLanguage": "other",
}

#: Fill colour per kind: its family's.
KIND_COLOURS: dict[str, str] = {kind: FAMILIES[family][1] for kind, family in KIND_FAMILIES.items()}

#: Border colour and vis-network shape per ecosystem; anything else gets a hashed colour.
ECOSYSTEM_STYLES: dict[str, tuple[str, str]] = {
    "TensorFlow": ("#e8710a", "square"),
    "PyTorch": ("#1d4ed8", "diamond"),
    "JAX": ("#111827", "triangle"),
}
NO_ECOSYSTEM = "none"
NEUTRAL_STYLE = ("#9ca3af", "dot")
OTHER_SHAPE = "triangle"

#: Counterpart line colour by strength.
STRENGTH_COLOURS: dict[str, str] = {"Exact": "#7e22ce", "Close": "#9333ea", "Related": "#c084fc"}
RELATION_COLOUR = "#9ca3af"


def _hashed(name: str) -> str:
    hue = int(hashlib.sha256(name.encode()).hexdigest()[:4], 16) % 360
    return f"hsl({hue}, 55%, 62%)"


def kind_family(kind: str) -> str:
    """The colour family of a kind: fixed for the ontology's classes, "other" otherwise."""
    return KIND_FAMILIES.get(kind, "other")


def kind_colour(kind: str) -> str:
    """The fill colour of a kind: its family's."""
    return FAMILIES[kind_family(kind)][1]


def ecosystem_style(ecosystem: str | None) -> tuple[str, str]:
    """(border colour, shape) for an ecosystem id; ``None`` is framework-neutral."""
    if ecosystem is None or ecosystem == NO_ECOSYSTEM:
        return NEUTRAL_STYLE
    return ECOSYSTEM_STYLES.get(ecosystem) or (_hashed(ecosystem), OTHER_SHAPE)


def strength_colour(strength: str | None) -> str:
    """Line colour of a counterpart link of this strength."""
    return STRENGTH_COLOURS.get(strength or "", STRENGTH_COLOURS["Related"])
