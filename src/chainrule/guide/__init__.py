"""The guide's examples, run on chainrule.

One function per block of *Training and Backpropagation* that computes something, numbered as in
what-the-code-prints.md. Each does its block's work with chainrule's public API and returns the text the
guide's code prints, formatted exactly as the guide's print statements format it, so a reader can diff
their own output against it. Where the guide's printed "Expected output" differs, the errata say why
(docs/errata.md, shipped as ``chainrule errata``: ``errata.py``).

    >>> from chainrule.guide import run_block
    >>> print(run_block(10))
    Prediction: 0.6913
    Target:     1.0000
    MSE loss:   0.0953
"""
from .blocks import BLOCKS, FRAGMENTS, Block, get_block, run_block

__all__ = ["BLOCKS", "FRAGMENTS", "Block", "get_block", "run_block"]
