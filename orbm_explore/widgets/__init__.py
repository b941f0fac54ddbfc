"""ipywidgets apps: a panel kit (:mod:`.kit`), the correction apps of notebooks 02–03
(:mod:`.correction_apps`) and the classroom app (:mod:`.classroom`).

In JupyterLab run ``%matplotlib widget`` first: the correction apps' figures
are then ipympl canvases updated in place. Under any other backend they are
pictures refreshed on every change. Displaying any app emits the live widget
and a PNG of its figure in one bundle (``image/png``), for handouts.
"""

from ..plots import sampler_bias_figure
from .classroom import ClassroomApp, ExplainingAwayApp, WhyParallelView
from .correction_apps import ApproximationExplorer, CorrectionExplorer, CutExplorer, NotesCellsExplorer
from .kit import App, Blitter, Choice, ControlPanel, Slider, figure_png, show_figure

__all__ = [
    "Slider",
    "Choice",
    "ControlPanel",
    "Blitter",
    "App",
    "CorrectionExplorer",
    "CutExplorer",
    "ApproximationExplorer",
    "NotesCellsExplorer",
    "ExplainingAwayApp",
    "WhyParallelView",
    "ClassroomApp",
    "sampler_bias_figure",
    "show_figure",
    "figure_png",
]
