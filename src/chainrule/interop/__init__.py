"""chainrule in the wider ecosystem (each needs its optional extra, imported only when used):

- ``chainrule.interop.sklearn`` (``pip install "chainrule[sklearn]"``): ``ChainruleClassifier`` and
  ``ChainruleRegressor``, scikit-learn estimators (also importable as ``chainrule.sklearn``);
- ``chainrule.interop.torch`` (``pip install "chainrule[torch]"``): ``to_torch``, ``from_torch`` and
  ``torch_loss``, to move a Network to PyTorch and back.
"""
