"""chainrule predict names what a model reads: a digit for the guide's MNIST models, an image for a model trained on
other data or given its own class names."""
from chainrule import Network
from chainrule.project.inference import model_subject


def _model(**metadata):
    net = Network([784, 4, 3], seed=0)
    net.metadata = metadata
    return net


def test_a_model_of_the_guides_digits_reads_digits():
    assert model_subject(_model()) == "digit"                                  # no settings: the guide's data
    assert model_subject(_model(config={"source": "sample"})) == "digit"
    assert model_subject(_model(config={"source": "full"})) == "digit"


def test_a_model_of_other_data_reads_images():
    assert model_subject(_model(config={"source": "/data/fashion.npz"})) == "image"
    assert model_subject(_model(config={"source": "auto"}, class_names=["T-shirt", "Trouser", "Pullover"])) == "image"
