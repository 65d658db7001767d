"""Seeing backprop: the step-by-step trace (printed and animated) and the guide's figures."""
from .animate_gif import save_gif
from .animate_html import render_html, save_html
from .animation import animation_format, save_animation
from .trace import LayerRecord, Trace, record_trace
from .trace_frames import build_frames, check_drawable
from .trace_spec import (GUIDE_PRINTED, GUIDE_SPEC, guide_differences, guide_trace, load_spec, network_from_spec,
                         spec_from_options, trace_from_spec)
from .trace_text import format_trace
from .gradcheck_view import GradcheckResult, format_gradient_check, seeded_gradient_check
from .overfitting import SETUPS as OVERFIT_SETUPS
from .overfitting import OverfitRun, Setup, format_overfit, noisy_sine, overfit, overfit_study
from .sine import SineFit, fit_sine, format_sine, sine_data
from .surfaces import LossSurfaces, format_loss_surfaces, loss_at, loss_surfaces, weight_surface
from .sweep import Sweep, SweepRun, format_sweep, lr_sweep
