"""Seeing backprop: the step-by-step trace (printed and animated) and the guide's figures."""
from .animate_gif import save_gif
from .animate_html import render_html, save_html
from .animation import animation_format, save_animation
from .trace import LayerRecord, Trace, record_trace
from .trace_frames import build_frames
from .trace_spec import (GUIDE_PRINTED, GUIDE_SPEC, guide_differences, guide_trace, load_spec, network_from_spec,
                         spec_from_options, trace_from_spec)
from .trace_text import format_trace
