"""The sources the ecosystem tables were read from (one entry per document), used by
build_ecosystems.py.

Key -> (title, https URL, date or "", weak). Every URL names one document, never a site's front page.
"""

from __future__ import annotations

PT_ECO_COMMIT = "14354fb493bad87cc5f64832dc80ccef4e1ec962"


def _eco(path: str, commit: str = PT_ECO_COMMIT) -> str:
    return f"https://github.com/pytorch/pytorch.github.io/blob/{commit}/_ecosystem/{path}"


SOURCES: dict[str, tuple[str, str, str, bool]] = {
    "TFLibrariesPage": (
        "Libraries & extensions (tensorflow.org)",
        "https://www.tensorflow.org/resources/libraries-extensions",
        "",
        False,
    ),
    "TFAPIModules": (
        "Module: tf, the TensorFlow 2.12 Python API (tensorflow.org)",
        "https://www.tensorflow.org/versions/r2.12/api_docs/python/tf",
        "",
        False,
    ),
    "KerasHubPage": ("KerasHub (keras.io)", "https://keras.io/keras_hub", "", False),
    "KerasHubReadme": (
        "keras-team/keras-hub README (KerasNLP is now KerasHub)",
        "https://raw.githubusercontent.com/keras-team/keras-hub/master/README.md",
        "",
        False,
    ),
    "PyTorchDomainsPage": ("PyTorch domains (pytorch.org)", "https://pytorch.org/domains", "", False),
    "PyTorchDomainsPR1898": (
        "pytorch/pytorch.github.io pull request 1898 (torchao added to the domains page)",
        "https://github.com/pytorch/pytorch.github.io/pull/1898",
        "",
        False,
    ),
    "PyTorchAPIReference": (
        "Reference API (PyTorch documentation)",
        "https://docs.pytorch.org/docs/stable/pytorch-api.html",
        "2025-12-03",
        False,
    ),
    "PyTorchCompilersIndex": (
        "Compilers (PyTorch tutorials)",
        "https://docs.pytorch.org/tutorials/compilers_index.html",
        "",
        False,
    ),
    "PTEcoCaptum": ("PyTorch ecosystem entry: Captum", _eco("Captum"), "", False),
    "PTEcoBoTorch": ("PyTorch ecosystem entry: BoTorch", _eco("botorch"), "", False),
    "PTEcoKornia": ("PyTorch ecosystem entry: Kornia", _eco("kornia"), "", False),
    "PTEcoPyG": ("PyTorch ecosystem entry: PyTorch Geometric", _eco("pytorch-geometric"), "", False),
    "PTEcoPyro": (
        "PyTorch ecosystem entry: Pyro",
        _eco("pyro.md", "0c6a9cc6da59257cc64d9a5373fe951dcde66c7d"),
        "",
        False,
    ),
    "PTEcoOpacus": (
        "PyTorch ecosystem entry: Opacus",
        _eco("opacus", "e23cf21bf7415f5abe62ac5b6c69ab657571ba1f"),
        "2020-10-29",
        False,
    ),
    "PTEcoTorchMetrics": (
        "PyTorch ecosystem entry: TorchMetrics",
        _eco("torchmetrics", "48c32dc3afc7a6c3161eda7e82462e02aede9937"),
        "2021-06-22",
        False,
    ),
    "PTEcoFastai": ("PyTorch ecosystem entry: fastai", _eco("fastai"), "", False),
    "PTEcoMONAI": (
        "PyTorch ecosystem entry: MONAI",
        _eco("monai", "091f1f2fe5bf3c8d914cde4521d5ac8e87b6ca69"),
        "2020-05-01",
        False,
    ),
    "PTEcoDeepSpeed": (
        "PyTorch ecosystem entry: DeepSpeed",
        _eco("deepspeed", "01d86aef04d321f25f9d9e96b8aadcf742d2a4d0"),
        "2020-11-13",
        False,
    ),
    "PTEcoRay": (
        "PyTorch ecosystem entry: Ray",
        _eco("ray", "ea2b1e60a66c4b02c00e2796689d55df3e090373"),
        "2020-08-20",
        False,
    ),
    "PTEcoONNXRuntime": (
        "PyTorch ecosystem entry: ONNX Runtime",
        _eco("onnxrt", "20dc505399f3861d72ad81ce308d3814cefcd37c"),
        "2021-02-01",
        False,
    ),
    "PTEcoHorovod": ("PyTorch ecosystem entry: Horovod", _eco("horovod"), "", False),
    "PTEcoOptuna": (
        "PyTorch ecosystem entry: Optuna",
        _eco("optuna", "0c6a9cc6da59257cc64d9a5373fe951dcde66c7d"),
        "",
        False,
    ),
    "PTEcoFlower": (
        "PyTorch ecosystem entry: Flower",
        _eco("flower", "855f9d8e48b7c4507809e853a2e49d26ebcdeb13"),
        "2022-01-05",
        False,
    ),
    "PTEcoSkorch": (
        "PyTorch ecosystem entry: skorch",
        _eco("skorch", "091f1f2fe5bf3c8d914cde4521d5ac8e87b6ca69"),
        "2019-08-14",
        False,
    ),
    "PTEcoDetectron2": (
        "PyTorch ecosystem entry: Detectron2",
        _eco("detectron2", "0c6a9cc6da59257cc64d9a5373fe951dcde66c7d"),
        "",
        False,
    ),
    "PTEcoPyTorch3D": (
        "PyTorch ecosystem entry: PyTorch3D",
        _eco("pytorch3d", "091f1f2fe5bf3c8d914cde4521d5ac8e87b6ca69"),
        "2020-03-27",
        False,
    ),
    "PTEcoSB3": (
        "PyTorch ecosystem entry: Stable Baselines3",
        _eco("stable-baselines3", "5c151efe3a8d91d39f61c0cb6907f968de1f83f7"),
        "2021-03-29",
        False,
    ),
    "JAXAPIReference": (
        "API Reference (JAX documentation, jax.rst)",
        "https://docs.jax.dev/en/latest/_sources/jax.rst",
        "",
        False,
    ),
    "JAXExportModule": (
        "jax.export module (JAX documentation)",
        "https://docs.jax.dev/en/latest/jax.export.html",
        "",
        False,
    ),
    "JAX201": (
        "JAX 201: performance and scaling (JAX documentation)",
        "https://docs.jax.dev/en/latest/_sources/201/index.rst",
        "",
        False,
    ),
    "JAXAIStackRelease": (
        "jax-ml/jax-ai-stack release 2025.10.28",
        "https://github.com/jax-ml/jax-ai-stack/releases/tag/v2025.10.28",
        "2025-10-28",
        False,
    ),
    "JAXAIStackPyPI": ("jax-ai-stack (PyPI)", "https://pypi.org/project/jax-ai-stack", "", False),
    "FlaxReadme": (
        "google/flax README",
        "https://raw.githubusercontent.com/google/flax/main/README.md",
        "",
        False,
    ),
    # -- second step: TensorFlow's remaining libraries, framework modules, TFX components --------
    "TFLatticeOverview": (
        "TensorFlow Lattice overview (tensorflow.org)",
        "https://www.tensorflow.org/lattice/overview",
        "",
        False,
    ),
    "TFMOTGuide": (
        "TensorFlow model optimization guide (tensorflow.org)",
        "https://www.tensorflow.org/model_optimization/guide",
        "",
        False,
    ),
    "TFPPyPI": (
        "tensorflow-probability 0.25.0 package metadata (PyPI)",
        "https://pypi.org/project/tensorflow-probability/0.25.0/",
        "",
        False,
    ),
    "TFQuantumOverview": (
        "TensorFlow Quantum overview (tensorflow.org)",
        "https://www.tensorflow.org/quantum/overview",
        "",
        False,
    ),
    "TFRankingOverview": (
        "TensorFlow Ranking overview (tensorflow.org)",
        "https://www.tensorflow.org/ranking/overview",
        "",
        False,
    ),
    "TFRecommendersReadme": (
        "tensorflow/recommenders README",
        "https://raw.githubusercontent.com/tensorflow/recommenders/main/README.md",
        "",
        False,
    ),
    "TFTextAPI": (
        "Module: text, the TensorFlow Text API (tensorflow.org)",
        "https://www.tensorflow.org/text/api_docs/python/text",
        "",
        False,
    ),
    "TFTransformGuide": (
        "TensorFlow Transform: overview and installation (tensorflow.org)",
        "https://www.tensorflow.org/tfx/transform/install",
        "",
        False,
    ),
    "TFPrivacyReadme": (
        "tensorflow/privacy repository README",
        "https://github.com/tensorflow/privacy",
        "",
        False,
    ),
    "TFMAGetStarted": (
        "Getting Started with TensorFlow Model Analysis (tensorflow.org)",
        "https://www.tensorflow.org/tfx/model_analysis/get_started",
        "",
        False,
    ),
    "KerasTunerPage": ("KerasTuner (keras.io)", "https://keras.io/keras_tuner/", "", False),
    "LiteRTMicroOverview": (
        "LiteRT for Microcontrollers overview (Google AI Edge)",
        "https://developers.google.com/edge/litert/microcontrollers/overview.md.txt",
        "",
        False,
    ),
    "TFFunctionAPI": (
        "tf.function, TensorFlow 2.14 API (tensorflow.org)",
        "https://www.tensorflow.org/versions/r2.14/api_docs/python/tf/function",
        "",
        False,
    ),
    "TFXLAModule": (
        "Module: tf.xla.experimental (tensorflow.org)",
        "https://www.tensorflow.org/api_docs/python/tf/xla/experimental",
        "",
        False,
    ),
    "SavedModelGuide": (
        "Using the SavedModel format (TensorFlow guide)",
        "https://www.tensorflow.org/guide/saved_model",
        "",
        False,
    ),
    "TFCheckpointAPI": (
        "tf.train.Checkpoint (TensorFlow API)",
        "https://www.tensorflow.org/api_docs/python/tf/train/Checkpoint",
        "",
        False,
    ),
    "TFXComponentsAPI": (
        "Module: tfx.v1.components, the TFX components (tensorflow.org)",
        "https://www.tensorflow.org/tfx/api_docs/python/tfx/v1/components",
        "",
        False,
    ),
    "ExecuTorchEmbedded": (
        "Embedded Systems (ExecuTorch documentation)",
        "https://docs.pytorch.org/executorch/stable/embedded-section.html",
        "",
        False,
    ),
    "OrbaxExport101": (
        "Exporting with Orbax (Orbax documentation)",
        "https://orbax.readthedocs.io/en/latest/guides/export/orbax_export_101.html",
        "",
        False,
    ),
    # -- second step: the sources for the older tools' statuses ---------------------------------
    "CoralProducts": (
        "Coral products (Google for Developers)",
        "https://developers.google.cn/coral/products",
        "",
        False,
    ),
    "MediaPipePyPI": (
        "mediapipe 1.2.3 package metadata (PyPI)",
        "https://pypi.org/project/mediapipe/1.2.3/",
        "",
        False,
    ),
    "TFModelsPyPI": (
        "tf-models-official 2.20.0 package metadata (PyPI)",
        "https://pypi.org/project/tf-models-official/2.20.0/",
        "",
        False,
    ),
    "LightningPyPI": (
        "pytorch-lightning 2.6.6 package metadata (PyPI)",
        "https://pypi.org/project/pytorch-lightning/2.6.6/",
        "",
        False,
    ),
    "SpeechBrainPyPI": (
        "speechbrain 1.1.2 package metadata (PyPI)",
        "https://pypi.org/project/speechbrain/1.1.2/",
        "",
        False,
    ),
    "TensorBoardPyPI": (
        "tensorboard 2.21.0 package metadata (PyPI)",
        "https://pypi.org/project/tensorboard/2.21.0/",
        "",
        False,
    ),
    "TFJSPyPI": (
        "tensorflowjs 4.22.0 package metadata (PyPI)",
        "https://pypi.org/project/tensorflowjs/4.22.0/",
        "",
        False,
    ),
    "TFServingAPIPyPI": (
        "tensorflow-serving-api 2.21.0 package metadata (PyPI)",
        "https://pypi.org/project/tensorflow-serving-api/2.21.0/",
        "",
        False,
    ),
    "TorchCodecPyPI": (
        "torchcodec 0.17.0 package metadata (PyPI)",
        "https://pypi.org/project/torchcodec/0.17.0/",
        "",
        False,
    ),
    "TorchVisionPyPI": (
        "torchvision 0.29.1 package metadata (PyPI)",
        "https://pypi.org/project/torchvision/0.29.1/",
        "",
        False,
    ),
    "TFXPyPI": (
        "tfx 1.21.0 package metadata (PyPI)",
        "https://pypi.org/project/tfx/1.21.0/",
        "",
        False,
    ),
    "VertexAIPyPI": (
        "google-cloud-aiplatform 2.7.0, the Vertex AI client library (PyPI)",
        "https://pypi.org/project/google-cloud-aiplatform/2.7.0/",
        "",
        False,
    ),
    "Keras3PyPI": (
        "keras 3.0.0 package description (PyPI)",
        "https://pypi.org/project/keras/3.0.0/",
        "",
        False,
    ),
    "TorchXPR1119": (
        "meta-pytorch/torchx pull request 1119 (retiring the kfp and airflow pipeline adapters)",
        "https://github.com/meta-pytorch/torchx/pull/1119",
        "2025-09-16",
        False,
    ),
    "TorchElasticDocs": (
        "Torch Distributed Elastic (PyTorch 2.8 documentation)",
        "https://docs.pytorch.org/docs/2.8/distributed.elastic.html",
        "",
        False,
    ),
    "TFPlaygroundPR248": (
        "tensorflow/playground pull request 248 (README rewrite, open)",
        "https://github.com/tensorflow/playground/pull/248",
        "2026-04-26",
        True,
    ),
    # A community-curated list, not the projects' own pages: flagged weak.
    "AwesomeJAX": (
        "n2cholas/awesome-jax (community-curated list)",
        "https://github.com/n2cholas/awesome-jax",
        "",
        True,
    ),
}
