"""Colours and shapes shared by every view: one colour per kind, one shape per ecosystem."""

from __future__ import annotations

import hashlib

#: Fill colour per kind (the asserted class's local name). Tools get warm colours by role.
KIND_COLOURS: dict[str, str] = {
    "Framework": "#4e79a7",
    "Library": "#76b7b2",
    "Release": "#9c755f",
    "Feature": "#c9c2bd",
    "ServingTool": "#e15759",
    "OnDeviceTool": "#f28e2b",
    "BrowserTool": "#ffbe7d",
    "ModelHub": "#59a14f",
    "ModelZoo": "#8cd17d",
    "HighLevelAPI": "#d37295",
    "MLPlatform": "#fabfd2",
    "PipelineComponent": "#f7d6e0",
    "CloudPlatform": "#b6992d",
    "JobLauncher": "#f1ce63",
    "VisionLibrary": "#499894",
    "TextLibrary": "#86bcb6",
    "AudioLibrary": "#a0cbe8",
    "SpeechToolkit": "#6f9fd8",
    "DataLibrary": "#ff9d9a",
    "DistributedTrainingTool": "#e17c8a",
    "VisualizationTool": "#d4a6c8",
    "EducationalTool": "#fde3a7",
    "HardwareKit": "#b9a36b",
    "ApplicationToolkit": "#ffb38a",
    "Person": "#edc948",
    "Organization": "#b07aa1",
    "ResearchLab": "#9d7fc4",
    "ResearchProject": "#c5b0d5",
    "Model": "#98df8a",
    "Technology": "#bab0ac",
    "ProgrammingLanguage": "#aec7e8",
    "OnlineService": "#dbdb8d",
}

#: Border colour and vis-network shape per ecosystem; anything else gets a hashed colour.
ECOSYSTEM_STYLES: dict[str, tuple[str, str]] = {
    "TensorFlow": ("#e8710a", "square"),
    "PyTorch": ("#1d4ed8", "diamond"),
}
NO_ECOSYSTEM = "none"
NEUTRAL_STYLE = ("#4b5563", "dot")
OTHER_SHAPE = "triangle"

#: Counterpart line colour by strength.
STRENGTH_COLOURS: dict[str, str] = {"Exact": "#7e22ce", "Close": "#9333ea", "Related": "#c084fc"}
RELATION_COLOUR = "#9ca3af"


def _hashed(name: str) -> str:
    hue = int(hashlib.sha256(name.encode()).hexdigest()[:4], 16) % 360
    return f"hsl({hue}, 55%, 62%)"


def kind_colour(kind: str) -> str:
    """The fill colour of a kind: fixed for the ontology's classes, stable-hashed otherwise."""
    return KIND_COLOURS.get(kind) or _hashed(kind)


def ecosystem_style(ecosystem: str | None) -> tuple[str, str]:
    """(border colour, shape) for an ecosystem id; ``None`` is framework-neutral."""
    if ecosystem is None or ecosystem == NO_ECOSYSTEM:
        return NEUTRAL_STYLE
    return ECOSYSTEM_STYLES.get(ecosystem) or (_hashed(ecosystem), OTHER_SHAPE)


def strength_colour(strength: str | None) -> str:
    """Line colour of a counterpart link of this strength."""
    return STRENGTH_COLOURS.get(strength or "", STRENGTH_COLOURS["Related"])
